//! `Handle`: what schedules work on a loop (spawn, callbacks, timers, time, stop, dumps), the
//! free functions that use the loop running on this thread, and `CallbackHandle`. Each asks the
//! scheduler; none touches its internals.

use std::fmt;
use std::panic::Location;
use std::rc::{Rc, Weak};
use std::time::Duration;

use super::callback::CallbackCell;
use super::diagnostic::TaskInfo;
use super::join_handle::JoinHandle;
use super::scheduler::{self, Scheduler};
use super::{Awaitable, Instant, TaskId};

/// Schedules work on a loop: spawn tasks, set callbacks and timers, read the time, stop it.
///
/// A cheap `Rc` handle; [`Handle::current`] is the loop running on this thread, and a
/// [`Loop`](super::Loop) dereferences to its handle, so every method here is also a method of `Loop`.
///
/// ```
/// use coro::rt::{self, Handle};
///
/// #[coro::coroutine(task)]
/// fn parent() -> u32 {
///     let child = Handle::current().spawn(child());
///     yield_from!(child.join()).unwrap() + 1
/// }
///
/// #[coro::coroutine(task)]
/// fn child() -> u32 {
///     41
/// }
///
/// assert_eq!(rt::run(parent()), 42);
/// ```
#[derive(Clone)]
pub struct Handle {
    pub(crate) inner: Rc<Scheduler>,
}

impl Handle {
    /// The loop running on this thread.
    ///
    /// # Panics
    ///
    /// When no loop is running on this thread.
    ///
    /// ```
    /// use coro::rt::{self, Handle};
    ///
    /// #[coro::coroutine(task)]
    /// fn now() -> rt::Instant {
    ///     Handle::current().time()
    /// }
    ///
    /// assert_eq!(rt::Loop::with_virtual_clock().run_until_complete(now()), rt::Instant::ZERO);
    /// ```
    #[track_caller]
    pub fn current() -> Handle {
        Handle {
            inner: scheduler::running(),
        }
    }

    /// The loop running on this thread, if any.
    ///
    /// ```
    /// assert!(coro::rt::Handle::try_current().is_none());
    /// ```
    pub fn try_current() -> Option<Handle> {
        scheduler::try_running().map(|inner| Handle { inner })
    }

    /// Starts running `coroutine` as a task (asyncio's `create_task`) and returns its handle.
    /// The task is queued behind what is already ready; it runs to its end even if the handle
    /// is dropped (see [`JoinHandle`]).
    ///
    /// # Panics
    ///
    /// When the loop is closed.
    ///
    /// ```
    /// use coro::rt::{self, Loop};
    ///
    /// #[coro::coroutine(task)]
    /// fn double(x: u32) -> u32 {
    ///     yield_from!(rt::yield_now());
    ///     x * 2
    /// }
    ///
    /// let lp = Loop::new();
    /// let a = lp.spawn(double(2));
    /// let b = lp.spawn(double(5));
    /// let both = lp.run_until_complete(rt::join_all(vec![a, b]));
    /// assert_eq!(both.into_iter().map(Result::unwrap).collect::<Vec<_>>(), [4, 10]);
    /// ```
    #[track_caller]
    pub fn spawn<C>(&self, coroutine: C) -> JoinHandle<C::Return>
    where
        C: Awaitable + 'static,
        C::Return: 'static,
    {
        self.spawn_inner(coroutine, None, Location::caller())
    }

    /// [`spawn`](Handle::spawn) with a name, shown in diagnostics and dumps (asyncio's
    /// `create_task(coro, name=…)`).
    ///
    /// ```
    /// use coro::rt::Loop;
    ///
    /// let lp = Loop::new();
    /// let h = lp.spawn_named("worker", coro::rt::yield_now());
    /// assert_eq!(h.name(), "worker");
    /// ```
    #[track_caller]
    pub fn spawn_named<C>(&self, name: impl Into<String>, coroutine: C) -> JoinHandle<C::Return>
    where
        C: Awaitable + 'static,
        C::Return: 'static,
    {
        let name: String = name.into();
        self.spawn_inner(coroutine, Some(name.into_boxed_str()), Location::caller())
    }

    pub(crate) fn spawn_inner<C>(
        &self,
        coroutine: C,
        name: Option<Box<str>>,
        at: &'static Location<'static>,
    ) -> JoinHandle<C::Return>
    where
        C: Awaitable + 'static,
        C::Return: 'static,
    {
        JoinHandle::new(self.inner.spawn(coroutine, name, at))
    }

    /// Runs `callback` soon: it joins the back of the ready queue, like a task step.
    ///
    /// ```
    /// use coro::rt::Loop;
    /// use std::cell::RefCell;
    /// use std::rc::Rc;
    ///
    /// let lp = Loop::new();
    /// let log = Rc::new(RefCell::new(Vec::new()));
    /// for i in 0..3 {
    ///     let log = log.clone();
    ///     lp.call_soon(move || log.borrow_mut().push(i));
    /// }
    /// lp.run_until_complete(coro::rt::yield_now());
    /// assert_eq!(*log.borrow(), [0, 1, 2]);
    /// ```
    pub fn call_soon(&self, callback: impl FnOnce() + 'static) -> CallbackHandle {
        let cell = self.inner.call_soon(Box::new(callback));
        CallbackHandle::new(cell, Rc::downgrade(&self.inner))
    }

    /// Runs `callback` once `delay` has passed (never earlier).
    ///
    /// ```
    /// use coro::rt::{self, Loop};
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use std::time::Duration;
    ///
    /// let lp = Loop::with_virtual_clock();
    /// let fired_at = Rc::new(Cell::new(None));
    /// let (f, h) = (fired_at.clone(), lp.handle());
    /// lp.call_later(Duration::from_millis(250), move || f.set(Some(h.time())));
    /// lp.run_until_complete(rt::sleep(Duration::from_secs(1)));
    /// assert_eq!(fired_at.get(), Some(rt::Instant::from_nanos(250_000_000)));
    /// ```
    pub fn call_later(&self, delay: Duration, callback: impl FnOnce() + 'static) -> CallbackHandle {
        self.call_at(self.time() + delay, callback)
    }

    /// Runs `callback` once the loop's clock reads `when` (never earlier). Callbacks due at the
    /// same instant run in the order they were set.
    ///
    /// ```
    /// use coro::rt::{self, Instant, Loop};
    /// use std::cell::RefCell;
    /// use std::rc::Rc;
    /// use std::time::Duration;
    ///
    /// let lp = Loop::with_virtual_clock();
    /// let log = Rc::new(RefCell::new(String::new()));
    /// for (t, c) in [(2, 'c'), (1, 'a'), (1, 'b')] {
    ///     let log = log.clone();
    ///     lp.call_at(Instant::from_secs(t), move || log.borrow_mut().push(c));
    /// }
    /// lp.run_until_complete(rt::sleep(Duration::from_secs(3)));
    /// assert_eq!(*log.borrow(), "abc");
    /// ```
    pub fn call_at(&self, when: Instant, callback: impl FnOnce() + 'static) -> CallbackHandle {
        let cell = self.inner.call_at(when, Box::new(callback));
        CallbackHandle::new(cell, Rc::downgrade(&self.inner))
    }

    /// The loop's clock: integer nanoseconds since the loop was made (virtual time for a loop
    /// with a virtual clock).
    ///
    /// ```
    /// use coro::rt::{Instant, Loop};
    /// let lp = Loop::with_virtual_clock();
    /// assert_eq!(lp.time(), Instant::ZERO);
    /// ```
    pub fn time(&self) -> Instant {
        self.inner.now()
    }

    /// Moves a virtual clock forward by `d` (Trio's `MockClock.jump`): timers that become due
    /// fire at the next iteration. Use it to model a step that blocks the loop.
    ///
    /// # Panics
    ///
    /// When the loop has the real clock.
    ///
    /// ```
    /// use coro::rt::{Instant, Loop};
    /// use std::time::Duration;
    ///
    /// let lp = Loop::with_virtual_clock();
    /// lp.advance(Duration::from_secs(2));
    /// assert_eq!(lp.time(), Instant::from_secs(2));
    /// ```
    pub fn advance(&self, d: Duration) {
        assert!(
            self.inner.clock().advance(d),
            "coro: only a loop with a virtual clock can be advanced"
        );
    }

    /// Whether the loop's clock is virtual.
    ///
    /// ```
    /// use coro::rt::Loop;
    /// assert!(Loop::with_virtual_clock().has_virtual_clock());
    /// assert!(!Loop::new().has_virtual_clock());
    /// ```
    pub fn has_virtual_clock(&self) -> bool {
        self.inner.clock().is_virtual()
    }

    /// Makes [`Loop::run_forever`](super::Loop::run_forever) return after the current iteration.
    ///
    /// ```
    /// use coro::rt::Loop;
    /// use std::time::Duration;
    ///
    /// let lp = Loop::with_virtual_clock();
    /// let h = lp.handle();
    /// lp.call_later(Duration::from_secs(60), move || h.stop());
    /// lp.run_forever();
    /// assert_eq!(lp.time().as_secs_f64(), 60.0);
    /// ```
    pub fn stop(&self) {
        self.inner.stop();
    }

    /// Whether the loop is running (inside `run_until_complete` or `run_forever`).
    ///
    /// ```
    /// use coro::rt::Loop;
    /// assert!(!Loop::new().is_running());
    /// ```
    pub fn is_running(&self) -> bool {
        self.inner.is_running()
    }

    /// Whether [`Loop::close`](super::Loop::close) was called.
    ///
    /// ```
    /// use coro::rt::Loop;
    /// let lp = Loop::new();
    /// lp.close();
    /// assert!(lp.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// How many tasks the loop holds: spawned and not yet finished.
    ///
    /// ```
    /// use coro::rt::{self, Loop};
    ///
    /// let lp = Loop::new();
    /// let h = lp.spawn(rt::yield_now());
    /// assert_eq!(lp.task_count(), 1);
    /// lp.run_until_complete(h.join()).unwrap();
    /// assert_eq!(lp.task_count(), 0);
    /// ```
    pub fn task_count(&self) -> usize {
        self.inner.task_count()
    }

    /// How many timers the loop holds (parked tasks with a deadline, and pending
    /// `call_later`/`call_at` callbacks).
    ///
    /// ```
    /// use coro::rt::{self, Loop};
    /// use std::time::Duration;
    ///
    /// let lp = Loop::with_virtual_clock();
    /// let h = lp.spawn(rt::sleep(Duration::from_secs(1)));
    /// lp.run_until_complete(rt::yield_now());
    /// assert_eq!(lp.timer_count(), 1);
    /// h.cancel();
    /// lp.run_until_complete(rt::yield_now());
    /// assert_eq!((lp.timer_count(), lp.task_count()), (0, 0));
    /// ```
    pub fn timer_count(&self) -> usize {
        self.inner.timer_count()
    }

    /// How many socket operations wait for readiness: the I/O counterpart of
    /// [`timer_count`](Handle::timer_count). A wait leaves as soon as its operation is resumed
    /// or abandoned (task cancelled, [`timeout`](super::timeout) expired).
    ///
    /// ```
    /// use coro::rt::{self, net::TcpListener, Loop};
    ///
    /// let lp = Loop::new();
    /// let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    /// let h = lp.spawn(listener.accept()); // nobody connects
    /// lp.run_until_complete(rt::yield_now());
    /// assert_eq!(lp.io_count(), 1);
    /// h.cancel();
    /// lp.run_until_complete(rt::yield_now());
    /// assert_eq!((lp.io_count(), lp.task_count()), (0, 0));
    /// ```
    pub fn io_count(&self) -> usize {
        self.inner.try_reactor().map_or(0, |r| r.wait_count())
    }

    /// How many sockets are registered with the loop's poller. A socket is registered the
    /// first time one of its operations has to wait, and deregistered when its last handle
    /// is dropped.
    ///
    /// ```
    /// use coro::rt::{self, net::TcpListener, Loop};
    ///
    /// let lp = Loop::new();
    /// let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    /// let h = lp.spawn(listener.accept());
    /// lp.run_until_complete(rt::yield_now());
    /// assert_eq!(lp.socket_count(), 1);
    /// h.cancel();
    /// lp.run_until_complete(rt::yield_now());
    /// drop(listener);
    /// assert_eq!(lp.socket_count(), 0);
    /// ```
    pub fn socket_count(&self) -> usize {
        self.inner.try_reactor().map_or(0, |r| r.source_count())
    }

    /// How many [`run_in_thread`](super::run_in_thread) calls tasks wait for.
    ///
    /// ```
    /// use coro::rt::{self, Loop};
    ///
    /// let lp = Loop::new();
    /// let h = lp.spawn(rt::run_in_thread(|| std::thread::sleep(std::time::Duration::from_millis(20))));
    /// lp.run_until_complete(rt::yield_now());
    /// assert_eq!(lp.blocking_count(), 1);
    /// lp.run_until_complete(h.join()).unwrap().unwrap();
    /// assert_eq!(lp.blocking_count(), 0);
    /// ```
    pub fn blocking_count(&self) -> usize {
        self.inner.try_reactor().map_or(0, |r| r.call_count())
    }

    /// What every live task is doing, in spawn order.
    ///
    /// ```
    /// use coro::rt::{self, Loop, TaskStatus};
    ///
    /// let lp = Loop::new();
    /// let h = lp.spawn(rt::yield_now());
    /// assert_eq!(lp.tasks()[0].status, TaskStatus::Ready);
    /// # drop(h);
    /// ```
    pub fn tasks(&self) -> Vec<TaskInfo> {
        self.inner.tasks()
    }

    /// A report of every live task, one line each: its name, where it was spawned, what it
    /// waits on and where in the source it waits (Curio's `where`). Also printed when the
    /// loop finds itself deadlocked.
    ///
    /// ```
    /// use coro::rt::{self, Loop};
    /// use std::time::Duration;
    ///
    /// let lp = Loop::with_virtual_clock();
    /// let h = lp.spawn_named("napper", rt::sleep(Duration::from_secs(5)));
    /// lp.run_until_complete(rt::yield_now());
    /// let dump = lp.dump();
    /// assert!(dump.contains("napper"));
    /// assert!(dump.contains("waiting on sleep until 5.000000000s"));
    /// # drop(h);
    /// ```
    pub fn dump(&self) -> String {
        self.inner.dump()
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("time", &self.time())
            .field("tasks", &self.task_count())
            .field("timers", &self.timer_count())
            .field("io", &self.io_count())
            .field("blocking", &self.blocking_count())
            .finish()
    }
}

/// Spawns a task on the loop running on this thread: [`Handle::spawn`] on
/// [`Handle::current`].
///
/// ```
/// use coro::rt;
///
/// #[coro::coroutine(task)]
/// fn main_task() -> u32 {
///     let h = rt::spawn(rt::yield_now());
///     yield_from!(h.join()).unwrap();
///     7
/// }
///
/// assert_eq!(rt::run(main_task()), 7);
/// ```
#[track_caller]
pub fn spawn<C>(coroutine: C) -> JoinHandle<C::Return>
where
    C: Awaitable + 'static,
    C::Return: 'static,
{
    Handle::current().spawn_inner(coroutine, None, Location::caller())
}

/// [`spawn`] with a name.
///
/// ```
/// use coro::rt;
///
/// #[coro::coroutine(task)]
/// fn main_task() -> String {
///     let h = rt::spawn_named("helper", rt::yield_now());
///     h.name()
/// }
///
/// assert_eq!(rt::run(main_task()), "helper");
/// ```
#[track_caller]
pub fn spawn_named<C>(name: impl Into<String>, coroutine: C) -> JoinHandle<C::Return>
where
    C: Awaitable + 'static,
    C::Return: 'static,
{
    let name: String = name.into();
    Handle::current().spawn_inner(coroutine, Some(name.into_boxed_str()), Location::caller())
}

/// The time on the clock of the loop running on this thread (asyncio's `loop.time()`).
///
/// # Panics
///
/// When no loop is running on this thread.
///
/// ```
/// use coro::rt::{self, Instant};
/// use std::time::Duration;
///
/// #[coro::coroutine(task)]
/// fn main_task() -> Instant {
///     yield_from!(rt::sleep(Duration::from_secs(2)));
///     rt::time()
/// }
///
/// let lp = rt::Loop::with_virtual_clock();
/// assert_eq!(lp.run_until_complete(main_task()), Instant::from_secs(2));
/// ```
#[track_caller]
pub fn time() -> Instant {
    scheduler::with_running(Scheduler::now)
}

/// The id of the task running on this thread (asyncio's `current_task`).
///
/// # Panics
///
/// Outside a task.
///
/// ```
/// use coro::rt;
///
/// #[coro::coroutine(task)]
/// fn me() -> rt::TaskId {
///     rt::current_task_id()
/// }
///
/// let lp = rt::Loop::new();
/// let h = lp.spawn(me());
/// let id = h.id();
/// assert_eq!(lp.run_until_complete(h.join()).unwrap(), id);
/// ```
#[track_caller]
pub fn current_task_id() -> TaskId {
    scheduler::with_current_task(|t| t.header().id)
}

/// Cancels a callback scheduled with [`Handle::call_soon`](super::Handle::call_soon),
/// [`call_later`](super::Handle::call_later) or [`call_at`](super::Handle::call_at) (asyncio's
/// `Handle`/`TimerHandle`). Dropping it does not cancel anything.
///
/// ```
/// use coro::rt::Loop;
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use std::time::Duration;
///
/// let lp = Loop::with_virtual_clock();
/// let ran = Rc::new(Cell::new(false));
/// let r = ran.clone();
/// let handle = lp.call_later(Duration::from_secs(1), move || r.set(true));
/// assert!(handle.is_pending());
/// handle.cancel();
/// assert_eq!(lp.timer_count(), 0); // a cancelled timer is gone at once
/// lp.run_until_complete(coro::rt::sleep(Duration::from_secs(2)));
/// assert!(!ran.get());
/// ```
pub struct CallbackHandle {
    cell: Rc<CallbackCell>,
    lp: Weak<Scheduler>,
}

impl CallbackHandle {
    pub(crate) fn new(cell: Rc<CallbackCell>, lp: Weak<Scheduler>) -> CallbackHandle {
        CallbackHandle { cell, lp }
    }

    /// Cancels the callback if it has not run yet: it will not run, and its timer (if any) is
    /// removed from the loop. Does nothing otherwise.
    ///
    /// ```
    /// use coro::rt::Loop;
    ///
    /// let lp = Loop::new();
    /// let h = lp.call_soon(|| panic!("never runs"));
    /// h.cancel();
    /// lp.run_until_complete(coro::rt::yield_now());
    /// ```
    pub fn cancel(&self) {
        self.cell.cancel();
        if let Some(key) = self.cell.timer.take() {
            if let Some(lp) = self.lp.upgrade() {
                lp.remove_timer(key);
            }
        }
    }

    /// Whether the callback is still to run (neither run nor cancelled).
    ///
    /// ```
    /// use coro::rt::Loop;
    ///
    /// let lp = Loop::new();
    /// let h = lp.call_soon(|| {});
    /// assert!(h.is_pending());
    /// lp.run_until_complete(coro::rt::yield_now());
    /// assert!(!h.is_pending());
    /// ```
    pub fn is_pending(&self) -> bool {
        self.cell.is_pending()
    }
}

impl fmt::Debug for CallbackHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackHandle")
            .field("pending", &self.is_pending())
            .finish()
    }
}
