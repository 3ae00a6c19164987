//! The runtime half of [`coro`](https://docs.rs/coro): the [`Coroutine`] trait, its
//! [`CoroutineState`], the [`Gen`] wrapper that `#[coro::coroutine]` returns, [`Boxed`] (a
//! coroutine on the heap, for recursion), and small adapters ([`CoroutineExt`]).
//!
//! Users depend on the `coro` crate, which re-exports everything here; the examples below are
//! written the way users write them.
//!
//! ```
//! use coro::{CoroutineExt, CoroutineState};
//!
//! #[coro::coroutine(yield = u32)]
//! fn two_numbers() -> &'static str {
//!     yield_!(1);
//!     yield_!(2);
//!     "done"
//! }
//!
//! let mut c = two_numbers();
//! assert_eq!(c.send(()), CoroutineState::Yielded(1));
//! assert_eq!(c.send(()), CoroutineState::Yielded(2));
//! assert_eq!(c.send(()), CoroutineState::Complete("done"));
//! ```
// One module needs `unsafe` (`__private::raw_mut`, with its argument); nothing else may.
#![deny(unsafe_code)]
#![warn(missing_docs)]
// Doc examples are compiled as users' code; an import they do not use misleads the reader.
#![doc(test(attr(deny(unused_imports))))]

mod boxed;
mod coroutine;
mod ext;
mod gen;
mod iter;
pub mod rt;

pub use boxed::Boxed;
pub use coroutine::{Coroutine, CoroutineState};
pub use ext::CoroutineExt;
pub use gen::Gen;
pub use iter::Iter;

#[doc(hidden)]
pub mod __private;
