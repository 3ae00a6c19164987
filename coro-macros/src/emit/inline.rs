//! Whether the step closure is `#[inline(always)]`.

use proc_macro2::TokenStream;
use quote::quote;

/// A step closure of fewer tokens than this is written `#[inline(always)]`: LLVM then inlines it
/// into `Gen`'s `resume` and `next` wherever they are called, and a chain of coroutines resumed
/// through one another (`yield_from!`, a boxed sub-coroutine) becomes one function in which the
/// nested states live in registers and the steady path of every level folds away, as rustc's own
/// coroutines do. Left to its heuristics, LLVM stops inlining after the first levels (a step
/// that delegates calls its delegate's `resume` in two places: the first and the later resumes).
/// Bigger steps are left to LLVM, so that copies of a large body stay where it decides.
const INLINE_ALWAYS_TOKENS: usize = 3000;

/// The number of tokens in `tokens` (groups count as one, plus their contents), counting up to
/// `cap` only.
fn token_count_up_to(tokens: &TokenStream, cap: usize) -> usize {
    let mut n = 0;
    for t in tokens.clone() {
        n += 1;
        if let proc_macro2::TokenTree::Group(g) = t {
            n += token_count_up_to(&g.stream(), cap.saturating_sub(n));
        }
        if n >= cap {
            break;
        }
    }
    n
}

/// `#[inline(always)]` for a step `body` of fewer than [`INLINE_ALWAYS_TOKENS`] tokens.
pub(super) fn step_attribute(body: &TokenStream) -> TokenStream {
    if token_count_up_to(body, INLINE_ALWAYS_TOKENS) < INLINE_ALWAYS_TOKENS {
        quote!(#[inline(always)])
    } else {
        quote!()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_tokens_inside_groups_up_to_the_cap() {
        let t = quote!(a(b, c) { d });
        assert_eq!(token_count_up_to(&t, 100), 7);
        assert_eq!(token_count_up_to(&t, 3), 3);
        assert!(step_attribute(&t).to_string().contains("always"));
        let big: TokenStream = (0..INLINE_ALWAYS_TOKENS).map(|_| quote!(x)).collect();
        assert!(step_attribute(&big).is_empty());
    }
}
