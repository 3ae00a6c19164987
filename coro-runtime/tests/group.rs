//! TaskGroup: children cannot outlive it; the first failure cancels the siblings.

mod common;

use std::time::Duration;

use common::{log, ms, take, Noisy};
use coro::rt::{self, Loop, TaskGroup};

#[coro::coroutine(task)]
fn child(name: &'static str, ms: u64, fail: bool) -> &'static str {
    let _local = Noisy(name);
    yield_from!(rt::sleep(Duration::from_millis(ms)));
    if fail {
        log(format!("{name} fails"));
        panic!("{} failed", name);
    }
    log(format!("{name} done"));
    name
}

#[test]
fn wait_returns_after_every_child() {
    #[coro::coroutine(task)]
    fn parent() -> Vec<&'static str> {
        let group = TaskGroup::new();
        let a = group.spawn(child("a", 20, false));
        let b = group.spawn(child("b", 10, false));
        yield_from!(group.wait()).unwrap();
        log("group done");
        let a = yield_from!(a.join()).unwrap();
        let b = yield_from!(b.join()).unwrap();
        vec![a, b]
    }
    let lp = Loop::with_virtual_clock();
    assert_eq!(lp.run_until_complete(parent()), ["a", "b"]);
    assert_eq!(
        take(),
        ["b done", "drop b", "a done", "drop a", "group done"]
    );
    assert_eq!(ms(&lp), 20);
}

#[test]
fn the_first_failure_cancels_the_siblings_and_is_reported() {
    #[coro::coroutine(task)]
    fn parent() -> String {
        let group = TaskGroup::new();
        group.spawn_named("slow", child("slow", 100, false));
        group.spawn_named("bad", child("bad", 10, true));
        group.spawn_named("worse", child("worse", 10, true));
        let err = yield_from!(group.wait()).unwrap_err();
        format!(
            "{err} / {} failure(s) / first: {}",
            err.failures().len(),
            err.first().name
        )
    }
    let lp = Loop::builder()
        .virtual_clock()
        .on_diagnostic(|d| log(format!("diag: {d}")))
        .build();
    assert_eq!(
        lp.run_until_complete(parent()),
        "bad panicked: bad failed / 1 failure(s) / first: bad"
    );
    // `worse` was due at the same instant, but its cancellation was delivered before its next
    // step; no panic is reported as unretrieved: the group reported it.
    assert_eq!(take(), ["bad fails", "drop bad", "drop worse", "drop slow"]);
    assert_eq!(ms(&lp), 10);
    assert_eq!((lp.task_count(), lp.timer_count()), (0, 0));
}

#[test]
fn dropping_the_group_cancels_its_children() {
    #[coro::coroutine(task)]
    fn parent() {
        let group = TaskGroup::new();
        group.spawn(child("orphan", 100, false));
        yield_from!(rt::yield_now()); // the child starts
        drop(group);
        yield_from!(rt::sleep(Duration::from_millis(1)));
    }
    let lp = Loop::with_virtual_clock();
    lp.run_until_complete(parent());
    assert_eq!(take(), ["drop orphan"]);
    assert_eq!(lp.task_count(), 0);
}

#[test]
fn a_timeout_around_wait_cancels_the_children() {
    #[coro::coroutine(task)]
    fn parent() -> bool {
        let group = TaskGroup::new();
        group.spawn(child("long", 100, false));
        let timed_out = yield_from!(rt::timeout(Duration::from_millis(5), group.wait())).is_err();
        yield_from!(rt::yield_now());
        timed_out
    }
    let lp = Loop::with_virtual_clock();
    assert!(lp.run_until_complete(parent()));
    assert_eq!(take(), ["drop long"]);
    assert_eq!((lp.task_count(), lp.timer_count()), (0, 0));
}

#[test]
fn children_may_spawn_siblings() {
    #[coro::coroutine(task)]
    fn spawner(group: TaskGroup) {
        yield_from!(rt::sleep(Duration::from_millis(5)));
        group.spawn(child("late sibling", 5, false));
    }
    #[coro::coroutine(task)]
    fn parent() {
        let group = TaskGroup::new();
        group.spawn(spawner(group.clone()));
        yield_from!(group.wait()).unwrap();
        log("all done");
    }
    let lp = Loop::with_virtual_clock();
    lp.run_until_complete(parent());
    assert_eq!(
        take(),
        ["late sibling done", "drop late sibling", "all done"]
    );
    assert_eq!(ms(&lp), 10);
}
