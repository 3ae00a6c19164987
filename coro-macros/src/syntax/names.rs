//! Names the generated code introduces, and whether the user's code mentions a name.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::Ident;

/// A name for generated locals and labels: mixed-site hygiene keeps the user's code from seeing
/// it, so a user's own `state` or `arg` never clashes with ours.
pub fn hidden(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

/// Whether `name` appears as an identifier anywhere in `tokens`.
pub fn mentions(tokens: &TokenStream, name: &str) -> bool {
    tokens.clone().into_iter().any(|tt| match tt {
        TokenTree::Ident(i) => i == name,
        TokenTree::Group(g) => mentions(&g.stream(), name),
        _ => false,
    })
}

/// The first of `candidates` that the user's tokens never mention (for the state enum's name,
/// which, being an item, is not hygienic).
pub fn unused_name(tokens: &TokenStream, candidates: &[&str]) -> Ident {
    let name = candidates
        .iter()
        .find(|c| !mentions(tokens, c))
        .copied()
        .unwrap_or("__CoroState");
    Ident::new(name, Span::call_site())
}

/// Whether `tokens` are one identifier (a local, a temporary): a value with nothing left to
/// compute and no temporaries of its own.
pub fn is_a_name(tokens: &TokenStream) -> bool {
    let mut it = tokens.clone().into_iter();
    matches!((it.next(), it.next()), (Some(TokenTree::Ident(_)), None))
}
