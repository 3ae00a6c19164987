//! An echo client: sends each message to the echo server, reads the echo back, checks it and
//! prints the round-trip time.
//!
//! ```sh
//! cargo run --example echo_client                                  # 127.0.0.1:7878, three messages
//! cargo run --example echo_client -- 127.0.0.1:9000 hello world    # address, then messages
//! echo -e "one\ntwo" | cargo run --example echo_client -- 127.0.0.1:7878 -   # lines from stdin
//! ```
//!
//! With `-` as the only message, lines are read from standard input. Reading stdin blocks, so
//! it runs on the loop's blocking pool (`rt::run_in_thread`) while the loop stays free.
//! Start `cargo run --example echo_server` first.

use std::io;
use std::net::SocketAddr;

use coro::rt::net::TcpStream;
use coro::rt::{self, Loop};

const DEFAULT_ADDR: &str = "127.0.0.1:7878";

/// Sends `message`, reads exactly as many bytes back, and checks them.
#[coro::coroutine(task)]
fn round_trip(stream: TcpStream, message: String) -> io::Result<()> {
    let started = rt::time();
    let len = message.len();
    let (res, sent) = yield_from!(stream.write_all(message));
    res?;
    let (res, echoed) = yield_from!(stream.read_exact(vec![0u8; len]));
    res?;
    if echoed != sent.as_bytes() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the echo differs",
        ));
    }
    let took = rt::time() - started;
    println!(
        "{:?} echoed in {:.1} µs",
        sent.trim_end(),
        took.as_secs_f64() * 1e6
    );
    Ok(())
}

#[coro::coroutine(task)]
fn client(addr: SocketAddr, messages: Vec<String>) -> io::Result<()> {
    let stream = yield_from!(TcpStream::connect(addr))?;
    stream.set_nodelay(true)?;
    println!("connected to {addr} from {}", stream.local_addr()?);
    for m in messages {
        yield_from!(round_trip(stream.clone(), m))?;
    }
    Ok(())
}

/// Lines from stdin, one blocking read at a time on the pool, each echoed as it comes.
#[coro::coroutine(task)]
fn client_from_stdin(addr: SocketAddr) -> io::Result<()> {
    let stream = yield_from!(TcpStream::connect(addr))?;
    stream.set_nodelay(true)?;
    loop {
        // std's stdin is buffered once for the process, so each call picks up where the last
        // one stopped.
        let line = yield_from!(rt::run_in_thread(|| {
            let mut line = String::new();
            io::stdin().read_line(&mut line).map(|_| line)
        }))
        .expect("reading stdin panicked")?;
        if line.is_empty() {
            return Ok(()); // end of input
        }
        yield_from!(round_trip(stream.clone(), line))?;
    }
}

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr: SocketAddr = args
        .next()
        .as_deref()
        .unwrap_or(DEFAULT_ADDR)
        .parse()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("address: {e}")))?;
    if !addr.ip().is_loopback() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "this example talks to loopback addresses only (127.0.0.0/8, ::1)",
        ));
    }
    let messages: Vec<String> = args.collect();
    let lp = Loop::new();
    if messages == ["-"] {
        lp.run_until_complete(client_from_stdin(addr))
    } else if messages.is_empty() {
        let defaults = ["hello", "coroutines", "on stable Rust"];
        lp.run_until_complete(client(addr, defaults.map(String::from).to_vec()))
    } else {
        lp.run_until_complete(client(addr, messages))
    }
}
