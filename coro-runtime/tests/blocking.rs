//! `run_in_thread`: the loop runs other tasks while a worker blocks, panics come back as
//! errors, cancellation breaks nothing, the pool is bounded and reused, and the virtual clock
//! waits for blocking calls.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use coro::rt::{self, BlockingError, Elapsed, Instant, JoinError, Loop};

#[coro::coroutine(task)]
fn ticker(ticks: Rc<Cell<u32>>) {
    loop {
        yield_from!(rt::sleep(Duration::from_millis(1)));
        ticks.set(ticks.get() + 1);
    }
}

fn loop_holds_nothing(lp: &Loop) {
    assert_eq!(
        (lp.task_count(), lp.timer_count(), lp.blocking_count()),
        (0, 0, 0),
        "{}",
        lp.dump()
    );
}

#[test]
fn the_loop_runs_other_tasks_while_a_call_blocks() {
    #[coro::coroutine(task)]
    fn main_task(ticks: Rc<Cell<u32>>) -> (u64, u32) {
        let t = rt::spawn(ticker(ticks.clone()));
        let value = yield_from!(rt::run_in_thread(|| {
            std::thread::sleep(Duration::from_millis(100));
            42
        }))
        .unwrap();
        let seen = ticks.get();
        t.cancel();
        (value, seen)
    }

    let lp = Loop::new();
    let (value, ticks) = lp.run_until_complete(main_task(Rc::new(Cell::new(0))));
    assert_eq!(value, 42);
    assert!(ticks > 0, "the ticker never ran while the call blocked");
    lp.run_until_complete(rt::yield_now());
    loop_holds_nothing(&lp);
}

#[test]
fn a_panic_in_the_closure_is_the_tasks_error_and_the_pool_goes_on() {
    #[coro::coroutine(task)]
    fn main_task() -> (String, u32) {
        let err = yield_from!(rt::run_in_thread(|| -> u32 { panic!("bad input") })).unwrap_err();
        let message = err.to_string();
        // The same single worker takes the next call.
        let next = yield_from!(rt::run_in_thread(|| 7)).unwrap();
        (message, next)
    }

    let lp = Loop::builder().blocking_threads(1).build();
    let (message, next) = lp.run_until_complete(main_task());
    assert_eq!(message, "blocking call panicked: bad input");
    assert_eq!(next, 7);
    loop_holds_nothing(&lp);
}

#[test]
fn the_panic_payload_can_be_resumed() {
    let lp = Loop::new();
    let err = lp
        .run_until_complete(rt::run_in_thread(|| std::panic::panic_any(13u8)))
        .unwrap_err();
    assert!(matches!(err, BlockingError::Panicked(_)));
    assert_eq!(err.panic_message(), None);
    assert_eq!(err.into_panic().downcast_ref::<u8>(), Some(&13));
}

/// Sets its flag when dropped, wherever that happens.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn cancelling_the_waiting_task_drops_the_result_when_it_arrives() {
    let lp = Loop::new();
    let (release, released) = mpsc::channel::<()>();
    let dropped = Arc::new(AtomicBool::new(false));
    let flag = dropped.clone();
    let (started, has_started) = mpsc::channel::<()>();
    let h = lp.spawn(rt::run_in_thread(move || {
        started.send(()).unwrap();
        released.recv().unwrap();
        DropFlag(flag)
    }));
    lp.run_until_complete(rt::yield_now());
    assert_eq!(lp.blocking_count(), 1);
    has_started.recv().unwrap(); // (a call cancelled before it starts never runs)
    h.cancel();
    assert!(matches!(
        lp.run_until_complete(h.join()),
        Err(JoinError::Cancelled)
    ));
    assert_eq!(lp.blocking_count(), 0);
    assert!(!dropped.load(Ordering::SeqCst));

    // The call finishes after its task is gone; its result is dropped, the loop carries on.
    release.send(()).unwrap();
    for _ in 0..5000 {
        if dropped.load(Ordering::SeqCst) {
            break;
        }
        lp.run_until_complete(rt::sleep(Duration::from_millis(1)));
    }
    assert!(dropped.load(Ordering::SeqCst));
    assert_eq!(
        lp.run_until_complete(rt::run_in_thread(|| "still fine"))
            .unwrap(),
        "still fine"
    );
    loop_holds_nothing(&lp);
}

#[test]
fn a_cancelled_call_that_has_not_started_never_runs() {
    let lp = Loop::builder().blocking_threads(1).build();
    let (release, released) = mpsc::channel::<()>();
    let first = lp.spawn(rt::run_in_thread(move || released.recv().unwrap()));
    let ran = Arc::new(AtomicBool::new(false));
    let r = ran.clone();
    let second = lp.spawn(rt::run_in_thread(move || r.store(true, Ordering::SeqCst)));
    lp.run_until_complete(rt::yield_now());
    second.cancel();
    lp.run_until_complete(second.join()).unwrap_err();
    release.send(()).unwrap();
    lp.run_until_complete(first.join()).unwrap().unwrap();
    // One thread, first in first out: had the second call run, it would have run before this.
    lp.run_until_complete(rt::run_in_thread(|| ())).unwrap();
    assert!(!ran.load(Ordering::SeqCst));
    loop_holds_nothing(&lp);
}

#[test]
fn the_pool_is_bounded_and_reuses_its_threads() {
    #[coro::coroutine(task)]
    fn main_task(
        running: Arc<AtomicUsize>,
        most: Arc<AtomicUsize>,
        threads: Arc<Mutex<Vec<std::thread::ThreadId>>>,
    ) -> usize {
        let calls: Vec<_> = (0..12)
            .map(|i| {
                let (running, most, threads) = (running.clone(), most.clone(), threads.clone());
                rt::spawn(rt::run_in_thread(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    threads.lock().unwrap().push(std::thread::current().id());
                    std::thread::sleep(Duration::from_millis(5));
                    running.fetch_sub(1, Ordering::SeqCst);
                    i
                }))
            })
            .collect();
        let results = yield_from!(rt::join_all(calls));
        results.into_iter().map(|r| r.unwrap().unwrap()).sum()
    }

    let lp = Loop::builder().blocking_threads(3).build();
    let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let threads = Arc::new(Mutex::new(Vec::new()));
    let sum = lp.run_until_complete(main_task(running, most.clone(), threads.clone()));
    assert_eq!(sum, (0..12).sum::<usize>());
    assert!(most.load(Ordering::SeqCst) <= 3);
    let mut ids = threads.lock().unwrap().clone();
    assert_eq!(ids.len(), 12);
    ids.sort_by_key(|id| format!("{id:?}"));
    ids.dedup();
    assert!(ids.len() <= 3, "{} threads for a pool of 3", ids.len());
    loop_holds_nothing(&lp);
}

#[test]
fn a_blocking_call_with_nothing_else_to_do_is_not_a_deadlock() {
    let lp = Loop::new();
    let v = lp.run_until_complete(rt::run_in_thread(|| {
        std::thread::sleep(Duration::from_millis(20));
        "done"
    }));
    assert_eq!(v.unwrap(), "done");
}

#[test]
fn the_virtual_clock_stands_still_while_a_call_runs() {
    #[coro::coroutine(task)]
    fn main_task() -> (Instant, Result<Result<u32, BlockingError>, Elapsed>) {
        // A timer is pending, but the clock must not jump to it while the call runs.
        let sleeper = rt::spawn(rt::sleep(Duration::from_secs(10)));
        let r = yield_from!(rt::timeout(
            Duration::from_secs(1),
            rt::run_in_thread(|| {
                std::thread::sleep(Duration::from_millis(30));
                5
            })
        ));
        let at = rt::time();
        yield_from!(sleeper.join()).unwrap();
        (at, r)
    }

    let lp = Loop::with_virtual_clock();
    let (at, r) = lp.run_until_complete(main_task());
    assert_eq!(at, Instant::ZERO);
    assert!(matches!(r, Ok(Ok(5))));
    assert_eq!(lp.time(), Instant::from_secs(10));
    loop_holds_nothing(&lp);
}

#[test]
fn closing_the_loop_with_a_call_outstanding_does_not_wait_for_it() {
    let lp = Loop::new();
    let (release, released) = mpsc::channel::<()>();
    let h = lp.spawn(rt::run_in_thread(move || {
        let _ = released.recv();
    }));
    lp.run_until_complete(rt::yield_now());
    lp.close();
    assert!(h.is_finished());
    assert_eq!(lp.blocking_count(), 0);
    drop(release); // lets the worker finish
}
