//! The load client: `--conns` connections (100) to `--addr`, each sending a `--size`-byte message
//! (64) and waiting for its whole echo before it sends the next. Runs `--warmup` seconds (2), then
//! counts round trips for `--measure` seconds (10) and prints one JSON line.
//!
//! With `--server-pid PID` it also reads the server's CPU times from `/proc` at the start and the
//! end of the measured window, and reports them per round trip. Its own CPU use is in the line
//! too, to show whether the client, and not the server, was the bottleneck.
//!
//! A single-threaded mio loop, meant to be pinned to its own core (`taskset -c 1`). Like the
//! floor server, it reads once per readiness event, into a buffer larger than an echo, and every
//! echo is compared with what was sent.

use bench_echo::{addr, arg, die, machine_busy, CpuTimes};
use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

struct Conn {
    stream: TcpStream,
    /// Bytes of the current echo received so far.
    got: usize,
    buf: Box<[u8; 4096]>,
    round_trips: u64,
}

fn main() {
    let addr = addr();
    let conns: usize = parse("conns", "100");
    let size: usize = parse("size", "64");
    let warmup = Duration::from_secs_f64(parse("warmup", "2"));
    let measure = Duration::from_secs_f64(parse("measure", "10"));
    let server_pid: Option<u32> = match arg("server-pid", "").as_str() {
        "" => None,
        s => Some(s.parse().unwrap_or_else(|_| die("bad --server-pid"))),
    };
    if size == 0 || size > 4096 || conns == 0 {
        die("--size must be 1..=4096 and --conns at least 1");
    }
    let message: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();

    let mut poll = Poll::new().unwrap_or_else(|e| die(&format!("epoll: {e}")));
    let mut clients = Vec::with_capacity(conns);
    let connect_deadline = Instant::now() + Duration::from_secs(15);
    for i in 0..conns {
        let stream = loop {
            match std::net::TcpStream::connect(addr) {
                Ok(s) => break s,
                Err(e) if Instant::now() < connect_deadline => {
                    if i > 0 {
                        die(&format!("connection {i} to {addr}: {e}"));
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => die(&format!("cannot connect to {addr}: {e}")),
            }
        };
        stream.set_nodelay(true).unwrap();
        stream.set_nonblocking(true).unwrap();
        let mut stream = TcpStream::from_std(stream);
        poll.registry()
            .register(&mut stream, Token(i), Interest::READABLE)
            .unwrap();
        clients.push(Conn {
            stream,
            got: 0,
            buf: Box::new([0; 4096]),
            round_trips: 0,
        });
    }
    for c in &mut clients {
        send(&mut c.stream, &message);
    }

    let mut events = Events::with_capacity(1024);
    let start = Instant::now();
    let measure_start = start + warmup;
    let end = measure_start + measure;
    let mut measuring = false;
    let mut at_start = (0u64, CpuTimes::default(), CpuTimes::default(), start);
    let mut busy_start = (0.0, 0.0);
    loop {
        let now = Instant::now();
        if !measuring && now >= measure_start {
            measuring = true;
            at_start = (
                total(&clients),
                server_pid.and_then(CpuTimes::of).unwrap_or_default(),
                CpuTimes::of(std::process::id()).unwrap_or_default(),
                now,
            );
            busy_start = machine_busy().unwrap_or_default();
        }
        if now >= end {
            break;
        }
        let wait = if measuring {
            end - now
        } else {
            measure_start - now
        };
        match poll.poll(&mut events, Some(wait)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => die(&format!("poll: {e}")),
        }
        for ev in events.iter() {
            let c = &mut clients[ev.token().0];
            loop {
                match c.stream.read(&mut c.buf[c.got..]) {
                    Ok(0) => die("the server closed a connection"),
                    Ok(n) => {
                        c.got += n;
                        if c.got > size {
                            die("the server sent more than was sent to it");
                        }
                        if c.got == size {
                            if c.buf[..size] != message[..] {
                                die("an echo differs from the message sent");
                            }
                            c.got = 0;
                            c.round_trips += 1;
                            send(&mut c.stream, &message);
                        }
                        // A short read drained the socket: the next data brings a new event.
                        if n < 4096 {
                            break;
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => die(&format!("read: {e}")),
                }
            }
        }
    }
    let now = Instant::now();
    let rt = total(&clients) - at_start.0;
    let secs = now.duration_since(at_start.3).as_secs_f64();
    let client_cpu = CpuTimes::of(std::process::id())
        .unwrap_or_default()
        .since(at_start.2);
    let server = server_pid
        .and_then(CpuTimes::of)
        .map(|t| t.since(at_start.1));
    let busy = machine_busy().unwrap_or_default();
    let min = clients.iter().map(|c| c.round_trips).min().unwrap_or(0);
    let max = clients.iter().map(|c| c.round_trips).max().unwrap_or(0);
    let mut line = format!(
        "{{\"conns\":{conns},\"size\":{size},\"secs\":{secs:.4},\"round_trips\":{rt},\"rt_per_s\":{:.1},\
         \"conn_rt_min\":{min},\"conn_rt_max\":{max},\"client_cpu_share\":{:.3},\
         \"machine_busy_cores\":{:.3},\"machine_steal_cores\":{:.3}",
        rt as f64 / secs,
        (client_cpu.user + client_cpu.system) / secs,
        (busy.0 - busy_start.0) / secs,
        (busy.1 - busy_start.1) / secs,
    );
    if let Some(s) = server {
        let per = |x: f64| {
            if rt > 0 {
                x / rt as f64 * 1e6
            } else {
                f64::NAN
            }
        };
        line += &format!(
            ",\"server_user_s\":{:.3},\"server_sys_s\":{:.3},\"server_on_cpu_s\":{:.4},\
             \"us_user_per_rt\":{:.4},\"us_sys_per_rt\":{:.4},\"us_cpu_per_rt\":{:.4},\"server_cpu_share\":{:.3}",
            s.user,
            s.system,
            s.on_cpu,
            per(s.user),
            per(s.system),
            per(s.on_cpu),
            s.on_cpu / secs,
        );
    }
    println!("{line}}}");
}

fn total(clients: &[Conn]) -> u64 {
    clients.iter().map(|c| c.round_trips).sum()
}

/// Writes a whole message. A 64-byte write to a socket whose previous message was echoed always
/// fits in its buffer, so a short write is treated as an error rather than queued.
fn send(stream: &mut TcpStream, message: &[u8]) {
    loop {
        match stream.write(message) {
            Ok(n) if n == message.len() => return,
            Ok(n) => die(&format!("short write ({n} of {} bytes)", message.len())),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => die(&format!("write: {e}")),
        }
    }
}

fn parse<T: std::str::FromStr>(name: &str, default: &str) -> T {
    let s = arg(name, default);
    s.parse()
        .unwrap_or_else(|_| die(&format!("bad --{name} {s:?}")))
}
