//! The loop's record of one task: a coroutine, its bookkeeping (`Header`), and its outcome.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::Location;
use std::pin::Pin;
use std::rc::{Rc, Weak};

use crate::{Coroutine, CoroutineState};

use super::join_handle::JoinError;
use super::loop_::Inner;
use super::timers::TimerKey;
use super::{Park, Reply, Request, Waker};

/// A task's number, unique within its loop, in spawn order (asyncio names tasks `Task-1`,
/// `Task-2`…; so does coro, unless given a name).
///
/// ```
/// use coro::rt::Loop;
///
/// let lp = Loop::new();
/// let a = lp.spawn(coro::rt::yield_now());
/// let b = lp.spawn(coro::rt::yield_now());
/// assert!(a.id() < b.id());
/// assert_eq!(a.id().to_string(), format!("#{}", a.id().as_u64()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskId(pub(crate) u64);

impl TaskId {
    /// The number itself.
    ///
    /// ```
    /// use coro::rt::Loop;
    /// let lp = Loop::new();
    /// assert_eq!(lp.spawn(coro::rt::yield_now()).id().as_u64(), 1);
    /// ```
    pub fn as_u64(self) -> u64 {
        self.0
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

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

/// How a finished task ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    Returned,
    Panicked,
    Cancelled,
}

/// Called when a task finishes (internal: `AsCompleted`, `TaskGroup`).
pub(crate) type DoneCallback = Box<dyn FnOnce(&dyn AnyTask)>;

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
    pub(crate) lp: Weak<Inner>,
    pub(crate) state: Cell<TaskState>,
    /// Index in the loop's task table while the task is live.
    pub(crate) slot: Cell<usize>,
    pub(crate) cancel_requested: Cell<bool>,
    /// A waker fired while the task was running: its next park returns at once.
    pub(crate) woken_while_running: Cell<bool>,
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
        lp: Weak<Inner>,
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
}

/// A task seen by the loop, whatever its coroutine and output types.
pub(crate) trait AnyTask {
    fn header(&self) -> &Header;
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
}

/// A task seen by its `JoinHandle`: it knows the output type.
pub(crate) trait Joinable<T>: AnyTask {
    /// Takes the outcome once the task has finished.
    fn take_outcome(&self) -> Option<Result<T, JoinError>>;
    fn into_any_task(self: Rc<Self>) -> Rc<dyn AnyTask>;
}

enum Outcome<T> {
    Pending,
    Done(Result<T, JoinError>),
    Taken(Exit),
}

/// The one allocation a task costs: header, coroutine and outcome together.
pub(crate) struct TaskCell<C, T> {
    header: Header,
    coroutine: RefCell<Option<C>>,
    outcome: RefCell<Outcome<T>>,
}

impl<C, T> TaskCell<C, T> {
    pub(crate) fn new(header: Header, coroutine: C) -> TaskCell<C, T> {
        TaskCell {
            header,
            coroutine: RefCell::new(Some(coroutine)),
            outcome: RefCell::new(Outcome::Pending),
        }
    }
}

impl<C, T> AnyTask for TaskCell<C, T>
where
    C: Coroutine<Reply, Yield = Request, Return = T> + Unpin,
{
    fn header(&self) -> &Header {
        &self.header
    }

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
        let mut outcome = self.outcome.borrow_mut();
        if matches!(*outcome, Outcome::Pending) {
            *outcome = Outcome::Done(Err(error));
        }
    }

    fn exit(&self) -> Option<Exit> {
        match &*self.outcome.borrow() {
            Outcome::Pending => None,
            Outcome::Done(Ok(_)) => Some(Exit::Returned),
            Outcome::Done(Err(JoinError::Cancelled)) => Some(Exit::Cancelled),
            Outcome::Done(Err(JoinError::Panicked(_))) => Some(Exit::Panicked),
            Outcome::Taken(exit) => Some(*exit),
        }
    }

    fn panic_message(&self) -> Option<String> {
        match &*self.outcome.borrow() {
            Outcome::Done(Err(e @ JoinError::Panicked(_))) => e.panic_message().map(String::from),
            _ => None,
        }
    }
}

impl<C, T> Joinable<T> for TaskCell<C, T>
where
    C: Coroutine<Reply, Yield = Request, Return = T> + Unpin + 'static,
    T: 'static,
{
    fn take_outcome(&self) -> Option<Result<T, JoinError>> {
        let exit = self.exit()?;
        let mut outcome = self.outcome.borrow_mut();
        match std::mem::replace(&mut *outcome, Outcome::Taken(exit)) {
            Outcome::Done(result) => Some(result),
            Outcome::Taken(_) => panic!("coro: the output of a task was taken twice"),
            Outcome::Pending => unreachable!(),
        }
    }

    fn into_any_task(self: Rc<Self>) -> Rc<dyn AnyTask> {
        self
    }
}

impl<C, T> Drop for TaskCell<C, T> {
    fn drop(&mut self) {
        let outcome = std::mem::replace(self.outcome.get_mut(), Outcome::Pending);
        if let Outcome::Done(Err(e @ JoinError::Panicked(_))) = outcome {
            if !self.header.panic_retrieved.get() {
                let message = e.panic_message().unwrap_or("<non-string panic payload>");
                super::loop_::report_unretrieved_panic(&self.header, message);
            }
        }
    }
}

/// The message of a panic payload, when it is a string (what `panic!` makes).
pub(crate) fn payload_message(payload: &(dyn Any + Send)) -> Option<&str> {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        Some(s)
    } else {
        payload.downcast_ref::<String>().map(String::as_str)
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
