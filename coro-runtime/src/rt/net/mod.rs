//! Sockets: [`TcpListener`], [`TcpStream`] and [`UdpSocket`], on the loop's poller.
//!
//! Each handle is a cheap `Rc` handle (clone it to share the socket between tasks; the socket
//! closes when the last clone goes); each operation that may wait is an awaitable coroutine
//! that owns a clone of the handle and **owns its buffer**, which it gives back with the
//! result (see [`buf`](super::buf)):
//!
//! ```
//! use coro::rt::{self, buf::Slice, net::{TcpListener, TcpStream}, Reply, Request};
//! use std::io;
//!
//! #[coro::coroutine(task)]
//! fn echo_once(listener: TcpListener) -> io::Result<()> {
//!     let (stream, _peer) = yield_from!(listener.accept())?;
//!     let (res, buf) = yield_from!(stream.read(vec![0u8; 1024]));
//!     let n = res?;
//!     // The first n bytes, without giving up the buffer:
//!     let (res, _buf) = yield_from!(stream.write_all(Slice::new(buf, ..n)));
//!     res
//! }
//!
//! #[coro::coroutine(task)]
//! fn main_task() -> io::Result<Vec<u8>> {
//!     let listener = TcpListener::bind("127.0.0.1:0")?;
//!     let server = rt::spawn(echo_once(listener.clone()));
//!     let stream = yield_from!(TcpStream::connect(listener.local_addr()?))?;
//!     let (res, _) = yield_from!(stream.write_all(b"ping"));
//!     res?;
//!     let (res, reply) = yield_from!(stream.read_exact(vec![0u8; 4]));
//!     res?;
//!     yield_from!(server.join()).unwrap()?;
//!     Ok(reply)
//! }
//!
//! assert_eq!(rt::run(main_task()).unwrap(), b"ping");
//! ```
//!
//! How an operation runs: it tries the system call at once; only if the socket is not ready
//! (`WouldBlock`) does it register the task's interest with the loop's poller and park; when
//! the poller reports readiness, it tries again. After a read shorter than the buffer it
//! remembers that the socket is drained, so the next read parks without a system call that
//! could only fail with `EAGAIN` (tokio does the same; the textbook read-until-`EAGAIN` loop
//! costs a system call per message).
//!
//! Every operation works with [`timeout`](super::timeout) and with cancellation: an abandoned
//! operation leaves the poller's wait list at once ([`Handle::io_count`](super::Handle::io_count)
//! counts what is left), and its buffer is dropped with it.
//!
//! The poller is [mio](https://docs.rs/mio), not `polling`: polling 3 makes registration
//! `unsafe` (a source must be deleted before it is closed) and this crate forbids `unsafe`,
//! and its oneshot mode re-arms each wait with a system call, where mio registers a socket once,
//! edge-triggered, for both directions. mio also brings the non-blocking socket types and a
//! cross-thread waker (used by [`run_in_thread`](super::run_in_thread)).
//!
//! Address arguments take [`ToSocketAddrs`], resolved when the operation is made: an IP
//! address (`"127.0.0.1:8080"`, a `SocketAddr`) costs nothing, but a host name is looked up by
//! the system's resolver, which blocks; look names up with
//! [`run_in_thread`](super::run_in_thread) first if that matters.

mod tcp_listener;
mod tcp_stream;
mod udp;

pub use tcp_listener::TcpListener;
pub use tcp_stream::TcpStream;
pub use udp::UdpSocket;

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::panic::Location;
use std::rc::Rc;

use super::io::Source;
use super::{Awaitable, Park, Request};

/// The addresses `addr` stands for (std's `to_socket_addrs`, collected).
fn resolve(addr: impl ToSocketAddrs) -> io::Result<Vec<SocketAddr>> {
    let addrs: Vec<SocketAddr> = addr.to_socket_addrs()?.collect();
    if addrs.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "could not resolve to any address",
        ));
    }
    Ok(addrs)
}

/// Tries `f` on each address in turn: the first success, or the last error.
fn each_addr<T>(
    addr: impl ToSocketAddrs,
    mut f: impl FnMut(SocketAddr) -> io::Result<T>,
) -> io::Result<T> {
    let mut last = None;
    for a in resolve(addr)? {
        match f(a) {
            Ok(t) => return Ok(t),
            Err(e) => last = Some(e),
        }
    }
    Err(last.expect("resolve returns at least one address"))
}

/// The shape of every socket operation: try `op` (non-blocking); on `WouldBlock`, wait for
/// readiness in direction `dir` and try again. `op` keeps its own progress (bytes written so
/// far…) between tries; `buf` is handed back with the result.
fn io_op<S, B, R, F>(
    source: Rc<Source<S>>,
    dir: u8,
    buf: B,
    op: F,
    on: &'static str,
    at: &'static Location<'static>,
) -> impl Awaitable<Return = (io::Result<R>, B)>
where
    S: std::os::fd::AsRawFd,
    F: FnMut(&Source<S>, &mut B) -> io::Result<R>,
{
    retry(source, dir, buf, op, Park::at(None, on, at))
}

#[coro_macros::coroutine(crate = crate, task)]
fn retry<S, B, R, F>(
    source: Rc<Source<S>>,
    dir: u8,
    mut buf: B,
    mut op: F,
    park: Park,
) -> (io::Result<R>, B)
where
    S: std::os::fd::AsRawFd,
    F: FnMut(&Source<S>, &mut B) -> io::Result<R>,
{
    loop {
        match op(&source, &mut buf) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            done => return (done, buf),
        }
        let wait = match source.wait(dir) {
            Ok(wait) => wait,
            Err(e) => return (Err(e), buf),
        };
        yield_!(Request::Park(park));
        drop(wait);
    }
}

/// Retries `f` while it fails with `Interrupted` (a signal arrived during the call).
fn uninterrupted<R>(mut f: impl FnMut() -> io::Result<R>) -> io::Result<R> {
    loop {
        match f() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => return r,
        }
    }
}
