//! Memory per idle task, coro and tokio (`LocalSet`/`spawn_local`): 100k tasks parked forever
//! on nothing, measured as the growth of the process's resident set (`VmRSS`, Linux only), so
//! that allocator overhead counts too.
//!
//! `cargo bench -p coro-runtime --bench idle_task_memory`

use coro::rt::{self, Loop, Request};

const N: usize = 100_000;

/// The resident set size in bytes, from `/proc/self/status`.
fn rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[coro::coroutine(task)]
fn idle() {
    loop {
        yield_!(Request::park(None, "nothing"));
    }
}

fn coro_bytes() -> Option<f64> {
    let lp = Loop::new();
    lp.run_until_complete(rt::yield_now()); // warm up
    let before = rss()?;
    for _ in 0..N {
        drop(lp.spawn(idle())); // detached: the loop alone holds them
    }
    lp.run_until_complete(rt::yield_now()); // every task runs to its park
    let after = rss()?;
    assert_eq!(lp.task_count(), N);
    Some(after.saturating_sub(before) as f64 / N as f64)
}

fn tokio_bytes() -> Option<f64> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async {
        tokio::task::yield_now().await;
        let before = rss()?;
        for _ in 0..N {
            drop(tokio::task::spawn_local(std::future::pending::<()>()));
        }
        for _ in 0..4 {
            tokio::task::yield_now().await; // every task is polled once
        }
        let after = rss()?;
        Some(after.saturating_sub(before) as f64 / N as f64)
    })
}

/// Each measurement runs in a fresh process: memory freed by one would otherwise be reused by
/// the other without growing the resident set.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(which) = args.iter().find_map(|a| a.strip_prefix("--measure=")) {
        let bytes = match which {
            "coro" => coro_bytes(),
            _ => tokio_bytes(),
        };
        println!("{}", bytes.unwrap_or(f64::NAN));
        return;
    }
    let measure = |which: &str| -> Option<f64> {
        let exe = std::env::current_exe().ok()?;
        let out = std::process::Command::new(exe)
            .arg(format!("--measure={which}"))
            .output()
            .ok()?;
        String::from_utf8(out.stdout).ok()?.trim().parse().ok()
    };
    match (measure("coro"), measure("tokio")) {
        (Some(coro), Some(tokio)) if coro.is_finite() && tokio.is_finite() => {
            println!("resident bytes per idle task ({N} tasks)");
            println!("  coro : {coro:8.1}");
            println!("  tokio: {tokio:8.1}");
            println!("  ratio: {:8.2} (coro / tokio)", coro / tokio);
        }
        _ => println!("idle_task_memory: needs /proc/self/status (Linux)"),
    }
}
