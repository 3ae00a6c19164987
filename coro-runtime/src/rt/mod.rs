//! The runtime: an asyncio-style event loop whose tasks are coroutines.
//!
//! A task is a coroutine that yields [`Request`]s to the loop (sleep until, yield the processor,
//! park until woken) and is resumed with the loop's [`Reply`]: an [`Awaitable`]. Awaitable
//! operations are small coroutines themselves, used through `yield_from!`:
//! `yield_from!(rt::sleep(d))`, `yield_from!(queue.get())`, `yield_from!(handle.join())`.
//!
//! Declare a task with `#[coro::coroutine(task)]`. Handles
//! ([`Queue`], [`Event`], [`Lock`], [`Semaphore`], [`Condition`], [`TaskGroup`],
//! [`AsCompleted`]) are cheap `Rc` handles whose methods return coroutines that own a clone of
//! the handle, and [`JoinHandle::join`] takes its handle, so nothing is borrowed across a
//! suspension point.
//!
//! - the loop: [`Loop`] (owns and runs), [`Handle`] (schedules), [`Builder`] (virtual clock,
//!   debug and strict modes), [`run`] (asyncio's `asyncio.run`);
//! - tasks: [`spawn`], [`JoinHandle`] (join, cancel; dropping it detaches), [`CancelHandle`],
//!   [`TaskGroup`];
//! - awaitables: [`sleep`], [`sleep_until`], [`yield_now`], [`timeout`], [`timeout_at`],
//!   [`join_all`], [`gather`], [`wait_any`], [`AsCompleted`], [`join_or_cancel`];
//! - synchronisation, FIFO-fair: [`Queue`], [`Event`], [`Lock`], [`Semaphore`], [`Condition`];
//! - sockets, in [`net`]: [`TcpListener`](net::TcpListener), [`TcpStream`](net::TcpStream),
//!   [`UdpSocket`](net::UdpSocket), with owned buffers ([`buf`]);
//! - blocking calls: [`run_in_thread`] on the loop's pool of threads;
//! - for custom awaitables: [`Request`], [`Reply`], [`Waker`], [`Park`];
//! - diagnostics: [`Diagnostic`], [`Handle::dump`], [`Handle::tasks`].
//!
//! ```
//! use coro::rt;
//! use std::time::Duration;
//!
//! #[coro::coroutine(task)]
//! fn factorial(name: &'static str, number: u64) -> u64 {
//!     let mut f = 1;
//!     for i in 2..=number {
//!         println!("Task {name}: Compute factorial({i})");
//!         yield_from!(rt::sleep(Duration::from_secs(1)));
//!         f *= i;
//!     }
//!     println!("Task {name}: factorial({number}) is {f}");
//!     f
//! }
//!
//! #[coro::coroutine(task)]
//! fn main_task() -> Vec<u64> {
//!     let a = rt::spawn(factorial("A", 3));
//!     let b = rt::spawn(factorial("B", 4));
//!     let results = yield_from!(rt::join_all(vec![a, b]));
//!     results.into_iter().map(Result::unwrap).collect()
//! }
//!
//! let lp = rt::Loop::with_virtual_clock(); // rt::run(main_task()) uses the real clock
//! assert_eq!(lp.run_until_complete(main_task()), [6, 24]);
//! assert_eq!(lp.time(), rt::Instant::from_secs(3)); // not 5: the tasks overlap
//! ```
//!
//! See `docs/runtime.md` for a walk from asyncio to this module.

mod blocking;

/// docs/runtime.md, whose every Rust sample is compiled and run as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/runtime.md")]
mod runtime_guide {}
pub mod buf;
mod builder;
mod callback;
mod clock;
mod condition;
mod diagnostic;
mod event;
mod gather;
mod group;
mod handle;
mod instant;
mod io;
mod join_handle;
mod loop_;
mod map;
#[cfg(unix)]
pub mod net;
mod outcome;
mod pool;
mod queue;
mod request;
mod scheduler;
mod semaphore;
mod sleep;
mod slots;
mod task;
mod task_id;
mod timeout;
mod timers;
mod waitlist;

pub use blocking::{run_in_thread, BlockingError};
pub use builder::Builder;
pub use condition::Condition;
pub use diagnostic::{Diagnostic, TaskInfo, TaskStatus};
pub use event::Event;
pub use gather::{gather, join_all, wait_any, AsCompleted};
pub use group::{ChildFailure, GroupError, TaskGroup};
pub use handle::{current_task_id, spawn, spawn_named, time, CallbackHandle, Handle};
pub use instant::Instant;
pub use join_handle::{join_or_cancel, CancelHandle, JoinHandle};
pub use loop_::{run, Loop};
pub use outcome::JoinError;
pub use queue::{Closed, Queue, TryGetError, TryPutError};
pub use request::{Awaitable, AwaitableOf, Park, Reply, Request, Via};
pub use semaphore::{Lock, LockGuard, Semaphore, SemaphorePermit};
pub use sleep::{sleep, sleep_until, yield_now};
pub use task::Waker;
pub use task_id::TaskId;
pub use timeout::{timeout, timeout_at, Elapsed};
