//! The scheduler: the state a loop's handles share (ready queue, timers, live tasks, clock,
//! poller, blocking pool), one iteration of the loop, the task transitions, and the
//! thread-locals that say which loop and which task run on this thread (asyncio's
//! `get_running_loop` and `current_task`).
//!
//! `run.rs` is the chapter that runs it: one iteration, `run`, `close`.
//!
//! Every change of a task's state is written here or in `run.rs`. With `task.rs` this is the runtime's one
//! import circle, and an inherent one: the scheduler owns and steps tasks, and a task's header
//! points back to its scheduler so that a `Waker` can make it ready.

mod run;

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::VecDeque;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe, Location};
use std::rc::{Rc, Weak};
use std::time::Duration;

use super::callback::CallbackCell;
use super::clock::Clock;
use super::diagnostic::{self, Diagnostic, TaskInfo};
use super::io::reactor::Reactor;
use super::outcome::{payload_message, JoinError};
use super::pool::Pool;
use super::slots::Slots;
use super::task::{AnyTask, Header, Listener, TaskCell, TaskState, Typed, Waker};
use super::timers::{TimerKey, Timers};
use super::{Awaitable, Instant, Reply, TaskId};

/// An entry of the ready queue.
enum Runnable {
    /// Resume this task with the reply in its header ([`Header::reply`]: a task is in the
    /// queue at most once, so it has one, and the entry stays two words).
    Task(Rc<AnyTask>),
    /// Run this callback.
    Call(Rc<CallbackCell>),
}

/// What a timer does when its deadline comes.
enum Timer {
    /// Resume a parked task with `Reply::Deadline`.
    Wake(Weak<AnyTask>),
    /// Run a callback set with `call_later`/`call_at`.
    Call(Rc<CallbackCell>),
}

/// Where diagnostics go.
pub(crate) type Sink = Rc<dyn Fn(&Diagnostic)>;

/// The task a loop is stepping, while it steps it (`None` between steps). The loop holds it in
/// an `Rc` that the sockets registered with its poller share, so that a socket operation finds
/// the running task without a thread-local look-up: only the loop running on this thread can
/// be stepping a task.
pub(crate) type Current = Rc<RefCell<Option<Rc<AnyTask>>>>;

/// How a loop was configured.
pub(crate) struct Config {
    /// The slow-step threshold, when debug mode is on.
    pub(crate) slow_step: Option<Duration>,
    pub(crate) strict: bool,
    pub(crate) sink: Sink,
    /// The bound on the blocking pool's threads.
    pub(crate) blocking_threads: usize,
}

/// The state a loop's handles share, and what runs it.
pub(crate) struct Scheduler {
    ready: RefCell<VecDeque<Runnable>>,
    timers: RefCell<Timers<Timer>>,
    /// The live tasks: the loop owns them until they finish.
    tasks: RefCell<Slots<Rc<AnyTask>>>,
    clock: Clock,
    config: Config,
    next_id: Cell<u64>,
    stopping: Cell<bool>,
    running: Cell<bool>,
    closed: Cell<bool>,
    strict_failures: RefCell<Vec<String>>,
    /// The poller, made when a socket first waits or a blocking call starts.
    reactor: OnceCell<Rc<Reactor<Waker>>>,
    /// The blocking pool, made at the first `run_in_thread`.
    pool: OnceCell<Pool>,
    /// The task being stepped.
    current: Current,
}

impl Scheduler {
    pub(crate) fn new(clock: Clock, config: Config) -> Scheduler {
        Scheduler {
            ready: RefCell::new(VecDeque::new()),
            timers: RefCell::new(Timers::default()),
            tasks: RefCell::new(Slots::default()),
            clock,
            config,
            next_id: Cell::new(0),
            stopping: Cell::new(false),
            running: Cell::new(false),
            closed: Cell::new(false),
            strict_failures: RefCell::new(Vec::new()),
            reactor: OnceCell::new(),
            pool: OnceCell::new(),
            current: Current::default(),
        }
    }

    /// The cell that holds the task this loop is stepping (see [`Current`]).
    pub(crate) fn current(&self) -> &Current {
        &self.current
    }

    // ---- what handles read and ask for ----

    pub(crate) fn now(&self) -> Instant {
        self.clock.now()
    }

    pub(crate) fn clock(&self) -> &Clock {
        &self.clock
    }

    pub(crate) fn stop(&self) {
        self.stopping.set(true);
    }

    pub(crate) fn is_running(&self) -> bool {
        self.running.get()
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.get()
    }

    pub(crate) fn task_count(&self) -> usize {
        self.tasks.borrow().len()
    }

    pub(crate) fn timer_count(&self) -> usize {
        self.timers.borrow().len()
    }

    /// The loop's reactor, made on first use.
    pub(crate) fn reactor(&self) -> io::Result<Rc<Reactor<Waker>>> {
        if let Some(r) = self.reactor.get() {
            return Ok(r.clone());
        }
        let r = Rc::new(Reactor::new()?);
        Ok(self.reactor.get_or_init(|| r).clone())
    }

    /// The reactor, if one was made.
    pub(crate) fn try_reactor(&self) -> Option<&Rc<Reactor<Waker>>> {
        self.reactor.get()
    }

    /// The loop's blocking pool, made on first use.
    pub(crate) fn pool(&self) -> &Pool {
        self.pool
            .get_or_init(|| Pool::new(self.config.blocking_threads))
    }

    /// What every live task is doing, in spawn order.
    pub(crate) fn tasks(&self) -> Vec<TaskInfo> {
        diagnostic::tasks(self.tasks.borrow().iter().map(|t| t.header().info()))
    }

    /// The text of `Handle::dump`.
    pub(crate) fn dump(&self) -> String {
        let reactor = self.try_reactor();
        let counts = diagnostic::Counts {
            time: self.now(),
            timers: self.timer_count(),
            io: reactor.map_or(0, |r| r.wait_count()),
            blocking: reactor.map_or(0, |r| r.call_count()),
        };
        diagnostic::dump(&self.tasks(), counts)
    }

    /// Makes a task of `coroutine`, queued behind what is already ready.
    ///
    /// # Panics
    ///
    /// When the loop is closed.
    pub(crate) fn spawn<C>(
        self: &Rc<Self>,
        coroutine: C,
        name: Option<Box<str>>,
        at: &'static Location<'static>,
    ) -> Rc<TaskCell<Typed<C, C::Return>>>
    where
        C: Awaitable + 'static,
        C::Return: 'static,
    {
        assert!(!self.closed.get(), "coro: the loop is closed");
        let id = self.next_id.get() + 1;
        self.next_id.set(id);
        let header = Header::new(TaskId(id), name, at, Rc::downgrade(self));
        let cell: Rc<TaskCell<Typed<C, C::Return>>> = Rc::new(TaskCell::new(header, coroutine));
        let task: Rc<AnyTask> = cell.clone();
        self.adopt(task.clone());
        self.push_task(task, Reply::Start);
        cell
    }

    /// A callback at the back of the ready queue.
    pub(crate) fn call_soon(&self, f: Box<dyn FnOnce()>) -> Rc<CallbackCell> {
        let cell = CallbackCell::new(f);
        self.push_ready(Runnable::Call(cell.clone()));
        cell
    }

    /// A callback due at `when`.
    pub(crate) fn call_at(&self, when: Instant, f: Box<dyn FnOnce()>) -> Rc<CallbackCell> {
        let cell = CallbackCell::new(f);
        let key = self
            .timers
            .borrow_mut()
            .insert(when, Timer::Call(cell.clone()));
        cell.timer.set(Some(key));
        cell
    }

    /// Removes a timer that will not be needed (a cancelled callback's).
    pub(crate) fn remove_timer(&self, key: TimerKey) {
        self.timers.borrow_mut().remove(key);
    }

    pub(crate) fn diagnose(&self, d: Diagnostic) {
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

    // ---- task transitions ----

    /// A new task joins the table of live tasks.
    fn adopt(&self, task: Rc<AnyTask>) {
        self.tasks.borrow_mut().insert_with(|slot| {
            task.header().slot.set(slot);
            task
        });
    }

    /// Parked → ready: the task goes to the back of the ready queue, resumed with `reply`,
    /// and the timer of its park, if any, is removed. (From a timer, a waker, or a
    /// cancellation: the one way out of a park.)
    #[inline(always)]
    fn unpark(&self, task: Rc<AnyTask>, reply: Reply) {
        let h = task.header();
        h.state.set(TaskState::Scheduled);
        if let Some(key) = h.timer.take() {
            self.timers.borrow_mut().remove(key);
        }
        self.push_task(task, reply);
    }

    /// Cancellation, delivered: drops the coroutine where it is suspended (its live locals run
    /// their destructors, which unregister its waits), then finishes the task as cancelled.
    fn cancel_now(&self, task: &Rc<AnyTask>) {
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

    /// Done: the task leaves the table and its listeners hear of it.
    fn finish(&self, task: &Rc<AnyTask>) {
        let h = task.header();
        h.state.set(TaskState::Done);
        h.park.set(None);
        if let Some(key) = h.timer.take() {
            self.timers.borrow_mut().remove(key);
        }
        let slot = h.slot.replace(usize::MAX);
        let owned = self.tasks.borrow_mut().remove(slot);
        let listeners = std::mem::take(&mut *h.listeners.borrow_mut());
        for listener in listeners {
            match listener {
                Listener::Joiner(waker) => waker.wake(),
                Listener::Done(callback) => callback(&**task),
            }
        }
        drop(owned);
    }

    #[inline]
    fn push_ready(&self, r: Runnable) {
        self.ready.borrow_mut().push_back(r);
    }

    /// A task to the back of the ready queue, to be resumed with `reply`.
    #[inline]
    fn push_task(&self, task: Rc<AnyTask>, reply: Reply) {
        task.header().reply.set(reply);
        self.push_ready(Runnable::Task(task));
    }

    fn check_strict(&self) {
        if self.strict_failures.borrow().is_empty() {
            return;
        }
        let failures = std::mem::take(&mut *self.strict_failures.borrow_mut());
        if !failures.is_empty() {
            panic!("coro (strict mode): {}", failures.join("; "));
        }
    }
}

/// Makes a parked task ready (or notes the wake-up if it is running): what a [`Waker`] does.
pub(crate) fn wake(task: Rc<AnyTask>) {
    let h = task.header();
    match h.state.get() {
        TaskState::Parked => {
            if let Some(s) = h.lp.upgrade() {
                s.unpark(task, Reply::Woken);
            }
        }
        TaskState::Running => h.woken_while_running.set(true),
        TaskState::Scheduled | TaskState::Done => {}
    }
}

/// [`wake`], from the poller of loop `lp`: the task's loop is `lp` (a socket's waiters and a
/// blocking call's are tasks of the loop whose poller holds them), which saves upgrading the
/// task's `Weak` to its loop; checked by address all the same.
#[inline]
pub(crate) fn wake_on(lp: &Scheduler, task: Rc<AnyTask>) {
    let h = task.header();
    match h.state.get() {
        TaskState::Parked if std::ptr::eq(h.lp.as_ptr(), lp) => lp.unpark(task, Reply::Woken),
        _ => wake(task),
    }
}

/// Asks for a task's cancellation: see [`JoinHandle::cancel`](super::JoinHandle::cancel).
pub(crate) fn cancel(task: &Rc<AnyTask>) {
    let h = task.header();
    if h.state.get() == TaskState::Done || h.cancel_requested.replace(true) {
        return;
    }
    if h.state.get() == TaskState::Parked {
        if let Some(s) = h.lp.upgrade() {
            s.unpark(task.clone(), Reply::Woken);
        }
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

// ---- the running loop and task of this thread ----

thread_local! {
    static RUNNING: RefCell<Option<Rc<Scheduler>>> = const { RefCell::new(None) };
}

/// Marks a loop as running on this thread until dropped.
struct Enter {
    _private: (),
}

impl Enter {
    fn new(s: &Rc<Scheduler>) -> Enter {
        RUNNING.with(|r| {
            let mut r = r.borrow_mut();
            assert!(
                r.is_none(),
                "coro: cannot run a loop while another loop is running on this thread"
            );
            *r = Some(s.clone());
        });
        Enter { _private: () }
    }
}

impl Enter {
    /// Marks the loop as running on this thread, unless another one is.
    fn try_new(s: &Rc<Scheduler>) -> Option<Enter> {
        RUNNING.with(|r| {
            let mut r = r.borrow_mut();
            if r.is_some() {
                return None;
            }
            *r = Some(s.clone());
            Some(Enter { _private: () })
        })
    }
}

impl Drop for Enter {
    fn drop(&mut self) {
        let previous = RUNNING.with(|r| r.borrow_mut().take());
        drop(previous);
    }
}

/// Marks a task as the one its loop is stepping until dropped (a field of the loop, not a
/// thread-local: setting it costs no thread-local access per step).
struct CurrentTask<'a> {
    cell: &'a Current,
}

impl<'a> CurrentTask<'a> {
    #[inline]
    fn new(cell: &'a Current, task: &Rc<AnyTask>) -> CurrentTask<'a> {
        *cell.borrow_mut() = Some(task.clone());
        CurrentTask { cell }
    }
}

impl Drop for CurrentTask<'_> {
    #[inline]
    fn drop(&mut self) {
        let previous = self.cell.borrow_mut().take();
        drop(previous);
    }
}

/// The loop running on this thread, if any.
pub(crate) fn try_running() -> Option<Rc<Scheduler>> {
    RUNNING.with(|r| r.borrow().clone())
}

/// Runs `f` on the loop running on this thread, without cloning its handle.
///
/// # Panics
///
/// When no loop is running on this thread.
#[track_caller]
#[inline]
pub(crate) fn with_running<R>(f: impl FnOnce(&Scheduler) -> R) -> R {
    let r = RUNNING.with(|r| r.borrow().as_deref().map(f));
    match r {
        Some(r) => r,
        None => panic!("coro: no loop is running on this thread (call this from inside a task)"),
    }
}

/// The loop running on this thread.
#[track_caller]
pub(crate) fn running() -> Rc<Scheduler> {
    try_running().unwrap_or_else(|| {
        panic!("coro: no loop is running on this thread (call this from inside a task)")
    })
}

/// Runs `f` on the task being stepped on this thread, without cloning its handle.
///
/// # Panics
///
/// Outside a task.
#[track_caller]
pub(crate) fn with_current_task<R>(f: impl FnOnce(&Rc<AnyTask>) -> R) -> R {
    let r = RUNNING.with(|r| {
        r.borrow()
            .as_deref()
            .and_then(|s| s.current.borrow().as_ref().map(f))
    });
    match r {
        Some(r) => r,
        None => panic!("coro: no task is running on this thread (call this from inside a task)"),
    }
}
