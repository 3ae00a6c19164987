//! An echo server on the loop: every connection is a task that sends back what it reads.
//!
//! ```sh
//! cargo run --example echo_server                    # listens on 127.0.0.1:7878
//! cargo run --example echo_server -- 127.0.0.1:9000  # or where you say (loopback only)
//! ```
//!
//! Try it with `cargo run --example echo_client`, or `nc 127.0.0.1 7878`. Stop it with Ctrl-C.

use std::io;
use std::net::SocketAddr;

use coro::rt::buf::Slice;
use coro::rt::net::{TcpListener, TcpStream};
use coro::rt::{self, Loop};

const DEFAULT_ADDR: &str = "127.0.0.1:7878";

#[coro::coroutine(task)]
fn serve(listener: TcpListener) {
    loop {
        match yield_from!(listener.accept()) {
            Ok((stream, peer)) => {
                println!("{peer}: connected");
                rt::spawn(echo(stream, peer));
            }
            // Out of file descriptors, a connection reset before it was accepted…: the
            // listener goes on.
            Err(e) => eprintln!("accept failed: {e}"),
        }
    }
}

#[coro::coroutine(task)]
fn echo(stream: TcpStream, peer: SocketAddr) {
    let _ = stream.set_nodelay(true);
    let mut buf = vec![0u8; 16 * 1024];
    let mut total = 0;
    loop {
        let (res, b) = yield_from!(stream.read(buf));
        let n = match res {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                println!("{peer}: read failed: {e}");
                return;
            }
        };
        // Send back the n bytes just read, then take the buffer back for the next read.
        let (res, b) = yield_from!(stream.write_all(Slice::new(b, ..n)));
        if let Err(e) = res {
            println!("{peer}: write failed: {e}");
            return;
        }
        total += n;
        buf = b.into_inner();
    }
    println!("{peer}: closed after {total} bytes");
}

fn main() -> io::Result<()> {
    let arg = std::env::args().nth(1);
    let addr: SocketAddr = arg
        .as_deref()
        .unwrap_or(DEFAULT_ADDR)
        .parse()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("address: {e}")))?;
    if !addr.ip().is_loopback() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "this example listens on loopback addresses only (127.0.0.0/8, ::1)",
        ));
    }
    let listener = TcpListener::bind(addr)?;
    println!("echo server listening on {}", listener.local_addr()?);
    let lp = Loop::new();
    lp.run_until_complete(serve(listener));
    Ok(())
}
