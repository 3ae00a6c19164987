//! `run_in_thread`: a blocking call on the loop's pool of threads (asyncio's `to_thread`,
//! Curio's `run_in_thread`), and `BlockingError`.

use std::any::Any;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe, Location};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use super::io::Reactor;
use super::outcome::payload_message;
use super::scheduler;
use super::task::Waker;
use super::{AwaitableOf, Park, Request};

/// Why [`run_in_thread`] has no value: the closure panicked on its thread.
///
/// ```
/// use coro::rt::{self, BlockingError};
///
/// # std::panic::set_hook(Box::new(|_| {}));
/// let r: Result<u32, BlockingError> = rt::run(rt::run_in_thread(|| panic!("disk on fire")));
/// let err = r.unwrap_err();
/// assert_eq!(err.panic_message(), Some("disk on fire"));
/// assert_eq!(err.to_string(), "blocking call panicked: disk on fire");
/// ```
#[non_exhaustive]
pub enum BlockingError {
    /// The closure panicked; this is the panic's payload (resume it with
    /// `std::panic::resume_unwind` to propagate it).
    Panicked(Box<dyn Any + Send>),
}

impl BlockingError {
    /// The panic's message, when the payload is a string (as `panic!` makes it).
    ///
    /// ```
    /// use coro::rt::BlockingError;
    /// assert_eq!(BlockingError::Panicked(Box::new("boom")).panic_message(), Some("boom"));
    /// ```
    pub fn panic_message(&self) -> Option<&str> {
        match self {
            BlockingError::Panicked(payload) => payload_message(&**payload),
        }
    }

    /// The panic's payload.
    ///
    /// ```
    /// use coro::rt::BlockingError;
    /// let payload = BlockingError::Panicked(Box::new(7u8)).into_panic();
    /// assert_eq!(payload.downcast_ref::<u8>(), Some(&7));
    /// ```
    pub fn into_panic(self) -> Box<dyn Any + Send> {
        match self {
            BlockingError::Panicked(payload) => payload,
        }
    }
}

impl fmt::Debug for BlockingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.panic_message() {
            Some(m) => f.debug_tuple("Panicked").field(&m).finish(),
            None => f
                .debug_tuple("Panicked")
                .field(&"<non-string payload>")
                .finish(),
        }
    }
}

impl fmt::Display for BlockingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.panic_message() {
            Some(m) => write!(f, "blocking call panicked: {m}"),
            None => f.write_str("blocking call panicked"),
        }
    }
}

impl std::error::Error for BlockingError {}

/// Runs `f` on one of the loop's worker threads and waits for its value, while the loop runs
/// other tasks (asyncio's `to_thread`, Curio's `run_in_thread`). Use it for what would block
/// the loop: file I/O, a DNS lookup, a CPU-heavy computation, a library that only blocks.
///
/// - The pool starts threads on demand, up to a bound (by default `min(32, cores + 4)`, as
///   asyncio's executor; [`Builder::blocking_threads`](super::Builder::blocking_threads) sets
///   it), reuses them, and ends those idle for 10 s. Calls beyond the bound queue in order.
/// - When `f` returns, its worker wakes the loop through the poller, and the task resumes
///   with `Ok(value)`.
/// - If `f` panics, the task gets `Err(BlockingError::Panicked(payload))`; the loop and the
///   worker go on.
/// - If the waiting task is cancelled (or a [`timeout`](super::timeout) abandons the wait), a
///   call that has not started yet never starts; one that runs cannot be stopped: it finishes
///   on its thread and its result is dropped there.
/// - A virtual clock does not move while a task waits for a blocking call: the loop waits for
///   the call in real time first (tokio's paused clock does the same).
///
/// ```
/// use coro::rt;
/// use std::time::Duration;
///
/// #[coro::coroutine(task)]
/// fn main_task() -> u64 {
///     // Blocks a worker for 50 ms; the loop stays free meanwhile.
///     let slow = rt::spawn(rt::run_in_thread(|| {
///         std::thread::sleep(Duration::from_millis(50));
///         6 * 7
///     }));
///     let mut ticks = 0;
///     while !slow.is_finished() {
///         yield_from!(rt::sleep(Duration::from_millis(5)));
///         ticks += 1;
///     }
///     assert!(ticks > 1); // the loop ran other work while the thread blocked
///     yield_from!(slow.join()).unwrap().unwrap()
/// }
///
/// assert_eq!(rt::run(main_task()), 42);
/// ```
#[track_caller]
pub fn run_in_thread<F, T>(f: F) -> impl AwaitableOf<Result<T, BlockingError>>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    call(f, Location::caller())
}

#[coro_macros::coroutine(crate = crate, task)]
fn call<F, T>(f: F, at: &'static Location<'static>) -> Result<T, BlockingError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let pending = Pending::submit(f);
    loop {
        yield_!(Request::Park(Park::at(None, "run_in_thread", at)));
        if let Some(result) = pending.take() {
            return result.map_err(BlockingError::Panicked);
        }
    }
}

/// What the worker and the waiting task share.
struct Shared<T> {
    result: Mutex<Option<thread::Result<T>>>,
    /// The task gave up: a job that has not started yet does not run.
    abandoned: AtomicBool,
}

/// A submitted call, seen from the waiting task; forgets the call when dropped.
struct Pending<T> {
    reactor: Rc<Reactor<Waker>>,
    id: u64,
    shared: Arc<Shared<T>>,
}

impl<T: Send + 'static> Pending<T> {
    fn submit<F>(f: F) -> Pending<T>
    where
        F: FnOnce() -> T + Send + 'static,
    {
        let lp = scheduler::running();
        let reactor = lp
            .reactor()
            .unwrap_or_else(|e| panic!("coro: cannot create the loop's poller: {e}"));
        let id = reactor.start_call(Waker::current());
        let shared = Arc::new(Shared {
            result: Mutex::new(None),
            abandoned: AtomicBool::new(false),
        });
        let pending = Pending {
            reactor: reactor.clone(),
            id,
            shared: shared.clone(),
        };
        let notifier = reactor.notifier.clone();
        lp.pool().submit(Box::new(move || {
            if shared.abandoned.load(Ordering::Acquire) {
                return;
            }
            let result = catch_unwind(AssertUnwindSafe(f));
            *shared.result.lock().unwrap_or_else(PoisonError::into_inner) = Some(result);
            notifier.complete(id);
        }));
        pending
    }

    fn take(&self) -> Option<thread::Result<T>> {
        self.shared
            .result
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

impl<T> Drop for Pending<T> {
    fn drop(&mut self) {
        self.shared.abandoned.store(true, Ordering::Release);
        self.reactor.end_call(self.id);
    }
}
