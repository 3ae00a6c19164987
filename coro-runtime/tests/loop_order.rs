//! The loop's scheduling: FIFO ready queue, per-iteration snapshots, timers in deadline order.

mod common;

use std::time::Duration;

use common::{log, take};
use coro::rt::{self, Instant, Loop};

#[coro::coroutine(task)]
fn yielder(name: &'static str, times: u32) {
    for i in 0..times {
        log(format!("{name}{i}"));
        yield_from!(rt::yield_now());
    }
}

#[test]
fn ready_tasks_run_first_in_first_out() {
    let lp = Loop::new();
    let a = lp.spawn(yielder("a", 3));
    let b = lp.spawn(yielder("b", 3));
    let c = lp.spawn(yielder("c", 2));
    lp.run_until_complete(rt::join_all(vec![a, b, c]));
    assert_eq!(take(), ["a0", "b0", "c0", "a1", "b1", "c1", "a2", "b2"]);
}

#[test]
fn callbacks_share_the_ready_queue_with_tasks() {
    let lp = Loop::new();
    let a = lp.spawn(yielder("a", 2));
    lp.call_soon(|| log("callback 1"));
    let b = lp.spawn(yielder("b", 2));
    lp.call_soon(|| log("callback 2"));
    lp.run_until_complete(rt::join_all(vec![a, b]));
    assert_eq!(take(), ["a0", "callback 1", "b0", "callback 2", "a1", "b1"]);
}

#[coro::coroutine(task)]
fn spinner(lp_time_limit: Instant) -> u32 {
    let mut spins = 0;
    while rt::time() < lp_time_limit {
        spins += 1;
        log(format!("spin {spins}"));
        yield_from!(rt::yield_now());
        if spins == 3 {
            break;
        }
    }
    spins
}

#[test]
fn a_task_that_keeps_yielding_does_not_starve_a_due_timer() {
    // Each iteration runs what was ready when it began; the callback set "now" (delay zero) is
    // due at the next iteration, so it runs right after the spinner's first step.
    let lp = Loop::with_virtual_clock();
    let spinner = lp.spawn(spinner(Instant::MAX));
    lp.call_later(Duration::ZERO, || log("timer"));
    lp.run_until_complete(spinner.join()).unwrap();
    assert_eq!(take(), ["spin 1", "timer", "spin 2", "spin 3"]);
}

#[test]
fn a_task_made_ready_during_an_iteration_runs_in_the_next_one() {
    let lp = Loop::new();
    let h = lp.handle();
    lp.call_soon(move || {
        log("first");
        h.call_soon(|| log("queued by first"));
    });
    lp.call_soon(|| log("second"));
    lp.run_until_complete(rt::yield_now());
    assert_eq!(take(), ["first", "second", "queued by first"]);
}

#[test]
fn timers_fire_in_deadline_order_ties_in_the_order_they_were_set() {
    let lp = Loop::with_virtual_clock();
    for (ms, name) in [(30, "c"), (10, "a1"), (20, "b"), (10, "a2"), (10, "a3")] {
        let h = lp.handle();
        lp.call_later(Duration::from_millis(ms), move || {
            log(format!("{name}@{}", h.time().as_nanos() / 1_000_000))
        });
    }
    lp.run_until_complete(rt::sleep(Duration::from_millis(40)));
    assert_eq!(take(), ["a1@10", "a2@10", "a3@10", "b@20", "c@30"]);
}

#[test]
fn timers_never_fire_early_on_the_real_clock() {
    let lp = Loop::new();
    let h = lp.handle();
    let deadline = lp.time() + Duration::from_millis(3);
    lp.call_at(deadline, move || assert!(h.time() >= deadline));
    lp.run_until_complete(rt::sleep_until(deadline + Duration::from_millis(1)));
    assert!(lp.time() >= deadline);
}

#[coro::coroutine(task)]
fn sleeper(name: &'static str, ms: u64) {
    yield_from!(rt::sleep(Duration::from_millis(ms)));
    log(format!(
        "{name} woke at {}",
        rt::time().as_nanos() / 1_000_000
    ));
}

#[test]
fn sleepers_wake_in_deadline_order_ties_in_spawn_order() {
    let lp = Loop::with_virtual_clock();
    let all = vec![
        lp.spawn(sleeper("x", 20)),
        lp.spawn(sleeper("y", 10)),
        lp.spawn(sleeper("z", 10)),
    ];
    lp.run_until_complete(rt::join_all(all));
    assert_eq!(take(), ["y woke at 10", "z woke at 10", "x woke at 20"]);
    assert_eq!((lp.task_count(), lp.timer_count()), (0, 0));
}

#[test]
fn cancelled_callbacks_do_not_run_and_leave_no_timer() {
    let lp = Loop::with_virtual_clock();
    let soon = lp.call_soon(|| log("soon"));
    let later = lp.call_later(Duration::from_secs(1), || log("later"));
    assert_eq!(lp.timer_count(), 1);
    soon.cancel();
    later.cancel();
    assert_eq!(lp.timer_count(), 0);
    lp.run_until_complete(rt::sleep(Duration::from_secs(2)));
    assert!(take().is_empty());
}

#[test]
fn run_forever_runs_until_stop_and_finishes_the_iteration() {
    let lp = Loop::with_virtual_clock();
    let h = lp.handle();
    lp.call_later(Duration::from_secs(5), move || {
        log("stop");
        h.stop();
    });
    lp.call_later(Duration::from_secs(5), || log("same iteration"));
    lp.call_later(Duration::from_secs(6), || log("never"));
    lp.run_forever();
    assert_eq!(take(), ["stop", "same iteration"]);
    assert_eq!(lp.time(), Instant::from_secs(5));
    // It can run again: the pending timer is still there.
    lp.run_until_complete(rt::sleep(Duration::from_secs(2)));
    assert_eq!(take(), ["never"]);
}

#[test]
fn run_until_complete_returns_while_other_tasks_are_pending() {
    let lp = Loop::with_virtual_clock();
    let slow = lp.spawn(sleeper("slow", 100));
    lp.run_until_complete(sleeper("fast", 10));
    assert_eq!(take(), ["fast woke at 10"]);
    assert_eq!(lp.task_count(), 1);
    lp.run_until_complete(slow.join()).unwrap();
    assert_eq!(take(), ["slow woke at 100"]);
}

#[test]
fn run_is_one_call_and_closes_the_loop() {
    #[coro::coroutine(task)]
    fn main_task() -> u32 {
        rt::spawn(sleeper("orphan", 60_000)); // still pending when main returns: cancelled
        yield_from!(rt::yield_now());
        5
    }
    assert_eq!(rt::run(main_task()), 5);
    assert!(take().is_empty());
}

#[test]
#[should_panic(expected = "coro: deadlock")]
fn waiting_on_nothing_is_reported_as_a_deadlock() {
    let lp = Loop::new();
    let q: rt::Queue<u8> = rt::Queue::unbounded();
    lp.run_until_complete(q.get()).unwrap();
}

#[test]
#[should_panic(expected = "cannot run a loop while another loop is running")]
fn a_loop_cannot_run_inside_another() {
    #[coro::coroutine(task)]
    fn nested() {
        Loop::new().run_until_complete(rt::yield_now());
    }
    Loop::new().run_until_complete(nested());
}

#[test]
#[should_panic(expected = "the loop is closed")]
fn a_closed_loop_spawns_nothing() {
    let lp = Loop::new();
    lp.close();
    lp.spawn(rt::yield_now());
}

#[test]
fn close_cancels_pending_tasks_and_drops_their_locals() {
    #[coro::coroutine(task)]
    fn holder() {
        let _held = common::Noisy("held");
        yield_from!(rt::sleep(Duration::from_secs(1)));
    }
    let lp = Loop::with_virtual_clock();
    let h = lp.spawn(holder());
    lp.run_until_complete(rt::yield_now());
    lp.close();
    assert_eq!(take(), ["drop held"]);
    assert_eq!((lp.task_count(), lp.timer_count()), (0, 0));
    assert!(h.is_finished());
}

#[test]
fn the_virtual_clock_jumps_to_the_next_deadline() {
    let lp = Loop::with_virtual_clock();
    lp.run_until_complete(rt::sleep(Duration::from_secs(24 * 3600)));
    assert_eq!(lp.time(), Instant::from_secs(24 * 3600));
    lp.advance(Duration::from_millis(1));
    assert_eq!(lp.time().as_nanos(), (24 * 3600 * 1000 + 1) * 1_000_000);
}

#[test]
fn the_virtual_clock_stands_still_while_tasks_are_ready() {
    let lp = Loop::with_virtual_clock();
    let y = lp.spawn(yielder("y", 3));
    let s = lp.spawn(sleeper("s", 1));
    lp.run_until_complete(rt::join_all(vec![y, s]));
    assert_eq!(take(), ["y0", "y1", "y2", "s woke at 1"]);
}
