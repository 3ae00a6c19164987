//! Waiting for several tasks: `join_all` / `gather` (all), `wait_any` (the first), and
//! `AsCompleted` (each, in the order they finish).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::panic::Location;
use std::rc::{Rc, Weak};

use crate::Coroutine;

use super::scheduler;
use super::task::{AnyTask, Listener};
use super::{Awaitable, AwaitableOf, Handle, JoinError, JoinHandle, Park, Reply, Request, Waker};

/// Waits for every task (asyncio's `gather(..., return_exceptions=True)`): their outcomes, in
/// the order of `handles`. Dropping it before it finishes detaches the tasks it has not joined
/// yet.
///
/// ```
/// use coro::rt::{self, Loop};
/// use std::time::Duration;
///
/// #[coro::coroutine(task)]
/// fn after(secs: u64) -> u64 {
///     yield_from!(rt::sleep(Duration::from_secs(secs)));
///     secs
/// }
///
/// let lp = Loop::with_virtual_clock();
/// let handles = vec![lp.spawn(after(3)), lp.spawn(after(1)), lp.spawn(after(2))];
/// let results = lp.run_until_complete(rt::join_all(handles));
/// assert_eq!(results.into_iter().map(Result::unwrap).collect::<Vec<_>>(), [3, 1, 2]);
/// assert_eq!(lp.time(), rt::Instant::from_secs(3));
/// ```
pub fn join_all<T: 'static>(
    handles: Vec<JoinHandle<T>>,
) -> impl AwaitableOf<Vec<Result<T, JoinError>>> {
    join_each(handles)
}

#[coro_macros::coroutine(crate = crate, task)]
fn join_each<T: 'static>(handles: Vec<JoinHandle<T>>) -> Vec<Result<T, JoinError>> {
    let mut results = Vec::with_capacity(handles.len());
    for handle in handles {
        results.push(yield_from!(handle.join()));
    }
    results
}

/// Runs each awaitable as its own task and waits for them all (asyncio's `gather`): their
/// outcomes, in order. The tasks start when the `gather` starts. If the `gather` is dropped
/// before they finish (its task cancelled, or a [`timeout`](super::timeout)), the tasks still
/// running are cancelled, as asyncio does.
///
/// ```
/// use coro::rt::{self, Loop};
/// use std::time::Duration;
///
/// #[coro::coroutine(task)]
/// fn after(secs: u64) -> u64 {
///     yield_from!(rt::sleep(Duration::from_secs(secs)));
///     secs * 10
/// }
///
/// let lp = Loop::with_virtual_clock();
/// let results = lp.run_until_complete(rt::gather((1..=3).map(after)));
/// assert_eq!(results.into_iter().map(Result::unwrap).collect::<Vec<_>>(), [10, 20, 30]);
/// assert_eq!(lp.time(), rt::Instant::from_secs(3));
/// ```
#[track_caller]
pub fn gather<I>(
    awaitables: I,
) -> impl AwaitableOf<Vec<Result<<I::Item as Coroutine<Reply>>::Return, JoinError>>>
where
    I: IntoIterator,
    I::Item: Awaitable + 'static,
    <I::Item as Coroutine<Reply>>::Return: 'static,
{
    gather_all(awaitables.into_iter().collect(), Location::caller())
}

#[coro_macros::coroutine(crate = crate, task)]
fn gather_all<C>(
    awaitables: Vec<C>,
    at: &'static Location<'static>,
) -> Vec<Result<C::Return, JoinError>>
where
    C: Awaitable + 'static,
    C::Return: 'static,
{
    let lp = Handle::current();
    let handles: Vec<JoinHandle<C::Return>> = awaitables
        .into_iter()
        .map(|c| lp.spawn_inner(c, None, at))
        .collect();
    let _cancel_if_dropped = CancelOnDrop(handles.iter().map(JoinHandle::any_task).collect());
    yield_from!(join_each(handles))
}

/// Cancels the tasks still running when dropped.
pub(crate) struct CancelOnDrop(pub(crate) Vec<Rc<AnyTask>>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        for task in &self.0 {
            scheduler::cancel(task);
        }
    }
}

/// Waits until one of the tasks finishes (asyncio's `wait(..., return_when=FIRST_COMPLETED)`):
/// its index in `handles`, its outcome, and the other handles in their original order.
///
/// # Panics
///
/// When `handles` is empty.
///
/// ```
/// use coro::rt::{self, Loop};
/// use std::time::Duration;
///
/// #[coro::coroutine(task)]
/// fn after(secs: u64) -> u64 {
///     yield_from!(rt::sleep(Duration::from_secs(secs)));
///     secs
/// }
///
/// let lp = Loop::with_virtual_clock();
/// let handles = vec![lp.spawn(after(5)), lp.spawn(after(2)), lp.spawn(after(9))];
/// let (index, result, rest) = lp.run_until_complete(rt::wait_any(handles));
/// assert_eq!((index, result.unwrap(), rest.len()), (1, 2, 2));
/// assert_eq!(lp.time(), rt::Instant::from_secs(2));
/// # drop(rest);
/// ```
#[track_caller]
pub fn wait_any<T: 'static>(
    handles: Vec<JoinHandle<T>>,
) -> impl AwaitableOf<(usize, Result<T, JoinError>, Vec<JoinHandle<T>>)> {
    assert!(
        !handles.is_empty(),
        "coro: wait_any needs at least one task"
    );
    first_of(AsCompleted::new(handles), Location::caller())
}

#[coro_macros::coroutine(crate = crate, task)]
fn first_of<T: 'static>(
    set: AsCompleted<T>,
    at: &'static Location<'static>,
) -> (usize, Result<T, JoinError>, Vec<JoinHandle<T>>) {
    let first = yield_from!(next_done(set.inner.clone(), at));
    let (index, result) = first.expect("wait_any has a task");
    (index, result, set.into_remaining())
}

/// Yields tasks' outcomes in the order the tasks finish (asyncio's `as_completed`): each
/// [`next`](AsCompleted::next) waits for the next one to finish and gives its index and
/// outcome, until none is left. Tasks that had already finished come first, in the order
/// given.
///
/// A cheap `Rc` handle. Dropping it detaches the tasks not yet returned.
///
/// ```
/// use coro::rt::{self, AsCompleted, Loop};
/// use std::time::Duration;
///
/// #[coro::coroutine(task)]
/// fn after(secs: u64) -> u64 {
///     yield_from!(rt::sleep(Duration::from_secs(secs)));
///     secs
/// }
///
/// #[coro::coroutine(task)]
/// fn main_task() -> Vec<(usize, u64)> {
///     let set = AsCompleted::new(vec![rt::spawn(after(3)), rt::spawn(after(1)), rt::spawn(after(2))]);
///     let mut order = Vec::new();
///     while let Some((index, result)) = yield_from!(set.next()) {
///         order.push((index, result.unwrap()));
///     }
///     order
/// }
///
/// let lp = Loop::with_virtual_clock();
/// assert_eq!(lp.run_until_complete(main_task()), [(1, 1), (2, 2), (0, 3)]);
/// ```
pub struct AsCompleted<T> {
    inner: Rc<RefCell<SetInner<T>>>,
}

struct SetInner<T> {
    handles: Vec<Option<JoinHandle<T>>>,
    done: VecDeque<usize>,
    /// The tasks waiting in `next` (several clones may wait at once).
    wakers: Vec<Waker>,
}

impl<T> Clone for AsCompleted<T> {
    fn clone(&self) -> Self {
        AsCompleted {
            inner: self.inner.clone(),
        }
    }
}

impl<T: 'static> AsCompleted<T> {
    /// Watches these tasks.
    ///
    /// ```
    /// use coro::rt::{self, AsCompleted, Loop};
    ///
    /// let lp = Loop::new();
    /// let set = AsCompleted::new(vec![lp.spawn(rt::yield_now())]);
    /// assert_eq!(set.remaining(), 1);
    /// ```
    pub fn new(handles: Vec<JoinHandle<T>>) -> AsCompleted<T> {
        let inner = Rc::new(RefCell::new(SetInner {
            handles: Vec::with_capacity(handles.len()),
            done: VecDeque::new(),
            wakers: Vec::new(),
        }));
        for (index, handle) in handles.into_iter().enumerate() {
            if handle.is_finished() {
                inner.borrow_mut().done.push_back(index);
            } else {
                let weak: Weak<RefCell<SetInner<T>>> = Rc::downgrade(&inner);
                let task = handle.any_task();
                task.header()
                    .listeners
                    .borrow_mut()
                    .push(Listener::Done(Box::new(move |_| {
                        if let Some(inner) = weak.upgrade() {
                            let wakers = {
                                let mut s = inner.borrow_mut();
                                s.done.push_back(index);
                                std::mem::take(&mut s.wakers)
                            };
                            for w in wakers {
                                w.wake();
                            }
                        }
                    })));
            }
            inner.borrow_mut().handles.push(Some(handle));
        }
        AsCompleted { inner }
    }

    /// Waits for the next task to finish: its index and outcome; `None` once every task was
    /// returned.
    ///
    /// ```
    /// use coro::rt::{self, AsCompleted, Loop};
    ///
    /// let lp = Loop::new();
    /// let set = AsCompleted::new(vec![lp.spawn(rt::yield_now())]);
    /// assert!(lp.run_until_complete(set.next()).is_some());
    /// assert!(lp.run_until_complete(set.next()).is_none());
    /// ```
    #[track_caller]
    pub fn next(&self) -> impl AwaitableOf<Option<(usize, Result<T, JoinError>)>> {
        next_done(self.inner.clone(), Location::caller())
    }

    /// How many tasks have not been returned by `next` yet.
    ///
    /// ```
    /// use coro::rt::{AsCompleted, JoinHandle};
    /// let set: AsCompleted<u8> = AsCompleted::new(Vec::<JoinHandle<u8>>::new());
    /// assert_eq!(set.remaining(), 0);
    /// ```
    pub fn remaining(&self) -> usize {
        self.inner.borrow().handles.iter().flatten().count()
    }

    /// The handles not returned yet, in their original order.
    ///
    /// ```
    /// use coro::rt::{self, AsCompleted, Loop};
    ///
    /// let lp = Loop::new();
    /// let set = AsCompleted::new(vec![lp.spawn(rt::yield_now()), lp.spawn(rt::yield_now())]);
    /// assert_eq!(set.into_remaining().len(), 2);
    /// ```
    pub fn into_remaining(self) -> Vec<JoinHandle<T>> {
        let handles = std::mem::take(&mut self.inner.borrow_mut().handles);
        handles.into_iter().flatten().collect()
    }
}

#[coro_macros::coroutine(crate = crate, task)]
fn next_done<T: 'static>(
    set: Rc<RefCell<SetInner<T>>>,
    at: &'static Location<'static>,
) -> Option<(usize, Result<T, JoinError>)> {
    loop {
        let next = {
            let mut s = set.borrow_mut();
            match s.done.pop_front() {
                Some(index) => {
                    let handle = s.handles[index].take();
                    Some(handle.map(|h| (index, h.try_take())))
                }
                None if s.handles.iter().all(Option::is_none) => Some(None),
                None => {
                    let me = Waker::current();
                    if !s.wakers.iter().any(|w| w.task_id() == me.task_id()) {
                        s.wakers.push(me);
                    }
                    None
                }
            }
        };
        match next {
            Some(Some((index, Some(outcome)))) => return Some((index, outcome)),
            Some(None) => return None,
            // Already taken out by `into_remaining`, or not finished: look again.
            Some(Some((_, None))) => {}
            None => {
                yield_!(Request::Park(Park::at(None, "as_completed", at)));
            }
        }
    }
}

impl<T> std::fmt::Debug for AsCompleted<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.inner.borrow();
        f.debug_struct("AsCompleted")
            .field("remaining", &s.handles.iter().flatten().count())
            .finish()
    }
}
