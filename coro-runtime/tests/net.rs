//! Sockets on the loop: echo over loopback, readiness bookkeeping, cancellation and timeouts
//! that leave nothing registered, and the virtual clock with I/O outstanding.

use std::cell::RefCell;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::rc::Rc;
use std::time::Duration;

use coro::rt::buf::Slice;
use coro::rt::net::{TcpListener, TcpStream, UdpSocket};
use coro::rt::{self, Elapsed, Instant, JoinError, Loop};

/// Nothing left on the loop: no task, timer, I/O wait, registered socket or blocking call.
fn loop_holds_nothing(lp: &Loop) {
    assert_eq!(
        (
            lp.task_count(),
            lp.timer_count(),
            lp.io_count(),
            lp.socket_count(),
            lp.blocking_count()
        ),
        (0, 0, 0, 0, 0),
        "{}",
        lp.dump()
    );
}

/// A connected pair over loopback: (client side, server side).
#[coro::coroutine(task)]
fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = yield_from!(TcpStream::connect(listener.local_addr().unwrap())).unwrap();
    let (server, peer) = yield_from!(listener.accept()).unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
    assert_eq!(server.peer_addr().unwrap(), client.local_addr().unwrap());
    (client, server)
}

/// Echoes every connection it accepts until the peer closes; stops after `n` connections.
#[coro::coroutine(task)]
fn echo_server(listener: TcpListener, n: usize) {
    for _ in 0..n {
        let (stream, _) = yield_from!(listener.accept()).unwrap();
        rt::spawn(echo(stream));
    }
}

#[coro::coroutine(task)]
fn echo(stream: TcpStream) {
    let mut buf = vec![0u8; 4096];
    loop {
        let (res, b) = yield_from!(stream.read(buf));
        let n = res.unwrap();
        if n == 0 {
            return;
        }
        let (res, b) = yield_from!(stream.write_all(Slice::new(b, ..n)));
        res.unwrap();
        buf = b.into_inner();
    }
}

#[coro::coroutine(task)]
fn ask(addr: SocketAddr, messages: Vec<&'static str>) -> Vec<String> {
    let stream = yield_from!(TcpStream::connect(addr)).unwrap();
    stream.set_nodelay(true).unwrap();
    let mut answers = Vec::new();
    for m in messages {
        let (res, _) = yield_from!(stream.write_all(m));
        res.unwrap();
        let (res, reply) = yield_from!(stream.read_exact(vec![0u8; m.len()]));
        res.unwrap();
        answers.push(String::from_utf8(reply).unwrap());
    }
    answers
}

#[test]
fn echo_round_trips_and_leaves_nothing_behind() {
    let lp = Loop::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = lp.spawn(echo_server(listener, 2));
    let a = lp.spawn(ask(addr, vec!["one", "two", "three"]));
    let b = lp.spawn(ask(addr, vec!["uno", "dos"]));
    assert_eq!(
        lp.run_until_complete(a.join()).unwrap(),
        ["one", "two", "three"]
    );
    assert_eq!(lp.run_until_complete(b.join()).unwrap(), ["uno", "dos"]);
    lp.run_until_complete(server.join()).unwrap();
    // The echo tasks see their clients' close and end.
    while lp.task_count() > 0 {
        lp.run_until_complete(rt::sleep(Duration::from_millis(1)));
    }
    loop_holds_nothing(&lp);
}

#[test]
fn a_read_after_a_short_read_waits_for_new_data() {
    // After a short read the stream is marked drained and the next read parks without a
    // system call; the data written later must still wake it.
    #[coro::coroutine(task)]
    fn main_task() -> Vec<String> {
        let (client, server) = yield_from!(pair());
        let writer = rt::spawn(write_later(client));
        let mut got = Vec::new();
        let mut buf = vec![0u8; 64];
        for _ in 0..3 {
            let (res, b) = yield_from!(server.read(buf));
            let n = res.unwrap();
            got.push(String::from_utf8(b[..n].to_vec()).unwrap());
            buf = b;
        }
        yield_from!(writer.join()).unwrap();
        got
    }

    #[coro::coroutine(task)]
    fn write_later(client: TcpStream) {
        for m in ["a", "bb", "ccc"] {
            let (res, _) = yield_from!(client.write_all(m));
            res.unwrap();
            yield_from!(rt::sleep(Duration::from_millis(5)));
        }
    }

    assert_eq!(rt::run(main_task()), ["a", "bb", "ccc"]);
}

#[test]
fn the_end_of_a_stream_that_arrives_with_its_last_bytes_is_seen() {
    // The reader waits; the peer writes a few bytes and closes at once, so one event reports
    // both. The short read takes the bytes; the next read must see the end, not wait forever.
    #[coro::coroutine(task)]
    fn main_task() -> (Vec<u8>, usize) {
        let (client, server) = yield_from!(pair());
        let reader = rt::spawn(server.read(vec![0u8; 64]));
        yield_from!(rt::yield_now());
        let (res, _) = yield_from!(client.write_all("last"));
        res.unwrap();
        drop(client);
        let (res, buf) = yield_from!(reader.join()).unwrap();
        let n = res.unwrap();
        let (eof, _) = yield_from!(server.read(vec![0u8; 64]));
        (buf[..n].to_vec(), eof.unwrap())
    }

    let lp = Loop::new();
    let r = lp.run_until_complete(rt::timeout(Duration::from_secs(30), main_task()));
    assert_eq!(r, Ok((b"last".to_vec(), 0)));
}

#[test]
fn a_cancelled_read_unregisters_and_the_stream_still_works() {
    let lp = Loop::new();
    let (client, server) = lp.run_until_complete(pair());
    let reader = lp.spawn(server.read(vec![0u8; 16]));
    lp.run_until_complete(rt::yield_now());
    assert_eq!(lp.io_count(), 1, "{}", lp.dump());
    assert!(lp.dump().contains("waiting on TcpStream::read"));
    reader.cancel();
    assert!(matches!(
        lp.run_until_complete(reader.join()),
        Err(JoinError::Cancelled)
    ));
    assert_eq!(lp.io_count(), 0);
    assert_eq!(lp.task_count(), 0);

    // The stream goes on: a new read gets what the client sends.
    lp.run_until_complete(client.write_all("after")).0.unwrap();
    let (res, buf) = lp.run_until_complete(server.read(vec![0u8; 16]));
    assert_eq!(&buf[..res.unwrap()], b"after");
    drop((client, server));
    loop_holds_nothing(&lp);
}

#[test]
fn a_cancelled_accept_unregisters() {
    let lp = Loop::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let accepts: Vec<_> = (0..3).map(|_| lp.spawn(listener.accept())).collect();
    lp.run_until_complete(rt::yield_now());
    assert_eq!((lp.io_count(), lp.socket_count()), (3, 1));
    for h in &accepts {
        h.cancel();
    }
    lp.run_until_complete(rt::join_all(accepts));
    assert_eq!((lp.io_count(), lp.task_count()), (0, 0));
    drop(listener);
    loop_holds_nothing(&lp);
}

#[test]
fn several_tasks_accept_on_one_listener() {
    #[coro::coroutine(task)]
    fn main_task() -> usize {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let accepters: Vec<_> = (0..4).map(|_| rt::spawn(listener.accept())).collect();
        yield_from!(rt::yield_now());
        let mut clients = Vec::new();
        for _ in 0..4 {
            clients.push(yield_from!(TcpStream::connect(addr)).unwrap());
        }
        let accepted = yield_from!(rt::join_all(accepters));
        accepted
            .into_iter()
            .filter(|r| matches!(r, Ok(Ok(_))))
            .count()
    }

    assert_eq!(rt::run(main_task()), 4);
}

#[test]
fn a_read_waits_for_another_thread_without_a_deadlock_report() {
    // No timer is set and the only task waits on a socket: the loop must wait in the poller,
    // not report a deadlock.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let peer = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        std::thread::sleep(Duration::from_millis(30));
        s.write_all(b"late").unwrap();
        let mut rest = Vec::new();
        s.read_to_end(&mut rest).unwrap();
    });

    #[coro::coroutine(task)]
    fn read_four(addr: SocketAddr) -> Vec<u8> {
        let stream = yield_from!(TcpStream::connect(addr)).unwrap();
        let (res, buf) = yield_from!(stream.read_exact(vec![0u8; 4]));
        res.unwrap();
        buf
    }

    let lp = Loop::new();
    assert_eq!(lp.run_until_complete(read_four(addr)), b"late");
    peer.join().unwrap();
    loop_holds_nothing(&lp);
}

#[test]
fn the_virtual_clock_serves_ready_sockets_before_it_jumps() {
    let lp = Loop::with_virtual_clock();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let sleeper = lp.spawn(rt::sleep(Duration::from_secs(60)));
    let server = lp.spawn(echo_server(listener, 1));
    let answers = lp.run_until_complete(ask(addr, vec!["ping", "pong"]));
    assert_eq!(answers, ["ping", "pong"]);
    // Every round trip happened at virtual time zero, with a timer pending all along.
    assert_eq!(lp.time(), Instant::ZERO);
    lp.run_until_complete(server.join()).unwrap();
    lp.run_until_complete(sleeper.join()).unwrap();
    assert_eq!(lp.time(), Instant::from_secs(60));
}

#[test]
fn a_read_timeout_on_the_virtual_clock_takes_no_real_time() {
    let lp = Loop::with_virtual_clock();
    let (client, server) = lp.run_until_complete(pair());
    let started = std::time::Instant::now();
    let r = lp.run_until_complete(rt::timeout(
        Duration::from_secs(3600),
        server.read(vec![0u8; 8]),
    ));
    assert!(matches!(r, Err(Elapsed)));
    assert_eq!(lp.time(), Instant::from_secs(3600));
    assert!(started.elapsed() < Duration::from_secs(60)); // not an hour
    assert_eq!(lp.io_count(), 0);
    drop((client, server));
    loop_holds_nothing(&lp);
}

#[test]
fn udp_datagrams_round_trip() {
    #[coro::coroutine(task)]
    fn responder(socket: UdpSocket) {
        let mut buf = vec![0u8; 64];
        for _ in 0..3 {
            let (res, b) = yield_from!(socket.recv_from(buf));
            let (n, from) = res.unwrap();
            let mut reply = b[..n].to_vec();
            reply.reverse();
            let (res, _) = yield_from!(socket.send_to(reply, from));
            res.unwrap();
            buf = b;
        }
    }

    #[coro::coroutine(task)]
    fn main_task() -> Vec<Vec<u8>> {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let to = server.local_addr().unwrap();
        let done = rt::spawn(responder(server));
        let client = UdpSocket::bind("127.0.0.1:0").unwrap();
        let mut got = Vec::new();
        for m in [&b"abc"[..], b"de", b"f"] {
            let (res, _) = yield_from!(client.send_to(m, to));
            assert_eq!(res.unwrap(), m.len());
            let (res, mut b) = yield_from!(client.recv_from(vec![0u8; 64]));
            let (n, from) = res.unwrap();
            assert_eq!(from, to);
            b.truncate(n);
            got.push(b);
        }
        yield_from!(done.join()).unwrap();
        got
    }

    let lp = Loop::new();
    assert_eq!(
        lp.run_until_complete(main_task()),
        [b"cba".to_vec(), b"ed".to_vec(), b"f".to_vec()]
    );
    loop_holds_nothing(&lp);
}

#[test]
fn a_socket_can_move_to_another_loop_when_nothing_waits_on_it() {
    let first = Loop::new();
    let (client, server) = first.run_until_complete(pair());
    // Both registered with the first loop, by the connect and by a wait.
    let r = first.run_until_complete(rt::timeout(
        Duration::from_millis(1),
        server.read(vec![0u8; 4]),
    ));
    assert!(r.is_err());
    assert_eq!(first.socket_count(), 2);
    drop(first);

    let second = Loop::new();
    let reader = second.spawn(server.read(vec![0u8; 4]));
    second.run_until_complete(rt::yield_now());
    second
        .run_until_complete(client.write_all("move"))
        .0
        .unwrap();
    let (res, buf) = second.run_until_complete(reader.join()).unwrap();
    assert_eq!(&buf[..res.unwrap()], b"move");
    drop((client, server));
    loop_holds_nothing(&second);
}

/// A socket registered with a loop that lives on but is not running: a wait from another loop's
/// task must not take the first loop's task for the running one (a socket finds the running
/// task through the loop it is registered with, when that loop is stepping one).
#[test]
fn a_socket_moves_between_two_live_loops() {
    let first = Loop::new();
    let second = Loop::new();
    let (client, server) = first.run_until_complete(pair());
    let r = first.run_until_complete(rt::timeout(
        Duration::from_millis(1),
        server.read(vec![0u8; 4]),
    ));
    assert!(r.is_err());
    assert_eq!(first.socket_count(), 2);
    for (lp, other, word) in [(&second, &first, "one"), (&first, &second, "two")] {
        let reader = lp.spawn(server.read(vec![0u8; 4]));
        lp.run_until_complete(rt::yield_now());
        assert_eq!(
            lp.io_count(),
            1,
            "the reader waits on the loop that runs it"
        );
        assert_eq!(other.io_count(), 0);
        lp.run_until_complete(client.write_all(word)).0.unwrap();
        let (res, buf) = lp.run_until_complete(reader.join()).unwrap();
        assert_eq!(&buf[..res.unwrap()], word.as_bytes());
    }
    drop((client, server));
    loop_holds_nothing(&first);
    loop_holds_nothing(&second);
}

#[test]
fn closing_the_loop_cancels_socket_waits() {
    let lp = Loop::new();
    let (client, server) = lp.run_until_complete(pair());
    let dropped = Rc::new(RefCell::new(false));

    struct Flag(Rc<RefCell<bool>>);
    impl Drop for Flag {
        fn drop(&mut self) {
            *self.0.borrow_mut() = true;
        }
    }

    #[coro::coroutine(task)]
    fn hold_and_read(stream: TcpStream, flag: Flag) {
        let _flag = flag;
        let _ = yield_from!(stream.read(vec![0u8; 4]));
    }

    let h = lp.spawn(hold_and_read(server.clone(), Flag(dropped.clone())));
    lp.run_until_complete(rt::yield_now());
    assert_eq!(lp.io_count(), 1);
    lp.close();
    assert!(*dropped.borrow());
    assert!(h.is_finished());
    assert_eq!(lp.io_count(), 0);
    drop((client, server));
    assert_eq!(lp.socket_count(), 0);
}

#[test]
fn half_close_keeps_the_other_direction_open() {
    #[coro::coroutine(task)]
    fn main_task() -> (usize, Vec<u8>) {
        let (client, server) = yield_from!(pair());
        client.shutdown(Shutdown::Write).unwrap();
        let (res, _) = yield_from!(server.read(vec![0u8; 8]));
        let eof = res.unwrap();
        // The server can still answer, and the client still reads.
        let (res, _) = yield_from!(server.write_all("bye"));
        res.unwrap();
        let (res, buf) = yield_from!(client.read_exact(vec![0u8; 3]));
        res.unwrap();
        (eof, buf)
    }

    assert_eq!(rt::run(main_task()), (0, b"bye".to_vec()));
}

/// The seed's three servers (examples/three_servers.rs) on the virtual clock: one after another
/// takes 1 + 3 + 1 s, as three tasks 3 s, exactly.
#[test]
fn three_slow_servers_one_after_another_then_as_tasks() {
    #[coro::coroutine(task)]
    fn slow_server(listener: TcpListener, secs: u64) {
        loop {
            let (stream, _) = yield_from!(listener.accept()).unwrap();
            rt::spawn(answer_after(stream, secs));
        }
    }

    #[coro::coroutine(task)]
    fn answer_after(stream: TcpStream, secs: u64) {
        let (res, _) = yield_from!(stream.read(vec![0u8; 64]));
        res.unwrap();
        yield_from!(rt::sleep(Duration::from_secs(secs)));
        let (res, _) = yield_from!(stream.write_all(format!("after {secs} s")));
        res.unwrap();
    }

    #[coro::coroutine(task)]
    fn fetch(addr: SocketAddr) -> String {
        let stream = yield_from!(TcpStream::connect(addr)).unwrap();
        let (res, _) = yield_from!(stream.write_all("GET\n"));
        res.unwrap();
        let mut answer = Vec::new();
        let mut buf = vec![0u8; 64];
        loop {
            let (res, b) = yield_from!(stream.read(buf));
            let n = res.unwrap();
            if n == 0 {
                return String::from_utf8(answer).unwrap();
            }
            answer.extend_from_slice(&b[..n]);
            buf = b;
        }
    }

    #[coro::coroutine(task)]
    fn sequentially(addrs: Vec<SocketAddr>) -> Vec<String> {
        let mut answers = Vec::new();
        for a in addrs {
            answers.push(yield_from!(fetch(a)));
        }
        answers
    }

    #[coro::coroutine(task)]
    fn concurrently(addrs: Vec<SocketAddr>) -> Vec<String> {
        let tasks = addrs.into_iter().map(|a| rt::spawn(fetch(a))).collect();
        let results = yield_from!(rt::join_all(tasks));
        results.into_iter().map(Result::unwrap).collect()
    }

    let lp = Loop::with_virtual_clock();
    let mut addrs = Vec::new();
    for secs in [1, 3, 1] {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        addrs.push(listener.local_addr().unwrap());
        lp.spawn(slow_server(listener, secs));
    }
    let expected = ["after 1 s", "after 3 s", "after 1 s"];
    assert_eq!(lp.run_until_complete(sequentially(addrs.clone())), expected);
    assert_eq!(lp.time(), Instant::from_secs(5));
    assert_eq!(lp.run_until_complete(concurrently(addrs)), expected);
    assert_eq!(lp.time(), Instant::from_secs(8));
    lp.close();
    loop_holds_nothing(&lp);
}
