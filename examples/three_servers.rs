//! The seed's motivating case: ask three servers for data, one of them slow. Asked one after
//! another, the answers take 1 s + 3 s + 1 s = about 5 s; asked as three tasks, the loop works
//! on the others while one waits, and all three are back in about 3 s.
//!
//! The example starts the three servers itself, as tasks on the same loop, on 127.0.0.1 with
//! ports the system picks; each answers every request after its delay.
//!
//! ```sh
//! cargo run --example three_servers              # about 8 s in all
//! cargo run --example three_servers -- --virtual # the same on the virtual clock: instant
//! ```

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use coro::rt::net::{TcpListener, TcpStream};
use coro::rt::{self, Instant, Loop};

/// Answers every connection with `name` and its delay, `delay` after the request came.
#[coro::coroutine(task)]
fn server(listener: TcpListener, name: &'static str, delay: Duration) {
    loop {
        let (stream, _) = match yield_from!(listener.accept()) {
            Ok(accepted) => accepted,
            Err(e) => {
                eprintln!("{name}: accept failed: {e}");
                continue;
            }
        };
        rt::spawn(answer(stream, name, delay));
    }
}

#[coro::coroutine(task)]
fn answer(stream: TcpStream, name: &'static str, delay: Duration) {
    // The request: one line; its content does not matter here.
    let (res, _) = yield_from!(stream.read(vec![0u8; 256]));
    if res.is_err() {
        return;
    }
    yield_from!(rt::sleep(delay));
    let reply = format!("data from {name} (after {} s)", delay.as_secs());
    let (_res, _) = yield_from!(stream.write_all(reply));
    // Dropping the stream closes it: the client reads to the end.
}

/// Connects, asks, and reads the whole answer.
#[coro::coroutine(task)]
fn fetch(addr: SocketAddr) -> io::Result<String> {
    let stream = yield_from!(TcpStream::connect(addr))?;
    let (res, _) = yield_from!(stream.write_all("GET data\n"));
    res?;
    let mut answer = Vec::new();
    let mut buf = vec![0u8; 1024];
    loop {
        let (res, b) = yield_from!(stream.read(buf));
        let n = res?;
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&b[..n]);
        buf = b;
    }
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

#[coro::coroutine(task)]
fn one_after_another(addrs: Vec<SocketAddr>) {
    for addr in addrs {
        let started = rt::time();
        let answer = yield_from!(fetch(addr));
        report(answer, started);
    }
}

#[coro::coroutine(task)]
fn as_three_tasks(addrs: Vec<SocketAddr>) {
    let started = rt::time();
    let tasks = addrs.into_iter().map(|a| rt::spawn(fetch(a))).collect();
    for answer in yield_from!(rt::join_all(tasks)) {
        report(answer.expect("fetch task panicked"), started);
    }
}

fn report(answer: io::Result<String>, started: Instant) {
    let took = rt::time() - started;
    match answer {
        Ok(text) => println!("  {text}  [{:.3} s]", took.as_secs_f64()),
        Err(e) => println!("  error: {e}"),
    }
}

fn main() -> io::Result<()> {
    let virtual_clock = std::env::args().any(|a| a == "--virtual");
    let lp = if virtual_clock {
        Loop::with_virtual_clock()
    } else {
        Loop::new()
    };

    let mut addrs = Vec::new();
    for (name, secs) in [("server A", 1), ("server B", 3), ("server C", 1)] {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        println!(
            "{name} listens on {}, answers after {secs} s",
            listener.local_addr()?
        );
        addrs.push(listener.local_addr()?);
        lp.spawn_named(name, server(listener, name, Duration::from_secs(secs)));
    }

    println!("\nOne after another:");
    let start = lp.time();
    lp.run_until_complete(one_after_another(addrs.clone()));
    let sequential = lp.time() - start;

    println!("\nAs three tasks:");
    let start = lp.time();
    lp.run_until_complete(as_three_tasks(addrs));
    let concurrent = lp.time() - start;

    println!(
        "\nTotal, one after another: {:.3} s",
        sequential.as_secs_f64()
    );
    println!(
        "Total, as three tasks:    {:.3} s",
        concurrent.as_secs_f64()
    );
    lp.close(); // cancels the servers
    Ok(())
}
