//! Echo server on `coro::rt`: one task per connection, `read` into a 4096-byte buffer passed by
//! ownership, `write_all` of the bytes read (a `Slice` of the same buffer), as
//! `examples/echo_server.rs` would write it. `--probe` exits 0 at once (the socket API is here).

use bench_echo::{addr, announce, die, flag, BUF};
use coro::rt::{self, buf::Slice, net::TcpListener, net::TcpStream};

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

#[coro::coroutine(task)]
fn serve(listener: TcpListener) {
    loop {
        match yield_from!(listener.accept()) {
            Ok((stream, _)) => {
                let _ = stream.set_nodelay(true);
                rt::spawn(echo(stream));
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
    announce("coro", addr);
    rt::run(serve(listener));
}
