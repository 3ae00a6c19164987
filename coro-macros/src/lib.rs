//! The `#[coro::coroutine]` attribute. Depend on the `coro` crate, which re-exports it.
//!
//! The expansion is a pipeline of small stages, each its own module, in the order data flows:
//! [`args`] parses the attribute's options, [`check`] rejects what cannot work, [`signature`]
//! prepares the outer fn's signature, [`lower`] explodes the statements that contain a yield
//! into a graph of blocks ([`ir`]), [`liveness`] decides which locals each state saves, and
//! [`emit`] writes the state enum and the step closure.

mod args;
mod check;
mod detect;
mod emit;
mod expand;
mod ir;
mod liveness;
mod lower;
mod names;
mod rewrite;
mod signature;
mod uses;

use proc_macro::TokenStream;

/// Rewrites a fn whose body uses `yield_!` / `yield_from!` into a coroutine: the fn returns a
/// `coro::Gen` implementing `coro::Coroutine<A, Yield = Y, Return = R>`.
///
/// Options: `yield = Y` and `resume = A` (each defaults to `()`), `clone` (make the coroutine
/// `Clone`), `crate = path` (where the `coro` crate is, default `::coro`).
///
/// ```
/// #[coro::coroutine(yield = u32)]
/// fn countdown(n: u32) {
///     for i in (1..=n).rev() {
///         yield_!(i);
///     }
/// }
///
/// assert_eq!(countdown(3).collect::<Vec<_>>(), [3, 2, 1]);
/// ```
#[proc_macro_attribute]
pub fn coroutine(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(args.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

#[cfg(test)]
mod snapshots;
