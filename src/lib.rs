//! Generator-style coroutines on stable Rust.
//!
//! `#[coro::coroutine]` rewrites an ordinary `fn` whose body uses [`yield_!`] and
//! [`yield_from!`] into an explicit, resumable state machine (read it with `cargo expand`).
//! The fn then returns a coroutine object implementing [`Coroutine`]: each
//! [`resume`](Coroutine::resume) runs the body to its next `yield_!`, hands the yielded value
//! out, and the next resume's argument becomes the value of that `yield_!` expression.
//!
//! ```
//! use coro::{CoroutineExt, CoroutineState};
//!
//! #[coro::coroutine(yield = u64, resume = u64)]
//! fn running_sum(start: u64) -> String {
//!     let mut total = start;
//!     for x in vec![1u64, 2, 3] {
//!         let got = yield_!(total + x); // the argument of the NEXT resume
//!         total += got;
//!     }
//!     format!("total={total}")
//! }
//!
//! let mut c = running_sum(10);
//! assert_eq!(c.send(0), CoroutineState::Yielded(11)); // the first argument is not seen
//! assert_eq!(c.send(5), CoroutineState::Yielded(17));
//! assert_eq!(c.send(5), CoroutineState::Yielded(23));
//! assert_eq!(c.send(5), CoroutineState::Complete("total=25".to_string()));
//! ```
//!
//! Write the attribute by its path, `#[coro::coroutine]`: rustc has a built-in attribute named
//! `coroutine`, so an imported bare `#[coroutine]` is ambiguous (E0659).
//!
//! With the default resume type `()`, the coroutine is also an [`Iterator`] over its yields:
//!
//! ```
//! #[coro::coroutine(yield = u32)]
//! fn countdown(n: u32) {
//!     for i in (1..=n).rev() {
//!         yield_!(i);
//!     }
//! }
//!
//! assert_eq!(countdown(3).collect::<Vec<_>>(), [3, 2, 1]);
//! ```
//!
//! See `docs/expansion.md` for how the macro lowers a body, and `docs/errors.md` for the
//! compile errors it reports.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use coro_macros::coroutine;
pub use coro_runtime::rt;
pub use coro_runtime::rt::run;
pub use coro_runtime::{Boxed, Coroutine, CoroutineExt, CoroutineState, Gen, Iter};

#[doc(hidden)]
pub mod __private {
    pub use coro_runtime::__private::*;
}

/// Suspends the enclosing `#[coro::coroutine]` fn, handing `value` out to the caller of
/// `resume`; evaluates to the argument of the next resume.
///
/// `yield_!()` yields `()`. Only meaningful inside a fn marked `#[coro::coroutine]`, whose
/// attribute rewrites it; anywhere else this macro is a compile error.
///
/// ```
/// use coro::{CoroutineExt, CoroutineState};
///
/// #[coro::coroutine(yield = &'static str, resume = i32)]
/// fn ask() -> i32 {
///     let a = yield_!("first?");
///     let b = yield_!("second?");
///     a + b
/// }
///
/// let mut c = ask();
/// assert_eq!(c.send(0), CoroutineState::Yielded("first?"));
/// assert_eq!(c.send(2), CoroutineState::Yielded("second?"));
/// assert_eq!(c.send(3), CoroutineState::Complete(5));
/// ```
#[macro_export]
macro_rules! yield_ {
    ($($tokens:tt)*) => {
        ::core::compile_error!(
            "`yield_!` can only be used directly in the body of a fn marked `#[coro::coroutine]`"
        )
    };
}

/// Delegates to another coroutine until it completes (Python's `yield from`, PEP 380): every
/// value it yields is yielded out, every resume argument is passed in, and the expression
/// evaluates to its return value.
///
/// The delegate must be `Unpin` (everything `#[coro::coroutine]` makes is; box-pin anything
/// else with `Box::pin`). Its first resume happens when `yield_from!` is reached and receives
/// `A::default()` (its body never sees the first argument), so a coroutine whose resume type `A`
/// is not `()` needs `A: Default` to use `yield_from!`.
///
/// ```
/// use coro::CoroutineExt;
///
/// #[coro::coroutine(yield = u32)]
/// fn inner(from: u32) -> u32 {
///     yield_!(from);
///     yield_!(from + 1);
///     from * 10
/// }
///
/// #[coro::coroutine(yield = u32)]
/// fn outer() -> u32 {
///     let a = yield_from!(inner(1));
///     let b = yield_from!(inner(5));
///     a + b
/// }
///
/// let mut it = outer().yields();
/// assert_eq!(it.by_ref().collect::<Vec<_>>(), [1, 2, 5, 6]);
/// assert_eq!(it.return_value(), Some(&60));
/// ```
#[macro_export]
macro_rules! yield_from {
    ($($tokens:tt)*) => {
        ::core::compile_error!(
            "`yield_from!` can only be used directly in the body of a fn marked `#[coro::coroutine]`"
        )
    };
}

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;

/// docs/expansion.md's examples, compiled and run as doc tests (the expansion `cargo expand`
/// prints is shown as text: it is output, not code to write).
#[cfg(doctest)]
#[doc = include_str!("../docs/expansion.md")]
struct ExpansionGuideExamples;

/// docs/errors.md, so that a Rust sample added to it is compiled too.
#[cfg(doctest)]
#[doc = include_str!("../docs/errors.md")]
struct ErrorCatalogueExamples;

/// docs/benchmarks*.md, so that a Rust sample added to them is compiled too.
#[cfg(doctest)]
#[doc = include_str!("../docs/benchmarks.md")]
#[doc = include_str!("../docs/benchmarks-runtime.md")]
#[doc = include_str!("../docs/benchmarks-echo.md")]
struct BenchmarkReportExamples;
