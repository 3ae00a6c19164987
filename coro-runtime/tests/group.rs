//! TaskGroup: children cannot outlive it; the first failure cancels the siblings.

mod common;

use std::time::Duration;

use common::{log, ms, take, Noisy};
use coro::rt::{self, Loop, TaskGroup};

use common::Noisy as Guard;

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
        "bad panicked: bad failed (and 1 more failure(s)) / 2 failure(s) / first: bad"
    );
    // `worse` was due at the same instant: its step runs before the siblings are cancelled (as
    // in asyncio), and its failure is reported too; no panic is reported as unretrieved.
    assert_eq!(
        take(),
        [
            "bad fails",
            "drop bad",
            "worse fails",
            "drop worse",
            "drop slow"
        ]
    );
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

/// Issue 18 (2): failures in the same loop iteration are all reported, in the order they
/// happened (asyncio's ExceptionGroup); a later one is not, since its task was cancelled.
#[test]
fn every_failure_of_one_iteration_is_reported_in_order() {
    #[coro::coroutine(task)]
    fn parent() -> Vec<String> {
        let group = TaskGroup::new();
        group.spawn_named("first", child("first", 10, true));
        group.spawn_named("second", child("second", 10, true));
        group.spawn_named("later", child("later", 20, true));
        let err = yield_from!(group.wait()).unwrap_err();
        err.failures().iter().map(|f| f.name.clone()).collect()
    }
    std::panic::set_hook(Box::new(|_| {}));
    let lp = Loop::with_virtual_clock();
    assert_eq!(lp.run_until_complete(parent()), ["first", "second"]);
    assert_eq!(
        take(),
        [
            "first fails",
            "drop first",
            "second fails",
            "drop second",
            "drop later"
        ]
    );
    assert_eq!(ms(&lp), 10);
}

/// Issue 18 (1): in a scope, the body is part of the group: the first failure drops the body
/// where it waits and the scope returns at once, not when the body would have reached a wait.
#[test]
fn a_failure_interrupts_the_scope_body_at_once() {
    #[coro::coroutine(task)]
    fn body(group: TaskGroup) -> &'static str {
        let _guard = Guard("body");
        group.spawn_named("slow", child("slow", 100, false));
        group.spawn_named("bad", child("bad", 10, true));
        yield_from!(rt::sleep(Duration::from_millis(1000)));
        log("the body went on");
        "body done"
    }
    #[coro::coroutine(task)]
    fn owner() -> String {
        let outcome = yield_from!(TaskGroup::scope(body));
        log("scope returned");
        outcome.unwrap_err().to_string()
    }
    std::panic::set_hook(Box::new(|_| {}));
    let lp = Loop::with_virtual_clock();
    assert_eq!(lp.run_until_complete(owner()), "bad panicked: bad failed");
    assert_eq!(
        take(),
        [
            "bad fails",
            "drop bad",
            "drop slow",
            "drop body",
            "scope returned"
        ]
    );
    assert_eq!(ms(&lp), 10);
    assert_eq!((lp.task_count(), lp.timer_count()), (0, 0));
}

/// A scope whose body returns waits for the children, then gives the body's value.
#[test]
fn a_scope_returns_the_body_value_once_the_children_are_done() {
    #[coro::coroutine(task)]
    fn body(group: TaskGroup) -> &'static str {
        group.spawn(child("a", 30, false));
        yield_from!(rt::sleep(Duration::from_millis(10)));
        log("body done");
        "value"
    }
    let lp = Loop::with_virtual_clock();
    let group = TaskGroup::new();
    let outcome = lp.run_until_complete(group.run(body(group.clone())));
    assert_eq!(outcome, Ok("value"));
    assert_eq!(take(), ["body done", "a done", "drop a"]);
    assert_eq!(ms(&lp), 30);
}

/// A scope abandoned by a timeout cancels its children and drops its body.
#[test]
fn a_timeout_around_a_scope_cancels_everything() {
    #[coro::coroutine(task)]
    fn body(group: TaskGroup) {
        let _guard = Guard("body");
        group.spawn(child("long", 100, false));
        yield_from!(rt::sleep(Duration::from_millis(100)));
    }
    let lp = Loop::with_virtual_clock();
    let r = lp.run_until_complete(rt::timeout(
        Duration::from_millis(5),
        TaskGroup::scope(body),
    ));
    assert!(r.is_err());
    lp.run_until_complete(rt::yield_now());
    assert_eq!(take(), ["drop body", "drop long"]);
    assert_eq!((lp.task_count(), lp.timer_count()), (0, 0));
}
