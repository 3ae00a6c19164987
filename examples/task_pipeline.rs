//! A small pipeline on the runtime: a producer feeds a bounded queue (backpressure), three
//! workers in a `TaskGroup` take jobs from it, a `Semaphore` limits how many "call the
//! service" at once, and a `timeout` bounds each call. The producer closes the queue when it is
//! done; the workers stop when it is drained; the group's `wait` returns when all have.
//!
//! ```sh
//! cargo run --example task_pipeline
//! ```

use std::time::Duration;

use coro::rt::{self, Queue, Semaphore, TaskGroup};

/// Pretends to call a slow service: job `n` takes `n * 10` ms.
#[coro::coroutine(task)]
fn call_service(n: u64) -> u64 {
    yield_from!(rt::sleep(Duration::from_millis(n * 10)));
    n * n
}

#[coro::coroutine(task)]
fn producer(jobs: Queue<u64>) {
    for n in 1..=8 {
        yield_from!(jobs.put(n)).expect("the queue is open until we close it");
        println!("[{:>4} ms] queued job {n}", ms());
    }
    jobs.close();
}

#[coro::coroutine(task)]
fn worker(name: &'static str, jobs: Queue<u64>, service: Semaphore) {
    while let Ok(n) = yield_from!(jobs.get()) {
        let _permit = yield_from!(service.acquire());
        match yield_from!(rt::timeout(Duration::from_millis(65), call_service(n))) {
            Ok(v) => println!("[{:>4} ms] {name}: job {n} -> {v}", ms()),
            Err(_) => println!("[{:>4} ms] {name}: job {n} timed out", ms()),
        }
    }
}

#[coro::coroutine(task)]
fn main_task() {
    let jobs = Queue::bounded(2);
    let service = Semaphore::new(2);
    let group = TaskGroup::new();
    group.spawn_named("producer", producer(jobs.clone()));
    for name in ["w1", "w2", "w3"] {
        group.spawn_named(name, worker(name, jobs.clone(), service.clone()));
    }
    yield_from!(group.wait()).expect("no task panicked");
    println!("[{:>4} ms] all done", ms());
}

fn ms() -> u64 {
    rt::time().as_nanos() / 1_000_000
}

fn main() {
    rt::run(main_task());
}
