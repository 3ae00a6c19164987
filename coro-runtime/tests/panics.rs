//! Failure isolation: a panicking task does not stop the loop or the other tasks; its join
//! reports the panic; a panic nobody joins is reported; strict mode fails the run.

mod common;

use std::time::Duration;

use common::{log, take, traced_loop};
use coro::rt::{self, JoinError, Loop};

#[coro::coroutine(task)]
fn fails_after(ms: u64, message: &'static str) -> u32 {
    yield_from!(rt::sleep(Duration::from_millis(ms)));
    log(format!("{message}: panicking"));
    panic!("{}", message);
}

#[coro::coroutine(task)]
fn counts(n: u32) -> u32 {
    for i in 0..n {
        log(format!("count {i}"));
        yield_from!(rt::sleep(Duration::from_millis(1)));
    }
    n
}

#[test]
fn a_panic_stops_neither_the_loop_nor_the_other_tasks() {
    let lp = traced_loop();
    let bad = lp.spawn(fails_after(1, "boom"));
    let good = lp.spawn(counts(3));
    assert_eq!(lp.run_until_complete(good.join()).unwrap(), 3);
    let err = lp.run_until_complete(bad.join()).unwrap_err();
    assert!(err.is_panic());
    assert_eq!(err.panic_message(), Some("boom"));
    // Both were due at 1 ms; `bad` parked first, so it ran (and panicked) first.
    assert_eq!(take(), ["count 0", "boom: panicking", "count 1", "count 2"]);
    assert_eq!((lp.task_count(), lp.timer_count()), (0, 0));
}

#[test]
fn run_until_complete_propagates_the_panic_of_its_task() {
    let lp = Loop::with_virtual_clock();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        lp.run_until_complete(fails_after(5, "main failed"))
    }));
    let payload = caught.unwrap_err();
    assert_eq!(
        JoinError::Panicked(payload).panic_message(),
        Some("main failed")
    );
    // The loop is still usable.
    assert_eq!(lp.run_until_complete(counts(1)), 1);
}

#[test]
fn a_detached_panic_is_reported_when_the_task_ends() {
    let lp = traced_loop();
    drop(lp.spawn(fails_after(1, "lost")));
    lp.run_until_complete(rt::sleep(Duration::from_millis(2)));
    let trace = take();
    assert_eq!(trace[0], "lost: panicking");
    assert!(
        trace[1].starts_with("diag: coro: Task-1 panicked and nobody joined it: lost (spawned at "),
        "{trace:?}"
    );
    assert_eq!(trace.len(), 2);
}

#[test]
fn an_unjoined_panic_is_reported_when_its_handle_is_dropped() {
    let lp = traced_loop();
    let h = lp.spawn(fails_after(1, "ignored"));
    lp.run_until_complete(rt::sleep(Duration::from_millis(2)));
    assert_eq!(take(), ["ignored: panicking"]);
    drop(h);
    let trace = take();
    assert_eq!(trace.len(), 1);
    assert!(trace[0].contains("Task-1 panicked and nobody joined it: ignored"));
}

#[test]
fn a_joined_panic_is_not_reported() {
    let lp = traced_loop();
    let h = lp.spawn(fails_after(1, "seen"));
    assert!(lp.run_until_complete(h.join()).is_err());
    assert_eq!(take(), ["seen: panicking"]);
}

#[test]
fn strict_mode_fails_the_run_on_an_unretrieved_panic() {
    let lp = Loop::builder()
        .virtual_clock()
        .strict(true)
        .on_diagnostic(|_| {})
        .build();
    drop(lp.spawn(fails_after(1, "strictly lost")));
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        lp.run_until_complete(rt::sleep(Duration::from_secs(1)))
    }));
    let payload = caught.unwrap_err();
    let message = payload.downcast_ref::<String>().unwrap();
    assert!(
        message.starts_with(
            "coro (strict mode): coro: Task-1 panicked and nobody joined it: strictly lost"
        ),
        "{message}"
    );
}

#[test]
fn a_panicking_callback_is_reported_and_the_loop_goes_on() {
    let lp = traced_loop();
    lp.call_soon(|| panic!("callback boom"));
    lp.call_soon(|| log("next callback"));
    lp.run_until_complete(rt::yield_now());
    assert_eq!(
        take(),
        [
            "diag: coro: a callback panicked: callback boom",
            "next callback"
        ]
    );
}

#[test]
fn a_panicking_destructor_during_cancellation_is_reported() {
    struct Bomb;
    impl Drop for Bomb {
        fn drop(&mut self) {
            panic!("bomb in drop");
        }
    }
    #[coro::coroutine(task)]
    fn holds_bomb() {
        let _bomb = Bomb;
        yield_from!(rt::sleep(Duration::from_secs(1)));
    }
    let lp = traced_loop();
    let h = lp.spawn(holds_bomb());
    lp.run_until_complete(rt::yield_now());
    h.cancel();
    assert!(lp.run_until_complete(h.join()).unwrap_err().is_cancelled());
    assert_eq!(
        take(),
        ["diag: coro: a destructor panicked while Task-1 was cancelled: bomb in drop"]
    );
}
