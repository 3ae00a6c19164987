//! A coroutine or awaitable dropped unused warns (`unused_must_use`), so `rt::sleep(d);` written
//! where `yield_from!(rt::sleep(d));` was meant does not pass silently.
//!
//! Each fn below drops one such value and expects the lint; were the lint not to fire, the
//! expectation would be unfulfilled, which this file denies: the test would not compile.
#![deny(unfulfilled_lint_expectations)]

use std::time::Duration;

use coro::rt::{self, Queue};
use coro::{Boxed, Coroutine, CoroutineExt, CoroutineState, Gen};

#[coro::coroutine(yield = u32)]
fn numbers() {
    yield_!(1);
}

#[coro::coroutine(task)]
fn helper() -> u32 {
    yield_from!(rt::yield_now());
    7
}

#[expect(unused_must_use, reason = "an awaitable of the runtime, dropped")]
fn sleep_without_yield_from() {
    rt::sleep(Duration::from_secs(1));
}

#[expect(unused_must_use, reason = "a method's awaitable, dropped")]
fn put_without_yield_from(q: &Queue<u8>) {
    q.put(1);
}

#[expect(
    unused_must_use,
    reason = "a #[coro::coroutine] fn's coroutine, dropped"
)]
fn generated_coroutine_dropped() {
    numbers();
}

#[expect(unused_must_use, reason = "a task fn's coroutine, dropped")]
fn task_dropped() {
    helper();
}

#[expect(unused_must_use, reason = "a Gen, dropped")]
fn gen_dropped() {
    Gen::new(|(): ()| Some(CoroutineState::<(), ()>::Complete(())));
}

#[expect(unused_must_use, reason = "a Boxed, dropped")]
fn boxed_dropped() {
    Boxed::new(numbers());
}

fn boxed_numbers() -> Box<dyn Coroutine<Yield = u32, Return = ()> + Unpin> {
    Box::new(numbers())
}

#[expect(unused_must_use, reason = "a boxed trait object, dropped")]
fn box_dyn_dropped() {
    boxed_numbers();
}

#[expect(unused_must_use, reason = "the iterator of yields, dropped")]
fn yields_dropped() {
    numbers().yields();
}

// Inside a task's body, through the macro's rewrite: the statement without `yield_from!`.
#[expect(unused_must_use, reason = "an awaitable dropped inside a task")]
#[coro::coroutine(task)]
fn forgetful_task() -> u32 {
    rt::sleep(Duration::from_secs(1));
    yield_from!(helper())
}

#[test]
fn dropping_unused_coroutines_is_linted_and_harmless() {
    sleep_without_yield_from();
    put_without_yield_from(&Queue::unbounded());
    generated_coroutine_dropped();
    task_dropped();
    gen_dropped();
    boxed_dropped();
    box_dyn_dropped();
    yields_dropped();
    // The forgotten sleep did nothing: no timer was set, the clock never moved.
    let lp = rt::Loop::with_virtual_clock();
    assert_eq!(lp.run_until_complete(forgetful_task()), 7);
    assert_eq!(lp.time(), rt::Instant::from_secs(0));
}
