//! `Semaphore` and `Lock`: FIFO-fair permits.

use std::cell::RefCell;
use std::fmt;
use std::panic::Location;
use std::rc::Rc;

use super::waitlist::{WaitList, Waiter};
use super::{AwaitableOf, Park, Request, Waker};

/// The permits and the queue of tasks waiting for one.
struct Permits {
    available: usize,
    waiters: WaitList<()>,
}

impl Permits {
    fn new(available: usize) -> Rc<RefCell<Permits>> {
        Rc::new(RefCell::new(Permits {
            available,
            waiters: WaitList::new(),
        }))
    }

    /// Takes a permit if one is free and nobody waits for one (so a newcomer never overtakes).
    fn try_take(&mut self) -> bool {
        if self.available > 0 && self.waiters.is_empty() {
            self.available -= 1;
            true
        } else {
            false
        }
    }

    /// Gives a permit back: to the longest waiter, or to the pool.
    fn give(&mut self) {
        match self.waiters.pop_front() {
            Some(w) => {
                *w.slot.borrow_mut() = Some(());
                w.waker.wake();
            }
            None => self.available += 1,
        }
    }
}

/// A waiting acquire; leaves the queue when dropped, and passes on a permit it was handed but
/// never took.
struct AcquireWaiter {
    permits: Rc<RefCell<Permits>>,
    waiter: Rc<Waiter<()>>,
}

impl AcquireWaiter {
    fn register(permits: &Rc<RefCell<Permits>>) -> AcquireWaiter {
        let waiter = permits.borrow_mut().waiters.push(Waker::current(), None);
        AcquireWaiter {
            permits: permits.clone(),
            waiter,
        }
    }

    fn granted(&self) -> bool {
        self.waiter.take().is_some()
    }
}

impl Drop for AcquireWaiter {
    fn drop(&mut self) {
        let mut p = self.permits.borrow_mut();
        if !p.waiters.remove(&self.waiter) && self.waiter.take().is_some() {
            p.give();
        }
    }
}

#[coro_macros::coroutine(crate = crate, task)]
fn acquire(
    permits: Rc<RefCell<Permits>>,
    on: &'static str,
    at: &'static Location<'static>,
) -> Rc<RefCell<Permits>> {
    let free = permits.borrow_mut().try_take();
    if free {
        return permits;
    }
    let waiting = AcquireWaiter::register(&permits);
    loop {
        yield_!(Request::Park(Park::at(None, on, at)));
        if waiting.granted() {
            return permits;
        }
    }
}

/// A semaphore (asyncio's `Semaphore`): at most `n` holders at a time; [`acquire`]
/// waits for a permit, handed out in arrival order. A cheap `Rc` handle.
///
/// [`acquire`]: Semaphore::acquire
///
/// ```
/// use coro::rt::{self, Loop, Semaphore};
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use std::time::Duration;
///
/// #[coro::coroutine(task)]
/// fn worker(sem: Semaphore, busy: Rc<Cell<u32>>, peak: Rc<Cell<u32>>) {
///     let _permit = yield_from!(sem.acquire());
///     busy.set(busy.get() + 1);
///     peak.set(peak.get().max(busy.get()));
///     yield_from!(rt::sleep(Duration::from_secs(1)));
///     busy.set(busy.get() - 1);
/// }
///
/// let lp = Loop::with_virtual_clock();
/// let (sem, busy, peak) = (Semaphore::new(2), Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
/// let all: Vec<_> = (0..5).map(|_| lp.spawn(worker(sem.clone(), busy.clone(), peak.clone()))).collect();
/// lp.run_until_complete(rt::join_all(all));
/// assert_eq!(peak.get(), 2);
/// assert_eq!(lp.time(), rt::Instant::from_secs(3));
/// ```
#[derive(Clone)]
pub struct Semaphore {
    permits: Rc<RefCell<Permits>>,
}

/// A permit of a [`Semaphore`]; dropping it gives the permit back.
///
/// ```
/// use coro::rt::Semaphore;
/// let sem = Semaphore::new(1);
/// let permit = sem.try_acquire().unwrap();
/// assert_eq!(sem.available_permits(), 0);
/// drop(permit);
/// assert_eq!(sem.available_permits(), 1);
/// ```
#[must_use = "the permit is given back as soon as it is dropped"]
pub struct SemaphorePermit {
    permits: Rc<RefCell<Permits>>,
}

impl Drop for SemaphorePermit {
    fn drop(&mut self) {
        self.permits.borrow_mut().give();
    }
}

impl fmt::Debug for SemaphorePermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SemaphorePermit")
    }
}

impl Semaphore {
    /// A semaphore with `permits` permits.
    ///
    /// ```
    /// assert_eq!(coro::rt::Semaphore::new(3).available_permits(), 3);
    /// ```
    pub fn new(permits: usize) -> Semaphore {
        Semaphore {
            permits: Permits::new(permits),
        }
    }

    /// Waits for a permit. Tasks are served in the order they asked.
    ///
    /// ```
    /// use coro::rt::{Loop, Semaphore};
    /// let sem = Semaphore::new(1);
    /// let permit = Loop::new().run_until_complete(sem.acquire());
    /// assert_eq!(sem.available_permits(), 0);
    /// # drop(permit);
    /// ```
    #[track_caller]
    pub fn acquire(&self) -> impl AwaitableOf<SemaphorePermit> {
        let permits = acquire(
            self.permits.clone(),
            "Semaphore::acquire",
            Location::caller(),
        );
        crate::rt::map::map(permits, |permits| SemaphorePermit { permits })
    }

    /// A permit if one is free and no task waits for one.
    ///
    /// ```
    /// let sem = coro::rt::Semaphore::new(0);
    /// assert!(sem.try_acquire().is_none());
    /// ```
    pub fn try_acquire(&self) -> Option<SemaphorePermit> {
        let free = self.permits.borrow_mut().try_take();
        free.then(|| SemaphorePermit {
            permits: self.permits.clone(),
        })
    }

    /// Adds a permit (asyncio's `release` without an `acquire`): to the longest waiter, or to
    /// the pool.
    ///
    /// ```
    /// let sem = coro::rt::Semaphore::new(0);
    /// sem.add_permit();
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn add_permit(&self) {
        self.permits.borrow_mut().give();
    }

    /// Free permits.
    ///
    /// ```
    /// assert_eq!(coro::rt::Semaphore::new(2).available_permits(), 2);
    /// ```
    pub fn available_permits(&self) -> usize {
        self.permits.borrow().available
    }

    /// How many tasks wait for a permit.
    ///
    /// ```
    /// assert_eq!(coro::rt::Semaphore::new(2).waiting(), 0);
    /// ```
    pub fn waiting(&self) -> usize {
        self.permits.borrow().waiters.len()
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.permits.borrow();
        f.debug_struct("Semaphore")
            .field("available", &p.available)
            .field("waiting", &p.waiters.len())
            .finish()
    }
}

/// A mutual-exclusion lock (asyncio's `Lock`): one holder at a time, the others served in
/// arrival order. [`acquire`](Lock::acquire) gives a [`LockGuard`]; dropping the guard
/// releases the lock. A cheap `Rc` handle.
///
/// The lock guards no data (as in asyncio): keep the shared state in an `Rc<RefCell<…>>` and
/// borrow it only between suspension points, while holding the guard.
///
/// ```
/// use coro::rt::{self, Lock, Loop};
/// use std::cell::RefCell;
/// use std::rc::Rc;
///
/// #[coro::coroutine(task)]
/// fn critical(lock: Lock, name: char, log: Rc<RefCell<String>>) {
///     let _guard = yield_from!(lock.acquire());
///     log.borrow_mut().push(name);
///     yield_from!(rt::yield_now()); // others run, but cannot enter
///     log.borrow_mut().push(name);
/// }
///
/// let lp = Loop::new();
/// let (lock, log) = (Lock::new(), Rc::new(RefCell::new(String::new())));
/// let all: Vec<_> = "abc".chars().map(|c| lp.spawn(critical(lock.clone(), c, log.clone()))).collect();
/// lp.run_until_complete(rt::join_all(all));
/// assert_eq!(*log.borrow(), "aabbcc");
/// ```
#[derive(Clone)]
pub struct Lock {
    permits: Rc<RefCell<Permits>>,
}

/// Holds a [`Lock`]; dropping it releases the lock to the longest waiter.
///
/// ```
/// let lock = coro::rt::Lock::new();
/// let guard = lock.try_acquire().unwrap();
/// assert!(lock.is_locked());
/// drop(guard);
/// assert!(!lock.is_locked());
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct LockGuard {
    permits: Rc<RefCell<Permits>>,
}

impl LockGuard {
    /// The lock this guard holds.
    pub(crate) fn lock(&self) -> Lock {
        Lock {
            permits: self.permits.clone(),
        }
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        self.permits.borrow_mut().give();
    }
}

impl fmt::Debug for LockGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LockGuard")
    }
}

impl Default for Lock {
    fn default() -> Self {
        Lock::new()
    }
}

impl Lock {
    /// An unlocked lock.
    ///
    /// ```
    /// assert!(!coro::rt::Lock::new().is_locked());
    /// ```
    pub fn new() -> Lock {
        Lock {
            permits: Permits::new(1),
        }
    }

    /// Waits for the lock.
    ///
    /// ```
    /// use coro::rt::{Lock, Loop};
    /// let lock = Lock::new();
    /// let guard = Loop::new().run_until_complete(lock.acquire());
    /// assert!(lock.is_locked());
    /// # drop(guard);
    /// ```
    #[track_caller]
    pub fn acquire(&self) -> impl AwaitableOf<LockGuard> {
        self.acquire_at(Location::caller())
    }

    pub(crate) fn acquire_at(&self, at: &'static Location<'static>) -> impl AwaitableOf<LockGuard> {
        let permits = acquire(self.permits.clone(), "Lock::acquire", at);
        crate::rt::map::map(permits, |permits| LockGuard { permits })
    }

    /// The lock, if it is free and no task waits for it.
    ///
    /// ```
    /// let lock = coro::rt::Lock::new();
    /// let _held = lock.try_acquire().unwrap();
    /// assert!(lock.try_acquire().is_none());
    /// ```
    pub fn try_acquire(&self) -> Option<LockGuard> {
        let free = self.permits.borrow_mut().try_take();
        free.then(|| LockGuard {
            permits: self.permits.clone(),
        })
    }

    /// Whether a task holds the lock.
    ///
    /// ```
    /// assert!(!coro::rt::Lock::new().is_locked());
    /// ```
    pub fn is_locked(&self) -> bool {
        self.permits.borrow().available == 0
    }

    /// How many tasks wait for the lock.
    ///
    /// ```
    /// assert_eq!(coro::rt::Lock::new().waiting(), 0);
    /// ```
    pub fn waiting(&self) -> usize {
        self.permits.borrow().waiters.len()
    }
}

impl fmt::Debug for Lock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lock")
            .field("locked", &self.is_locked())
            .field("waiting", &self.waiting())
            .finish()
    }
}
