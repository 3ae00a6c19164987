//! `Condition`: wait for a notification while giving up a `Lock`.

use std::cell::RefCell;
use std::fmt;
use std::panic::Location;
use std::rc::Rc;
use std::time::Duration;

use super::semaphore::LockGuard;
use super::waitlist::{WaitList, Waiter};
use super::{time, AwaitableOf, Elapsed, Instant, Park, Request, Waker};

/// A condition variable (asyncio's `Condition`): [`wait`](Condition::wait) releases a
/// [`Lock`](super::Lock) held through its guard, waits for [`notify`](Condition::notify) or
/// [`notify_all`](Condition::notify_all), and takes the lock again before it returns. Waiters are
/// notified in arrival order. A cheap `Rc` handle.
///
/// ```
/// use coro::rt::{Condition, Lock, Loop};
/// use std::cell::RefCell;
/// use std::rc::Rc;
///
/// #[coro::coroutine(task)]
/// fn consumer(lock: Lock, ready: Condition, items: Rc<RefCell<Vec<u32>>>) -> u32 {
///     let mut guard = yield_from!(lock.acquire());
///     while items.borrow().is_empty() {
///         let reacquired = yield_from!(ready.wait(guard));
///         guard = reacquired;
///     }
///     let item = items.borrow_mut().remove(0);
///     drop(guard);
///     item
/// }
///
/// #[coro::coroutine(task)]
/// fn producer(lock: Lock, ready: Condition, items: Rc<RefCell<Vec<u32>>>) {
///     let guard = yield_from!(lock.acquire());
///     items.borrow_mut().push(42);
///     ready.notify(1);
///     drop(guard);
/// }
///
/// let lp = Loop::new();
/// let (lock, ready, items) = (Lock::new(), Condition::new(), Rc::new(RefCell::new(Vec::new())));
/// let c = lp.spawn(consumer(lock.clone(), ready.clone(), items.clone()));
/// lp.spawn(producer(lock, ready, items));
/// assert_eq!(lp.run_until_complete(c.join()).unwrap(), 42);
/// ```
#[derive(Clone, Default)]
pub struct Condition {
    waiters: Rc<RefCell<WaitList<()>>>,
}

impl Condition {
    /// A condition nobody waits on.
    ///
    /// ```
    /// assert_eq!(coro::rt::Condition::new().waiting(), 0);
    /// ```
    pub fn new() -> Condition {
        Condition::default()
    }

    /// Releases the lock behind `guard`, waits to be notified, then waits for the lock again
    /// and returns its new guard. As with any condition variable, re-check what you wait for
    /// in a loop.
    ///
    /// If the wait is abandoned after a notification reached it, the notification passes to
    /// the next waiter.
    ///
    /// **With a time limit, use [`wait_timeout`](Condition::wait_timeout)**, which gives the
    /// guard back in both cases (as asyncio's `wait_for(cond.wait(), t)` holds the lock again
    /// after a timeout). `rt::timeout(d, cond.wait(guard))` also works, but an expiry drops the
    /// wait *with its guard*: its `Err(Elapsed)` holds no guard, and the lock is not held.
    ///
    /// ```
    /// use coro::rt::{self, Condition, Lock, Loop};
    /// use std::time::Duration;
    ///
    /// let lp = Loop::with_virtual_clock();
    /// let (lock, cond) = (Lock::new(), Condition::new());
    /// let guard = lock.try_acquire().unwrap();
    /// let waiting = rt::timeout(Duration::from_secs(1), cond.wait(guard));
    /// assert!(lp.run_until_complete(waiting).is_err()); // nobody notified
    /// assert!(!lock.is_locked()); // the wait released it
    /// ```
    #[track_caller]
    pub fn wait(&self, guard: LockGuard) -> impl AwaitableOf<LockGuard> {
        wait(self.clone(), guard, Location::caller())
    }

    /// [`wait`](Condition::wait) for at most `duration`, **giving the guard back either way**:
    /// `(guard, Ok(()))` when notified, `(guard, Err(Elapsed))` when the time ran out first.
    /// In both cases the lock is held again when it returns, as after asyncio's
    /// `wait_for(cond.wait(), t)`, so code after it cannot mistake whether it holds the lock.
    /// A notification that arrives with the deadline is taken (`Ok`).
    ///
    /// ```
    /// use coro::rt::{self, Condition, Lock, Loop};
    /// use std::time::Duration;
    ///
    /// #[coro::coroutine(task)]
    /// fn waiter(lock: Lock, cond: Condition) -> bool {
    ///     let guard = yield_from!(lock.acquire());
    ///     let (guard, outcome) = yield_from!(cond.wait_timeout(guard, Duration::from_secs(1)));
    ///     let held = lock.is_locked(); // still ours after the timeout
    ///     drop(guard);
    ///     outcome.is_err() && held
    /// }
    ///
    /// let lp = Loop::with_virtual_clock();
    /// assert!(lp.run_until_complete(waiter(Lock::new(), Condition::new())));
    /// assert_eq!(lp.time(), rt::Instant::from_secs(1));
    /// ```
    #[track_caller]
    pub fn wait_timeout(
        &self,
        guard: LockGuard,
        duration: Duration,
    ) -> impl AwaitableOf<(LockGuard, Result<(), Elapsed>)> {
        wait_for(self.clone(), guard, duration, Location::caller())
    }

    /// [`wait_timeout`](Condition::wait_timeout) with a deadline on the loop's clock.
    ///
    /// ```
    /// use coro::rt::{Condition, Instant, Lock, Loop};
    ///
    /// let lp = Loop::with_virtual_clock();
    /// let (lock, cond) = (Lock::new(), Condition::new());
    /// let guard = lock.try_acquire().unwrap();
    /// let (guard, outcome) = lp.run_until_complete(cond.wait_until(guard, Instant::from_secs(2)));
    /// assert!(outcome.is_err() && lock.is_locked());
    /// drop(guard);
    /// ```
    #[track_caller]
    pub fn wait_until(
        &self,
        guard: LockGuard,
        deadline: Instant,
    ) -> impl AwaitableOf<(LockGuard, Result<(), Elapsed>)> {
        wait_deadline(self.clone(), guard, deadline, Location::caller())
    }

    /// Wakes up to `n` waiters, longest-waiting first.
    ///
    /// ```
    /// coro::rt::Condition::new().notify(1); // nobody waits: nothing happens
    /// ```
    pub fn notify(&self, n: usize) {
        for _ in 0..n {
            let next = self.waiters.borrow_mut().pop_front();
            match next {
                Some(w) => {
                    *w.slot.borrow_mut() = Some(());
                    w.waker.wake();
                }
                None => break,
            }
        }
    }

    /// Wakes every waiter.
    ///
    /// ```
    /// coro::rt::Condition::new().notify_all();
    /// ```
    pub fn notify_all(&self) {
        let n = self.waiting();
        self.notify(n);
    }

    /// How many tasks wait to be notified.
    ///
    /// ```
    /// assert_eq!(coro::rt::Condition::new().waiting(), 0);
    /// ```
    pub fn waiting(&self) -> usize {
        self.waiters.borrow().len()
    }
}

impl fmt::Debug for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condition")
            .field("waiting", &self.waiting())
            .finish()
    }
}

#[coro_macros::coroutine(crate = crate, task)]
fn wait(cond: Condition, guard: LockGuard, at: &'static Location<'static>) -> LockGuard {
    // Registered before the lock is released, so no notification can slip in between.
    let waiting = CondWaiter::register(&cond);
    let lock = guard.lock();
    drop(guard);
    loop {
        yield_!(Request::Park(Park::at(None, "Condition::wait", at)));
        if waiting.notified() {
            break;
        }
    }
    drop(waiting);
    yield_from!(lock.acquire_at(at))
}

#[coro_macros::coroutine(crate = crate, task)]
fn wait_for(
    cond: Condition,
    guard: LockGuard,
    duration: Duration,
    at: &'static Location<'static>,
) -> (LockGuard, Result<(), Elapsed>) {
    let deadline = time() + duration;
    yield_from!(wait_deadline(cond, guard, deadline, at))
}

#[coro_macros::coroutine(crate = crate, task)]
fn wait_deadline(
    cond: Condition,
    guard: LockGuard,
    deadline: Instant,
    at: &'static Location<'static>,
) -> (LockGuard, Result<(), Elapsed>) {
    let waiting = CondWaiter::register(&cond);
    let lock = guard.lock();
    drop(guard);
    let mut outcome = Ok(());
    loop {
        yield_!(Request::Park(Park::at(
            Some(deadline),
            "Condition::wait",
            at
        )));
        if waiting.notified() {
            break;
        }
        if time() >= deadline {
            outcome = Err(Elapsed);
            break;
        }
    }
    drop(waiting);
    let guard = yield_from!(lock.acquire_at(at));
    (guard, outcome)
}

struct CondWaiter {
    cond: Condition,
    waiter: Rc<Waiter<()>>,
}

impl CondWaiter {
    fn register(cond: &Condition) -> CondWaiter {
        let waiter = cond.waiters.borrow_mut().push(Waker::current(), None);
        CondWaiter {
            cond: cond.clone(),
            waiter,
        }
    }

    fn notified(&self) -> bool {
        self.waiter.take().is_some()
    }
}

impl Drop for CondWaiter {
    fn drop(&mut self) {
        let still_waiting = self.cond.waiters.borrow_mut().remove(&self.waiter);
        if !still_waiting && self.waiter.take().is_some() {
            // Notified, but abandoned before it could act: pass it on.
            self.cond.notify(1);
        }
    }
}
