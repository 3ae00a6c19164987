//! Sockets: [`TcpListener`], [`TcpStream`] and [`UdpSocket`], on the loop's poller.
//!
//! Each handle is a cheap `Rc` handle (clone it to share the socket between tasks; the socket
//! closes when the last clone goes); each operation that may wait is an awaitable coroutine
//! that owns a clone of the handle and **owns its buffer**, which it gives back with the
//! result (see [`buf`](super::buf)):
//!
//! ```
//! use coro::rt::{self, buf::Slice, net::{TcpListener, TcpStream}};
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
use std::marker::PhantomData;
use std::net::{SocketAddr, ToSocketAddrs};
use std::panic::Location;
use std::pin::Pin;
use std::rc::Rc;

use crate::{Coroutine, CoroutineState};

use super::io::Source;
use super::{AwaitableOf, Park, Reply, Request};

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

/// What an operation waits for (`DIR`: `READ` or `WRITE`) and its name for dumps (`ON`, the
/// [`Park::on`] of its waits): a type rather than fields, so that an [`IoOp`] carries neither
/// (it is moved about with the task's state, so its size counts).
trait OpKind {
    const DIR: u8;
    const ON: &'static str;
}

macro_rules! op_kinds {
    ($($kind:ident: $dir:ident, $on:literal;)*) => {$(
        #[doc = concat!("The kind of `", $on, "`.")]
        pub(crate) struct $kind;

        impl OpKind for $kind {
            const DIR: u8 = $dir;
            const ON: &'static str = $on;
        }
    )*};
}

/// The kinds of operation, named after the methods that make them.
mod kind {
    use super::super::io::{READ, WRITE};
    use super::OpKind;

    op_kinds! {
    Read: READ, "TcpStream::read";
    ReadExact: READ, "TcpStream::read_exact";
    Write: WRITE, "TcpStream::write";
    WriteAll: WRITE, "TcpStream::write_all";
    Accept: READ, "TcpListener::accept";
    SendTo: WRITE, "UdpSocket::send_to";
    RecvFrom: READ, "UdpSocket::recv_from";
    }
}

/// The shape of every socket operation: try `op` (non-blocking); on `WouldBlock`, wait for
/// readiness in the direction of `K` and try again. `op` keeps its own progress (bytes
/// written so far…) between tries; `buf` is handed back with the result.
fn io_op<K, S, B, R, F>(
    _kind: K,
    source: Rc<Source<S>>,
    buf: B,
    op: F,
    at: &'static Location<'static>,
) -> impl AwaitableOf<(io::Result<R>, B)>
where
    K: OpKind,
    S: std::os::fd::AsRawFd,
    F: FnMut(&Source<S>, &mut B) -> io::Result<R>,
{
    IoOp::<K, S, B, R, F> {
        source,
        buf: Some(buf),
        op,
        waiting: NOT_WAITING,
        at,
        _kind: PhantomData,
    }
}

/// [`IoOp::waiting`] when the operation is not among the socket's waiters (keys count up from
/// 0 and never get here).
const NOT_WAITING: u64 = u64::MAX;

/// The awaitable of [`io_op`], written by hand rather than with `#[coro::coroutine]`: every read and
/// write is one, so it is kept small. Each resume drops the previous wait, then (unless the
/// socket is known not to be ready, which saves a system call that could only fail) tries
/// `op`; on `WouldBlock` it joins the socket's waiters and parks. Dropped while parked
/// (cancelled, timed out), it leaves the waiters at once, and drops the buffer.
struct IoOp<K: OpKind, S: std::os::fd::AsRawFd, B, R, F> {
    source: Rc<Source<S>>,
    /// `None` once the operation has completed.
    buf: Option<B>,
    op: F,
    /// The key of this operation among the socket's waiters while it is parked, else
    /// [`NOT_WAITING`].
    waiting: u64,
    at: &'static Location<'static>,
    _kind: PhantomData<fn() -> (K, R)>,
}

// Nothing in an `IoOp` is ever pinned (resume takes the fields by `&mut`), so it may move
// whatever `B` and `F` are, as the runtime's awaitables must.
impl<K: OpKind, S: std::os::fd::AsRawFd, B, R, F> Unpin for IoOp<K, S, B, R, F> {}

impl<K, S, B, R, F> Coroutine<Reply> for IoOp<K, S, B, R, F>
where
    K: OpKind,
    S: std::os::fd::AsRawFd,
    F: FnMut(&Source<S>, &mut B) -> io::Result<R>,
{
    type Yield = Request;
    type Return = (io::Result<R>, B);

    fn resume(self: Pin<&mut Self>, _reply: Reply) -> CoroutineState<Request, Self::Return> {
        let this = self.get_mut();
        if this.waiting != NOT_WAITING {
            this.source.remove_waiter(K::DIR, this.waiting);
            this.waiting = NOT_WAITING;
        }
        let Some(buf) = this.buf.as_mut() else {
            crate::__private::resumed_after_completion()
        };
        if this.source.is_ready(K::DIR) {
            match (this.op)(&this.source, buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                done => {
                    return CoroutineState::Complete((done, this.buf.take().expect("taken once")))
                }
            }
        }
        match this.source.add_waiter(K::DIR) {
            Ok(key) => {
                this.waiting = key;
                CoroutineState::Yielded(Request::Park(Park::at(None, K::ON, this.at)))
            }
            Err(e) => CoroutineState::Complete((Err(e), this.buf.take().expect("taken once"))),
        }
    }
}

impl<K: OpKind, S: std::os::fd::AsRawFd, B, R, F> Drop for IoOp<K, S, B, R, F> {
    fn drop(&mut self) {
        if self.waiting != NOT_WAITING {
            self.source.remove_waiter(K::DIR, self.waiting);
        }
    }
}

/// Retries `f` while it fails with `Interrupted` (a signal arrived during the call).
#[inline]
fn uninterrupted<R>(mut f: impl FnMut() -> io::Result<R>) -> io::Result<R> {
    loop {
        match f() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => return r,
        }
    }
}
