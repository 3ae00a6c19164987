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
/// avg.start(); // prime: run to the first yield_!
/// assert_eq!(avg.send(10.0), CoroutineState::Yielded(10.0));
/// assert_eq!(avg.send(20.0), CoroutineState::Yielded(15.0));
/// ```
pub trait CoroutineExt<A>: Coroutine<A> {
    /// Resumes the coroutine with `arg` (Python's `gen.send(arg)`).
    ///
    /// The first resume runs the body from its start to its first `yield_!`, where there is no
    /// `yield_!` expression yet to receive a value: **the first `send`'s argument is never seen
    /// by the body**. Prime a fresh coroutine with [`start`](CoroutineExt::start) instead (Python's
    /// `next(gen)`), and `send` the values that matter after it.
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
    /// e.start(); // runs to the first yield_!; `e.send("lost")` would do the same, losing "lost"
    /// assert_eq!(e.send("hi"), CoroutineState::Yielded("HI".to_string()));
    /// ```
    fn send(&mut self, arg: A) -> CoroutineState<Self::Yield, Self::Return>
    where
        Self: Unpin,
    {
        Pin::new(self).resume(arg)
    }

    /// Primes the coroutine: runs it from its start to its first `yield_!` (or to its end) and
    /// returns what it yielded there, like Python's `next(gen)` on a fresh generator.
    ///
    /// The body never sees the argument of its first resume, so `start` passes
    /// `A::default()` and asks for none: `()` for a plain generator, `None` for an `Option`
    /// resume type (Python sends `None` too), `0` for numbers, [`Reply::Start`](crate::rt::Reply::Start)
    /// for a task. That is also what `yield_from!` primes a delegate with, so a coroutine behaves
    /// the same whether it is started by hand or delegated to. A resume type without a sensible
    /// default can still be primed with [`send`](CoroutineExt::send) and any value.
    ///
    /// `start` is meant for a coroutine that has not run yet; called later, it is a
    /// `send(A::default())`, which the body does see.
    ///
    /// ```
    /// use coro::{CoroutineExt, CoroutineState};
    ///
    /// #[coro::coroutine(yield = String, resume = i32)]
    /// fn accumulate() -> i32 {
    ///     let mut total = 0;
    ///     loop {
    ///         let n = yield_!(format!("total {total}"));
    ///         if n == 0 {
    ///             return total;
    ///         }
    ///         total += n;
    ///     }
    /// }
    ///
    /// let mut acc = accumulate();
    /// assert_eq!(acc.start(), CoroutineState::Yielded("total 0".to_string()));
    /// assert_eq!(acc.send(5), CoroutineState::Yielded("total 5".to_string()));
    /// assert_eq!(acc.send(0), CoroutineState::Complete(5));
    /// ```
    fn start(&mut self) -> CoroutineState<Self::Yield, Self::Return>
    where
        Self: Unpin,
        A: Default,
    {
        Pin::new(self).resume(A::default())
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
