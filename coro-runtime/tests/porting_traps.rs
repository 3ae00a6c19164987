//! Issue 18 (4) and (5): the asyncio forms that were traps have a form that keeps asyncio's
//! promise: a condition wait with a time limit that gives the lock back, and a join that
//! cancels its task when abandoned. Each test also shows the other form's behaviour.

mod common;

use std::time::Duration;

use common::{log, take, Noisy};
use coro::rt::{self, Condition, JoinHandle, Lock, Loop};

/// Issue 18 (4): after a timed-out condition wait the lock is held again, as after asyncio's
/// `wait_for(cond.wait(), t)`; another task cannot take it meanwhile.
#[test]
fn a_timed_out_condition_wait_gives_the_lock_back() {
    #[coro::coroutine(task)]
    fn waiter(lock: Lock, cond: Condition) {
        let guard = yield_from!(lock.acquire());
        let (guard, outcome) = yield_from!(cond.wait_timeout(guard, Duration::from_secs(1)));
        log(format!(
            "timed out: {}, locked: {}",
            outcome.is_err(),
            lock.is_locked()
        ));
        yield_from!(rt::sleep(Duration::from_secs(1))); // still holding the lock
        log("waiter releases");
        drop(guard);
    }
    #[coro::coroutine(task)]
    fn rival(lock: Lock) {
        yield_from!(rt::sleep(Duration::from_millis(1500)));
        let _guard = yield_from!(lock.acquire());
        log(format!("rival got the lock at {}", rt::time()));
    }
    let lp = Loop::with_virtual_clock();
    let (lock, cond) = (Lock::new(), Condition::new());
    let w = lp.spawn(waiter(lock.clone(), cond.clone()));
    let r = lp.spawn(rival(lock.clone()));
    lp.run_until_complete(rt::join_all(vec![w, r]));
    assert_eq!(
        take(),
        [
            "timed out: true, locked: true",
            "waiter releases",
            "rival got the lock at 2.000000000s"
        ]
    );
    assert_eq!((cond.waiting(), lock.is_locked()), (0, false));
}

/// The notified case of the same call, and a notification that races the deadline.
#[test]
fn a_notified_condition_wait_with_a_time_limit_returns_ok() {
    #[coro::coroutine(task)]
    fn waiter(lock: Lock, cond: Condition) -> bool {
        let guard = yield_from!(lock.acquire());
        let (guard, outcome) = yield_from!(cond.wait_timeout(guard, Duration::from_secs(5)));
        drop(guard);
        outcome.is_ok()
    }
    #[coro::coroutine(task)]
    fn notifier(lock: Lock, cond: Condition, after: Duration) {
        yield_from!(rt::sleep(after));
        let _guard = yield_from!(lock.acquire());
        cond.notify(1);
    }
    for after in [Duration::from_secs(1), Duration::from_secs(5)] {
        let lp = Loop::with_virtual_clock();
        let (lock, cond) = (Lock::new(), Condition::new());
        let w = lp.spawn(waiter(lock.clone(), cond.clone()));
        lp.spawn(notifier(lock.clone(), cond.clone(), after));
        let notified = lp.run_until_complete(w.join()).unwrap();
        assert_eq!(notified, after < Duration::from_secs(5), "{after:?}");
        assert!(!lock.is_locked());
    }
}

/// The other form, for contrast: under `rt::timeout`, an expiry drops the guard with the
/// wait, and the `Err` holds none: the lock is free.
#[test]
fn a_condition_wait_under_timeout_leaves_the_lock_released() {
    let lp = Loop::with_virtual_clock();
    let (lock, cond) = (Lock::new(), Condition::new());
    let guard = lock.try_acquire().unwrap();
    let r = lp.run_until_complete(rt::timeout(Duration::from_secs(1), cond.wait(guard)));
    assert!(r.is_err());
    assert!(!lock.is_locked());
}

#[coro::coroutine(task)]
fn worker(name: &'static str) -> u32 {
    let _local = Noisy(name);
    yield_from!(rt::sleep(Duration::from_secs(10)));
    log(format!("{name} finished"));
    1
}

/// Issue 18 (5): a join abandoned by a timeout cancels the joined task with
/// `join_or_cancel` (asyncio's `wait_for(task, t)`), and leaves it running with `join`.
#[test]
fn join_or_cancel_cancels_an_abandoned_task_and_join_detaches_it() {
    #[coro::coroutine(task)]
    fn main_task() {
        let a = rt::spawn(worker("cancelled"));
        let b = rt::spawn(worker("detached"));
        let ra = yield_from!(rt::timeout(Duration::from_secs(1), rt::join_or_cancel(a)));
        let rb = yield_from!(rt::timeout(Duration::from_secs(1), b.join()));
        log(format!("both timed out: {}", ra.is_err() && rb.is_err()));
        yield_from!(rt::sleep(Duration::from_secs(20)));
    }
    let lp = Loop::with_virtual_clock();
    lp.run_until_complete(main_task());
    assert_eq!(
        take(),
        [
            "drop cancelled",
            "both timed out: true",
            "detached finished",
            "drop detached"
        ]
    );
    assert_eq!(lp.task_count(), 0);
}

/// The same when the joining task itself is cancelled.
#[test]
fn join_or_cancel_cancels_when_the_joiner_is_cancelled() {
    #[coro::coroutine(task)]
    fn joiner(target: JoinHandle<u32>) -> u32 {
        yield_from!(rt::join_or_cancel(target)).unwrap()
    }
    let lp = Loop::with_virtual_clock();
    let target = lp.spawn(worker("target"));
    let watch = target.cancel_handle();
    let j = lp.spawn(joiner(target));
    lp.run_until_complete(rt::sleep(Duration::from_secs(1)));
    j.cancel();
    lp.run_until_complete(rt::sleep(Duration::from_secs(1)));
    assert!(watch.is_finished());
    assert_eq!(take(), ["drop target"]);
}

/// A finished join does not cancel anything.
#[test]
fn join_or_cancel_returns_the_value() {
    let lp = Loop::with_virtual_clock();
    let h = lp.spawn(worker("w"));
    assert_eq!(lp.run_until_complete(rt::join_or_cancel(h)).unwrap(), 1);
    assert_eq!(take(), ["w finished", "drop w"]);
}
