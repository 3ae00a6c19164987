//! `UdpSocket`: datagrams; bind, send_to, recv_from.

use std::fmt;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::panic::Location;
use std::rc::Rc;

use super::super::buf::{IoBuf, IoBufMut};
use super::super::io::{Source, READ, WRITE};
use super::super::AwaitableOf;
use super::{each_addr, io_op, kind, uninterrupted};

/// A UDP socket on the loop's poller. A cheap `Rc` handle: clones share the socket, which
/// closes when the last one goes.
///
/// ```
/// use coro::rt::{self, net::UdpSocket};
/// use std::io;
///
/// #[coro::coroutine(task)]
/// fn main_task() -> io::Result<Vec<u8>> {
///     let a = UdpSocket::bind("127.0.0.1:0")?;
///     let b = UdpSocket::bind("127.0.0.1:0")?;
///     let (res, _) = yield_from!(a.send_to("hi", b.local_addr()?));
///     res?;
///     let (res, mut buf) = yield_from!(b.recv_from(vec![0u8; 64]));
///     let (n, from) = res?;
///     assert_eq!(from, a.local_addr()?);
///     buf.truncate(n);
///     Ok(buf)
/// }
///
/// assert_eq!(rt::run(main_task()).unwrap(), b"hi");
/// ```
#[derive(Clone)]
pub struct UdpSocket {
    inner: Rc<Source<mio::net::UdpSocket>>,
}

impl UdpSocket {
    /// Binds to `addr` (the first address it resolves to that works). Port 0 picks a free
    /// port. Does not wait; it can be called outside a loop.
    ///
    /// ```
    /// use coro::rt::net::UdpSocket;
    ///
    /// let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    /// assert_ne!(s.local_addr().unwrap().port(), 0);
    /// ```
    pub fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        let socket = each_addr(addr, mio::net::UdpSocket::bind)?;
        Ok(UdpSocket {
            inner: Rc::new(Source::new(socket)),
        })
    }

    /// Adopts a bound std socket (made non-blocking here).
    ///
    /// ```
    /// use coro::rt::net::UdpSocket;
    ///
    /// let std_socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    /// let addr = std_socket.local_addr().unwrap();
    /// assert_eq!(UdpSocket::from_std(std_socket).unwrap().local_addr().unwrap(), addr);
    /// ```
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        socket.set_nonblocking(true)?;
        Ok(UdpSocket {
            inner: Rc::new(Source::new(mio::net::UdpSocket::from_std(socket))),
        })
    }

    /// Sends `buf` as one datagram to `target`, waiting while the socket's send buffer is
    /// full; how many bytes were sent (all of them, for UDP), and `buf` back.
    ///
    /// ```
    /// use coro::rt::{self, net::UdpSocket};
    ///
    /// let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    /// let to = s.local_addr().unwrap(); // to itself
    /// let (n, _buf) = rt::run(s.send_to(vec![1u8, 2, 3], to));
    /// assert_eq!(n.unwrap(), 3);
    /// ```
    #[track_caller]
    pub fn send_to<B: IoBuf>(
        &self,
        buf: B,
        target: SocketAddr,
    ) -> impl AwaitableOf<(io::Result<usize>, B)> {
        io_op(
            kind::SendTo,
            self.inner.clone(),
            buf,
            move |source: &Source<mio::net::UdpSocket>, buf: &mut B| {
                source.try_io(WRITE, |s| {
                    uninterrupted(|| s.send_to(buf.as_bytes(), target))
                })
            },
            Location::caller(),
        )
    }

    /// Waits for a datagram and reads it into `buf` (its length): how many bytes, and who sent
    /// it. A datagram longer than `buf` is cut to fit (the rest is lost, as with any UDP read).
    ///
    /// ```
    /// use coro::rt::{self, net::UdpSocket};
    ///
    /// #[coro::coroutine(task)]
    /// fn main_task() -> usize {
    ///     let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    ///     let to = s.local_addr().unwrap();
    ///     let (res, _) = yield_from!(s.send_to(vec![9u8; 100], to));
    ///     res.unwrap();
    ///     let (res, buf) = yield_from!(s.recv_from(vec![0u8; 10]));
    ///     assert_eq!(buf, [9u8; 10]);
    ///     res.unwrap().0
    /// }
    ///
    /// assert_eq!(rt::run(main_task()), 10);
    /// ```
    #[track_caller]
    pub fn recv_from<B: IoBufMut>(
        &self,
        buf: B,
    ) -> impl AwaitableOf<(io::Result<(usize, SocketAddr)>, B)> {
        io_op(
            kind::RecvFrom,
            self.inner.clone(),
            buf,
            |source: &Source<mio::net::UdpSocket>, buf: &mut B| {
                // One datagram per call: a short one says nothing about the next, so the
                // readiness is kept until a call says `WouldBlock`.
                source.try_io(READ, |s| uninterrupted(|| s.recv_from(buf.as_bytes_mut())))
            },
            Location::caller(),
        )
    }

    /// The address the socket is bound to.
    ///
    /// ```
    /// use coro::rt::net::UdpSocket;
    ///
    /// let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    /// assert!(s.local_addr().unwrap().ip().is_loopback());
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.io().local_addr()
    }
}

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("UdpSocket");
        if let Ok(a) = self.local_addr() {
            d.field("local", &a);
        }
        d.finish()
    }
}

/// The socket's descriptor, for options this type does not offer.
///
/// ```
/// use coro::rt::net::UdpSocket;
/// use std::os::fd::AsFd;
///
/// let s = UdpSocket::bind("127.0.0.1:0").unwrap();
/// let _fd = s.as_fd();
/// ```
impl std::os::fd::AsFd for UdpSocket {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.inner.io().as_fd()
    }
}
