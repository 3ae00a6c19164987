//! Echo server on `coro::rt`: one task per connection, `read` into a 4096-byte buffer passed by
//! ownership, `write_all` of the bytes read (a `Slice` of the same buffer), as
//! `examples/echo_server.rs` would write it. `--probe` exits 0 at once (the socket API is here).
//!
//! `--hand-written` (an experiment for the profile in `bench/echo-analysis.md`, not what a user
//! writes): the per-connection task is a hand-written `Coroutine` around the same `read` and
//! `write_all` operations, instead of a `#[coro::coroutine]`, to measure what the generated state
//! machine costs.

use bench_echo::{addr, announce, die, flag, BUF};
use coro::rt::{self, buf::Slice, net::TcpListener, net::TcpStream, Awaitable, Reply, Request};
use coro::{Coroutine, CoroutineState};
use std::io;
use std::pin::Pin;

#[coro::coroutine(task)]
fn echo(stream: TcpStream) {
    let mut buf = vec![0u8; BUF];
    loop {
        let (res, b) = yield_from!(stream.read(buf));
        let n = match res {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let (res, s) = yield_from!(stream.write_all(Slice::new(b, ..n)));
        if res.is_err() {
            return;
        }
        buf = s.into_inner();
    }
}

/// The echo loop of [`echo`], written by hand: reading or writing, each state holding the one
/// operation in flight; a finished operation is replaced by the next in place.
struct HandEcho<R, W, MR, MW> {
    stream: TcpStream,
    state: HandState<R, W>,
    read: MR,
    write: MW,
}

enum HandState<R, W> {
    Reading(R),
    Writing(W),
    Done,
}

fn hand_echo(stream: TcpStream) -> impl Awaitable<Return = ()> {
    let read = |s: &TcpStream, b: Vec<u8>| s.read(b);
    let write = |s: &TcpStream, b: Slice<Vec<u8>>| s.write_all(b);
    let first = read(&stream, vec![0u8; BUF]);
    HandEcho {
        stream,
        state: HandState::Reading(first),
        read,
        write,
    }
}

impl<R, W, MR, MW> Coroutine<Reply> for HandEcho<R, W, MR, MW>
where
    R: Awaitable<Return = (io::Result<usize>, Vec<u8>)>,
    W: Awaitable<Return = (io::Result<()>, Slice<Vec<u8>>)>,
    MR: Fn(&TcpStream, Vec<u8>) -> R + Unpin,
    MW: Fn(&TcpStream, Slice<Vec<u8>>) -> W + Unpin,
{
    type Yield = Request;
    type Return = ();

    fn resume(self: Pin<&mut Self>, mut arg: Reply) -> CoroutineState<Request, ()> {
        let this = self.get_mut();
        loop {
            match &mut this.state {
                HandState::Reading(op) => match Pin::new(op).resume(arg) {
                    CoroutineState::Yielded(r) => return CoroutineState::Yielded(r),
                    CoroutineState::Complete((Ok(n), buf)) if n > 0 => {
                        this.state =
                            HandState::Writing((this.write)(&this.stream, Slice::new(buf, ..n)));
                    }
                    CoroutineState::Complete(_) => break,
                },
                HandState::Writing(op) => match Pin::new(op).resume(arg) {
                    CoroutineState::Yielded(r) => return CoroutineState::Yielded(r),
                    CoroutineState::Complete((Ok(()), s)) => {
                        this.state = HandState::Reading((this.read)(&this.stream, s.into_inner()));
                    }
                    CoroutineState::Complete(_) => break,
                },
                HandState::Done => panic!("a finished echo task was resumed"),
            }
            arg = Reply::default(); // a fresh operation is primed with Reply::Start
        }
        this.state = HandState::Done;
        CoroutineState::Complete(())
    }
}

#[coro::coroutine(task)]
fn serve(listener: TcpListener, hand_written: bool) {
    loop {
        match yield_from!(listener.accept()) {
            Ok((stream, _)) => {
                let _ = stream.set_nodelay(true);
                if hand_written {
                    rt::spawn(hand_echo(stream));
                } else {
                    rt::spawn(echo(stream));
                }
            }
            Err(e) => eprintln!("accept: {e}"),
        }
    }
}

fn main() {
    if flag("probe") {
        println!("coro: ok");
        return;
    }
    let addr = addr();
    let listener = TcpListener::bind(addr).unwrap_or_else(|e| die(&format!("bind {addr}: {e}")));
    let hand_written = flag("hand-written");
    announce(
        if hand_written {
            "coro-hand-written"
        } else {
            "coro"
        },
        addr,
    );
    rt::run(serve(listener, hand_written));
}
