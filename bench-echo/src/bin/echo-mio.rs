//! The floor: a bare single-threaded mio readiness loop, no tasks, no runtime. Each connection is
//! registered for readability only; a write that cannot finish keeps the rest and waits for
//! writability (and stops reading meanwhile, so nothing is buffered without bound).
//!
//! By default a read shorter than the 4096-byte buffer ends the turn: it drained the socket, and
//! epoll (edge-triggered) reports the next data as a new event. This is what tokio does.
//! `--textbook` reads again after every read until it gets `EAGAIN`, the usual way to drain an
//! edge-triggered socket, which costs one failing `read` per message.

use bench_echo::{addr, announce, die, flag, BUF};
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use std::io::{self, Read, Write};

const LISTENER: Token = Token(usize::MAX);

struct Conn {
    stream: TcpStream,
    buf: Box<[u8; BUF]>,
    /// Unwritten bytes `buf[pending.0..pending.1]`, waiting for writability.
    pending: (usize, usize),
}

fn main() {
    let addr = addr();
    let textbook = flag("textbook");
    let mut poll = Poll::new().unwrap_or_else(|e| die(&format!("epoll: {e}")));
    let mut listener =
        TcpListener::bind(addr).unwrap_or_else(|e| die(&format!("bind {addr}: {e}")));
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .unwrap();
    announce(if textbook { "mio-textbook" } else { "mio" }, addr);

    let mut conns: Vec<Option<Conn>> = Vec::new();
    let mut free: Vec<usize> = Vec::new();
    let mut events = Events::with_capacity(1024);
    loop {
        match poll.poll(&mut events, None) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => die(&format!("poll: {e}")),
        }
        for ev in events.iter() {
            if ev.token() == LISTENER {
                loop {
                    match listener.accept() {
                        Ok((mut stream, _)) => {
                            let _ = stream.set_nodelay(true);
                            let i = free.pop().unwrap_or_else(|| {
                                conns.push(None);
                                conns.len() - 1
                            });
                            poll.registry()
                                .register(&mut stream, Token(i), Interest::READABLE)
                                .unwrap();
                            conns[i] = Some(Conn {
                                stream,
                                buf: Box::new([0; BUF]),
                                pending: (0, 0),
                            });
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        Err(e) => {
                            eprintln!("accept: {e}");
                            break;
                        }
                    }
                }
                continue;
            }
            let i = ev.token().0;
            let Some(conn) = conns.get_mut(i).and_then(Option::as_mut) else {
                continue;
            };
            if !serve(conn, &poll, Token(i), textbook) {
                let mut c = conns[i].take().unwrap();
                let _ = poll.registry().deregister(&mut c.stream);
                free.push(i);
            }
        }
    }
}

/// Handles one readiness event; returns false when the connection is done.
fn serve(c: &mut Conn, poll: &Poll, token: Token, textbook: bool) -> bool {
    if c.pending.0 < c.pending.1 {
        match flush(c) {
            Ok(true) => {
                // Written out: back to readability only, and read what may have been left.
                poll.registry()
                    .reregister(&mut c.stream, token, Interest::READABLE)
                    .unwrap();
            }
            Ok(false) => return true,
            Err(_) => return false,
        }
    }
    loop {
        match c.stream.read(&mut c.buf[..]) {
            Ok(0) => return false,
            Ok(n) => {
                c.pending = (0, n);
                match flush(c) {
                    Ok(true) => {}
                    Ok(false) => {
                        poll.registry()
                            .reregister(
                                &mut c.stream,
                                token,
                                Interest::READABLE | Interest::WRITABLE,
                            )
                            .unwrap();
                        return true;
                    }
                    Err(_) => return false,
                }
                if n < BUF && !textbook {
                    return true;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return false,
        }
    }
}

/// Writes `buf[pending]`; Ok(true) when all of it went, Ok(false) when the socket is full.
fn flush(c: &mut Conn) -> io::Result<bool> {
    while c.pending.0 < c.pending.1 {
        match c.stream.write(&c.buf[c.pending.0..c.pending.1]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => c.pending.0 += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    c.pending = (0, 0);
    Ok(true)
}
