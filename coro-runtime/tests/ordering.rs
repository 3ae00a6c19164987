//! Issue 18 (6): chained completions take one loop iteration fewer than in asyncio
//! (docs/runtime.md section 3). The asyncio order is given beside each assertion, as Python
//! 3.11 prints it for the same program.

mod common;

use std::time::Duration;

use common::{log, take};
use coro::rt::{self, Instant, Loop};

/// A timer makes its task ready directly: the task runs in the iteration its timer fires,
/// before a callback that another timer of the same instant scheduled with `call_soon`.
#[test]
fn a_task_woken_by_its_timer_runs_before_a_call_soon_of_the_same_instant() {
    #[coro::coroutine(task)]
    fn sleeper() {
        yield_from!(rt::sleep(Duration::from_secs(1)));
        log("task");
    }
    let lp = Loop::with_virtual_clock();
    let h = lp.handle();
    lp.call_at(Instant::from_secs(1), move || {
        log("cb");
        h.call_soon(|| log("soon"));
    });
    lp.spawn(sleeper());
    lp.run_until_complete(rt::sleep(Duration::from_secs(2)));
    assert_eq!(take(), ["cb", "task", "soon"]); // asyncio: cb, soon, task
}

/// A finishing task wakes its joiner directly: the joiner runs in the next iteration. Here
/// asyncio agrees (`await task` wakes through one `call_soon`); `gather`, `wait` and a
/// TaskGroup add a future in between there, and one iteration.
#[test]
fn a_joiner_runs_one_iteration_after_the_task_it_joins() {
    #[coro::coroutine(task)]
    fn quick() {
        log("child ends");
    }
    #[coro::coroutine(task)]
    fn parent() {
        let child = rt::spawn(quick());
        yield_from!(child.join()).unwrap();
        log("parent resumes");
    }
    // A callback that counts iterations: it logs, then schedules itself for the next one.
    fn tick(lp: rt::Handle, n: u32) {
        log(format!("iteration {n}"));
        if n < 4 {
            let h = lp.clone();
            lp.call_soon(move || tick(h, n + 1));
        }
    }
    let lp = Loop::with_virtual_clock();
    let h = lp.handle();
    lp.call_soon(move || tick(h, 1));
    lp.spawn(parent());
    lp.run_until_complete(rt::sleep(Duration::from_secs(1)));
    assert_eq!(
        take(),
        [
            "iteration 1",
            "iteration 2",
            "child ends",
            "iteration 3",
            "parent resumes",
            "iteration 4",
        ]
    ); // asyncio: the same
}
