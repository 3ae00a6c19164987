//! `Gen`, the coroutine object `#[coro::coroutine]` returns: a step closure over the state enum.

use core::iter::FusedIterator;
use core::pin::Pin;

use crate::{Coroutine, CoroutineState};

/// A coroutine made of a step closure: each resume calls the closure once.
///
/// The closure returns `Some(state)` for a resume that ran, and `None` when the coroutine had
/// already completed; [`Gen`] turns that `None` into a clear panic (for [`Coroutine::resume`]) or
/// into the end of iteration (for [`Iterator::next`], so a `Gen` is a fused iterator).
///
/// `#[coro::coroutine]` builds a `Gen` around the `move` closure that drives its state enum; you
/// can also build one by hand, as `std::iter::from_fn` builds an iterator:
///
/// ```
/// use coro::{CoroutineExt, CoroutineState, Gen};
///
/// let mut n = 0;
/// let mut counter = Gen::new(move |step: u32| {
///     n += step;
///     Some(if n < 10 { CoroutineState::Yielded(n) } else { CoroutineState::Complete("ten") })
/// });
/// assert_eq!(counter.send(4), CoroutineState::Yielded(4));
/// assert_eq!(counter.send(7), CoroutineState::Complete("ten"));
/// ```
///
/// A `Gen` is always `Unpin`: the state machines the macro writes never borrow from themselves,
/// so moving one between resumes is always sound. It is `Send` when its state is, and `Clone`
/// when its state is (ask for it with `#[coro::coroutine(clone)]`).
#[derive(Clone)]
#[must_use = "a coroutine does nothing until resumed: resume it, iterate it, or delegate to it with `yield_from!`"]
pub struct Gen<F> {
    step: F,
}

// A `Gen` never hands out a pinned reference to its closure, so pinning it promises nothing
// about the closure: it may be moved freely whatever the closure holds.
impl<F> Unpin for Gen<F> {}

impl<F> Gen<F> {
    /// Wraps a step closure with no bound to guide its signature (see
    /// `__private::gen_for_any_lifetime`).
    pub(crate) fn from_step(step: F) -> Self {
        Gen { step }
    }

    /// Wraps a step closure. The closure's signature fixes the resume, yield and return types.
    ///
    /// ```
    /// use coro::{CoroutineState, Gen};
    ///
    /// let once = Gen::new(|(): ()| Some(CoroutineState::<(), u8>::Complete(1)));
    /// # let _ = once;
    /// ```
    pub fn new<A, Y, R>(step: F) -> Self
    where
        F: FnMut(A) -> Option<CoroutineState<Y, R>>,
    {
        Gen { step }
    }
}

impl<F, A, Y, R> Coroutine<A> for Gen<F>
where
    F: FnMut(A) -> Option<CoroutineState<Y, R>>,
{
    type Yield = Y;
    type Return = R;

    #[inline]
    #[track_caller]
    fn resume(self: Pin<&mut Self>, arg: A) -> CoroutineState<Y, R> {
        match (self.get_mut().step)(arg) {
            Some(state) => state,
            None => crate::__private::resumed_after_completion(),
        }
    }
}

/// A coroutine whose resume type is `()` is an iterator over its yielded values; the return
/// value is dropped. After the end, `next` keeps returning `None`.
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
impl<F, Y, R> Iterator for Gen<F>
where
    F: FnMut(()) -> Option<CoroutineState<Y, R>>,
{
    type Item = Y;

    #[inline]
    fn next(&mut self) -> Option<Y> {
        match (self.step)(()) {
            Some(CoroutineState::Yielded(y)) => Some(y),
            Some(CoroutineState::Complete(_)) | None => None,
        }
    }
}

impl<F, Y, R> FusedIterator for Gen<F> where F: FnMut(()) -> Option<CoroutineState<Y, R>> {}

impl<F> core::fmt::Debug for Gen<F> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Gen").finish_non_exhaustive()
    }
}
