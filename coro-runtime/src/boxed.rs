//! `Boxed`: a coroutine on the heap behind a trait object, whose type can be written down.

use core::fmt;
use core::iter::FusedIterator;
use core::pin::Pin;

use crate::{Coroutine, CoroutineState};

/// A coroutine on the heap, resumed with `A`, yielding `Y` and returning `R`, that may borrow
/// for `'a`: the one type to write when a coroutine's own type cannot be written.
///
/// A `#[coro::coroutine]` fn returns an `impl Coroutine` whose type has no name. Two things need
/// one:
///
/// - **recursion**: a coroutine that delegates to itself (`yield_from!(walk(child))` inside
///   `walk`) would contain itself, and rustc refuses it with E0720 ("cannot resolve opaque
///   type"). Box each level and the type is finite;
/// - **different coroutines in one place**: a `Vec`, a struct field, the arms of an `if`.
///
/// `Boxed::new(c)` accepts any coroutine with the right `A`, `Y` and `R`, `Unpin` or not, and
/// the result is always `Unpin`, so it can be resumed with [`CoroutineExt::send`](crate::CoroutineExt::send) and delegated
/// to with `yield_from!`. With `A = ()` it is also an [`Iterator`] over its yields (fused, like
/// the coroutine it replaces); with `A = Reply, Y = Request` it is an
/// [`Awaitable`](crate::rt::Awaitable) the loop can run.
///
/// A recursive tree walk, boxed by hand:
///
/// ```
/// use coro::{Boxed, CoroutineExt};
///
/// struct Tree {
///     value: u32,
///     children: Vec<Tree>,
/// }
///
/// /// Yields every value depth-first, parents first; returns how many there were.
/// fn walk(tree: &Tree) -> Boxed<'_, (), u32, usize> {
///     Boxed::new(walk_unboxed(tree))
/// }
///
/// #[coro::coroutine(yield = u32)]
/// fn walk_unboxed(tree: &Tree) -> usize {
///     yield_!(tree.value);
///     let mut count = 1;
///     for i in 0..tree.children.len() {
///         count += yield_from!(walk(&tree.children[i])); // a Boxed: its type is finite
///     }
///     count
/// }
///
/// let leaf = |value| Tree { value, children: vec![] };
/// let tree = Tree {
///     value: 1,
///     children: vec![Tree { value: 2, children: vec![leaf(3), leaf(4)] }, leaf(5)],
/// };
///
/// assert_eq!(walk(&tree).collect::<Vec<_>>(), [1, 2, 3, 4, 5]); // an Iterator
/// let mut it = walk(&tree).yields();
/// assert_eq!(it.by_ref().sum::<u32>(), 15);
/// assert_eq!(it.return_value(), Some(&5));
/// ```
///
/// Different coroutines, one type:
///
/// ```
/// use coro::{Boxed, CoroutineExt};
///
/// #[coro::coroutine(yield = i32, resume = i32)]
/// fn doubler() {
///     let mut x = yield_!(0);
///     loop {
///         x = yield_!(2 * x);
///     }
/// }
///
/// #[coro::coroutine(yield = i32, resume = i32)]
/// fn negator() {
///     let mut x = yield_!(0);
///     loop {
///         x = yield_!(-x);
///     }
/// }
///
/// let mut stages: Vec<Boxed<'static, i32, i32, ()>> =
///     vec![Boxed::new(doubler()), Boxed::new(negator())];
/// let mut x = 5;
/// for stage in &mut stages {
///     stage.start(); // run each to its first yield
///     x = stage.send(x).yielded().unwrap();
/// }
/// assert_eq!(x, -10);
/// ```
///
/// # Why `Pin<Box<dyn Coroutine>>` inside
///
/// A `Boxed` holds a `Pin<Box<dyn Coroutine<A, Yield = Y, Return = R> + 'a>>` rather than a
/// `Box<dyn Coroutine<…> + Unpin + 'a>`. A pinned box accepts every coroutine, also one that is
/// not `Unpin` (a hand-written one that borrows from itself), and is itself `Unpin`, so nothing
/// is lost; both cost the same one allocation and one indirect call per resume.
///
/// A `Boxed` is neither `Send` nor `Clone`: the trait object promises neither. The loop's tasks
/// need not be `Send`; box a coroutine as `Pin<Box<dyn Coroutine<…> + Send>>` by hand where it
/// must cross threads.
#[must_use = "a coroutine does nothing until resumed: resume it, iterate it, or delegate to it with `yield_from!`"]
pub struct Boxed<'a, A, Y, R> {
    coroutine: Pin<Box<dyn Coroutine<A, Yield = Y, Return = R> + 'a>>,
    /// Set once the coroutine completed, so that iterating further returns `None` rather than
    /// resuming a completed coroutine.
    finished: bool,
}

impl<'a, A, Y, R> Boxed<'a, A, Y, R> {
    /// Moves `coroutine` to the heap.
    ///
    /// ```
    /// use coro::{Boxed, CoroutineExt, CoroutineState};
    ///
    /// #[coro::coroutine(yield = char)]
    /// fn ab() -> u8 {
    ///     yield_!('a');
    ///     yield_!('b');
    ///     2
    /// }
    ///
    /// let mut c: Boxed<'static, (), char, u8> = Boxed::new(ab());
    /// assert_eq!(c.send(()), CoroutineState::Yielded('a'));
    /// assert_eq!(c.send(()), CoroutineState::Yielded('b'));
    /// assert_eq!(c.send(()), CoroutineState::Complete(2));
    /// ```
    pub fn new<C>(coroutine: C) -> Self
    where
        C: Coroutine<A, Yield = Y, Return = R> + 'a,
    {
        Boxed {
            coroutine: Box::pin(coroutine),
            finished: false,
        }
    }
}

impl<A, Y, R> Coroutine<A> for Boxed<'_, A, Y, R> {
    type Yield = Y;
    type Return = R;

    /// Resumes the boxed coroutine; resuming it after it completed does what that coroutine
    /// does (one made by `#[coro::coroutine]` panics).
    #[inline]
    fn resume(self: Pin<&mut Self>, arg: A) -> CoroutineState<Y, R> {
        let this = self.get_mut();
        let state = this.coroutine.as_mut().resume(arg);
        if state.is_complete() {
            this.finished = true;
        }
        state
    }
}

/// A boxed coroutine whose resume type is `()` is an iterator over its yielded values; the
/// return value is dropped. After the end, `next` keeps returning `None`.
///
/// ```
/// use coro::Boxed;
///
/// #[coro::coroutine(yield = u32)]
/// fn countdown(n: u32) {
///     for i in (1..=n).rev() {
///         yield_!(i);
///     }
/// }
///
/// let mut it = Boxed::new(countdown(2));
/// assert_eq!(it.by_ref().collect::<Vec<_>>(), [2, 1]);
/// assert_eq!(it.next(), None);
/// ```
impl<Y, R> Iterator for Boxed<'_, (), Y, R> {
    type Item = Y;

    #[inline]
    fn next(&mut self) -> Option<Y> {
        if self.finished {
            return None;
        }
        match self.coroutine.as_mut().resume(()) {
            CoroutineState::Yielded(y) => Some(y),
            CoroutineState::Complete(_) => {
                self.finished = true;
                None
            }
        }
    }
}

impl<Y, R> FusedIterator for Boxed<'_, (), Y, R> {}

impl<A, Y, R> fmt::Debug for Boxed<'_, A, Y, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Boxed")
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}
