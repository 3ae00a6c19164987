//! The loop's record of one task: its bookkeeping (`Header`), the cell holding its coroutine and
//! outcome, and its `Waker`. With the scheduler, the one inherent import circle of the runtime:
//! a task's header points back to its scheduler, which owns and steps it.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::Location;
use std::pin::Pin;
use std::rc::{Rc, Weak};

use crate::{Coroutine, CoroutineState};

use super::diagnostic::{TaskInfo, TaskStatus};
use super::io::reactor::Wake;
use super::outcome::{Exit, JoinError, Outcome};
use super::scheduler::{self, Scheduler};
use super::timers::TimerKey;
use super::{Park, Reply, Request, TaskId};

/// Where a task stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TaskState {
    /// In the ready queue.
    Scheduled,
    /// Being stepped right now.
    Running,
    /// Suspended at a `Request::Park`, waiting for a waker or its deadline.
    Parked,
    /// Finished: returned, panicked or cancelled.
    Done,
}

/// Called when a task finishes (internal: `AsCompleted`, `TaskGroup`).
pub(crate) type DoneCallback = Box<dyn FnOnce(&AnyTask)>;

/// Who hears when a task finishes. One list for both kinds keeps the header small; a task
/// rarely has more than one or two.
pub(crate) enum Listener {
    /// A task parked in `join` (identified by its `Rc` when it leaves).
    Joiner(Rc<Waker>),
    /// Internal bookkeeping.
    Done(DoneCallback),
}

/// Everything about a task that does not depend on its coroutine's type.
pub(crate) struct Header {
    pub(crate) id: TaskId,
    name: Option<Box<str>>,
    pub(crate) created: &'static Location<'static>,
    pub(crate) lp: Weak<Scheduler>,
    pub(crate) state: Cell<TaskState>,
    /// Index in the loop's task table while the task is live.
    pub(crate) slot: Cell<usize>,
    pub(crate) cancel_requested: Cell<bool>,
    /// A waker fired while the task was running: its next park returns at once.
    pub(crate) woken_while_running: Cell<bool>,
    /// What the task is resumed with when its turn in the ready queue comes.
    pub(crate) reply: Cell<Reply>,
    /// The timer of the current park, if it has a deadline.
    pub(crate) timer: Cell<Option<TimerKey>>,
    /// The current park, for dumps.
    pub(crate) park: Cell<Option<Park>>,
    /// Joiners and callbacks, told when the task finishes.
    pub(crate) listeners: RefCell<Vec<Listener>>,
    /// Its panic was reported by someone (a `TaskGroup`), so nobody needs to be told again.
    pub(crate) panic_retrieved: Cell<bool>,
}

impl Header {
    pub(crate) fn new(
        id: TaskId,
        name: Option<Box<str>>,
        created: &'static Location<'static>,
        lp: Weak<Scheduler>,
    ) -> Header {
        Header {
            id,
            name,
            created,
            lp,
            state: Cell::new(TaskState::Scheduled),
            slot: Cell::new(usize::MAX),
            cancel_requested: Cell::new(false),
            woken_while_running: Cell::new(false),
            reply: Cell::new(Reply::Start),
            timer: Cell::new(None),
            park: Cell::new(None),
            listeners: RefCell::new(Vec::new()),
            panic_retrieved: Cell::new(false),
        }
    }

    pub(crate) fn name(&self) -> String {
        match &self.name {
            Some(n) => n.to_string(),
            None => format!("Task-{}", self.id.0),
        }
    }

    /// What the task is doing, for `tasks()` and dumps.
    pub(crate) fn info(&self) -> TaskInfo {
        let status = match (self.state.get(), self.park.get()) {
            (TaskState::Running, _) => TaskStatus::Running,
            (TaskState::Parked, Some(park)) => TaskStatus::Waiting(park),
            _ => TaskStatus::Ready,
        };
        TaskInfo {
            id: self.id,
            name: self.name(),
            spawned_at: self.created,
            status,
        }
    }
}

/// A task seen by the loop, whatever its coroutine and output types: the header at a place
/// every task has it (reading it costs no call through the vtable), then the part that
/// depends on the types.
pub(crate) type AnyTask = TaskCell<dyn Body>;

/// A task seen by its `JoinHandle`: it knows the output type.
pub(crate) type Joinable<T> = TaskCell<dyn JoinBody<T>>;

/// What the loop asks of the typed part of a task.
pub(crate) trait Body {
    /// Resumes the coroutine once. `None`: it completed and its output is stored.
    fn step(&self, reply: Reply) -> Option<Request>;
    /// Drops the coroutine (its live locals), if it is still there.
    fn drop_coroutine(&self);
    /// Records a failure as the outcome, unless the task already has one.
    fn fail(&self, error: JoinError);
    /// How the task ended; `None` while it runs.
    fn exit(&self) -> Option<Exit>;
    /// The message of the panic that ended the task.
    fn panic_message(&self) -> Option<String>;
    /// Takes the outcome if it is a panic (when the task is dropped: whether to report it).
    fn take_panic(&mut self) -> Option<JoinError>;
}

/// The typed part of a task seen by its `JoinHandle`.
pub(crate) trait JoinBody<T>: Body {
    /// Takes the outcome once the task has finished.
    fn take_outcome(&self) -> Option<Result<T, JoinError>>;
}

/// The one allocation a task costs: header, coroutine and outcome together. `B` is a
/// [`Typed`] part, or one of the trait objects [`AnyTask`] and [`Joinable`] see it through.
pub(crate) struct TaskCell<B: ?Sized + Body> {
    header: Header,
    body: B,
}

/// The coroutine and the outcome of a task.
pub(crate) struct Typed<C, T> {
    coroutine: RefCell<Option<C>>,
    outcome: RefCell<Outcome<T>>,
}

impl<C, T> TaskCell<Typed<C, T>>
where
    C: Coroutine<Reply, Yield = Request, Return = T> + Unpin,
{
    pub(crate) fn new(header: Header, coroutine: C) -> TaskCell<Typed<C, T>> {
        TaskCell {
            header,
            body: Typed {
                coroutine: RefCell::new(Some(coroutine)),
                outcome: RefCell::new(Outcome::Pending),
            },
        }
    }
}

impl<B: ?Sized + Body> TaskCell<B> {
    #[inline]
    pub(crate) fn header(&self) -> &Header {
        &self.header
    }

    /// Resumes the coroutine once. `None`: it completed and its output is stored.
    #[inline]
    pub(crate) fn step(&self, reply: Reply) -> Option<Request> {
        self.body.step(reply)
    }

    /// Drops the coroutine (its live locals), if it is still there.
    pub(crate) fn drop_coroutine(&self) {
        self.body.drop_coroutine();
    }

    /// Records a failure as the outcome, unless the task already has one.
    pub(crate) fn fail(&self, error: JoinError) {
        self.body.fail(error);
    }

    /// How the task ended; `None` while it runs.
    pub(crate) fn exit(&self) -> Option<Exit> {
        self.body.exit()
    }

    /// The message of the panic that ended the task.
    pub(crate) fn panic_message(&self) -> Option<String> {
        self.body.panic_message()
    }
}

impl<T: 'static> Joinable<T> {
    /// Takes the outcome once the task has finished.
    pub(crate) fn take_outcome(&self) -> Option<Result<T, JoinError>> {
        self.body.take_outcome()
    }

    pub(crate) fn into_any_task(self: Rc<Self>) -> Rc<AnyTask> {
        self
    }
}

impl<C, T> Body for Typed<C, T>
where
    C: Coroutine<Reply, Yield = Request, Return = T> + Unpin,
{
    fn step(&self, reply: Reply) -> Option<Request> {
        let mut slot = self.coroutine.borrow_mut();
        let coroutine = slot.as_mut().expect("coro: a finished task was resumed");
        match Pin::new(coroutine).resume(reply) {
            CoroutineState::Yielded(request) => Some(request),
            CoroutineState::Complete(value) => {
                let finished = slot.take();
                drop(slot);
                drop(finished);
                *self.outcome.borrow_mut() = Outcome::Done(Ok(value));
                None
            }
        }
    }

    fn drop_coroutine(&self) {
        let coroutine = self.coroutine.borrow_mut().take();
        drop(coroutine);
    }

    fn fail(&self, error: JoinError) {
        self.outcome.borrow_mut().fail(error);
    }

    fn exit(&self) -> Option<Exit> {
        self.outcome.borrow().exit()
    }

    fn panic_message(&self) -> Option<String> {
        self.outcome.borrow().panic_message()
    }

    fn take_panic(&mut self) -> Option<JoinError> {
        match std::mem::replace(self.outcome.get_mut(), Outcome::Pending) {
            Outcome::Done(Err(e @ JoinError::Panicked(_))) => Some(e),
            _ => None,
        }
    }
}

impl<C, T> JoinBody<T> for Typed<C, T>
where
    C: Coroutine<Reply, Yield = Request, Return = T> + Unpin,
{
    fn take_outcome(&self) -> Option<Result<T, JoinError>> {
        self.outcome.borrow_mut().take()
    }
}

impl<B: ?Sized + Body> Drop for TaskCell<B> {
    fn drop(&mut self) {
        if let Some(e) = self.body.take_panic() {
            if !self.header.panic_retrieved.get() {
                let message = e.panic_message().unwrap_or("<non-string panic payload>");
                scheduler::report_unretrieved_panic(&self.header, message);
            }
        }
    }
}

/// Makes one task ready again after it parked with [`Request::Park`](super::Request::Park).
///
/// Get the running task's waker with [`Waker::current`], hand it to whatever will fire, then
/// park. Waking a task that is not parked does nothing (except during its own step: then its
/// next park returns at once, so no wake-up is lost); waking a finished task does nothing.
/// A `Waker` does not keep its task alive.
///
/// ```
/// use coro::rt::{self, Handle, Reply, Request, Waker};
/// use std::time::Duration;
///
/// #[coro::coroutine(task)]
/// fn woken_by_a_timer() -> Reply {
///     let waker = Waker::current();
///     Handle::current().call_later(Duration::from_secs(5), move || waker.wake());
///     yield_!(Request::park(None, "a timer callback"))
/// }
///
/// let lp = rt::Loop::with_virtual_clock();
/// assert_eq!(lp.run_until_complete(woken_by_a_timer()), Reply::Woken);
/// assert_eq!(lp.time(), rt::Instant::from_secs(5));
/// ```
#[derive(Clone)]
pub struct Waker {
    task: Weak<AnyTask>,
    id: TaskId,
}

impl Waker {
    /// The waker of the task running on this thread.
    ///
    /// # Panics
    ///
    /// Outside a task.
    ///
    /// ```
    /// use coro::rt::{self, Waker};
    ///
    /// #[coro::coroutine(task)]
    /// fn me() -> rt::TaskId {
    ///     Waker::current().task_id()
    /// }
    ///
    /// let lp = rt::Loop::new();
    /// let h = lp.spawn(me());
    /// let id = h.id();
    /// assert_eq!(lp.run_until_complete(h.join()).unwrap(), id);
    /// ```
    #[track_caller]
    pub fn current() -> Waker {
        scheduler::with_current_task(Waker::for_task)
    }

    #[inline]
    pub(crate) fn for_task(task: &Rc<AnyTask>) -> Waker {
        Waker {
            id: task.header().id,
            task: Rc::downgrade(task),
        }
    }

    /// Makes the task ready (resumed with [`Reply::Woken`](super::Reply::Woken)) if it is
    /// parked; see the type's docs for the other cases.
    ///
    /// ```
    /// use coro::rt::{self, Reply, Request, Waker};
    ///
    /// #[coro::coroutine(task)]
    /// fn self_wake() -> Reply {
    ///     Waker::current().wake(); // during its own step: the park below returns at once
    ///     yield_!(Request::park(None, "nothing"))
    /// }
    ///
    /// assert_eq!(rt::run(self_wake()), Reply::Woken);
    /// ```
    pub fn wake(&self) {
        if let Some(task) = self.task.upgrade() {
            scheduler::wake(task);
        }
    }

    /// The task this waker wakes.
    ///
    /// ```
    /// use coro::rt::{self, Waker};
    ///
    /// #[coro::coroutine(task)]
    /// fn same() -> bool {
    ///     Waker::current().task_id() == rt::current_task_id()
    /// }
    ///
    /// assert!(rt::run(same()));
    /// ```
    pub fn task_id(&self) -> TaskId {
        self.id
    }
}

impl fmt::Debug for Waker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waker").field("task", &self.id).finish()
    }
}

impl Wake for Waker {
    type Loop = Scheduler;

    #[inline]
    fn wake(&self, lp: &Scheduler) {
        if let Some(task) = self.task.upgrade() {
            scheduler::wake_on(lp, task);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every task pays for its header: keep an eye on its size (184 bytes on 64-bit targets,
    /// 32 of them the `yield_from!` sites of its current wait, for dumps).
    #[test]
    fn the_header_stays_small() {
        assert!(std::mem::size_of::<Header>() <= 23 * std::mem::size_of::<usize>());
    }
}
