//! The `Coroutine` trait and the value a resume produces.
//!
//! The shape mirrors the unstable `std::ops::Coroutine`, so moving code between the two is a
//! rename.

use core::ops::DerefMut;
use core::pin::Pin;

/// What one [`Coroutine::resume`] produced: a yielded value, or the return value.
///
/// ```
/// use coro::CoroutineState;
///
/// let s: CoroutineState<u8, &str> = CoroutineState::Yielded(3);
/// assert_eq!(s.yielded(), Some(3));
/// let s: CoroutineState<u8, &str> = CoroutineState::Complete("end");
/// assert_eq!(s.complete(), Some("end"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CoroutineState<Y, R> {
    /// The coroutine suspended at a `yield_!` and handed out this value.
    Yielded(Y),
    /// The coroutine ran to its end and returned this value.
    Complete(R),
}

impl<Y, R> CoroutineState<Y, R> {
    /// The yielded value, if this is `Yielded`.
    ///
    /// ```
    /// use coro::CoroutineState;
    /// assert_eq!(CoroutineState::<u8, ()>::Yielded(7).yielded(), Some(7));
    /// ```
    pub fn yielded(self) -> Option<Y> {
        match self {
            CoroutineState::Yielded(y) => Some(y),
            CoroutineState::Complete(_) => None,
        }
    }

    /// The return value, if this is `Complete`.
    ///
    /// ```
    /// use coro::CoroutineState;
    /// assert_eq!(CoroutineState::<(), u8>::Complete(7).complete(), Some(7));
    /// ```
    pub fn complete(self) -> Option<R> {
        match self {
            CoroutineState::Yielded(_) => None,
            CoroutineState::Complete(r) => Some(r),
        }
    }

    /// Whether the coroutine has finished.
    ///
    /// ```
    /// use coro::CoroutineState;
    /// assert!(CoroutineState::<(), u8>::Complete(7).is_complete());
    /// assert!(!CoroutineState::<u8, ()>::Yielded(7).is_complete());
    /// ```
    pub fn is_complete(&self) -> bool {
        matches!(self, CoroutineState::Complete(_))
    }
}

/// A computation that can suspend itself, handing out a `Yield` value, and be resumed with an
/// argument of type `A`, until it completes with a `Return` value.
///
/// `#[coro::coroutine]` implements it for you; the first `resume` runs the body from its start to
/// the first `yield_!`, and its argument is not seen by the body (as Python primes a generator
/// with `next()`; [`CoroutineExt::start`](crate::CoroutineExt::start) is that priming call). Every
/// later resume's argument becomes the value of the `yield_!` expression the coroutine is
/// suspended at.
///
/// ```
/// use coro::{Coroutine, CoroutineState};
/// use std::pin::Pin;
///
/// #[coro::coroutine(yield = u64, resume = u64)]
/// fn running_sum(start: u64) -> String {
///     let mut total = start;
///     for x in vec![1u64, 2, 3] {
///         let got = yield_!(total + x);
///         total += got;
///     }
///     format!("total={total}")
/// }
///
/// let mut c = running_sum(10);
/// assert_eq!(Pin::new(&mut c).resume(0), CoroutineState::Yielded(11)); // 0 is not seen
/// assert_eq!(Pin::new(&mut c).resume(100), CoroutineState::Yielded(112));
/// assert_eq!(Pin::new(&mut c).resume(100), CoroutineState::Yielded(213));
/// assert_eq!(Pin::new(&mut c).resume(1), CoroutineState::Complete("total=211".to_string()));
/// ```
///
/// # Unused coroutines
///
/// The trait is `#[must_use]`, as `Future` and `Iterator` are: a coroutine does nothing until it
/// is resumed, so a call whose coroutine is dropped unused (`helper();` in a body where
/// `yield_from!(helper());` was meant) warns (`unused_must_use`). The warning reaches every
/// `impl Coroutine` a `#[coro::coroutine]` fn returns and every `Box<dyn Coroutine>`; for a
/// generator resumed with `()`, which is also an `Iterator`, rustc may quote `Iterator`'s
/// message instead of this trait's.
///
/// ```compile_fail
/// #![deny(unused_must_use)]
///
/// #[coro::coroutine(yield = u32)]
/// fn numbers() {
///     yield_!(1);
/// }
///
/// #[coro::coroutine(yield = u32)]
/// fn forgetful() {
///     numbers(); // error: unused implementer of `Iterator` (a generator is one too) that must be used
///     yield_!(2);
/// }
/// ```
#[must_use = "a coroutine does nothing until resumed: resume it, iterate it, or delegate to it with `yield_from!`"]
pub trait Coroutine<A = ()> {
    /// The type of the values handed out at each `yield_!`.
    type Yield;
    /// The type of the value the coroutine completes with.
    type Return;

    /// Runs the coroutine until it yields or completes.
    ///
    /// # Panics
    ///
    /// Coroutines made by `#[coro::coroutine]` panic when resumed after they completed, and when
    /// resumed after a panic escaped from their body (they are then poisoned).
    fn resume(self: Pin<&mut Self>, arg: A) -> CoroutineState<Self::Yield, Self::Return>;
}

impl<C, A> Coroutine<A> for &mut C
where
    C: Coroutine<A> + Unpin + ?Sized,
{
    type Yield = C::Yield;
    type Return = C::Return;

    fn resume(self: Pin<&mut Self>, arg: A) -> CoroutineState<Self::Yield, Self::Return> {
        C::resume(Pin::new(&mut **self.get_mut()), arg)
    }
}

impl<C, A> Coroutine<A> for Box<C>
where
    C: Coroutine<A> + Unpin + ?Sized,
{
    type Yield = C::Yield;
    type Return = C::Return;

    fn resume(self: Pin<&mut Self>, arg: A) -> CoroutineState<Self::Yield, Self::Return> {
        C::resume(Pin::new(&mut **self.get_mut()), arg)
    }
}

impl<P, A> Coroutine<A> for Pin<P>
where
    P: DerefMut,
    P::Target: Coroutine<A>,
{
    type Yield = <P::Target as Coroutine<A>>::Yield;
    type Return = <P::Target as Coroutine<A>>::Return;

    fn resume(self: Pin<&mut Self>, arg: A) -> CoroutineState<Self::Yield, Self::Return> {
        <P::Target as Coroutine<A>>::resume(self.as_deref_mut(), arg)
    }
}
