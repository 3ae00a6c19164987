//! A bounded load test: 1,000 concurrent clients through one echo server on loopback, every
//! byte checked, and nothing left on the loop afterwards.
//!
//! It needs about 2,000 file descriptors (both ends of every connection live in this process).
//! If the soft limit is lower, the test raises it towards the hard limit first; if even the hard
//! limit is too low, it fails with a message that says so.

use std::net::SocketAddr;
use std::time::Duration;

use coro::rt::buf::Slice;
use coro::rt::net::{TcpListener, TcpStream};
use coro::rt::{self, Loop, TaskGroup};

const CLIENTS: usize = 1000;
/// Bytes each client sends: several reads' worth, in uneven pieces.
const MESSAGE: usize = 3000;

fn ensure_fd_limit(needed: u64) {
    use rustix::process::{getrlimit, setrlimit, Resource};
    let mut limit = getrlimit(Resource::Nofile);
    let soft = limit.current.unwrap_or(u64::MAX);
    if soft >= needed {
        return;
    }
    let hard = limit.maximum.unwrap_or(u64::MAX);
    assert!(
        hard >= needed,
        "the load test needs {needed} file descriptors; the hard limit is {hard}"
    );
    limit.current = Some(needed);
    setrlimit(Resource::Nofile, limit).expect("raising the soft file-descriptor limit");
}

/// The bytes client `i` sends: a pattern unique to it.
fn message(i: usize) -> Vec<u8> {
    (0..MESSAGE)
        .map(|j| ((i * 31 + j * 7) % 251) as u8)
        .collect()
}

#[coro::coroutine(task)]
fn server(listener: TcpListener, connections: usize, group: TaskGroup) {
    for _ in 0..connections {
        let (stream, _) = yield_from!(listener.accept()).unwrap();
        group.spawn(echo(stream));
    }
}

#[coro::coroutine(task)]
fn echo(stream: TcpStream) {
    let mut buf = vec![0u8; 1024];
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

/// Sends its message in pieces of 700 bytes, reading the echo as it goes, then checks every
/// byte; closes its side and waits for the server's end.
#[coro::coroutine(task)]
fn client(addr: SocketAddr, i: usize) -> usize {
    let stream = yield_from!(TcpStream::connect(addr)).unwrap();
    let expected = message(i);
    let mut echoed = Vec::with_capacity(MESSAGE);
    let mut sent = 0;
    while sent < MESSAGE {
        let end = (sent + 700).min(MESSAGE);
        let (res, _) = yield_from!(stream.write_all(expected[sent..end].to_vec()));
        res.unwrap();
        let (res, piece) = yield_from!(stream.read_exact(vec![0u8; end - sent]));
        res.unwrap();
        echoed.extend_from_slice(&piece);
        sent = end;
    }
    assert_eq!(echoed, expected, "client {i} got other bytes back");
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    let (res, _) = yield_from!(stream.read(vec![0u8; 16]));
    assert_eq!(res.unwrap(), 0);
    echoed.len()
}

#[coro::coroutine(task)]
fn main_task() -> usize {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let echoes = TaskGroup::new();
    let accepting = rt::spawn(server(listener, CLIENTS, echoes.clone()));
    let clients: Vec<_> = (0..CLIENTS).map(|i| rt::spawn(client(addr, i))).collect();
    let results = yield_from!(rt::join_all(clients));
    yield_from!(accepting.join()).unwrap();
    yield_from!(echoes.wait()).unwrap();
    results.into_iter().map(Result::unwrap).sum()
}

#[test]
fn a_thousand_clients_through_one_echo_server() {
    ensure_fd_limit(2 * CLIENTS as u64 + 200);
    let lp = Loop::new();
    // Generous: on a loaded 2-core machine in a debug build this takes a second or two.
    let total = lp.run_until_complete(rt::timeout(Duration::from_secs(120), main_task()));
    assert_eq!(total, Ok(CLIENTS * MESSAGE));
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
