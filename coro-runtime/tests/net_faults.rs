//! Faults injected for real on loopback sockets: each reaches the task concerned as a clear
//! `io::Error` (or `Elapsed`), while the loop and the other tasks go on.

use std::cell::Cell;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use coro::rt::net::{TcpListener, TcpStream};
use coro::rt::{self, Elapsed, Loop};

/// Counts ticks every millisecond until stopped: proof that the loop goes on.
#[coro::coroutine(task)]
fn ticker(ticks: Rc<Cell<u32>>) {
    loop {
        yield_from!(rt::sleep(Duration::from_millis(1)));
        ticks.set(ticks.get() + 1);
    }
}

/// Runs `main` with a ticker beside it; the ticks it saw.
fn with_ticker<C>(lp: &Loop, main: C) -> (C::Return, u32)
where
    C: rt::Awaitable + 'static,
    C::Return: 'static,
{
    let ticks = Rc::new(Cell::new(0));
    let t = lp.spawn(ticker(ticks.clone()));
    let value = lp.run_until_complete(main);
    t.cancel();
    lp.run_until_complete(t.join()).unwrap_err();
    (value, ticks.get())
}

fn loop_holds_nothing(lp: &Loop) {
    assert_eq!(
        (
            lp.task_count(),
            lp.timer_count(),
            lp.io_count(),
            lp.socket_count()
        ),
        (0, 0, 0, 0),
        "{}",
        lp.dump()
    );
}

/// A port on which nothing listens: bind one, note it, close it.
fn closed_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

#[test]
fn connection_refused() {
    let lp = Loop::new();
    let err = lp
        .run_until_complete(TcpStream::connect(closed_port()))
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
    loop_holds_nothing(&lp);
}

#[test]
fn address_in_use() {
    let first = TcpListener::bind("127.0.0.1:0").unwrap();
    let err = TcpListener::bind(first.local_addr().unwrap()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
    // The first listener is unaffected.
    let lp = Loop::new();
    let addr = first.local_addr().unwrap();
    let client = lp.spawn(TcpStream::connect(addr));
    let (_, peer) = lp.run_until_complete(first.accept()).unwrap();
    let client = lp.run_until_complete(client.join()).unwrap().unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
}

#[test]
fn peer_reset_mid_read() {
    // The peer sends a little, then resets the connection (SO_LINGER 0, then close); the
    // reader gets its bytes, then `ConnectionReset`.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let peer = std::thread::spawn(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.write_all(b"partial").unwrap();
        std::thread::sleep(Duration::from_millis(20));
        socket2::SockRef::from(&s)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
        drop(s); // RST
    });

    #[coro::coroutine(task)]
    fn read_until_error(listener: TcpListener) -> (Vec<u8>, io::ErrorKind) {
        let (stream, _) = yield_from!(listener.accept()).unwrap();
        let mut got = Vec::new();
        let mut buf = vec![0u8; 64];
        loop {
            let (res, b) = yield_from!(stream.read(buf));
            match res {
                Ok(0) => return (got, io::ErrorKind::UnexpectedEof),
                Ok(n) => got.extend_from_slice(&b[..n]),
                Err(e) => return (got, e.kind()),
            }
            buf = b;
        }
    }

    let lp = Loop::new();
    let ((got, kind), ticks) = with_ticker(&lp, read_until_error(listener));
    peer.join().unwrap();
    assert_eq!(got, b"partial");
    assert_eq!(kind, io::ErrorKind::ConnectionReset);
    assert!(ticks > 0, "the loop went on while the read waited");
    loop_holds_nothing(&lp);
}

#[test]
fn writing_to_a_reset_connection_fails() {
    #[coro::coroutine(task)]
    fn main_task() -> io::ErrorKind {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = yield_from!(TcpStream::connect(listener.local_addr().unwrap())).unwrap();
        let (server, _) = yield_from!(listener.accept()).unwrap();
        socket2::SockRef::from(&server)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
        drop(server);
        // The first write may still be accepted by the kernel; a later one fails.
        for _ in 0..100 {
            let (res, _) = yield_from!(client.write_all(vec![1u8; 1024]));
            if let Err(e) = res {
                return e.kind();
            }
            yield_from!(rt::sleep(Duration::from_millis(1)));
        }
        panic!("writes to a reset connection kept succeeding");
    }

    let kind = rt::run(main_task());
    assert!(
        matches!(
            kind,
            io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe
        ),
        "{kind:?}"
    );
}

#[test]
fn half_close_reads_zero() {
    #[coro::coroutine(task)]
    fn main_task() -> (Vec<u8>, usize, usize) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = yield_from!(TcpStream::connect(listener.local_addr().unwrap())).unwrap();
        let (server, _) = yield_from!(listener.accept()).unwrap();
        let (res, _) = yield_from!(client.write_all("last words"));
        res.unwrap();
        client.shutdown(std::net::Shutdown::Write).unwrap();
        let (res, buf) = yield_from!(server.read_exact(vec![0u8; 10]));
        res.unwrap();
        // Every read after the end says 0, at once.
        let (first, b) = yield_from!(server.read(buf.clone()));
        let (second, _) = yield_from!(server.read(b));
        (buf, first.unwrap(), second.unwrap())
    }

    assert_eq!(rt::run(main_task()), (b"last words".to_vec(), 0, 0));
}

#[test]
fn a_read_that_times_out() {
    #[coro::coroutine(task)]
    fn main_task() -> (Result<usize, Elapsed>, usize) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = yield_from!(TcpStream::connect(listener.local_addr().unwrap())).unwrap();
        let (server, _) = yield_from!(listener.accept()).unwrap();
        // The client says nothing.
        let timed_out = yield_from!(rt::timeout(
            Duration::from_millis(30),
            first_of(server.read(vec![0u8; 8]))
        ));
        assert_eq!(rt::Handle::current().io_count(), 0);
        // The connection is still good afterwards.
        let (res, _) = yield_from!(client.write_all("x"));
        res.unwrap();
        let (res, _) = yield_from!(server.read(vec![0u8; 8]));
        (timed_out.map(Result::unwrap), res.unwrap())
    }

    let lp = Loop::new();
    let ((timed_out, n), ticks) = with_ticker(&lp, main_task());
    assert_eq!(timed_out, Err(Elapsed));
    assert_eq!(n, 1);
    assert!(ticks > 0);
    loop_holds_nothing(&lp);
}

/// The result of a buffer-returning operation, without the buffer.
#[coro::coroutine(task)]
fn first_of<T: 'static, B: 'static, C: rt::Awaitable<Return = (T, B)>>(op: C) -> T {
    yield_from!(op).0
}

#[test]
fn a_peer_that_never_reads_parks_the_writer() {
    // Backpressure: write_all parks once the socket buffers are full; it does not buffer in
    // user space. A write of 256 MiB cannot fit in loopback socket buffers (a few MiB).
    const TOTAL: usize = 256 << 20;

    #[coro::coroutine(task)]
    fn main_task(written: Rc<Cell<usize>>) -> Result<(), Elapsed> {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = yield_from!(TcpStream::connect(listener.local_addr().unwrap())).unwrap();
        let (_server, _) = yield_from!(listener.accept()).unwrap(); // never reads
        let r = yield_from!(rt::timeout(
            Duration::from_millis(300),
            write_chunks(client, TOTAL, written)
        ));
        r.map(|_| ())
    }

    /// write_all in 1 MiB chunks, counting what the kernel took.
    #[coro::coroutine(task)]
    fn write_chunks(stream: TcpStream, total: usize, written: Rc<Cell<usize>>) {
        let mut chunk = vec![0u8; 1 << 20];
        while written.get() < total {
            let (res, c) = yield_from!(stream.write_all(chunk));
            res.unwrap();
            written.set(written.get() + c.len());
            chunk = c;
        }
    }

    let lp = Loop::new();
    let written = Rc::new(Cell::new(0));
    let (r, ticks) = with_ticker(&lp, main_task(written.clone()));
    assert_eq!(r, Err(Elapsed));
    assert!(written.get() < TOTAL, "wrote {} bytes", written.get());
    assert!(ticks > 0, "the loop went on while the writer was parked");
    loop_holds_nothing(&lp);
}

#[test]
fn a_listener_that_never_accepts() {
    // A listener with a backlog of 1 whose owner never accepts: the first connections complete
    // in the kernel's queue, but reads on them time out; once the queue is full, further
    // connects time out too. Every failure is the task's own; the loop goes on.
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket
        .bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
        .unwrap();
    socket.listen(1).unwrap();
    let addr = socket.local_addr().unwrap().as_socket().unwrap();

    #[coro::coroutine(task)]
    fn try_connect(addr: SocketAddr) -> &'static str {
        let connected = yield_from!(rt::timeout(
            Duration::from_millis(300),
            TcpStream::connect(addr)
        ));
        let stream = match connected {
            Err(Elapsed) => return "connect timed out",
            Ok(Err(e)) => panic!("connect failed: {e}"),
            Ok(Ok(stream)) => stream,
        };
        let read = yield_from!(rt::timeout(
            Duration::from_millis(100),
            first_of(stream.read(vec![0u8; 1]))
        ));
        match read {
            Err(Elapsed) => "read timed out",
            Ok(r) => panic!("a read from a never-accepted connection returned {r:?}"),
        }
    }

    let lp = Loop::new();
    let handles: Vec<_> = (0..6).map(|_| lp.spawn(try_connect(addr))).collect();
    let (outcomes, ticks) = with_ticker(&lp, rt::join_all(handles));
    let outcomes: Vec<&str> = outcomes.into_iter().map(Result::unwrap).collect();
    assert!(outcomes.contains(&"read timed out"), "{outcomes:?}");
    assert!(outcomes.contains(&"connect timed out"), "{outcomes:?}");
    assert!(ticks > 0);
    drop(socket);
    loop_holds_nothing(&lp);
}
