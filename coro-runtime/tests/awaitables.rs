//! The awaitables: sleep, yield_now, join, join_all/gather, wait_any, as_completed, timeout.

mod common;

use std::time::Duration;

use common::{log, ms, take};
use coro::rt::{self, AsCompleted, Elapsed, Instant, JoinError, Loop, Queue};

#[coro::coroutine(task)]
fn after(ms: u64, value: u64) -> u64 {
    yield_from!(rt::sleep(Duration::from_millis(ms)));
    log(format!(
        "{value} done at {}",
        rt::time().as_nanos() / 1_000_000
    ));
    value
}

#[coro::coroutine(task)]
fn panics_after(ms: u64) -> u64 {
    yield_from!(rt::sleep(Duration::from_millis(ms)));
    panic!("failed after {ms} ms");
}

#[test]
fn sleep_zero_and_sleep_until_the_past_yield_once() {
    #[coro::coroutine(task)]
    fn sleeps_zero(name: &'static str) {
        log(format!("{name} before"));
        yield_from!(rt::sleep(Duration::ZERO));
        log(format!("{name} after"));
    }
    #[coro::coroutine(task)]
    fn sleeps_until_past(name: &'static str) {
        log(format!("{name} before"));
        yield_from!(rt::sleep_until(Instant::ZERO));
        log(format!("{name} after"));
    }
    let lp = Loop::with_virtual_clock();
    let a = lp.spawn(sleeps_zero("a"));
    let b = lp.spawn(sleeps_until_past("b"));
    lp.run_until_complete(rt::join_all(vec![a, b]));
    assert_eq!(take(), ["a before", "b before", "a after", "b after"]);
    assert_eq!(lp.time(), Instant::ZERO);
}

#[test]
fn join_gives_the_value_or_why_there_is_none() {
    let lp = Loop::with_virtual_clock();
    let ok = lp.spawn(after(1, 7));
    let bad = lp.spawn(panics_after(1));
    let cancelled = lp.spawn(after(100, 8));
    cancelled.cancel();
    let results = lp.run_until_complete(rt::join_all(vec![ok, bad, cancelled]));
    let described: Vec<String> = results
        .into_iter()
        .map(|r| match r {
            Ok(v) => format!("ok {v}"),
            Err(e) => e.to_string(),
        })
        .collect();
    assert_eq!(
        described,
        [
            "ok 7",
            "task panicked: failed after 1 ms",
            "task was cancelled"
        ]
    );
}

#[test]
fn gather_runs_concurrently_and_keeps_the_order_given() {
    let lp = Loop::with_virtual_clock();
    let results = lp.run_until_complete(rt::gather(vec![after(30, 1), after(10, 2), after(20, 3)]));
    let values: Vec<u64> = results.into_iter().map(Result::unwrap).collect();
    assert_eq!(values, [1, 2, 3]);
    assert_eq!(take(), ["2 done at 10", "3 done at 20", "1 done at 30"]);
    assert_eq!(ms(&lp), 30);
}

#[test]
fn gather_reports_each_failure_in_place() {
    let lp = Loop::with_virtual_clock();
    let results = lp.run_until_complete(rt::gather(vec![
        Box::new(after(10, 1)) as Box<dyn rt::Awaitable<Return = u64>>,
        Box::new(panics_after(5)),
    ]));
    assert_eq!(results[0].as_ref().unwrap(), &1);
    assert!(results[1].as_ref().unwrap_err().is_panic());
}

#[test]
fn wait_any_returns_the_first_to_finish_and_the_rest() {
    let lp = Loop::with_virtual_clock();
    let handles = vec![
        lp.spawn(after(30, 1)),
        lp.spawn(after(10, 2)),
        lp.spawn(after(20, 3)),
    ];
    let (index, first, rest) = lp.run_until_complete(rt::wait_any(handles));
    assert_eq!((index, first.unwrap(), ms(&lp)), (1, 2, 10));
    let rest: Vec<u64> = lp
        .run_until_complete(rt::join_all(rest))
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rest, [1, 3]);
}

#[test]
fn as_completed_gives_outcomes_in_finishing_order() {
    #[coro::coroutine(task)]
    fn collect(set: AsCompleted<u64>) -> Vec<String> {
        let mut out = Vec::new();
        while let Some((index, outcome)) = yield_from!(set.next()) {
            out.push(match outcome {
                Ok(v) => format!("#{index}={v}@{}", rt::time().as_nanos() / 1_000_000),
                Err(e) => format!("#{index} {e}"),
            });
        }
        out
    }
    let lp = Loop::with_virtual_clock();
    let done_already = lp.spawn(after(0, 0));
    lp.run_until_complete(rt::sleep(Duration::from_millis(1)));
    let set = AsCompleted::new(vec![
        lp.spawn(after(30, 1)),
        done_already,
        lp.spawn(panics_after(5)),
        lp.spawn(after(20, 3)),
    ]);
    assert_eq!(
        lp.run_until_complete(collect(set)),
        [
            "#1=0@1",
            "#2 task panicked: failed after 5 ms",
            "#3=3@21",
            "#0=1@31"
        ]
    );
}

#[test]
fn timeout_returns_the_value_in_time_or_elapsed() {
    let lp = Loop::with_virtual_clock();
    assert_eq!(
        lp.run_until_complete(rt::timeout(Duration::from_millis(20), after(10, 5))),
        Ok(5)
    );
    assert_eq!(ms(&lp), 10);
    assert_eq!(
        lp.run_until_complete(rt::timeout(Duration::from_millis(20), after(30, 6))),
        Err(Elapsed)
    );
    assert_eq!(ms(&lp), 30); // never early: the deadline was 10 + 20
    assert_eq!((lp.task_count(), lp.timer_count()), (0, 0));
    assert_eq!(take(), ["5 done at 10"]);
}

#[test]
fn timeout_covers_waits_without_a_deadline_and_unregisters_them() {
    let lp = Loop::with_virtual_clock();
    let q: Queue<u8> = Queue::unbounded();
    assert_eq!(
        lp.run_until_complete(rt::timeout(Duration::from_secs(3), q.get())),
        Err(Elapsed)
    );
    assert_eq!(lp.time(), Instant::from_secs(3));
    assert_eq!(q.waiting(), (0, 0));
}

#[test]
fn a_value_arriving_at_the_deadline_loses_to_it_and_is_not_lost() {
    // The item is handed over at the very instant of the deadline: the deadline wins (as in
    // asyncio), and the abandoned get gives the item back to the queue.
    let lp = Loop::with_virtual_clock();
    let q: Queue<u8> = Queue::unbounded();
    let q2 = q.clone();
    lp.call_at(Instant::from_secs(2), move || q2.try_put(9).unwrap());
    assert_eq!(
        lp.run_until_complete(rt::timeout(Duration::from_secs(2), q.get())),
        Err(Elapsed)
    );
    assert_eq!(q.try_get(), Ok(9));
}

#[test]
fn a_value_arriving_before_the_deadline_wins() {
    let lp = Loop::with_virtual_clock();
    let q: Queue<u8> = Queue::unbounded();
    let q2 = q.clone();
    lp.call_at(Instant::from_nanos(1_999_999_999), move || {
        q2.try_put(9).unwrap()
    });
    assert_eq!(
        lp.run_until_complete(rt::timeout(Duration::from_secs(2), q.get())),
        Ok(Ok(9))
    );
}

#[test]
fn nested_timeouts_the_inner_one_first() {
    let lp = Loop::with_virtual_clock();
    let inner = rt::timeout(Duration::from_secs(1), rt::sleep(Duration::from_secs(10)));
    let outer = rt::timeout(Duration::from_secs(5), inner);
    assert_eq!(lp.run_until_complete(outer), Ok(Err(Elapsed)));
    assert_eq!(lp.time(), Instant::from_secs(1));
}

#[test]
fn a_join_error_can_be_matched() {
    let lp = Loop::new();
    let h = lp.spawn(rt::yield_now());
    h.cancel();
    match lp.run_until_complete(h.join()) {
        Err(JoinError::Cancelled) => {}
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn two_tasks_can_draw_from_one_as_completed() {
    #[coro::coroutine(task)]
    fn draw(set: AsCompleted<u64>, name: &'static str) {
        while let Some((_, outcome)) = yield_from!(set.next()) {
            log(format!("{name} drew {}", outcome.unwrap()));
        }
    }
    let lp = Loop::with_virtual_clock();
    let set = AsCompleted::new(vec![lp.spawn(after(10, 1)), lp.spawn(after(20, 2))]);
    let a = lp.spawn(draw(set.clone(), "a"));
    let b = lp.spawn(draw(set.clone(), "b"));
    lp.run_until_complete(rt::join_all(vec![a, b]));
    assert_eq!(
        take(),
        ["1 done at 10", "a drew 1", "2 done at 20", "a drew 2"]
    );
    assert_eq!(set.remaining(), 0);
}
