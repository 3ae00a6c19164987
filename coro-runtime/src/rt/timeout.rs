//! `timeout`: run an awaitable with a deadline (asyncio's `wait_for`).

use std::fmt;
use std::pin::Pin;
use std::time::Duration;

use crate::CoroutineState;

use super::{time, Awaitable, AwaitableOf, Instant, Park, Reply, Request};

/// The error of [`timeout`] and [`timeout_at`]: the deadline passed first.
///
/// ```
/// use coro::rt::Elapsed;
/// assert_eq!(Elapsed.to_string(), "deadline has elapsed");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Elapsed;

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl std::error::Error for Elapsed {}

/// Runs `awaitable` for at most `duration` (asyncio's `wait_for`): its value, or [`Elapsed`]
/// if the deadline passed first. On timeout the awaitable is dropped where it waits: its live
/// locals are dropped and its waits unregistered, as when a task is cancelled.
///
/// The awaitable runs inside the calling task (it is not spawned): `timeout` passes its
/// requests to the loop, shortening any park to the deadline.
///
/// ```
/// use coro::rt::{self, Elapsed, Loop};
/// use std::time::Duration;
///
/// #[coro::coroutine(task)]
/// fn slow() -> u32 {
///     yield_from!(rt::sleep(Duration::from_secs(10)));
///     1
/// }
///
/// #[coro::coroutine(task)]
/// fn main_task() -> (Result<u32, Elapsed>, Result<u32, Elapsed>) {
///     let late = yield_from!(rt::timeout(Duration::from_secs(1), slow()));
///     let in_time = yield_from!(rt::timeout(Duration::from_secs(20), slow()));
///     (late, in_time)
/// }
///
/// let lp = Loop::with_virtual_clock();
/// assert_eq!(lp.run_until_complete(main_task()), (Err(Elapsed), Ok(1)));
/// assert_eq!(lp.time(), rt::Instant::from_secs(11));
/// ```
pub fn timeout<C>(duration: Duration, awaitable: C) -> impl AwaitableOf<Result<C::Return, Elapsed>>
where
    C: Awaitable,
{
    timeout_for(duration, awaitable)
}

/// [`timeout`] with a deadline on the loop's clock.
///
/// ```
/// use coro::rt::{self, Elapsed, Instant, Loop};
/// use std::time::Duration;
///
/// let lp = Loop::with_virtual_clock();
/// let r = lp.run_until_complete(rt::timeout_at(Instant::from_secs(2), rt::sleep(Duration::from_secs(5))));
/// assert_eq!(r, Err(Elapsed));
/// assert_eq!(lp.time(), Instant::from_secs(2));
/// ```
pub fn timeout_at<C>(
    deadline: Instant,
    awaitable: C,
) -> impl AwaitableOf<Result<C::Return, Elapsed>>
where
    C: Awaitable,
{
    drive(deadline, awaitable)
}

#[coro_macros::coroutine(crate = crate, task)]
fn timeout_for<C: Awaitable>(duration: Duration, awaitable: C) -> Result<C::Return, Elapsed> {
    let deadline = time() + duration;
    yield_from!(drive(deadline, awaitable))
}

#[coro_macros::coroutine(crate = crate, task)]
fn drive<C: Awaitable>(deadline: Instant, awaitable: C) -> Result<C::Return, Elapsed> {
    let mut inner = awaitable;
    let mut reply = Reply::Start;
    loop {
        let request = match Pin::new(&mut inner).resume(reply) {
            CoroutineState::Complete(value) => return Ok(value),
            CoroutineState::Yielded(request) => shorten(request, deadline),
        };
        reply = yield_!(request);
        // A wake-up goes to the inner awaitable even past the deadline: it may have finished.
        if reply != Reply::Woken && time() >= deadline {
            return Err(Elapsed);
        }
    }
}

/// The request to pass on: a park ends by the deadline at the latest.
fn shorten(request: Request, deadline: Instant) -> Request {
    match request {
        Request::Park(park) => {
            let until = match park.deadline {
                Some(d) if d <= deadline => d,
                _ => deadline,
            };
            Request::Park(Park::at(Some(until), park.on, park.at))
        }
        other => other,
    }
}
