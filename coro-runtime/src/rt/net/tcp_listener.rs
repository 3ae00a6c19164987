//! `TcpListener`: a listening TCP socket; bind, accept.

use std::fmt;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::panic::Location;
use std::rc::Rc;

use super::super::io::{Source, READ};
use super::super::{Awaitable, AwaitableOf};
use super::{each_addr, io_op, kind, uninterrupted, TcpStream};

/// A listening TCP socket on the loop's poller. A cheap `Rc` handle: clones share the socket,
/// which closes when the last one goes; several tasks may accept on it at once.
///
/// ```
/// use coro::rt::{self, net::{TcpListener, TcpStream}};
/// use std::io;
///
/// #[coro::coroutine(task)]
/// fn main_task() -> io::Result<bool> {
///     let listener = TcpListener::bind("127.0.0.1:0")?;
///     let addr = listener.local_addr()?;
///     let client = rt::spawn(TcpStream::connect(addr));
///     let (_stream, peer) = yield_from!(listener.accept())?;
///     let client = yield_from!(client.join()).unwrap()?;
///     Ok(peer == client.local_addr()?)
/// }
///
/// assert!(rt::run(main_task()).unwrap());
/// ```
#[derive(Clone)]
pub struct TcpListener {
    inner: Rc<Source<mio::net::TcpListener>>,
}

impl TcpListener {
    /// Binds to `addr` (the first address it resolves to that works) and listens, with
    /// `SO_REUSEADDR` set, so a server can restart on its port at once. Port 0 picks a free
    /// port: read it with [`local_addr`](TcpListener::local_addr). Does not wait; it can be
    /// called outside a loop.
    ///
    /// ```
    /// use coro::rt::net::TcpListener;
    /// use std::io;
    ///
    /// let first = TcpListener::bind("127.0.0.1:0").unwrap();
    /// let taken = first.local_addr().unwrap();
    /// let err = TcpListener::bind(taken).unwrap_err();
    /// assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
    /// ```
    pub fn bind(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        let listener = each_addr(addr, mio::net::TcpListener::bind)?;
        Ok(TcpListener {
            inner: Rc::new(Source::new(listener)),
        })
    }

    /// Adopts a bound and listening std listener (made non-blocking here).
    ///
    /// ```
    /// use coro::rt::net::TcpListener;
    ///
    /// let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let addr = std_listener.local_addr().unwrap();
    /// let listener = TcpListener::from_std(std_listener).unwrap();
    /// assert_eq!(listener.local_addr().unwrap(), addr);
    /// ```
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        listener.set_nonblocking(true)?;
        Ok(TcpListener {
            inner: Rc::new(Source::new(mio::net::TcpListener::from_std(listener))),
        })
    }

    /// Waits for a connection and accepts it: the new stream and the peer's address.
    ///
    /// ```
    /// use coro::rt::{self, net::TcpListener};
    /// use std::time::Duration;
    ///
    /// #[coro::coroutine(task)]
    /// fn main_task() -> bool {
    ///     let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    ///     // Nobody connects: the accept times out, and leaves nothing behind.
    ///     let r = yield_from!(rt::timeout(Duration::from_millis(10), listener.accept()));
    ///     r.is_err()
    /// }
    ///
    /// let lp = rt::Loop::new();
    /// assert!(lp.run_until_complete(main_task()));
    /// assert_eq!((lp.io_count(), lp.socket_count()), (0, 0));
    /// ```
    #[track_caller]
    pub fn accept(&self) -> impl AwaitableOf<io::Result<(TcpStream, SocketAddr)>> {
        let accepted = io_op(
            kind::Accept,
            self.inner.clone(),
            (),
            |source: &Source<mio::net::TcpListener>, _: &mut ()| {
                let (stream, peer) = source.try_io(READ, |l| uninterrupted(|| l.accept()))?;
                Ok((TcpStream::from_mio(stream), peer))
            },
            Location::caller(),
        );
        first(accepted)
    }

    /// The address the listener is bound to (with the port the system picked for port 0).
    ///
    /// ```
    /// use coro::rt::net::TcpListener;
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    /// assert_ne!(listener.local_addr().unwrap().port(), 0);
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.io().local_addr()
    }
}

/// The result of an operation that had no buffer to give back.
#[coro_macros::coroutine(crate = crate, task)]
fn first<T, C: Awaitable<Return = (T, ())>>(op: C) -> T {
    yield_from!(op).0
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("TcpListener");
        if let Ok(a) = self.local_addr() {
            d.field("local", &a);
        }
        d.finish()
    }
}

/// The socket's descriptor, for options this type does not offer.
///
/// ```
/// use coro::rt::net::TcpListener;
/// use std::os::fd::AsFd;
///
/// let listener = TcpListener::bind("127.0.0.1:0").unwrap();
/// let _fd = listener.as_fd();
/// ```
impl std::os::fd::AsFd for TcpListener {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.inner.io().as_fd()
    }
}
