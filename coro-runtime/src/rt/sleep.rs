//! `sleep`, `sleep_until` and `yield_now`.

use std::panic::Location;
use std::time::Duration;

use super::{time, AwaitableOf, Instant, Park, Request};

/// Suspends the task for `duration` (asyncio's `sleep`): it resumes once the clock has
/// advanced by at least that much, never earlier. `sleep(Duration::ZERO)` yields once, like
/// asyncio's `sleep(0)`.
///
/// The deadline is taken when the sleep starts running, at `yield_from!`.
///
/// ```
/// use coro::rt::{self, Instant, Loop};
/// use std::time::Duration;
///
/// #[coro::coroutine(task)]
/// fn nap() -> Instant {
///     yield_from!(rt::sleep(Duration::from_millis(1500)));
///     rt::time()
/// }
///
/// let lp = Loop::with_virtual_clock();
/// assert_eq!(lp.run_until_complete(nap()), Instant::from_nanos(1_500_000_000));
/// ```
#[track_caller]
pub fn sleep(duration: Duration) -> impl AwaitableOf<()> {
    sleep_for(duration, Location::caller())
}

/// Suspends the task until the loop's clock reads `deadline` or later; yields once if it
/// already does.
///
/// ```
/// use coro::rt::{self, Instant, Loop};
///
/// #[coro::coroutine(task)]
/// fn wake_at_ten() -> Instant {
///     yield_from!(rt::sleep_until(Instant::from_secs(10)));
///     rt::time()
/// }
///
/// let lp = Loop::with_virtual_clock();
/// assert_eq!(lp.run_until_complete(wake_at_ten()), Instant::from_secs(10));
/// ```
#[track_caller]
pub fn sleep_until(deadline: Instant) -> impl AwaitableOf<()> {
    sleep_to(deadline, Location::caller())
}

/// Lets every other ready task run once before this one goes on (asyncio's `sleep(0)`).
///
/// ```
/// use coro::rt::{self, Loop};
/// use std::cell::RefCell;
/// use std::rc::Rc;
///
/// #[coro::coroutine(task)]
/// fn worker(name: char, log: Rc<RefCell<String>>) {
///     for _ in 0..2 {
///         log.borrow_mut().push(name);
///         yield_from!(rt::yield_now());
///     }
/// }
///
/// let lp = Loop::new();
/// let log = Rc::new(RefCell::new(String::new()));
/// let a = lp.spawn(worker('a', log.clone()));
/// let b = lp.spawn(worker('b', log.clone()));
/// lp.run_until_complete(rt::join_all(vec![a, b]));
/// assert_eq!(*log.borrow(), "abab");
/// ```
pub fn yield_now() -> impl AwaitableOf<()> {
    yield_once()
}

#[coro_macros::coroutine(crate = crate, task)]
fn yield_once() {
    yield_!(Request::YieldNow);
}

#[coro_macros::coroutine(crate = crate, task)]
fn sleep_for(duration: Duration, at: &'static Location<'static>) {
    let deadline = time() + duration;
    yield_from!(sleep_to(deadline, at));
}

#[coro_macros::coroutine(crate = crate, task)]
fn sleep_to(deadline: Instant, at: &'static Location<'static>) {
    if time() >= deadline {
        yield_!(Request::YieldNow);
        return;
    }
    while time() < deadline {
        yield_!(Request::Park(Park::at(Some(deadline), "sleep", at)));
    }
}
