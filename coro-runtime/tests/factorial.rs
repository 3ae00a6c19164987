//! The seed's demonstration (asyncio's factorial tasks), checked line by line against the
//! order asyncio prints, with the virtual clock standing in for the wall clock.
//!
//! `examples/factorial.rs` and `examples/factorial_blocking.rs` print these lines for real.
//! The Python originals, run with python3, print (timestamps aside):
//!
//! ```text
//! async (asyncio.sleep)          blocking (time.sleep)
//! Task A: Compute factorial(2)   Task A: Compute factorial(2)
//! SLEEP …                        SLEEP …
//! Task B: Compute factorial(2)   Task A: Compute factorial(3)
//! SLEEP …                        SLEEP …
//! Task A: Compute factorial(3)   Task A: factorial(3) is 6
//! SLEEP …
//! Task B: Compute factorial(3)   Task B: Compute factorial(2)
//! SLEEP …                        SLEEP …
//! Task A: factorial(3) is 6      Task B: Compute factorial(3)
//!                                SLEEP …
//! Task B: Compute factorial(4)   Task B: Compute factorial(4)
//! SLEEP …                        SLEEP …
//! Task B: factorial(4) is 24     Task B: factorial(4) is 24
//!
//! Total time: 3.00…              Total time: 5.00…
//! ```

mod common;

use std::time::Duration;

use common::{log, take};
use coro::rt::{self, Handle, Loop};

/// The seed's `custom_sleep`: print `SLEEP <time>`, then sleep one second, either with the
/// loop's sleep or by blocking the loop (on the virtual clock: moving it while the step runs).
#[coro::coroutine(task)]
fn custom_sleep(blocking: bool) {
    log(format!("SLEEP {}", rt::time()));
    if blocking {
        Handle::current().advance(Duration::from_secs(1));
    } else {
        yield_from!(rt::sleep(Duration::from_secs(1)));
    }
}

#[coro::coroutine(task)]
fn factorial(name: &'static str, number: u64, blocking: bool) {
    let mut f = 1;
    for i in 2..=number {
        log(format!("Task {name}: Compute factorial({i})"));
        yield_from!(custom_sleep(blocking));
        f *= i;
    }
    log(format!("Task {name}: factorial({number}) is {f}\n"));
}

fn run_demo(blocking: bool) -> Vec<String> {
    let lp = Loop::with_virtual_clock();
    let start = lp.time();
    let tasks = vec![
        lp.spawn(factorial("A", 3, blocking)),
        lp.spawn(factorial("B", 4, blocking)),
    ];
    lp.run_until_complete(rt::join_all(tasks));
    lp.close();
    log(format!(
        "Total time: {} s",
        (lp.time() - start).as_secs_f64()
    ));
    take()
}

#[test]
fn with_the_loops_sleep_the_tasks_overlap_3_seconds() {
    assert_eq!(
        run_demo(false),
        [
            "Task A: Compute factorial(2)",
            "SLEEP 0.000000000s",
            "Task B: Compute factorial(2)",
            "SLEEP 0.000000000s",
            "Task A: Compute factorial(3)",
            "SLEEP 1.000000000s",
            "Task B: Compute factorial(3)",
            "SLEEP 1.000000000s",
            "Task A: factorial(3) is 6\n",
            "Task B: Compute factorial(4)",
            "SLEEP 2.000000000s",
            "Task B: factorial(4) is 24\n",
            "Total time: 3 s",
        ]
    );
}

#[test]
fn with_a_blocking_sleep_they_run_one_after_the_other_5_seconds() {
    assert_eq!(
        run_demo(true),
        [
            "Task A: Compute factorial(2)",
            "SLEEP 0.000000000s",
            "Task A: Compute factorial(3)",
            "SLEEP 1.000000000s",
            "Task A: factorial(3) is 6\n",
            "Task B: Compute factorial(2)",
            "SLEEP 2.000000000s",
            "Task B: Compute factorial(3)",
            "SLEEP 3.000000000s",
            "Task B: Compute factorial(4)",
            "SLEEP 4.000000000s",
            "Task B: factorial(4) is 24\n",
            "Total time: 5 s",
        ]
    );
}

#[test]
fn debug_mode_names_the_steps_that_block() {
    let lp = Loop::builder()
        .virtual_clock()
        .debug(true)
        .on_diagnostic(|d| log(format!("diag: {d}")))
        .build();
    let a = lp.spawn_named("A", factorial("A", 3, true));
    let b = lp.spawn_named("B", factorial("B", 4, true));
    lp.run_until_complete(rt::join_all(vec![a, b]));
    let diags: Vec<String> = take()
        .into_iter()
        .filter(|l| l.starts_with("diag: "))
        .map(|l| {
            let (name, rest) = l["diag: coro: ".len()..]
                .split_once(" (spawned at ")
                .unwrap();
            format!("{name}{}", &rest[rest.find(") held").unwrap() + 1..])
        })
        .collect();
    assert_eq!(
        diags,
        [
            "A held the loop for 2.000s in one step, at loop time 0.000s",
            "B held the loop for 3.000s in one step, at loop time 2.000s",
        ]
    );
}
