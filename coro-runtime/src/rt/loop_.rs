//! The event loop: `Loop` owns the tasks and runs iterations; `Inner` is the state its handles
//! share. (`Handle` schedules work on it, `Builder` configures it: their own files.)

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::ops::Deref;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe, Location};
use std::rc::Rc;
use std::time::Duration;

use super::callback::CallbackCell;
use super::clock::{poll_timeout, Clock};
use super::context::{Enter, Running};
use super::diagnostic::Diagnostic;
use super::io::Reactor;
use super::join_handle::JoinError;
use super::pool::Pool;
use super::task::{payload_message, AnyTask, Header, Listener, TaskState};
use super::timers::{TimerAction, Timers};
use super::{Awaitable, Builder, Handle, Reply, Request};

/// An entry of the ready queue.
pub(crate) enum Runnable {
    /// Resume this task with this reply.
    Task(Rc<dyn AnyTask>, Reply),
    /// Run this callback.
    Call(Rc<CallbackCell>),
}

/// Live tasks, by slot; the loop owns them until they finish.
#[derive(Default)]
pub(crate) struct TaskTable {
    slots: Vec<Option<Rc<dyn AnyTask>>>,
    free: Vec<usize>,
    pub(crate) len: usize,
}

impl TaskTable {
    pub(crate) fn insert(&mut self, task: Rc<dyn AnyTask>) {
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.slots.push(None);
                self.slots.len() - 1
            }
        };
        task.header().slot.set(slot);
        self.slots[slot] = Some(task);
        self.len += 1;
    }

    fn remove(&mut self, header: &Header) -> Option<Rc<dyn AnyTask>> {
        let slot = header.slot.replace(usize::MAX);
        let task = self.slots.get_mut(slot)?.take()?;
        self.free.push(slot);
        self.len -= 1;
        Some(task)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Rc<dyn AnyTask>> {
        self.slots.iter().flatten()
    }

    fn take_all(&mut self) -> Vec<Rc<dyn AnyTask>> {
        let tasks: Vec<_> = self.slots.drain(..).flatten().collect();
        for t in &tasks {
            t.header().slot.set(usize::MAX);
        }
        self.free.clear();
        self.len = 0;
        tasks
    }
}

/// Where diagnostics go.
pub(crate) type Sink = Rc<dyn Fn(&Diagnostic)>;

/// How a loop was configured.
pub(crate) struct Config {
    /// The slow-step threshold, when debug mode is on.
    pub(crate) slow_step: Option<Duration>,
    pub(crate) strict: bool,
    pub(crate) sink: Sink,
    /// The bound on the blocking pool's threads.
    pub(crate) blocking_threads: usize,
}

/// The state a loop's handles share.
pub(crate) struct Inner {
    pub(crate) ready: RefCell<VecDeque<Runnable>>,
    pub(crate) timers: RefCell<Timers>,
    pub(crate) tasks: RefCell<TaskTable>,
    pub(crate) clock: Clock,
    pub(crate) config: Config,
    pub(crate) next_id: Cell<u64>,
    pub(crate) stopping: Cell<bool>,
    pub(crate) running: Cell<bool>,
    pub(crate) closed: Cell<bool>,
    strict_failures: RefCell<Vec<String>>,
    /// The poller, made when a socket first waits or a blocking call starts.
    reactor: OnceCell<Rc<Reactor>>,
    /// The blocking pool, made at the first `run_in_thread`.
    pool: OnceCell<Pool>,
}

impl Inner {
    pub(crate) fn new(clock: Clock, config: Config) -> Inner {
        Inner {
            ready: RefCell::new(VecDeque::new()),
            timers: RefCell::new(Timers::default()),
            tasks: RefCell::new(TaskTable::default()),
            clock,
            config,
            next_id: Cell::new(0),
            stopping: Cell::new(false),
            running: Cell::new(false),
            closed: Cell::new(false),
            strict_failures: RefCell::new(Vec::new()),
            reactor: OnceCell::new(),
            pool: OnceCell::new(),
        }
    }

    /// The loop's reactor, made on first use.
    pub(crate) fn reactor(&self) -> io::Result<Rc<Reactor>> {
        if let Some(r) = self.reactor.get() {
            return Ok(r.clone());
        }
        let r = Rc::new(Reactor::new()?);
        Ok(self.reactor.get_or_init(|| r).clone())
    }

    /// The reactor, if one was made.
    pub(crate) fn try_reactor(&self) -> Option<&Rc<Reactor>> {
        self.reactor.get()
    }

    /// The loop's blocking pool, made on first use.
    pub(crate) fn pool(&self) -> &Pool {
        self.pool
            .get_or_init(|| Pool::new(self.config.blocking_threads))
    }

    fn diagnose(&self, d: Diagnostic) {
        let fails_run = self.config.strict
            && matches!(
                d,
                Diagnostic::UnretrievedPanic { .. } | Diagnostic::CallbackPanicked { .. }
            );
        if fails_run {
            self.strict_failures.borrow_mut().push(d.to_string());
        }
        (self.config.sink)(&d);
    }

    pub(crate) fn push_ready(&self, r: Runnable) {
        self.ready.borrow_mut().push_back(r);
    }

    /// The due timers go to the ready queue, in deadline order.
    fn fire_timers(&self) {
        let now = self.clock.now();
        loop {
            let action = self.timers.borrow_mut().pop_due(now);
            match action {
                None => break,
                Some(TimerAction::Wake(task)) => {
                    if let Some(task) = task.upgrade() {
                        let h = task.header();
                        h.timer.set(None);
                        if h.state.get() == TaskState::Parked {
                            h.state.set(TaskState::Scheduled);
                            self.push_ready(Runnable::Task(task, Reply::Deadline));
                        }
                    }
                }
                Some(TimerAction::Call(cell)) => {
                    cell.timer.set(None);
                    self.push_ready(Runnable::Call(cell));
                }
            }
        }
    }

    /// One iteration (asyncio's `_run_once`): wait for the first timer or for I/O if nothing
    /// is ready, move the due timers to the ready queue, then run what is ready now, and only
    /// that. `false` when there was nothing to do and nothing to wait for.
    fn run_once(&self) -> bool {
        match self.reactor.get() {
            Some(reactor) if reactor.is_waited_on() => self.poll_io(reactor),
            _ => {
                if self.ready.borrow().is_empty() {
                    let next = self.timers.borrow().next_deadline();
                    match next {
                        Some(deadline) => self.clock.wait_until(deadline),
                        None => return false,
                    }
                }
            }
        }
        self.fire_timers();
        let n = self.ready.borrow().len();
        for _ in 0..n {
            let next = self.ready.borrow_mut().pop_front();
            match next {
                Some(Runnable::Task(task, reply)) => self.run_task(task, reply),
                Some(Runnable::Call(cell)) => self.run_callback(&cell),
                None => break,
            }
        }
        true
    }

    /// Polls for I/O and blocking-call completions while a task waits on either.
    ///
    /// - Something is ready, or a timer is already due: poll without waiting (I/O is never
    ///   starved by busy tasks).
    /// - Real clock: wait in the poller until the first timer's deadline, rounded *up* to the
    ///   poller's millisecond so that a timer never fires early; with no timer, as long as it
    ///   takes.
    /// - Virtual clock: while a blocking call is outstanding, wait for real (the call runs in
    ///   real time, so virtual time stands still until it is back). Otherwise poll without
    ///   waiting, and if nothing became ready, jump to the first timer's deadline; with no
    ///   timer, wait for real readiness. Sockets on loopback between tasks of the same loop are
    ///   ready as soon as the peer's system call returns, so a test on the virtual clock sees
    ///   them before any timer fires.
    fn poll_io(&self, reactor: &Reactor) {
        let next = self.timers.borrow().next_deadline();
        let now = self.clock.now();
        let busy = !self.ready.borrow().is_empty() || next.is_some_and(|d| d <= now);
        if busy {
            reactor.poll(Some(Duration::ZERO));
        } else if !self.clock.is_virtual() {
            reactor.poll(next.map(|d| poll_timeout(d - now)));
        } else if reactor.call_count() > 0 {
            reactor.poll(None);
        } else if let Some(deadline) = next {
            reactor.poll(Some(Duration::ZERO));
            if self.ready.borrow().is_empty() {
                self.clock.wait_until(deadline);
            }
        } else {
            reactor.poll(None);
        }
    }

    fn run_callback(&self, cell: &CallbackCell) {
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| cell.run())) {
            let message = payload_message(&*payload).unwrap_or("<non-string panic payload>");
            self.diagnose(Diagnostic::CallbackPanicked {
                message: message.to_string(),
            });
        }
    }

    fn run_task(&self, task: Rc<dyn AnyTask>, reply: Reply) {
        let h = task.header();
        if h.state.get() != TaskState::Scheduled {
            return;
        }
        if h.cancel_requested.get() {
            self.cancel_now(&task);
            return;
        }
        h.state.set(TaskState::Running);
        h.woken_while_running.set(false);
        h.park.set(None);
        // Measured on the loop's clock: the monotonic clock, or the virtual one, on which a
        // step that models a blocking call with `advance` is slow too (deterministic tests).
        let started = self.config.slow_step.map(|_| self.clock.now());
        let result = {
            let _running = Running::new(&task);
            catch_unwind(AssertUnwindSafe(|| task.step(reply)))
        };
        if let (Some(at), Some(threshold)) = (started, self.config.slow_step) {
            let took = self.clock.now() - at;
            if took >= threshold {
                self.diagnose(Diagnostic::SlowStep {
                    task: h.id,
                    name: h.name(),
                    spawned_at: h.created,
                    took,
                    at,
                });
            }
        }
        match result {
            Ok(Some(_)) if h.cancel_requested.get() => self.cancel_now(&task),
            Ok(Some(Request::YieldNow)) => {
                h.state.set(TaskState::Scheduled);
                self.push_ready(Runnable::Task(task, Reply::Ready));
            }
            Ok(Some(Request::Park(park))) => {
                if h.woken_while_running.replace(false) {
                    h.state.set(TaskState::Scheduled);
                    self.push_ready(Runnable::Task(task, Reply::Woken));
                    return;
                }
                h.state.set(TaskState::Parked);
                h.park.set(Some(park));
                if let Some(deadline) = park.deadline {
                    let key = self
                        .timers
                        .borrow_mut()
                        .insert(deadline, TimerAction::Wake(Rc::downgrade(&task)));
                    h.timer.set(Some(key));
                }
            }
            Ok(None) => self.finish(&task),
            Err(payload) => {
                // The coroutine is poisoned; its locals were dropped by the unwinding.
                let _ = catch_unwind(AssertUnwindSafe(|| task.drop_coroutine()));
                task.fail(JoinError::Panicked(payload));
                self.finish(&task);
            }
        }
    }

    /// Cancellation, delivered: drops the coroutine where it is suspended (its live locals run
    /// their destructors, which unregister its waits), then finishes the task as cancelled.
    fn cancel_now(&self, task: &Rc<dyn AnyTask>) {
        let h = task.header();
        if let Some(key) = h.timer.take() {
            self.timers.borrow_mut().remove(key);
        }
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| task.drop_coroutine())) {
            let message = payload_message(&*payload).unwrap_or("<non-string panic payload>");
            self.diagnose(Diagnostic::DropPanicked {
                task: h.id,
                name: h.name(),
                message: message.to_string(),
            });
        }
        task.fail(JoinError::Cancelled);
        self.finish(task);
    }

    fn finish(&self, task: &Rc<dyn AnyTask>) {
        let h = task.header();
        h.state.set(TaskState::Done);
        h.park.set(None);
        if let Some(key) = h.timer.take() {
            self.timers.borrow_mut().remove(key);
        }
        let owned = self.tasks.borrow_mut().remove(h);
        let listeners = std::mem::take(&mut *h.listeners.borrow_mut());
        for listener in listeners {
            match listener {
                Listener::Joiner(waker) => waker.wake(),
                Listener::Done(callback) => callback(&**task),
            }
        }
        drop(owned);
    }

    fn check_strict(&self) {
        let failures = std::mem::take(&mut *self.strict_failures.borrow_mut());
        if !failures.is_empty() {
            panic!("coro (strict mode): {}", failures.join("; "));
        }
    }
}

/// Makes a parked task ready (or notes the wake-up if it is running).
pub(crate) fn wake(task: &Rc<dyn AnyTask>) {
    let h = task.header();
    match h.state.get() {
        TaskState::Parked => {
            let Some(lp) = h.lp.upgrade() else { return };
            h.state.set(TaskState::Scheduled);
            if let Some(key) = h.timer.take() {
                lp.timers.borrow_mut().remove(key);
            }
            lp.push_ready(Runnable::Task(task.clone(), Reply::Woken));
        }
        TaskState::Running => h.woken_while_running.set(true),
        TaskState::Scheduled | TaskState::Done => {}
    }
}

/// Asks for a task's cancellation: see [`JoinHandle::cancel`].
pub(crate) fn cancel(task: &Rc<dyn AnyTask>) {
    let h = task.header();
    if h.state.get() == TaskState::Done || h.cancel_requested.replace(true) {
        return;
    }
    if h.state.get() == TaskState::Parked {
        let Some(lp) = h.lp.upgrade() else { return };
        h.state.set(TaskState::Scheduled);
        if let Some(key) = h.timer.take() {
            lp.timers.borrow_mut().remove(key);
        }
        lp.push_ready(Runnable::Task(task.clone(), Reply::Woken));
    }
}

/// Reports a panic that no join retrieved (called when the task's last handle goes away).
pub(crate) fn report_unretrieved_panic(h: &Header, message: &str) {
    let d = Diagnostic::UnretrievedPanic {
        task: h.id,
        name: h.name(),
        spawned_at: h.created,
        message: message.to_string(),
    };
    match h.lp.upgrade() {
        Some(lp) => lp.diagnose(d),
        None => eprintln!("{d}"),
    }
}

/// A single-threaded event loop in the asyncio tradition: it owns its tasks and runs them.
///
/// Each iteration waits, if nothing is ready, for the first timer or for a socket or blocking
/// call a task waits on (in the poller, [`mio`](https://docs.rs/mio)), moves the due timers to
/// the ready queue, then runs the steps that were ready when the iteration began, first in
/// first out, so a task that keeps yielding cannot starve timers, I/O or other tasks.
///
/// A `Loop` dereferences to its [`Handle`], which spawns tasks, sets callbacks and reads the
/// time. Dropping a loop closes it.
///
/// ```
/// use coro::rt::{self, Loop, Reply, Request};
/// use std::time::Duration;
///
/// #[coro::coroutine(task)]
/// fn tick(name: &'static str, n: u32) -> String {
///     let mut out = String::new();
///     for i in 0..n {
///         out.push_str(&format!("{name}{i} "));
///         yield_from!(rt::sleep(Duration::from_secs(1)));
///     }
///     out
/// }
///
/// let lp = Loop::with_virtual_clock();
/// let a = lp.spawn(tick("a", 2));
/// let b = lp.spawn(tick("b", 3));
/// assert_eq!(lp.run_until_complete(b.join()).unwrap(), "b0 b1 b2 ");
/// assert_eq!(lp.run_until_complete(a.join()).unwrap(), "a0 a1 ");
/// assert_eq!(lp.time(), rt::Instant::from_secs(3));
/// ```
pub struct Loop {
    handle: Handle,
}

impl Default for Loop {
    fn default() -> Self {
        Loop::new()
    }
}

impl Deref for Loop {
    type Target = Handle;

    fn deref(&self) -> &Handle {
        &self.handle
    }
}

impl Loop {
    pub(crate) fn from_inner(inner: Inner) -> Loop {
        Loop {
            handle: Handle {
                inner: Rc::new(inner),
            },
        }
    }

    /// A loop with the real clock (and debug mode if `CORO_DEBUG` is set).
    ///
    /// ```
    /// let lp = coro::rt::Loop::new();
    /// assert!(!lp.has_virtual_clock());
    /// ```
    pub fn new() -> Loop {
        Builder::default().build()
    }

    /// A loop with a virtual clock, for tests: see [`Builder::virtual_clock`].
    ///
    /// ```
    /// let lp = coro::rt::Loop::with_virtual_clock();
    /// assert!(lp.has_virtual_clock());
    /// ```
    pub fn with_virtual_clock() -> Loop {
        Builder::default().virtual_clock().build()
    }

    /// Configures a loop.
    ///
    /// ```
    /// let lp = coro::rt::Loop::builder().virtual_clock().build();
    /// # drop(lp);
    /// ```
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// A handle to this loop, to keep or to move into callbacks.
    ///
    /// ```
    /// let lp = coro::rt::Loop::new();
    /// let h = lp.handle();
    /// assert_eq!(h.time() <= lp.time(), true);
    /// ```
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }

    /// Runs `coroutine` as a task, and the loop until that task finishes; returns its value.
    /// Other tasks run meanwhile and may still be pending when it returns.
    ///
    /// # Panics
    ///
    /// If the task panics, with its panic; if it is cancelled; if the loop is stopped before it
    /// finishes; if nothing can ever wake it (a deadlock: every task waits, no timer is set,
    /// no task waits on a socket or a blocking call; the message holds a
    /// [`dump`](Handle::dump)); if the loop is closed or already
    /// running on this thread; in strict mode, on an unretrieved panic.
    ///
    /// ```
    /// use coro::rt::{self, Loop, Reply, Request};
    ///
    /// #[coro::coroutine(task)]
    /// fn answer() -> u32 {
    ///     yield_from!(rt::yield_now());
    ///     42
    /// }
    ///
    /// assert_eq!(Loop::new().run_until_complete(answer()), 42);
    /// ```
    #[track_caller]
    pub fn run_until_complete<C>(&self, coroutine: C) -> C::Return
    where
        C: Awaitable + 'static,
        C::Return: 'static,
    {
        let handle = self.spawn_inner(coroutine, None, Location::caller());
        self.run(|| handle.is_finished(), true);
        match handle.try_take() {
            Some(Ok(value)) => value,
            Some(Err(JoinError::Panicked(payload))) => resume_unwind(payload),
            Some(Err(JoinError::Cancelled)) => {
                panic!("coro: the task run by run_until_complete was cancelled")
            }
            None => unreachable!("run ended before the task finished"),
        }
    }

    /// Runs the loop until [`Handle::stop`] is called.
    ///
    /// # Panics
    ///
    /// If nothing is ready, no timer is set, no task waits on a socket or a blocking call and
    /// `stop` was not called: nothing could ever happen again (the message holds a dump). Also when the loop is closed or already
    /// running, and in strict mode on an unretrieved panic.
    ///
    /// ```
    /// use coro::rt::Loop;
    ///
    /// let lp = Loop::new();
    /// let h = lp.handle();
    /// lp.call_soon(move || h.stop());
    /// lp.run_forever();
    /// ```
    pub fn run_forever(&self) {
        self.run(|| false, false);
    }

    fn run(&self, done: impl Fn() -> bool, until_complete: bool) {
        let inner = &self.handle.inner;
        assert!(!inner.closed.get(), "coro: the loop is closed");
        let _enter = Enter::new(inner);
        let _running = RunningFlag::new(&inner.running);
        loop {
            if done() {
                inner.stopping.set(false);
                return;
            }
            let progressed = inner.run_once();
            inner.check_strict();
            if inner.stopping.replace(false) {
                if until_complete && !done() {
                    panic!("coro: the loop was stopped before the task completed");
                }
                return;
            }
            if !progressed {
                panic!(
                    "coro: deadlock: nothing is ready, no timer is set, and nothing else can wake a task\n{}",
                    self.dump()
                );
            }
        }
    }

    /// Closes the loop: cancels every task it still holds (dropping their coroutines where they
    /// wait), drops pending callbacks and timers. Joining a task cancelled this way reports
    /// [`JoinError::Cancelled`]. Closing twice does nothing; spawning on a closed loop panics.
    ///
    /// # Panics
    ///
    /// When called while the loop runs.
    ///
    /// ```
    /// use coro::rt::{self, Loop};
    /// use std::time::Duration;
    ///
    /// let lp = Loop::with_virtual_clock();
    /// let h = lp.spawn(rt::sleep(Duration::from_secs(1)));
    /// lp.close();
    /// assert_eq!((lp.task_count(), lp.timer_count()), (0, 0));
    /// assert!(h.is_finished());
    /// ```
    pub fn close(&self) {
        let inner = &self.handle.inner;
        assert!(!inner.running.get(), "coro: cannot close a running loop");
        if inner.closed.replace(true) {
            return;
        }
        // Destructors run while tasks are cancelled may wake or cancel other tasks; go on until
        // none is left.
        loop {
            let tasks = inner.tasks.borrow_mut().take_all();
            if tasks.is_empty() {
                break;
            }
            for task in &tasks {
                // Back in the table so that `finish` can remove it as usual.
                inner.tasks.borrow_mut().insert(task.clone());
                inner.cancel_now(task);
            }
        }
        let ready = std::mem::take(&mut *inner.ready.borrow_mut());
        drop(ready);
        let timers = inner.timers.borrow_mut().clear();
        drop(timers);
        if let Some(pool) = inner.pool.get() {
            pool.shutdown();
        }
    }
}

impl Drop for Loop {
    fn drop(&mut self) {
        if !self.handle.inner.running.get() {
            self.close();
        }
    }
}

impl fmt::Debug for Loop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.handle, f)
    }
}

/// Sets a flag for as long as it lives (panic-safe).
struct RunningFlag<'a>(&'a Cell<bool>);

impl<'a> RunningFlag<'a> {
    fn new(flag: &'a Cell<bool>) -> Self {
        flag.set(true);
        RunningFlag(flag)
    }
}

impl Drop for RunningFlag<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

/// Runs `main` on a new loop until it completes, then closes the loop, cancelling whatever
/// tasks remain (asyncio's `asyncio.run`). The loop uses the real clock; debug mode follows
/// `CORO_DEBUG`.
///
/// # Panics
///
/// As [`Loop::run_until_complete`].
///
/// ```
/// use coro::rt::{self, Reply, Request};
/// use std::time::Duration;
///
/// #[coro::coroutine(task)]
/// fn main_task() -> &'static str {
///     yield_from!(rt::sleep(Duration::from_millis(1)));
///     "done"
/// }
///
/// assert_eq!(rt::run(main_task()), "done");
/// ```
#[track_caller]
pub fn run<C>(main: C) -> C::Return
where
    C: Awaitable + 'static,
    C::Return: 'static,
{
    let lp = Loop::new();
    let value = lp.run_until_complete(main);
    lp.close();
    value
}
