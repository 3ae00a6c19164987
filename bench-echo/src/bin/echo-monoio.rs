//! Echo server on monoio, with its io_uring driver (`--driver uring`, the default) or its legacy
//! epoll driver (`--driver legacy`). Buffers pass by ownership: `read` takes a `Vec` with 4096
//! bytes of capacity and gives it back filled, `write_all` sends it.
//!
//! `--probe` only builds the runtime and exits: status 0 if the driver works here, 3 if not
//! (io_uring refused by the kernel or a sandbox).

use bench_echo::{addr, announce, arg, die, flag, BUF};
use monoio::io::{AsyncReadRent, AsyncWriteRentExt};
use monoio::net::{TcpListener, TcpStream};
use std::future::Future;

fn main() {
    let driver = arg("driver", "uring");
    match driver.as_str() {
        "uring" => {
            let rt = monoio::RuntimeBuilder::<monoio::IoUringDriver>::new()
                .with_entries(1024)
                .build();
            match rt {
                Ok(mut rt) => go(|f| rt.block_on(f), "monoio-uring"),
                Err(e) => {
                    eprintln!("monoio: io_uring is not available here: {e}");
                    std::process::exit(3);
                }
            }
        }
        "legacy" => {
            let rt = monoio::RuntimeBuilder::<monoio::LegacyDriver>::new().build();
            match rt {
                Ok(mut rt) => go(|f| rt.block_on(f), "monoio-legacy"),
                Err(e) => {
                    eprintln!("monoio: the legacy driver does not start: {e}");
                    std::process::exit(3);
                }
            }
        }
        d => die(&format!("--driver {d}: uring or legacy")),
    }
}

fn go<F>(block_on: F, name: &'static str)
where
    F: FnOnce(std::pin::Pin<Box<dyn Future<Output = ()>>>),
{
    if flag("probe") {
        // Building the runtime was the probe; one accept-less bind checks the socket path too.
        block_on(Box::pin(async move {
            let _ = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| die(&format!("bind: {e}")));
        }));
        println!("{name}: ok");
        return;
    }
    let addr = addr();
    block_on(Box::pin(async move {
        let listener =
            TcpListener::bind(addr).unwrap_or_else(|e| die(&format!("bind {addr}: {e}")));
        announce(name, addr);
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    monoio::spawn(echo(stream));
                }
                Err(e) => eprintln!("accept: {e}"),
            }
        }
    }));
}

async fn echo(mut stream: TcpStream) {
    let mut buf: Vec<u8> = Vec::with_capacity(BUF);
    loop {
        let (res, b) = stream.read(buf).await;
        match res {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let (res, mut b) = stream.write_all(b).await;
        if res.is_err() {
            return;
        }
        b.clear();
        buf = b;
    }
}
