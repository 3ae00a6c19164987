//! Conveniences for driving `Unpin` coroutines without spelling `Pin::new`.

use core::pin::Pin;

use crate::{Coroutine, CoroutineState, Iter};

/// Helpers available on every [`Coroutine`]; the ones that resume need `Self: Unpin`, which every
/// coroutine made by `#[coro::coroutine]` is.
///
/// ```
/// use coro::{CoroutineExt, CoroutineState};
///
/// #[coro::coroutine(yield = f64, resume = f64)]
/// fn averager() {
///     let (mut total, mut count) = (0.0, 0.0);
///     let mut average = 0.0;
///     loop {
///         let value = yield_!(average);
///         total += value;
///         count += 1.0;
///         average = total / count;
///     }
/// }
///
/// let mut avg = averager();
/// avg.send(0.0); // prime: run to the first yield_!
/// assert_eq!(avg.send(10.0), CoroutineState::Yielded(10.0));
/// assert_eq!(avg.send(20.0), CoroutineState::Yielded(15.0));
/// ```
pub trait CoroutineExt<A>: Coroutine<A> {
    /// Resumes the coroutine with `arg` (Python's `gen.send(arg)`).
    ///
    /// ```
    /// use coro::{CoroutineExt, CoroutineState};
    ///
    /// #[coro::coroutine(yield = String, resume = &'static str)]
    /// fn echo() {
    ///     let mut said = yield_!(String::new());
    ///     loop {
    ///         said = yield_!(said.to_uppercase());
    ///     }
    /// }
    ///
    /// let mut e = echo();
    /// e.send("ignored");
    /// assert_eq!(e.send("hi"), CoroutineState::Yielded("HI".to_string()));
    /// ```
    fn send(&mut self, arg: A) -> CoroutineState<Self::Yield, Self::Return>
    where
        Self: Unpin,
    {
        Pin::new(self).resume(arg)
    }

    /// An iterator over the yielded values of a coroutine resumed with `()`; its
    /// [`Iter::return_value`] holds the return value once the iterator ended.
    ///
    /// ```
    /// use coro::CoroutineExt;
    ///
    /// #[coro::coroutine(yield = u8)]
    /// fn two() -> &'static str {
    ///     yield_!(1);
    ///     yield_!(2);
    ///     "end"
    /// }
    ///
    /// let mut it = two().yields();
    /// assert_eq!(it.by_ref().sum::<u8>(), 3);
    /// assert_eq!(it.return_value(), Some(&"end"));
    /// ```
    fn yields(self) -> Iter<Self>
    where
        Self: Sized + Unpin + Coroutine<(), Return = <Self as Coroutine<A>>::Return>,
    {
        Iter::new(self)
    }
}

impl<C: Coroutine<A> + ?Sized, A> CoroutineExt<A> for C {}
