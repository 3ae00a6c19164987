//! One iteration of the loop, and the loop's run and close: a chapter of `Scheduler`.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::time::Duration;

use super::super::callback::CallbackCell;
use super::super::clock::poll_timeout;
use super::super::diagnostic::Diagnostic;
use super::super::io::reactor::Reactor;
use super::super::outcome::{payload_message, JoinError};
use super::super::task::{AnyTask, TaskState, Waker};
use super::super::{Reply, Request};
use super::{CurrentTask, Enter, Runnable, Scheduler, Timer};

impl Scheduler {
    /// Runs iterations until `done()` (checked before each), or until `stop` is called.
    ///
    /// # Panics
    ///
    /// When the loop is closed or another loop runs on this thread; when stopped before `done`
    /// if `until_complete`; on a deadlock (with a dump); in strict mode, on a failure it
    /// reports.
    pub(crate) fn run(self: &Rc<Self>, done: impl Fn() -> bool, until_complete: bool) {
        assert!(!self.closed.get(), "coro: the loop is closed");
        let _enter = Enter::new(self);
        let _running = RunningFlag::new(&self.running);
        loop {
            if done() {
                self.stopping.set(false);
                return;
            }
            let progressed = self.run_once();
            self.check_strict();
            if self.stopping.replace(false) {
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
                Some(Runnable::Task(task)) => self.run_task(task),
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
    fn poll_io(&self, reactor: &Reactor<Waker>) {
        // The first timer's deadline, and the time now: the clock is read only when a timer
        // is set (a busy server with none saves a `clock_gettime` per iteration).
        let next = self
            .timers
            .borrow()
            .next_deadline()
            .map(|d| (d, self.clock.now()));
        let busy = !self.ready.borrow().is_empty() || next.is_some_and(|(d, now)| d <= now);
        if busy {
            reactor.poll(Some(Duration::ZERO), self);
        } else if !self.clock.is_virtual() {
            reactor.poll(next.map(|(d, now)| poll_timeout(d - now)), self);
        } else if reactor.call_count() > 0 {
            reactor.poll(None, self);
        } else if let Some((deadline, _)) = next {
            reactor.poll(Some(Duration::ZERO), self);
            if self.ready.borrow().is_empty() {
                self.clock.wait_until(deadline);
            }
        } else {
            reactor.poll(None, self);
        }
    }

    /// The due timers go to the ready queue, in deadline order.
    fn fire_timers(&self) {
        if self.timers.borrow().len() == 0 {
            return;
        }
        let now = self.clock.now();
        loop {
            let timer = self.timers.borrow_mut().pop_due(now);
            match timer {
                None => break,
                Some(Timer::Wake(task)) => {
                    if let Some(task) = task.upgrade() {
                        let h = task.header();
                        h.timer.set(None);
                        if h.state.get() == TaskState::Parked {
                            self.unpark(task, Reply::Deadline);
                        }
                    }
                }
                Some(Timer::Call(cell)) => {
                    cell.timer.set(None);
                    self.push_ready(Runnable::Call(cell));
                }
            }
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

    /// One step of a task, and what its request makes of it.
    fn run_task(&self, task: Rc<AnyTask>) {
        let h = task.header();
        let reply = h.reply.get();
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
            let _current = CurrentTask::new(&self.current, &task);
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
                self.push_task(task, Reply::Ready);
            }
            Ok(Some(Request::Park(park))) => {
                if h.woken_while_running.replace(false) {
                    h.state.set(TaskState::Scheduled);
                    self.push_task(task, Reply::Woken);
                    return;
                }
                h.state.set(TaskState::Parked);
                h.park.set(Some(park));
                if let Some(deadline) = park.deadline {
                    let key = self
                        .timers
                        .borrow_mut()
                        .insert(deadline, Timer::Wake(Rc::downgrade(&task)));
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

    /// Closes the loop: cancels every task it still holds, drops pending callbacks and timers,
    /// shuts the blocking pool down. Closing twice does nothing.
    ///
    /// # Panics
    ///
    /// When the loop runs.
    pub(crate) fn close(self: &Rc<Self>) {
        assert!(!self.running.get(), "coro: cannot close a running loop");
        if self.closed.get() {
            return;
        }
        // The shutdown round runs inside the loop, as asyncio's does, so that the leftovers'
        // destructors can use it (`rt::spawn`, `rt::time`, `Handle::current`). (Not when
        // another loop runs on this thread: then they are dropped outside, as below.)
        let inside = if self.task_count() > 0 {
            Enter::try_new(self)
        } else {
            None
        };
        let _running = inside.as_ref().map(|_| RunningFlag::new(&self.running));
        if inside.is_some() {
            // Round one: cancel every leftover, and run the loop until no task is left: the
            // cancellations are delivered, and what their destructors schedule (a cleanup
            // task, a callback) runs to its end; stop early if nothing could happen any more.
            let leftovers: Vec<Rc<AnyTask>> = self.tasks.borrow().iter().cloned().collect();
            for task in &leftovers {
                super::cancel(task);
            }
            while self.task_count() > 0 && self.run_once() {}
        }
        self.closed.set(true);
        // Round two, bounded: what is still there is dropped where it waits, with a
        // diagnostic; what its destructors would schedule does not run.
        loop {
            let tasks = self.take_all_tasks();
            if tasks.is_empty() {
                break;
            }
            for task in &tasks {
                if inside.is_some() {
                    let h = task.header();
                    self.diagnose(Diagnostic::DroppedAtClose {
                        task: h.id,
                        name: h.name(),
                        spawned_at: h.created,
                    });
                }
                // Back in the table so that `finish` can remove it as usual.
                self.adopt(task.clone());
                self.cancel_now(task);
            }
        }
        let ready = std::mem::take(&mut *self.ready.borrow_mut());
        drop(ready);
        let timers = self.timers.borrow_mut().clear();
        drop(timers);
        if let Some(pool) = self.pool.get() {
            pool.shutdown();
        }
    }

    fn take_all_tasks(&self) -> Vec<Rc<AnyTask>> {
        let tasks = self.tasks.borrow_mut().take_all();
        for t in &tasks {
            t.header().slot.set(usize::MAX);
        }
        tasks
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
