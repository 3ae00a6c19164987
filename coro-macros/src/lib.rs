//! The `#[coro::coroutine]` attribute. Depend on the `coro` crate, which re-exports it.
//!
//! The expansion is a pipeline of small stages, each its own module, in the order data flows
//! (`expand.rs` is the driver): `args` parses the attribute's options, `check` rejects what
//! cannot work, `signature` prepares the outer fn's signature, `lower` explodes the statements
//! that contain a yield into a graph of blocks (`ir`), `liveness` decides which locals each state
//! saves, `borrowck` reports a borrow of the coroutine's own local kept across a yield, `layout`
//! decides the state machine's plan, and `emit` writes the state enum and the step closure.
//! `syntax` holds what every stage knows about user code, Rust's binding rules among it.

mod args;
mod bits;
mod borrowck;
mod check;
mod discovery;
mod edition;
mod emit;
mod expand;
mod ir;
mod layout;
mod liveness;
mod lower;
mod reborrow;
mod rewrite;
mod signature;
mod syntax;

use proc_macro::TokenStream;

/// Rewrites a fn whose body uses `yield_!` / `yield_from!` into a coroutine: the fn returns a
/// `coro::Gen` implementing `coro::Coroutine<A, Yield = Y, Return = R>`.
///
/// Options:
///
/// - `yield = Y` and `resume = A`: the types handed out by `yield_!` and passed in by each
///   resume (each defaults to `()`; with `resume = ()` the coroutine is also an `Iterator`).
/// - `clone`: make the coroutine `Clone`, so a suspended one can be forked.
/// - `task`: the coroutine is a task (or a piece of one) of the `coro::rt` event loop. Short for
///   `yield = coro::rt::Request, resume = coro::rt::Reply` (with `crate = path`,
///   `path::rt::Request` / `path::rt::Reply`); a `yield_from!` in a task coroutine also records
///   its source location in the requests it passes up, which the loop's `dump()` shows. No
///   import is needed.
/// - `boxed`: return a `coro::Boxed<'_, A, Y, R>` (the coroutine on the heap, behind a trait
///   object) instead of an `impl Coroutine`: a named type, so the fn can delegate to itself
///   (`yield_from!(walk(child))` in `walk`, which an opaque return type refuses with E0720), as
///   `async-recursion` does for async fns. Costs one allocation per call and a virtual call per
///   resume; not with `clone`.
/// - `crate = path`: where the `coro` crate is, default `::coro` (for crates that re-export it).
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
///
/// A recursive one, with `boxed`:
///
/// ```
/// enum Tree {
///     Leaf(u32),
///     Node(Vec<Tree>),
/// }
///
/// #[coro::coroutine(yield = u32, boxed)]
/// fn leaves(t: &Tree) {
///     match t {
///         Tree::Leaf(v) => yield_!(*v),
///         Tree::Node(children) => {
///             for c in children {
///                 yield_from!(leaves(c));
///             }
///         }
///     }
/// }
///
/// let t = Tree::Node(vec![Tree::Leaf(1), Tree::Node(vec![Tree::Leaf(2)])]);
/// assert_eq!(leaves(&t).collect::<Vec<_>>(), [1, 2]);
/// ```
#[proc_macro_attribute]
pub fn coroutine(args: TokenStream, item: TokenStream) -> TokenStream {
    let (args, item) = (
        proc_macro2::TokenStream::from(args),
        proc_macro2::TokenStream::from(item),
    );
    // Every failure is meant to be a `syn::Error`; should a bug still panic, the user gets a
    // compile error on the attribute instead of "proc macro panicked".
    let span = proc_macro2::Span::call_site();
    let result =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| expand::expand(args, item)));
    match result {
        Ok(Ok(tokens)) => tokens.into(),
        Ok(Err(e)) => e.into_compile_error().into(),
        Err(payload) => {
            // The panic's message helps whoever fixes it; the panic hook has printed it too.
            let why = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            syn::Error::new(
                span,
                format!("internal error in #[coro::coroutine]: the expansion failed on this fn ({why}); please report it with the fn's source"),
            )
            .into_compile_error()
            .into()
        }
    }
}

#[cfg(test)]
mod snapshots;

#[cfg(test)]
mod stages;

#[cfg(test)]
mod robustness;
