//! Queue, Event, Lock and Semaphore: FIFO fairness, backpressure, rendezvous, close.

mod common;

use std::time::Duration;

use common::{log, take};
use coro::rt::{self, Closed, Event, Lock, Loop, Queue, Semaphore};

#[coro::coroutine(task)]
fn producer(q: Queue<u32>, items: Vec<u32>) {
    for item in items {
        log(format!("put {item}?"));
        yield_from!(q.put(item)).unwrap();
        log(format!("put {item}"));
    }
}

#[coro::coroutine(task)]
fn consumer(q: Queue<u32>, n: usize, name: &'static str) {
    for _ in 0..n {
        let item = yield_from!(q.get()).unwrap();
        log(format!("{name} got {item}"));
    }
}

#[test]
fn a_bounded_queue_makes_the_producer_wait_backpressure() {
    let lp = Loop::new();
    let q = Queue::bounded(2);
    let p = lp.spawn(producer(q.clone(), vec![1, 2, 3, 4]));
    lp.run_until_complete(rt::yield_now());
    assert_eq!(take(), ["put 1?", "put 1", "put 2?", "put 2", "put 3?"]);
    assert_eq!((q.len(), q.waiting()), (2, (0, 1)));
    let c = lp.spawn(consumer(q.clone(), 4, "c"));
    lp.run_until_complete(rt::join_all(vec![p, c]));
    assert_eq!(
        take(),
        // Taking 1 made room: 3 moved in from the waiting putter, which the loop then resumed.
        ["c got 1", "c got 2", "c got 3", "put 3", "put 4?", "put 4", "c got 4"]
    );
}

#[test]
fn a_capacity_zero_queue_is_a_rendezvous() {
    let lp = Loop::new();
    let q = Queue::bounded(0);
    let p = lp.spawn(producer(q.clone(), vec![1, 2]));
    let c = lp.spawn(consumer(q.clone(), 2, "c"));
    lp.run_until_complete(rt::join_all(vec![p, c]));
    assert_eq!(
        take(),
        // The second put finds the consumer already waiting: handed over, it returns at once.
        ["put 1?", "c got 1", "put 1", "put 2?", "put 2", "c got 2"]
    );
    assert!(q.is_empty());
}

#[test]
fn waiting_getters_are_served_in_arrival_order() {
    let lp = Loop::new();
    let q = Queue::unbounded();
    let getters: Vec<_> = ["g1", "g2", "g3"]
        .into_iter()
        .map(|name| lp.spawn(consumer(q.clone(), 1, name)))
        .collect();
    lp.run_until_complete(rt::yield_now());
    for i in 1..=3 {
        q.try_put(i).unwrap();
    }
    lp.run_until_complete(rt::join_all(getters));
    assert_eq!(take(), ["g1 got 1", "g2 got 2", "g3 got 3"]);
}

#[test]
fn a_newcomer_does_not_overtake_waiting_putters() {
    let lp = Loop::new();
    let q = Queue::bounded(1);
    q.try_put(0).unwrap();
    let p1 = lp.spawn(producer(q.clone(), vec![1]));
    let p2 = lp.spawn(producer(q.clone(), vec![2]));
    lp.run_until_complete(rt::yield_now());
    assert_eq!(q.try_get(), Ok(0)); // room for one: p1's item moves in
    assert_eq!(q.try_put(9), Err(rt::TryPutError::Full(9)));
    assert_eq!(q.try_get(), Ok(1));
    assert_eq!(q.try_get(), Ok(2));
    lp.run_until_complete(rt::join_all(vec![p1, p2]));
    assert_eq!(take(), ["put 1?", "put 2?", "put 1", "put 2"]);
}

#[test]
fn close_wakes_every_waiter_with_a_clear_result() {
    #[coro::coroutine(task)]
    fn get_all(q: Queue<u32>, name: &'static str) {
        loop {
            match yield_from!(q.get()) {
                Ok(item) => log(format!("{name} got {item}")),
                Err(Closed(())) => {
                    log(format!("{name}: closed"));
                    return;
                }
            }
        }
    }
    #[coro::coroutine(task)]
    fn put_one(q: Queue<u32>, item: u32) {
        match yield_from!(q.put(item)) {
            Ok(()) => log(format!("put {item}")),
            Err(Closed(back)) => log(format!("put {back} refused")),
        }
    }
    let lp = Loop::new();
    let empty = Queue::unbounded();
    let getters = vec![
        lp.spawn(get_all(empty.clone(), "a")),
        lp.spawn(get_all(empty.clone(), "b")),
    ];
    let full = Queue::bounded(1);
    full.try_put(1).unwrap();
    let putter = lp.spawn(put_one(full.clone(), 2));
    lp.run_until_complete(rt::yield_now());
    empty.close();
    full.close();
    lp.run_until_complete(rt::join_all(getters));
    lp.run_until_complete(putter.join()).unwrap();
    assert_eq!(take(), ["a: closed", "b: closed", "put 2 refused"]);
    // Items already in a closed queue can still be taken, then it reports closed.
    assert_eq!(lp.run_until_complete(full.get()), Ok(1));
    assert_eq!(lp.run_until_complete(full.get()), Err(Closed(())));
}

#[test]
fn event_wakes_all_waiters_even_if_cleared_before_they_run() {
    #[coro::coroutine(task)]
    fn waiter(ev: Event, name: &'static str) {
        yield_from!(ev.wait());
        log(format!("{name} woke"));
    }
    let lp = Loop::new();
    let ev = Event::new();
    let all = vec![
        lp.spawn(waiter(ev.clone(), "a")),
        lp.spawn(waiter(ev.clone(), "b")),
    ];
    lp.run_until_complete(rt::yield_now());
    assert_eq!(ev.waiting(), 2);
    ev.set();
    ev.clear();
    lp.run_until_complete(rt::join_all(all));
    assert_eq!(take(), ["a woke", "b woke"]);
    assert!(!ev.is_set());
}

#[test]
fn lock_is_handed_over_in_arrival_order() {
    #[coro::coroutine(task)]
    fn worker(lock: Lock, name: &'static str) {
        log(format!("{name} wants"));
        let guard = yield_from!(lock.acquire());
        log(format!("{name} holds"));
        yield_from!(rt::sleep(Duration::from_millis(1)));
        drop(guard);
    }
    let lp = Loop::with_virtual_clock();
    let lock = Lock::new();
    let all: Vec<_> = ["a", "b", "c"]
        .into_iter()
        .map(|n| lp.spawn(worker(lock.clone(), n)))
        .collect();
    lp.run_until_complete(rt::join_all(all));
    assert_eq!(
        take(),
        ["a wants", "a holds", "b wants", "c wants", "b holds", "c holds"]
    );
    assert!(!lock.is_locked());
}

#[test]
fn semaphore_admits_n_at_a_time_in_order() {
    #[coro::coroutine(task)]
    fn worker(sem: Semaphore, name: u32) {
        let _permit = yield_from!(sem.acquire());
        log(format!(
            "{name} in at {}",
            rt::time().as_nanos() / 1_000_000
        ));
        yield_from!(rt::sleep(Duration::from_millis(10)));
    }
    let lp = Loop::with_virtual_clock();
    let sem = Semaphore::new(2);
    let all: Vec<_> = (1..=5).map(|n| lp.spawn(worker(sem.clone(), n))).collect();
    lp.run_until_complete(rt::join_all(all));
    assert_eq!(
        take(),
        [
            "1 in at 0",
            "2 in at 0",
            "3 in at 10",
            "4 in at 10",
            "5 in at 20"
        ]
    );
    assert_eq!(sem.available_permits(), 2);
}

#[coro::coroutine(task)]
fn cond_waiter(lock: Lock, cond: rt::Condition, name: &'static str) {
    let guard = yield_from!(lock.acquire());
    log(format!("{name} waits"));
    let guard = yield_from!(cond.wait(guard));
    log(format!(
        "{name} notified, holds the lock: {}",
        lock.is_locked()
    ));
    drop(guard);
}

#[test]
fn condition_notifies_in_arrival_order_and_retakes_the_lock() {
    let lp = Loop::new();
    let (lock, cond) = (Lock::new(), rt::Condition::new());
    let all: Vec<_> = ["a", "b", "c"]
        .into_iter()
        .map(|n| lp.spawn(cond_waiter(lock.clone(), cond.clone(), n)))
        .collect();
    lp.run_until_complete(rt::yield_now());
    assert_eq!((cond.waiting(), lock.is_locked()), (3, false));
    cond.notify(2);
    lp.run_until_complete(rt::yield_now());
    cond.notify_all();
    lp.run_until_complete(rt::join_all(all));
    assert_eq!(
        take(),
        [
            "a waits",
            "b waits",
            "c waits",
            "a notified, holds the lock: true",
            "b notified, holds the lock: true",
            "c notified, holds the lock: true",
        ]
    );
}

#[test]
fn a_notification_reaching_a_cancelled_waiter_passes_on() {
    let lp = Loop::new();
    let (lock, cond) = (Lock::new(), rt::Condition::new());
    let a = lp.spawn(cond_waiter(lock.clone(), cond.clone(), "a"));
    let b = lp.spawn(cond_waiter(lock.clone(), cond.clone(), "b"));
    lp.run_until_complete(rt::yield_now());
    cond.notify(1); // reaches `a`, which is cancelled before it runs
    a.cancel();
    lp.run_until_complete(b.join()).unwrap();
    assert_eq!(
        take(),
        ["a waits", "b waits", "b notified, holds the lock: true"]
    );
    assert_eq!(cond.waiting(), 0);
}
