//! Echo server on tokio's current-thread runtime: one task per connection, `read` into a
//! 4096-byte buffer, `write_all` what came. The way tokio's own echo example is written.

use bench_echo::{addr, announce, die, BUF};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn main() {
    let addr = addr();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap_or_else(|e| die(&format!("tokio runtime: {e}")));
    rt.block_on(async move {
        let listener = TcpListener::bind(addr)
            .await
            .unwrap_or_else(|e| die(&format!("bind {addr}: {e}")));
        announce("tokio", addr);
        loop {
            let (mut stream, _) = match listener.accept().await {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("accept: {e}");
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let mut buf = vec![0u8; BUF];
                loop {
                    let n = match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    if stream.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
}
