//! `Loop`: the public event loop, which owns its tasks and runs them. What its handles share and
//! one iteration of it are the scheduler's (`scheduler.rs`); how one is made, `builder.rs`.

use std::fmt;
use std::ops::Deref;
use std::panic::{resume_unwind, Location};
use std::rc::Rc;

use super::outcome::JoinError;
use super::scheduler::Scheduler;
use super::{Awaitable, Handle};

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
/// use coro::rt::{self, Loop};
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
    pub(crate) fn from_scheduler(scheduler: Scheduler) -> Loop {
        Loop {
            handle: Handle {
                inner: Rc::new(scheduler),
            },
        }
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
    /// use coro::rt::{self, Loop};
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
        self.handle.inner.run(|| handle.is_finished(), true);
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
        self.handle.inner.run(|| false, false);
    }

    /// Closes the loop, as `asyncio.run` does at its end: **inside the loop**, it cancels every
    /// task it still holds (dropping their coroutines where they wait) and runs until no task
    /// is left, so that their destructors can use the loop (`rt::spawn`, `rt::time`) and what
    /// they schedule, such as a cleanup task, runs to its end. Bounded: a task still pending
    /// after that round (one that waits on something that can no longer happen) is dropped
    /// where it waits, with a [`Diagnostic::DroppedAtClose`](super::Diagnostic::DroppedAtClose),
    /// and what its destructors schedule does not run. Then pending callbacks and timers are
    /// dropped. Joining a task cancelled this way reports [`JoinError::Cancelled`]. Closing
    /// twice does nothing; spawning on a closed loop panics. (When another loop runs on this
    /// thread, the leftovers are dropped without running this one.)
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
        self.handle.inner.close();
    }
}

impl Drop for Loop {
    fn drop(&mut self) {
        if !self.handle.inner.is_running() {
            self.close();
        }
    }
}

impl fmt::Debug for Loop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.handle, f)
    }
}

/// Runs `main` on a new loop until it completes, then closes the loop, cancelling whatever
/// tasks remain inside the loop (asyncio's `asyncio.run`; see [`Loop::close`]). The loop uses the real clock; debug mode follows
/// `CORO_DEBUG`.
///
/// # Panics
///
/// As [`Loop::run_until_complete`].
///
/// ```
/// use coro::rt;
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
