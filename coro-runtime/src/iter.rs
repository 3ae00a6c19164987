//! `Iter`: any `Unpin` coroutine resumed with `()` seen as an iterator over its yields.

use core::iter::FusedIterator;
use core::pin::Pin;

use crate::{Coroutine, CoroutineState};

/// Iterator over the values a coroutine yields; made by [`CoroutineExt::yields`](crate::CoroutineExt::yields).
///
/// Unlike iterating a `Gen` directly, it keeps the coroutine's return value.
///
/// ```
/// use coro::{Coroutine, CoroutineExt};
///
/// #[coro::coroutine(yield = char)]
/// fn letters() -> usize {
///     yield_!('a');
///     yield_!('b');
///     2
/// }
///
/// let boxed: Box<dyn Coroutine<Yield = char, Return = usize> + Unpin> = Box::new(letters());
/// let mut it = boxed.yields();
/// assert_eq!(it.by_ref().collect::<String>(), "ab");
/// assert_eq!(it.into_return_value(), Some(2));
/// ```
#[derive(Debug, Clone)]
#[must_use = "iterators are lazy and do nothing unless consumed"]
pub struct Iter<C: Coroutine<()>> {
    coroutine: C,
    returned: Option<C::Return>,
    finished: bool,
}

impl<C: Coroutine<()> + Unpin> Iter<C> {
    pub(crate) fn new(coroutine: C) -> Self {
        Iter {
            coroutine,
            returned: None,
            finished: false,
        }
    }

    /// The coroutine's return value, once the iterator has returned `None`.
    ///
    /// ```
    /// use coro::CoroutineExt;
    ///
    /// #[coro::coroutine]
    /// fn nothing() -> u8 { 5 }
    ///
    /// let mut it = nothing().yields();
    /// assert_eq!(it.return_value(), None);
    /// assert_eq!(it.next(), None);
    /// assert_eq!(it.return_value(), Some(&5));
    /// ```
    pub fn return_value(&self) -> Option<&C::Return> {
        self.returned.as_ref()
    }

    /// Takes the return value out, once the iterator has returned `None`.
    ///
    /// ```
    /// use coro::CoroutineExt;
    ///
    /// #[coro::coroutine]
    /// fn nothing() -> String { "x".into() }
    ///
    /// let mut it = nothing().yields();
    /// it.next();
    /// assert_eq!(it.into_return_value().as_deref(), Some("x"));
    /// ```
    pub fn into_return_value(self) -> Option<C::Return> {
        self.returned
    }
}

impl<C: Coroutine<()> + Unpin> Iterator for Iter<C> {
    type Item = C::Yield;

    fn next(&mut self) -> Option<C::Yield> {
        if self.finished {
            return None;
        }
        match Pin::new(&mut self.coroutine).resume(()) {
            CoroutineState::Yielded(y) => Some(y),
            CoroutineState::Complete(r) => {
                self.finished = true;
                self.returned = Some(r);
                None
            }
        }
    }
}

impl<C: Coroutine<()> + Unpin> FusedIterator for Iter<C> {}
