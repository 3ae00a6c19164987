//! `TcpStream`: a TCP connection; connect, read, write, shut down.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, ToSocketAddrs};
use std::panic::Location;
use std::rc::Rc;

use super::super::buf::{IoBuf, IoBufMut};
use super::super::io::{Source, READ, WRITE};
use super::super::{AwaitableOf, Park, Request};
use super::{io_op, kind, resolve, uninterrupted};

/// A TCP connection on the loop's poller (asyncio's `StreamReader`/`StreamWriter` pair, as one
/// handle). A cheap `Rc` handle: clones share the socket, which closes when the last one goes
/// (a reader task and a writer task may each hold one).
///
/// Reads and writes take their buffer by value and give it back with the result:
/// `let (res, buf) = yield_from!(stream.read(buf));` (see [`buf`](crate::rt::buf)).
///
/// ```
/// use coro::rt::{self, net::{TcpListener, TcpStream}};
/// use std::io;
///
/// #[coro::coroutine(task)]
/// fn greet(listener: TcpListener) -> io::Result<()> {
///     let (stream, _) = yield_from!(listener.accept())?;
///     let (res, _) = yield_from!(stream.write_all("hello"));
///     res
/// }
///
/// #[coro::coroutine(task)]
/// fn main_task() -> io::Result<String> {
///     let listener = TcpListener::bind("127.0.0.1:0")?;
///     rt::spawn(greet(listener.clone()));
///     let stream = yield_from!(TcpStream::connect(listener.local_addr()?))?;
///     let (res, buf) = yield_from!(stream.read_exact(vec![0u8; 5]));
///     res?;
///     Ok(String::from_utf8(buf).unwrap())
/// }
///
/// assert_eq!(rt::run(main_task()).unwrap(), "hello");
/// ```
#[derive(Clone)]
pub struct TcpStream {
    inner: Rc<Source<mio::net::TcpStream>>,
}

impl TcpStream {
    pub(super) fn from_mio(stream: mio::net::TcpStream) -> TcpStream {
        TcpStream {
            inner: Rc::new(Source::new(stream)),
        }
    }

    /// Connects to `addr` (each address it resolves to in turn, until one accepts): the
    /// stream, or the error of the last attempt (`ConnectionRefused` when nothing listens).
    ///
    /// ```
    /// use coro::rt::{self, net::{TcpListener, TcpStream}};
    /// use std::io;
    ///
    /// // A port nobody listens on: bind one, note it, close it.
    /// let addr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    /// let err = rt::run(TcpStream::connect(addr)).unwrap_err();
    /// assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
    /// ```
    #[track_caller]
    pub fn connect(addr: impl ToSocketAddrs) -> impl AwaitableOf<io::Result<TcpStream>> {
        connect(resolve(addr), Location::caller())
    }

    /// Adopts a connected std stream (made non-blocking here).
    ///
    /// ```
    /// use coro::rt::net::TcpStream;
    ///
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let std_stream = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    /// let stream = TcpStream::from_std(std_stream).unwrap();
    /// assert_eq!(stream.peer_addr().unwrap(), listener.local_addr().unwrap());
    /// ```
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        stream.set_nonblocking(true)?;
        Ok(TcpStream::from_mio(mio::net::TcpStream::from_std(stream)))
    }

    /// Reads some bytes into `buf` (into its length, [`IoBufMut::as_bytes_mut`]): waits until
    /// at least one byte is there, then returns how many it read, `Ok(0)` once the peer has
    /// closed its side (or shut it down for writing), and gives `buf` back.
    ///
    /// ```
    /// use coro::rt::{self, net::{TcpListener, TcpStream}};
    ///
    /// #[coro::coroutine(task)]
    /// fn main_task() -> (usize, usize) {
    ///     let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    ///     let client = yield_from!(TcpStream::connect(listener.local_addr().unwrap())).unwrap();
    ///     let (server, _) = yield_from!(listener.accept()).unwrap();
    ///     let (res, _) = yield_from!(client.write_all("abc"));
    ///     res.unwrap();
    ///     drop(client); // closes the connection: after the 3 bytes, the server reads 0
    ///     let (n, buf) = yield_from!(server.read(vec![0u8; 16]));
    ///     assert_eq!(&buf[..3], b"abc");
    ///     let (eof, _) = yield_from!(server.read(buf));
    ///     (n.unwrap(), eof.unwrap())
    /// }
    ///
    /// assert_eq!(rt::run(main_task()), (3, 0));
    /// ```
    #[track_caller]
    pub fn read<B: IoBufMut>(&self, buf: B) -> impl AwaitableOf<(io::Result<usize>, B)> {
        io_op(
            kind::Read,
            self.inner.clone(),
            buf,
            |source: &Source<_>, buf: &mut B| try_read(source, buf.as_bytes_mut()),
            Location::caller(),
        )
    }

    /// Reads until `buf` is full (its whole length). `UnexpectedEof` if the connection ends
    /// first; the bytes read so far are in the buffer given back.
    ///
    /// ```
    /// use coro::rt::{self, net::{TcpListener, TcpStream}};
    /// use std::io;
    ///
    /// #[coro::coroutine(task)]
    /// fn main_task() -> io::ErrorKind {
    ///     let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    ///     let client = yield_from!(TcpStream::connect(listener.local_addr().unwrap())).unwrap();
    ///     let (server, _) = yield_from!(listener.accept()).unwrap();
    ///     let (res, _) = yield_from!(client.write_all("only 7."));
    ///     res.unwrap();
    ///     drop(client);
    ///     let (res, buf) = yield_from!(server.read_exact(vec![0u8; 10]));
    ///     assert_eq!(&buf[..7], b"only 7.");
    ///     res.unwrap_err().kind()
    /// }
    ///
    /// assert_eq!(rt::run(main_task()), io::ErrorKind::UnexpectedEof);
    /// ```
    #[track_caller]
    pub fn read_exact<B: IoBufMut>(&self, buf: B) -> impl AwaitableOf<(io::Result<()>, B)> {
        let mut filled = 0;
        io_op(
            kind::ReadExact,
            self.inner.clone(),
            buf,
            move |source: &Source<_>, buf: &mut B| {
                let dst = buf.as_bytes_mut();
                while filled < dst.len() {
                    match try_read(source, &mut dst[filled..])? {
                        0 => {
                            return Err(io::Error::new(
                                io::ErrorKind::UnexpectedEof,
                                "the connection closed before the buffer was full",
                            ))
                        }
                        n => filled += n,
                    }
                }
                Ok(())
            },
            Location::caller(),
        )
    }

    /// Writes some bytes of `buf`: waits until the socket can take at least one, then returns
    /// how many it took, and gives `buf` back.
    ///
    /// ```
    /// use coro::rt::{self, net::{TcpListener, TcpStream}};
    ///
    /// #[coro::coroutine(task)]
    /// fn main_task() -> usize {
    ///     let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    ///     let client = yield_from!(TcpStream::connect(listener.local_addr().unwrap())).unwrap();
    ///     let (n, _buf) = yield_from!(client.write(b"hello".to_vec()));
    ///     n.unwrap()
    /// }
    ///
    /// assert_eq!(rt::run(main_task()), 5); // a fresh socket has room for 5 bytes
    /// ```
    #[track_caller]
    pub fn write<B: IoBuf>(&self, buf: B) -> impl AwaitableOf<(io::Result<usize>, B)> {
        io_op(
            kind::Write,
            self.inner.clone(),
            buf,
            |source: &Source<_>, buf: &mut B| try_write(source, buf.as_bytes()),
            Location::caller(),
        )
    }

    /// Writes all of `buf`, waiting whenever the socket's send buffer is full (a peer that
    /// does not read holds the writer here: nothing is buffered beyond the kernel's socket
    /// buffers). On an error, some bytes may have been sent.
    ///
    /// ```
    /// use coro::rt::{self, net::{TcpListener, TcpStream}};
    ///
    /// #[coro::coroutine(task)]
    /// fn main_task() -> usize {
    ///     let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    ///     let client = yield_from!(TcpStream::connect(listener.local_addr().unwrap())).unwrap();
    ///     let (server, _) = yield_from!(listener.accept()).unwrap();
    ///     // 4 MiB: more than the socket buffers hold, so the writer waits for the reader.
    ///     let writer = rt::spawn(client.write_all(vec![7u8; 4 << 20]));
    ///     let mut total = 0;
    ///     let mut buf = vec![0u8; 64 << 10];
    ///     while total < 4 << 20 {
    ///         let (n, b) = yield_from!(server.read(buf));
    ///         buf = b;
    ///         total += n.unwrap();
    ///     }
    ///     yield_from!(writer.join()).unwrap().0.unwrap();
    ///     total
    /// }
    ///
    /// assert_eq!(rt::run(main_task()), 4 << 20);
    /// ```
    #[track_caller]
    pub fn write_all<B: IoBuf>(&self, buf: B) -> impl AwaitableOf<(io::Result<()>, B)> {
        let mut written = 0;
        io_op(
            kind::WriteAll,
            self.inner.clone(),
            buf,
            move |source: &Source<_>, buf: &mut B| {
                let src = buf.as_bytes();
                while written < src.len() {
                    match try_write(source, &src[written..])? {
                        0 => return Err(io::ErrorKind::WriteZero.into()),
                        n => written += n,
                    }
                }
                Ok(())
            },
            Location::caller(),
        )
    }

    /// Shuts down the reading side, the writing side or both (never waits). After
    /// `Shutdown::Write` the peer reads 0 (a half-close) and can still send.
    ///
    /// ```
    /// use coro::rt::{self, net::{TcpListener, TcpStream}};
    /// use std::net::Shutdown;
    ///
    /// #[coro::coroutine(task)]
    /// fn main_task() -> usize {
    ///     let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    ///     let client = yield_from!(TcpStream::connect(listener.local_addr().unwrap())).unwrap();
    ///     let (server, _) = yield_from!(listener.accept()).unwrap();
    ///     client.shutdown(Shutdown::Write).unwrap();
    ///     let (n, _) = yield_from!(server.read(vec![0u8; 8]));
    ///     n.unwrap()
    /// }
    ///
    /// assert_eq!(rt::run(main_task()), 0);
    /// ```
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.inner.io().shutdown(how)
    }

    /// The address of the other end.
    ///
    /// ```
    /// use coro::rt::net::TcpStream;
    ///
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let s = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    /// let stream = TcpStream::from_std(s).unwrap();
    /// assert_eq!(stream.peer_addr().unwrap(), listener.local_addr().unwrap());
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.io().peer_addr()
    }

    /// The address of this end.
    ///
    /// ```
    /// use coro::rt::net::TcpStream;
    ///
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let s = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    /// let stream = TcpStream::from_std(s).unwrap();
    /// assert!(stream.local_addr().unwrap().ip().is_loopback());
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.io().local_addr()
    }

    /// Sets `TCP_NODELAY`: small writes go out at once instead of waiting to be merged
    /// (Nagle's algorithm). Request/response protocols want it on.
    ///
    /// ```
    /// use coro::rt::net::TcpStream;
    ///
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let s = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    /// let stream = TcpStream::from_std(s).unwrap();
    /// stream.set_nodelay(true).unwrap();
    /// assert!(stream.nodelay().unwrap());
    /// ```
    pub fn set_nodelay(&self, on: bool) -> io::Result<()> {
        self.inner.io().set_nodelay(on)
    }

    /// Whether `TCP_NODELAY` is set.
    ///
    /// ```
    /// use coro::rt::net::TcpStream;
    ///
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let s = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    /// assert!(!TcpStream::from_std(s).unwrap().nodelay().unwrap());
    /// ```
    pub fn nodelay(&self) -> io::Result<bool> {
        self.inner.io().nodelay()
    }
}

/// One non-blocking read. A read shorter than `dst` drained the socket: note it, so that the
/// next read waits for the poller instead of calling `read` just to get `EAGAIN`.
#[inline]
fn try_read(source: &Source<mio::net::TcpStream>, dst: &mut [u8]) -> io::Result<usize> {
    let n = source.try_io(READ, |s| uninterrupted(|| (&*s).read(dst)))?;
    if n > 0 && n < dst.len() {
        source.clear(READ);
    }
    Ok(n)
}

/// One non-blocking write; a short write filled the send buffer (the same reasoning).
#[inline]
fn try_write(source: &Source<mio::net::TcpStream>, src: &[u8]) -> io::Result<usize> {
    let n = source.try_io(WRITE, |s| uninterrupted(|| (&*s).write(src)))?;
    if n < src.len() {
        source.clear(WRITE);
    }
    Ok(n)
}

#[coro_macros::coroutine(crate = crate, task)]
fn connect(
    resolved: io::Result<Vec<SocketAddr>>,
    at: &'static Location<'static>,
) -> io::Result<TcpStream> {
    let mut last = None;
    for addr in resolved? {
        match yield_from!(connect_to(addr, at)) {
            Ok(stream) => return Ok(stream),
            Err(e) => last = Some(e),
        }
    }
    Err(last.expect("resolve returns at least one address"))
}

#[coro_macros::coroutine(crate = crate, task)]
fn connect_to(addr: SocketAddr, at: &'static Location<'static>) -> io::Result<TcpStream> {
    // Non-blocking: the handshake goes on while the task waits for the socket to be writable.
    let stream = TcpStream::from_mio(mio::net::TcpStream::connect(addr)?);
    loop {
        let wait = stream.inner.wait(WRITE)?;
        yield_!(Request::Park(Park::at(None, "TcpStream::connect", at)));
        drop(wait);
        if let Some(e) = stream.inner.io().take_error()? {
            return Err(e);
        }
        match stream.inner.io().peer_addr() {
            Ok(_) => return Ok(stream),
            // Still in progress (a spurious wake-up).
            Err(e) if e.kind() == io::ErrorKind::NotConnected => {}
            Err(e) => return Err(e),
        }
    }
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("TcpStream");
        if let Ok(a) = self.local_addr() {
            d.field("local", &a);
        }
        if let Ok(a) = self.peer_addr() {
            d.field("peer", &a);
        }
        d.finish()
    }
}

/// The socket's descriptor, for options this type does not offer (with `socket2::SockRef`,
/// for example).
///
/// ```
/// use coro::rt::net::TcpStream;
/// use std::os::fd::AsFd;
///
/// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
/// let s = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
/// let stream = TcpStream::from_std(s).unwrap();
/// let _fd = stream.as_fd();
/// ```
impl std::os::fd::AsFd for TcpStream {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.inner.io().as_fd()
    }
}
