//! Readiness I/O: the loop's reactor (a `mio::Poll`) and the sockets registered with it.
//!
//! Why mio and not polling: both are well kept and small enough, but polling 3's registration
//! (`Poller::add`) is `unsafe` (the caller must delete the source before closing it), and this
//! crate forbids `unsafe`; polling's oneshot mode would also re-arm each wait with an
//! `epoll_ctl` system call, where mio registers a socket once, edge-triggered, for both
//! directions. mio also brings the non-blocking socket types (connect in progress included)
//! and a cross-thread `Waker`, which the blocking pool uses to wake the loop.
//!
//! The rule for each operation: try the system call first; only on `WouldBlock` register the
//! task's interest and park; after a read shorter than the buffer, remember that the socket is
//! drained, so the next read parks without a system call that could only say `EAGAIN`
//! (see [`Slot`](reactor::Slot)).

pub(crate) mod reactor;
#[cfg(unix)]
pub(crate) mod source;

pub(crate) use reactor::Reactor;
#[cfg(unix)]
pub(crate) use reactor::{READ, WRITE};
#[cfg(unix)]
pub(crate) use source::Source;
