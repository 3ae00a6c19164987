//! `JoinHandle`: join a task or cancel it; `CancelHandle`; and the `join` awaitable.

use std::fmt;
use std::panic::Location;
use std::rc::{Rc, Weak};

use super::outcome::JoinError;
use super::scheduler;
use super::task::{AnyTask, Joinable, Listener, Waker};
use super::{AwaitableOf, Park, Request, TaskId};

/// The handle [`spawn`](super::Handle::spawn) returns: join the task to get its value,
/// or cancel it.
///
/// The loop owns the task, not the handle: **dropping a `JoinHandle` detaches the task**,
/// which runs on to its end (as in tokio, and as asyncio intends: asyncio keeps only a weak
/// reference, and a task nobody holds may vanish mid-flight, a well-known trap). Cancelling on
/// drop would make `spawn(work());` without a binding a no-op, and would tie a task's life to
/// wherever its handle happens to be moved; when you want a task's life bounded by a scope,
/// use a [`TaskGroup`](super::TaskGroup), whose children cannot outlive it. A detached task
/// that panics is reported ([`Diagnostic::UnretrievedPanic`](super::Diagnostic)). The same
/// holds for a `join` that is abandoned (its task cancelled, a timeout): the joined task runs
/// on; [`join_or_cancel`](super::join_or_cancel) cancels it instead, as asyncio's
/// `wait_for(task, t)` does.
///
/// ```
/// use coro::rt::{self, Loop};
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use std::time::Duration;
///
/// #[coro::coroutine(task)]
/// fn late(flag: Rc<Cell<bool>>) {
///     yield_from!(rt::sleep(Duration::from_secs(1)));
///     flag.set(true);
/// }
///
/// let lp = Loop::with_virtual_clock();
/// let flag = Rc::new(Cell::new(false));
/// drop(lp.spawn(late(flag.clone()))); // detached, still runs
/// lp.run_until_complete(rt::sleep(Duration::from_secs(2)));
/// assert!(flag.get());
/// ```
pub struct JoinHandle<T> {
    task: Rc<Joinable<T>>,
}

impl<T: 'static> JoinHandle<T> {
    pub(crate) fn new(task: Rc<Joinable<T>>) -> JoinHandle<T> {
        JoinHandle { task }
    }

    pub(crate) fn any_task(&self) -> Rc<AnyTask> {
        self.task.clone().into_any_task()
    }

    /// Takes the outcome if the task has finished.
    pub(crate) fn try_take(&self) -> Option<Result<T, JoinError>> {
        self.task.take_outcome()
    }

    /// The task's id.
    ///
    /// ```
    /// let lp = coro::rt::Loop::new();
    /// assert_eq!(lp.spawn(coro::rt::yield_now()).id().as_u64(), 1);
    /// ```
    pub fn id(&self) -> TaskId {
        self.task.header().id
    }

    /// The task's name: the one given to `spawn_named`, or `Task-<id>`.
    ///
    /// ```
    /// let lp = coro::rt::Loop::new();
    /// assert_eq!(lp.spawn(coro::rt::yield_now()).name(), "Task-1");
    /// ```
    pub fn name(&self) -> String {
        self.task.header().name()
    }

    /// Whether the task has finished (returned, panicked or been cancelled).
    ///
    /// ```
    /// use coro::rt::{self, Loop};
    ///
    /// let lp = Loop::new();
    /// let h = lp.spawn(rt::yield_now());
    /// assert!(!h.is_finished());
    /// lp.run_until_complete(rt::sleep(std::time::Duration::ZERO));
    /// assert!(h.is_finished());
    /// ```
    pub fn is_finished(&self) -> bool {
        self.task.exit().is_some()
    }

    /// Cancels the task. Cancellation is delivered at the point where the task is suspended,
    /// whatever it waits on: the loop drops the task's coroutine there, so its live locals run
    /// their destructors and its timers and waits are unregistered; joining it then reports
    /// [`JoinError::Cancelled`]. A task that has not started never starts. A task that cancels
    /// itself is cancelled at its next suspension point. Cancelling a finished task does
    /// nothing.
    ///
    /// Delivery happens when the loop reaches the task in its ready queue, not inside
    /// `cancel`, so destructors never run inside the caller's step.
    ///
    /// A task cannot refuse or postpone cancellation; it observes it through its destructors
    /// (a guard's `Drop`), which may schedule more work on the loop, such as spawning a task
    /// that does asynchronous cleanup.
    ///
    /// ```
    /// use coro::rt::{self, Loop};
    /// use std::time::Duration;
    ///
    /// struct Noisy;
    /// impl Drop for Noisy {
    ///     fn drop(&mut self) {
    ///         println!("cleaned up");
    ///     }
    /// }
    ///
    /// #[coro::coroutine(task)]
    /// fn forever() {
    ///     let _guard = Noisy;
    ///     loop {
    ///         yield_from!(rt::sleep(Duration::from_secs(1)));
    ///     }
    /// }
    ///
    /// let lp = Loop::with_virtual_clock();
    /// let h = lp.spawn(forever());
    /// lp.run_until_complete(rt::sleep(Duration::from_millis(2500)));
    /// h.cancel(); // prints "cleaned up" when the loop delivers it
    /// assert!(lp.run_until_complete(h.join()).unwrap_err().is_cancelled());
    /// assert_eq!((lp.task_count(), lp.timer_count()), (0, 0));
    /// ```
    pub fn cancel(&self) {
        scheduler::cancel(&self.any_task());
    }

    /// A handle that can only cancel the task, and can be cloned: give it to whoever may need
    /// to cancel the task while someone else joins it (a watchdog, a supervisor). It does not
    /// keep the task or its output alive.
    ///
    /// ```
    /// use coro::rt::{self, CancelHandle, Loop};
    /// use std::time::Duration;
    ///
    /// #[coro::coroutine(task)]
    /// fn watchdog(target: CancelHandle, after: Duration) {
    ///     yield_from!(rt::sleep(after));
    ///     target.cancel();
    /// }
    ///
    /// let lp = Loop::with_virtual_clock();
    /// let worker = lp.spawn(rt::sleep(Duration::from_secs(60)));
    /// lp.spawn(watchdog(worker.cancel_handle(), Duration::from_secs(5)));
    /// assert!(lp.run_until_complete(worker.join()).unwrap_err().is_cancelled());
    /// assert_eq!(lp.time(), rt::Instant::from_secs(5));
    /// ```
    pub fn cancel_handle(&self) -> CancelHandle {
        CancelHandle {
            task: Rc::downgrade(&self.any_task()),
            id: self.id(),
        }
    }

    /// The task's outcome if it has finished, without waiting; otherwise the handle back.
    /// Useful outside the loop, between runs.
    ///
    /// ```
    /// use coro::rt::{self, Loop};
    ///
    /// let lp = Loop::new();
    /// let h = lp.spawn(rt::yield_now());
    /// let h = h.try_join().unwrap_err(); // not finished: the handle comes back
    /// lp.run_until_complete(rt::sleep(std::time::Duration::ZERO));
    /// assert!(h.try_join().unwrap().is_ok());
    /// ```
    pub fn try_join(self) -> Result<Result<T, JoinError>, JoinHandle<T>> {
        match self.task.take_outcome() {
            Some(outcome) => Ok(outcome),
            None => Err(self),
        }
    }

    /// Waits for the task to finish: its value, or why it has none.
    ///
    /// ```
    /// use coro::rt;
    ///
    /// #[coro::coroutine(task)]
    /// fn square(x: u64) -> u64 {
    ///     x * x
    /// }
    ///
    /// #[coro::coroutine(task)]
    /// fn main_task() -> u64 {
    ///     let h = rt::spawn(square(9));
    ///     yield_from!(h.join()).unwrap()
    /// }
    ///
    /// assert_eq!(rt::run(main_task()), 81);
    /// ```
    #[track_caller]
    pub fn join(self) -> impl AwaitableOf<Result<T, JoinError>> {
        join(self.task, Location::caller())
    }
}

/// Cancels a task; made by [`JoinHandle::cancel_handle`]. Cheap to clone; does not keep the
/// task alive.
///
/// ```
/// use coro::rt::{self, Loop};
///
/// let lp = Loop::new();
/// let h = lp.spawn(rt::yield_now());
/// let c = h.cancel_handle();
/// assert_eq!(c.id(), h.id());
/// c.clone().cancel();
/// assert!(lp.run_until_complete(h.join()).unwrap_err().is_cancelled());
/// assert!(c.is_finished());
/// ```
#[derive(Clone)]
pub struct CancelHandle {
    task: Weak<AnyTask>,
    id: TaskId,
}

impl CancelHandle {
    /// Cancels the task, as [`JoinHandle::cancel`] does; does nothing once it has finished.
    ///
    /// ```
    /// let lp = coro::rt::Loop::new();
    /// let h = lp.spawn(coro::rt::yield_now());
    /// h.cancel_handle().cancel();
    /// ```
    pub fn cancel(&self) {
        if let Some(task) = self.task.upgrade() {
            scheduler::cancel(&task);
        }
    }

    /// Whether the task has finished (or is gone).
    ///
    /// ```
    /// let lp = coro::rt::Loop::new();
    /// let h = lp.spawn(coro::rt::yield_now());
    /// assert!(!h.cancel_handle().is_finished());
    /// ```
    pub fn is_finished(&self) -> bool {
        self.task.upgrade().is_none_or(|t| t.exit().is_some())
    }

    /// The task's id.
    ///
    /// ```
    /// let lp = coro::rt::Loop::new();
    /// let h = lp.spawn(coro::rt::yield_now());
    /// assert_eq!(h.cancel_handle().id(), h.id());
    /// ```
    pub fn id(&self) -> TaskId {
        self.id
    }
}

impl fmt::Debug for CancelHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelHandle")
            .field("id", &self.id)
            .field("finished", &self.is_finished())
            .finish()
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let h = self.task.header();
        f.debug_struct("JoinHandle")
            .field("id", &h.id)
            .field("name", &h.name())
            .field("finished", &self.task.exit().is_some())
            .finish()
    }
}

#[coro_macros::coroutine(crate = crate, task)]
fn join<T: 'static>(task: Rc<Joinable<T>>, at: &'static Location<'static>) -> Result<T, JoinError> {
    loop {
        if let Some(outcome) = task.take_outcome() {
            return outcome;
        }
        let _waiting = JoinWaiter::register(task.clone().into_any_task());
        yield_!(Request::Park(Park::at(None, "join", at)));
    }
}

/// A registration among a task's listeners, removed when dropped.
pub(crate) struct JoinWaiter {
    task: Rc<AnyTask>,
    waker: Rc<Waker>,
}

impl JoinWaiter {
    pub(crate) fn register(task: Rc<AnyTask>) -> JoinWaiter {
        let waker = Rc::new(Waker::current());
        task.header()
            .listeners
            .borrow_mut()
            .push(Listener::Joiner(waker.clone()));
        JoinWaiter { task, waker }
    }
}

impl Drop for JoinWaiter {
    fn drop(&mut self) {
        self.task
            .header()
            .listeners
            .borrow_mut()
            .retain(|l| !matches!(l, Listener::Joiner(w) if Rc::ptr_eq(w, &self.waker)));
    }
}

/// [`JoinHandle::join`], but **cancels the task if the join is abandoned** before the task
/// finished (the joining task is cancelled, or a [`timeout`](super::timeout) around the join
/// expires): asyncio's `await asyncio.wait_for(task, t)`. A plain `join` abandoned that way
/// leaves the task running, detached, as dropping a `JoinHandle` does.
///
/// (A free function, like [`join_all`](super::join_all), rather than a method: inside a
/// `#[coro::coroutine]`, `handle.join_or_cancel()` would not be seen to consume `handle`.)
///
/// ```
/// use coro::rt::{self, Loop};
/// use std::time::Duration;
///
/// #[coro::coroutine(task)]
/// fn main_task() -> (bool, bool) {
///     let slow = rt::spawn(rt::sleep(Duration::from_secs(60)));
///     let watch = slow.cancel_handle();
///     let timed_out = yield_from!(rt::timeout(Duration::from_secs(1), rt::join_or_cancel(slow))).is_err();
///     yield_from!(rt::yield_now()); // the cancellation is delivered
///     (timed_out, watch.is_finished())
/// }
///
/// let lp = Loop::with_virtual_clock();
/// assert_eq!(lp.run_until_complete(main_task()), (true, true));
/// assert_eq!((lp.task_count(), lp.time()), (0, rt::Instant::from_secs(1)));
/// ```
#[track_caller]
pub fn join_or_cancel<T: 'static>(handle: JoinHandle<T>) -> impl AwaitableOf<Result<T, JoinError>> {
    join_cancelling(handle.task, Location::caller())
}

#[coro_macros::coroutine(crate = crate, task)]
fn join_cancelling<T: 'static>(
    task: Rc<Joinable<T>>,
    at: &'static Location<'static>,
) -> Result<T, JoinError> {
    let _cancel_if_abandoned = CancelIfAbandoned(task.clone().into_any_task());
    yield_from!(join(task, at))
}

/// Cancels its task when dropped (nothing happens if the task has finished).
struct CancelIfAbandoned(Rc<AnyTask>);

impl Drop for CancelIfAbandoned {
    fn drop(&mut self) {
        scheduler::cancel(&self.0);
    }
}
