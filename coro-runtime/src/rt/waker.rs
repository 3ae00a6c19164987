//! `Waker`: how a parked task is made ready again.

use std::fmt;
use std::rc::{Rc, Weak};

use super::context;
use super::task::AnyTask;
use super::TaskId;

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
    task: Weak<dyn AnyTask>,
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
    /// use coro::rt::{self, Reply, Request, Waker};
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
        context::with_current_task(Waker::for_task)
    }

    pub(crate) fn for_task(task: &Rc<dyn AnyTask>) -> Waker {
        Waker {
            id: task.header().id,
            task: Rc::downgrade(task),
        }
    }

    /// Makes the task ready (resumed with [`Reply::Woken`](super::Reply::Woken)) if it is
    /// parked; see the type's docs for the other cases.
    ///
    /// ```
    /// use coro::rt::{self, Handle, Reply, Request, Waker};
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
            super::loop_::wake(&task);
        }
    }

    /// The task this waker wakes.
    ///
    /// ```
    /// use coro::rt::{self, Reply, Request, Waker};
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
