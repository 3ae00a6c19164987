//! Issue 18 (3): closing a loop (the end of `rt::run`, `Loop::close`, dropping a `Loop`)
//! cancels the leftovers *inside* the loop, as `asyncio.run` does, so that their destructors
//! can use it, and runs what they schedule; a second round of leftovers is dropped with a
//! diagnostic.

mod common;

use std::time::Duration;

use common::{log, take};
use coro::rt::{self, Handle, Loop};

#[coro::coroutine(task)]
fn cleanup(name: &'static str) {
    log(format!("{name}: cleanup starts at {}", rt::time()));
    yield_from!(rt::sleep(Duration::from_secs(1)));
    log(format!("{name}: cleanup done at {}", rt::time()));
}

/// The async-cleanup pattern of docs/runtime.md section 4: a guard whose `Drop` spawns a task.
struct SpawnsCleanup(&'static str);

impl Drop for SpawnsCleanup {
    fn drop(&mut self) {
        log(format!("{}: dropped at {}", self.0, rt::time()));
        rt::spawn(cleanup(self.0));
    }
}

#[coro::coroutine(task)]
fn worker(name: &'static str) {
    let _guard = SpawnsCleanup(name);
    loop {
        yield_from!(rt::sleep(Duration::from_secs(60)));
    }
}

#[coro::coroutine(task)]
fn main_task() {
    rt::spawn(worker("w1"));
    rt::spawn(worker("w2"));
    yield_from!(rt::sleep(Duration::from_secs(5)));
}

#[test]
fn close_cancels_leftovers_inside_the_loop_and_runs_their_cleanup() {
    let diagnostics = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let sink = diagnostics.clone();
    let lp = Loop::builder()
        .virtual_clock()
        .on_diagnostic(move |d| sink.borrow_mut().push(d.to_string()))
        .build();
    lp.run_until_complete(main_task());
    lp.close();
    assert_eq!(
        take(),
        [
            "w1: dropped at 5.000000000s",
            "w2: dropped at 5.000000000s",
            "w1: cleanup starts at 5.000000000s",
            "w2: cleanup starts at 5.000000000s",
            "w1: cleanup done at 6.000000000s",
            "w2: cleanup done at 6.000000000s",
        ]
    );
    assert!(
        diagnostics.borrow().is_empty(),
        "{:?}",
        diagnostics.borrow()
    );
    assert_eq!((lp.task_count(), lp.timer_count()), (0, 0));
    assert!(lp.is_closed());
}

#[test]
fn dropping_a_loop_closes_it_the_same_way() {
    let lp = Loop::with_virtual_clock();
    lp.run_until_complete(main_task());
    drop(lp);
    assert_eq!(take().len(), 6);
}

#[test]
fn a_destructor_at_close_can_use_the_loop() {
    struct UsesTheLoop;
    impl Drop for UsesTheLoop {
        fn drop(&mut self) {
            log(format!(
                "running: {}, time: {}",
                Handle::current().is_running(),
                rt::time()
            ));
        }
    }
    #[coro::coroutine(task)]
    fn holder() {
        let _guard = UsesTheLoop;
        yield_from!(rt::sleep(Duration::from_secs(60)));
    }
    let lp = Loop::with_virtual_clock();
    lp.spawn(holder());
    lp.run_until_complete(rt::sleep(Duration::from_secs(2)));
    lp.close();
    assert_eq!(take(), ["running: true, time: 2.000000000s"]);
}

#[test]
fn a_second_round_of_leftovers_is_dropped_with_a_diagnostic() {
    #[coro::coroutine(task)]
    fn stuck_cleanup() {
        log("stuck cleanup starts");
        let _never = rt::Event::new();
        yield_from!(_never.wait()); // nothing can ever set it
        log("never");
    }
    struct SpawnsStuck;
    impl Drop for SpawnsStuck {
        fn drop(&mut self) {
            rt::spawn_named("stuck", stuck_cleanup());
        }
    }
    #[coro::coroutine(task)]
    fn holder() {
        let _guard = SpawnsStuck;
        yield_from!(rt::sleep(Duration::from_secs(60)));
    }
    let diagnostics = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let sink = diagnostics.clone();
    let lp = Loop::builder()
        .virtual_clock()
        .on_diagnostic(move |d| sink.borrow_mut().push(d.to_string()))
        .build();
    lp.spawn(holder());
    lp.run_until_complete(rt::yield_now());
    lp.close(); // returns: the stuck cleanup is dropped, not waited for
    assert_eq!(take(), ["stuck cleanup starts"]);
    let diagnostics = diagnostics.borrow();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert!(
        diagnostics[0].starts_with("coro: stuck (spawned at ")
            && diagnostics[0]
                .ends_with("was still pending after the loop's shutdown round; dropped"),
        "{}",
        diagnostics[0]
    );
    assert_eq!(lp.task_count(), 0);
}

#[test]
fn run_closes_inside_the_loop_too() {
    // The real clock: the cleanup's one-second sleep is real, so keep it short here.
    #[coro::coroutine(task)]
    fn quick() {
        yield_from!(rt::sleep(Duration::from_millis(1)));
        log("quick cleanup done");
    }
    struct SpawnsQuick;
    impl Drop for SpawnsQuick {
        fn drop(&mut self) {
            rt::spawn(quick());
        }
    }
    #[coro::coroutine(task)]
    fn holder() {
        let _guard = SpawnsQuick;
        yield_from!(rt::sleep(Duration::from_secs(3600)));
    }
    #[coro::coroutine(task)]
    fn main_real() -> u32 {
        rt::spawn(holder());
        yield_from!(rt::yield_now());
        7
    }
    assert_eq!(rt::run(main_real()), 7);
    assert_eq!(take(), ["quick cleanup done"]);
}
