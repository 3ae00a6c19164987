//! coro's loop and tokio's current-thread runtime (`LocalSet`/`spawn_local`) doing the same
//! work, side by side in one criterion run:
//!
//! - spawn and join 100k trivial tasks;
//! - two tasks passing 1M messages through a queue of capacity 128 (`Queue::bounded` vs
//!   `tokio::sync::mpsc::channel`);
//! - 100k concurrent sleepers with pseudo-random deadlines, on each runtime's own paused clock
//!   (coro's virtual clock, tokio's `start_paused`), so the timers are measured, not the
//!   waiting.
//!
//! `cargo bench -p coro-runtime --bench vs_tokio`. Memory per idle task is the
//! `idle_task_memory` bench.

use std::hint::black_box;
use std::time::Duration;

use coro::rt::{self, Loop, Queue};
use criterion::{criterion_group, criterion_main, Criterion};

const TASKS: usize = 100_000;
const MESSAGES: u64 = 1_000_000;
const SLEEPERS: usize = 100_000;
const CAPACITY: usize = 128;

fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
}

/// Deadlines in [0, 1 s), the same for both runtimes.
fn deadlines(n: usize) -> Vec<Duration> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            Duration::from_micros(x % 1_000_000)
        })
        .collect()
}

#[coro::coroutine(task)]
fn trivial() -> u64 {
    1
}

#[coro::coroutine(task)]
fn spawn_and_join(n: usize) -> u64 {
    let mut handles = Vec::with_capacity(n);
    for _ in 0..n {
        handles.push(rt::spawn(trivial()));
    }
    let mut total = 0;
    for h in handles {
        total += yield_from!(h.join()).unwrap();
    }
    total
}

#[coro::coroutine(task)]
fn produce(q: Queue<u64>, n: u64) {
    for i in 0..n {
        yield_from!(q.put(i)).unwrap();
    }
    q.close();
}

#[coro::coroutine(task)]
fn consume(q: Queue<u64>) -> u64 {
    let mut sum = 0;
    while let Ok(v) = yield_from!(q.get()) {
        sum += v;
    }
    sum
}

#[coro::coroutine(task)]
fn pass_messages(n: u64) -> u64 {
    let q = Queue::bounded(CAPACITY);
    let p = rt::spawn(produce(q.clone(), n));
    let c = rt::spawn(consume(q));
    yield_from!(p.join()).unwrap();
    yield_from!(c.join()).unwrap()
}

#[coro::coroutine(task)]
fn sleepers(ds: Vec<Duration>) -> usize {
    let mut handles = Vec::with_capacity(ds.len());
    for d in ds {
        handles.push(rt::spawn(rt::sleep(d)));
    }
    let n = handles.len();
    for h in handles {
        yield_from!(h.join()).unwrap();
    }
    n
}

fn spawn_join(c: &mut Criterion) {
    let mut g = c.benchmark_group("spawn_join_100k");
    g.sample_size(20);
    let lp = Loop::new();
    g.bench_function("coro", |b| {
        b.iter(|| black_box(lp.run_until_complete(spawn_and_join(TASKS))))
    });
    let rt = tokio_runtime();
    g.bench_function("tokio", |b| {
        b.iter(|| {
            let local = tokio::task::LocalSet::new();
            black_box(local.block_on(&rt, async {
                let mut handles = Vec::with_capacity(TASKS);
                for _ in 0..TASKS {
                    handles.push(tokio::task::spawn_local(async { 1u64 }));
                }
                let mut total = 0;
                for h in handles {
                    total += h.await.unwrap();
                }
                total
            }))
        })
    });
    g.finish();
}

fn messages(c: &mut Criterion) {
    let mut g = c.benchmark_group("queue_1m_messages");
    g.sample_size(10);
    let lp = Loop::new();
    g.bench_function("coro", |b| {
        b.iter(|| black_box(lp.run_until_complete(pass_messages(MESSAGES))))
    });
    let rt = tokio_runtime();
    g.bench_function("tokio", |b| {
        b.iter(|| {
            let local = tokio::task::LocalSet::new();
            black_box(local.block_on(&rt, async {
                let (tx, mut rx) = tokio::sync::mpsc::channel::<u64>(CAPACITY);
                let p = tokio::task::spawn_local(async move {
                    for i in 0..MESSAGES {
                        tx.send(i).await.unwrap();
                    }
                });
                let c = tokio::task::spawn_local(async move {
                    let mut sum = 0;
                    while let Some(v) = rx.recv().await {
                        sum += v;
                    }
                    sum
                });
                p.await.unwrap();
                c.await.unwrap()
            }))
        })
    });
    g.finish();
}

fn timers(c: &mut Criterion) {
    let mut g = c.benchmark_group("sleepers_100k");
    g.sample_size(10);
    let ds = deadlines(SLEEPERS);
    let lp = Loop::with_virtual_clock();
    g.bench_function("coro", |b| {
        b.iter(|| black_box(lp.run_until_complete(sleepers(ds.clone()))))
    });
    let rt = tokio_runtime();
    g.bench_function("tokio", |b| {
        b.iter(|| {
            let local = tokio::task::LocalSet::new();
            let ds = ds.clone();
            black_box(local.block_on(&rt, async move {
                let handles: Vec<_> = ds
                    .into_iter()
                    .map(|d| tokio::task::spawn_local(tokio::time::sleep(d)))
                    .collect();
                let n = handles.len();
                for h in handles {
                    h.await.unwrap();
                }
                n
            }))
        })
    });
    g.finish();
}

criterion_group!(benches, spawn_join, messages, timers);
criterion_main!(benches);
