//! Cancellation is delivered where a task waits, whatever it waits on: its live locals are
//! dropped, its timers and waits are unregistered, and joining it reports `Cancelled`.

mod common;

use std::time::Duration;

use common::{log, take, Noisy};
use coro::rt::{
    self, AsCompleted, Awaitable, Event, JoinError, Lock, Loop, Queue, Semaphore, TaskGroup,
};

/// Holds a `Noisy` across whatever `wait` waits on, and logs if it ever gets past it.
#[coro::coroutine(task)]
fn blocked<C: Awaitable>(name: &'static str, wait: C) {
    let _local = Noisy(name);
    log(format!("{name} waits"));
    yield_from!(wait);
    log(format!("{name} got past its wait"));
}

/// Spawns `blocked(wait)`, lets it park, cancels it, and checks what the loop holds after.
fn cancel_while_blocked<C: Awaitable + 'static>(lp: &Loop, name: &'static str, wait: C) {
    let h = lp.spawn(blocked(name, wait));
    lp.run_until_complete(rt::yield_now());
    assert_eq!(take(), [format!("{name} waits")]);
    h.cancel();
    let outcome = lp.run_until_complete(h.join());
    assert!(matches!(outcome, Err(JoinError::Cancelled)));
    assert_eq!(take(), [format!("drop {name}")]);
}

fn loop_holds_nothing(lp: &Loop) {
    assert_eq!((lp.task_count(), lp.timer_count()), (0, 0), "{}", lp.dump());
}

#[test]
fn in_sleep() {
    let lp = Loop::with_virtual_clock();
    cancel_while_blocked(&lp, "sleeper", rt::sleep(Duration::from_secs(60)));
    loop_holds_nothing(&lp);
    assert_eq!(lp.time(), rt::Instant::ZERO);
}

#[test]
fn in_queue_get_and_put() {
    let lp = Loop::with_virtual_clock();
    let q: Queue<u32> = Queue::bounded(1);
    cancel_while_blocked(&lp, "getter", q.get());
    assert_eq!(q.waiting(), (0, 0));
    q.try_put(1).unwrap();
    cancel_while_blocked(&lp, "putter", q.put(2));
    assert_eq!(q.waiting(), (0, 0));
    assert_eq!(q.try_get(), Ok(1));
    assert_eq!(q.try_get(), Err(rt::TryGetError::Empty)); // the cancelled put's item is gone
    loop_holds_nothing(&lp);
}

#[test]
fn in_lock_semaphore_and_event() {
    let lp = Loop::with_virtual_clock();
    let lock = Lock::new();
    let held = lock.try_acquire().unwrap();
    cancel_while_blocked(&lp, "locker", lock.acquire());
    assert_eq!(lock.waiting(), 0);
    drop(held);
    assert!(!lock.is_locked());

    let sem = Semaphore::new(0);
    cancel_while_blocked(&lp, "acquirer", sem.acquire());
    assert_eq!((sem.waiting(), sem.available_permits()), (0, 0));

    let ev = Event::new();
    cancel_while_blocked(&lp, "event waiter", ev.wait());
    assert_eq!(ev.waiting(), 0);
    loop_holds_nothing(&lp);
}

#[test]
fn in_join_timeout_gather_and_as_completed() {
    let lp = Loop::with_virtual_clock();
    let target = lp.spawn(rt::sleep(Duration::from_secs(60)));
    let target_id = target.id();
    cancel_while_blocked(&lp, "joiner", target.join());
    // The joined task was not cancelled with its joiner (dropping its handle detached it).
    assert_eq!(lp.task_count(), 1);
    assert_eq!(lp.tasks()[0].id, target_id);
    lp.close();

    let lp = Loop::with_virtual_clock();
    cancel_while_blocked(
        &lp,
        "timeout",
        rt::timeout(Duration::from_secs(5), rt::sleep(Duration::from_secs(60))),
    );
    loop_holds_nothing(&lp);

    // `gather` spawned its tasks, so it cancels them when it is dropped.
    cancel_while_blocked(
        &lp,
        "gatherer",
        rt::gather((1..=3).map(|s| rt::sleep(Duration::from_secs(s)))),
    );
    lp.run_until_complete(rt::yield_now()); // the children's cancellation is delivered
    loop_holds_nothing(&lp);

    let set = AsCompleted::new(vec![lp.spawn(rt::sleep(Duration::from_secs(9)))]);
    cancel_while_blocked(&lp, "as_completed", set.next());
    assert_eq!(set.remaining(), 1);
    lp.close();
}

#[test]
fn in_a_task_group_wait_cancels_the_children() {
    #[coro::coroutine(task)]
    fn parent() {
        let _local = Noisy("parent");
        let group = TaskGroup::new();
        group.spawn(blocked("child", rt::sleep(Duration::from_secs(60))));
        log("parent waits");
        yield_from!(group.wait()).unwrap();
    }
    let lp = Loop::with_virtual_clock();
    let h = lp.spawn(parent());
    lp.run_until_complete(rt::yield_now());
    lp.run_until_complete(rt::yield_now());
    assert_eq!(take(), ["parent waits", "child waits"]);
    h.cancel();
    assert!(lp.run_until_complete(h.join()).unwrap_err().is_cancelled());
    lp.run_until_complete(rt::yield_now());
    assert_eq!(take(), ["drop parent", "drop child"]);
    loop_holds_nothing(&lp);
}

#[test]
fn a_task_that_never_started_never_runs() {
    #[coro::coroutine(task)]
    fn holds(argument: Noisy) {
        log("ran");
        drop(argument);
    }
    let lp = Loop::new();
    let h = lp.spawn(holds(Noisy("argument")));
    h.cancel();
    assert!(lp.run_until_complete(h.join()).unwrap_err().is_cancelled());
    assert_eq!(take(), ["drop argument"]); // the coroutine and its argument are dropped
}

#[test]
fn cancelling_a_finished_task_does_nothing() {
    let lp = Loop::new();
    let h = lp.spawn(rt::yield_now());
    lp.run_until_complete(rt::sleep(Duration::ZERO));
    lp.run_until_complete(rt::sleep(Duration::ZERO));
    assert!(h.is_finished());
    h.cancel();
    assert!(lp.run_until_complete(h.join()).is_ok());
}

#[test]
fn a_task_that_cancels_itself_stops_at_its_next_suspension_point() {
    #[coro::coroutine(task)]
    fn suicidal(me: rt::Queue<rt::JoinHandle<()>>) {
        let _local = Noisy("self");
        let handle = me.try_get().unwrap();
        handle.cancel();
        log("still running until it yields");
        yield_from!(rt::yield_now());
        log("never");
    }
    let lp = Loop::new();
    let q = Queue::unbounded();
    let h = lp.spawn(suicidal(q.clone()));
    let id = h.id();
    q.try_put(h).unwrap();
    lp.run_until_complete(rt::yield_now());
    lp.run_until_complete(rt::yield_now());
    assert_eq!(take(), ["still running until it yields", "drop self"]);
    assert_eq!(lp.task_count(), 0, "task {id} is gone");
}

#[test]
fn a_get_cancelled_after_it_was_handed_an_item_gives_it_back() {
    let lp = Loop::new();
    let q: Queue<&str> = Queue::unbounded();
    let first = lp.spawn(q.get());
    let second = lp.spawn(q.get());
    lp.run_until_complete(rt::yield_now());
    assert_eq!(q.waiting(), (2, 0));
    q.try_put("item").unwrap(); // handed to `first`, which has not run yet
    first.cancel();
    assert_eq!(lp.run_until_complete(second.join()).unwrap(), Ok("item"));
}

#[test]
fn a_lock_handed_to_a_cancelled_waiter_passes_to_the_next() {
    let lp = Loop::new();
    let lock = Lock::new();
    let held = lock.try_acquire().unwrap();
    let first = lp.spawn(lock.acquire());
    let second = lp.spawn(lock.acquire());
    lp.run_until_complete(rt::yield_now());
    drop(held); // handed to `first`
    first.cancel();
    let guard = lp.run_until_complete(second.join()).unwrap();
    assert!(lock.is_locked());
    drop(guard);
    assert!(!lock.is_locked());
}

#[test]
fn a_detached_task_runs_to_its_end() {
    let lp = Loop::with_virtual_clock();
    drop(lp.spawn(blocked("detached", rt::sleep(Duration::from_secs(1)))));
    lp.run_until_complete(rt::sleep(Duration::from_secs(2)));
    assert_eq!(
        take(),
        [
            "detached waits",
            "detached got past its wait",
            "drop detached"
        ]
    );
    loop_holds_nothing(&lp);
}

#[test]
fn in_wait_any_and_condition_wait() {
    let lp = Loop::with_virtual_clock();
    let tasks = vec![
        lp.spawn(rt::sleep(Duration::from_secs(5))),
        lp.spawn(rt::sleep(Duration::from_secs(6))),
    ];
    cancel_while_blocked(&lp, "wait_any", rt::wait_any(tasks));
    lp.close(); // the two sleepers were detached, not cancelled

    let lp = Loop::with_virtual_clock();
    let (lock, cond) = (Lock::new(), rt::Condition::new());
    let guard = lock.try_acquire().unwrap();
    cancel_while_blocked(&lp, "condition", cond.wait(guard));
    assert_eq!(cond.waiting(), 0);
    assert!(!lock.is_locked()); // released by the wait, not retaken
    loop_holds_nothing(&lp);
}
