//! The running loop and the running task of this thread (asyncio's `get_running_loop` and
//! `current_task`): what lets `spawn`, `sleep` and `Waker::current` work without arguments.

use std::cell::RefCell;
use std::rc::Rc;

use super::loop_::Inner;
use super::task::AnyTask;

thread_local! {
    static RUNNING: RefCell<Option<Rc<Inner>>> = const { RefCell::new(None) };
    static CURRENT_TASK: RefCell<Option<Rc<dyn AnyTask>>> = const { RefCell::new(None) };
}

/// Marks a loop as running on this thread until dropped.
pub(crate) struct Enter {
    _private: (),
}

impl Enter {
    pub(crate) fn new(inner: &Rc<Inner>) -> Enter {
        RUNNING.with(|r| {
            let mut r = r.borrow_mut();
            assert!(
                r.is_none(),
                "coro: cannot run a loop while another loop is running on this thread"
            );
            *r = Some(inner.clone());
        });
        Enter { _private: () }
    }
}

impl Drop for Enter {
    fn drop(&mut self) {
        let previous = RUNNING.with(|r| r.borrow_mut().take());
        drop(previous);
    }
}

/// Marks a task as running until dropped.
pub(crate) struct Running {
    _private: (),
}

impl Running {
    pub(crate) fn new(task: &Rc<dyn AnyTask>) -> Running {
        CURRENT_TASK.with(|c| *c.borrow_mut() = Some(task.clone()));
        Running { _private: () }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let previous = CURRENT_TASK.with(|c| c.borrow_mut().take());
        drop(previous);
    }
}

/// The loop running on this thread, if any.
pub(crate) fn try_running() -> Option<Rc<Inner>> {
    RUNNING.with(|r| r.borrow().clone())
}

/// The loop running on this thread.
#[track_caller]
pub(crate) fn running() -> Rc<Inner> {
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
pub(crate) fn with_current_task<R>(f: impl FnOnce(&Rc<dyn AnyTask>) -> R) -> R {
    let r = CURRENT_TASK.with(|c| c.borrow().as_ref().map(f));
    match r {
        Some(r) => r,
        None => panic!("coro: no task is running on this thread (call this from inside a task)"),
    }
}

/// The task being stepped on this thread, if any.
pub(crate) fn try_current_task() -> Option<Rc<dyn AnyTask>> {
    CURRENT_TASK.with(|c| c.borrow().clone())
}

/// The task being stepped on this thread.
#[track_caller]
pub(crate) fn current_task() -> Rc<dyn AnyTask> {
    try_current_task().unwrap_or_else(|| {
        panic!("coro: no task is running on this thread (call this from inside a task)")
    })
}
