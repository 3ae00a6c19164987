//! Python's generator semantics that carry over to `coro`, ported as ordinary tests.
//!
//! Each test names its reference: CPython's `Lib/test/test_generators.py`, PEP 342 ("Coroutines
//! via Enhanced Generators": `send`, `close`, `throw`) and PEP 380 ("Syntax for Delegating to a
//! Subgenerator": `yield from`). Where Python and `coro` differ on purpose, the test says how:
//! Python raises `TypeError` for a non-`None` first `send`, `coro` ignores the first resume
//! argument; Python's `close()` is dropping the coroutine; Python's `throw()` is a `Result`
//! resume type with `?`; `StopIteration` after exhaustion is a panic on resume (and `None` from
//! the iterator).

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use coro::{Coroutine, CoroutineExt, CoroutineState};

thread_local! {
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn log(s: impl Into<String>) {
    LOG.with(|l| l.borrow_mut().push(s.into()));
}

fn take_log() -> Vec<String> {
    LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

/// A value whose `Drop` logs, standing for Python's `finally:` clause.
struct Finally(&'static str);

impl Drop for Finally {
    fn drop(&mut self) {
        log(format!("finally {}", self.0));
    }
}

// ---- PEP 342: send ----

#[coro::coroutine(yield = i32, resume = i32)]
fn echo() {
    let mut got = yield_!(0);
    loop {
        got = yield_!(got * 10);
    }
}

/// test_generators.py, "coroutine_tests": `g.send(...)` on a just-started generator. Python
/// requires `send(None)` (anything else raises `TypeError: can't send non-None value to a
/// just-started generator`); `coro` runs to the first yield and ignores the argument (the
/// documented priming rule).
#[test]
fn send_into_a_fresh_generator_is_not_seen() {
    let mut g = echo();
    assert_eq!(g.send(99), CoroutineState::Yielded(0));
    assert_eq!(g.send(1), CoroutineState::Yielded(10));
    assert_eq!(g.send(2), CoroutineState::Yielded(20));
}

#[coro::coroutine(yield = f64, resume = f64)]
fn averager() {
    let (mut total, mut count) = (0.0, 0.0);
    let mut average = 0.0;
    loop {
        let value = yield_!(average);
        total += value;
        count += 1.0;
        average = total / count;
    }
}

/// PEP 342, "Examples" (the running averager of Beazley's course): the value of `yield` is the
/// value sent by the next `send`.
#[test]
fn value_of_yield_is_the_next_send() {
    let mut avg = averager();
    avg.send(0.0);
    assert_eq!(avg.send(10.0), CoroutineState::Yielded(10.0));
    assert_eq!(avg.send(30.0), CoroutineState::Yielded(20.0));
    assert_eq!(avg.send(5.0), CoroutineState::Yielded(15.0));
}

#[coro::coroutine(yield = i32)]
fn fib(n: usize) {
    let (mut a, mut b) = (0, 1);
    for _ in 0..n {
        yield_!(a);
        let next = a + b;
        a = b;
        b = next;
    }
}

/// test_generators.py, "tutorial_tests" (`fib`): a generator is an iterator over its yields
/// (`next()` is `send(None)`, here `resume(())`).
#[test]
fn generator_is_an_iterator() {
    assert_eq!(fib(8).collect::<Vec<_>>(), [0, 1, 1, 2, 3, 5, 8, 13]);
}

// ---- exhausted generators ----

#[coro::coroutine(yield = i32)]
fn two() -> &'static str {
    yield_!(1);
    yield_!(2);
    "done"
}

/// test_generators.py, "tutorial_tests": after `StopIteration`, `next()` keeps raising
/// `StopIteration`. An exhausted `coro` iterator keeps returning `None` (it is fused).
#[test]
fn exhausted_generator_iterator_stays_exhausted() {
    let mut g = two();
    assert_eq!(g.next(), Some(1));
    assert_eq!(g.next(), Some(2));
    assert_eq!(g.next(), None);
    assert_eq!(g.next(), None);
    assert_eq!(g.next(), None);
}

/// test_generators.py, "tutorial_tests"; PEP 342: the return value travels with
/// `StopIteration`; resuming again raises `StopIteration` again. In `coro` the return value is
/// `Complete(r)`, and resuming a completed coroutine panics with a clear message.
#[test]
fn resuming_an_exhausted_generator_panics() {
    let mut g = two();
    g.send(());
    g.send(());
    assert_eq!(g.send(()), CoroutineState::Complete("done"));
    let err = catch_unwind(AssertUnwindSafe(|| g.send(()))).unwrap_err();
    let msg = err
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| err.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    assert!(
        msg.contains("completed") || msg.contains("completion"),
        "{msg}"
    );
}

#[coro::coroutine(yield = i32)]
fn fails_after_one() {
    yield_!(1);
    panic!("boom");
}

/// test_generators.py, "tutorial_tests" (`f` raising `ZeroDivisionError`): an exception
/// propagates out of `next()` and the generator is then finished. In `coro` a panic propagates
/// out of `resume`, and the coroutine is poisoned: resuming it again panics.
#[test]
fn a_generator_that_raised_is_finished() {
    let mut g = fails_after_one();
    assert_eq!(g.send(()), CoroutineState::Yielded(1));
    assert!(catch_unwind(AssertUnwindSafe(|| g.send(()))).is_err());
    assert!(catch_unwind(AssertUnwindSafe(|| g.send(()))).is_err());
}

// ---- PEP 342: close ----

#[coro::coroutine(yield = i32)]
fn with_cleanup() {
    let _outer = Finally("outer");
    yield_!(1);
    {
        let _inner = Finally("inner");
        yield_!(2);
        log("after 2");
    }
    yield_!(3);
}

/// PEP 342, "New generator method: close()"; test_generators.py, "coroutine_tests" (`close`
/// runs the `finally:` of a suspended generator). Dropping a suspended coroutine drops its live
/// locals, innermost first.
#[test]
fn close_of_a_suspended_generator_runs_cleanup() {
    take_log();
    let mut g = with_cleanup();
    assert_eq!(g.send(()), CoroutineState::Yielded(1));
    assert_eq!(g.send(()), CoroutineState::Yielded(2));
    assert!(take_log().is_empty());
    drop(g);
    assert_eq!(take_log(), ["finally inner", "finally outer"]);
}

/// PEP 342: "close() ... If the generator is already closed or has not started, does
/// nothing": dropping a coroutine that never ran runs none of its body's cleanup.
#[test]
fn close_of_an_unstarted_generator_runs_no_cleanup() {
    take_log();
    drop(with_cleanup());
    assert!(take_log().is_empty());
}

/// PEP 342: closing an exhausted generator does nothing; its cleanup ran when it finished.
#[test]
fn close_of_an_exhausted_generator_does_nothing() {
    take_log();
    let mut g = with_cleanup();
    for _ in 0..3 {
        g.send(());
    }
    assert_eq!(g.send(()), CoroutineState::Complete(()));
    assert_eq!(take_log(), ["after 2", "finally inner", "finally outer"]);
    drop(g);
    assert!(take_log().is_empty());
}

#[coro::coroutine(yield = i32)]
fn cleanup_on_early_return(stop: bool) -> i32 {
    let _guard = Finally("guard");
    yield_!(1);
    if stop {
        return 7;
    }
    yield_!(2);
    8
}

/// test_generators.py, "tutorial_tests" (`return` inside a generator ends it): a `return`
/// runs the pending cleanup before the coroutine completes.
#[test]
fn early_return_runs_cleanup() {
    take_log();
    let mut g = cleanup_on_early_return(true);
    g.send(());
    assert_eq!(g.send(()), CoroutineState::Complete(7));
    assert_eq!(take_log(), ["finally guard"]);
}

// ---- PEP 342: throw, spelled with a Result resume type ----

#[coro::coroutine(yield = i32, resume = Result<i32, String>)]
fn accumulate() -> Result<i32, String> {
    let mut total = 0;
    loop {
        let v = yield_!(total)?;
        if v < 0 {
            return Ok(total);
        }
        total += v;
    }
}

/// PEP 342, "New generator method: throw()": an exception thrown in at the suspension point
/// propagates out if not caught. In `coro`, `yield_!(x)?` with an `Err` resume argument.
#[test]
fn throw_propagates_out_of_the_generator() {
    let mut g = accumulate();
    g.send(Ok(0));
    assert_eq!(g.send(Ok(5)), CoroutineState::Yielded(5));
    assert_eq!(
        g.send(Err("stop".into())),
        CoroutineState::Complete(Err("stop".into()))
    );
}

#[coro::coroutine(yield = &'static str, resume = Result<i32, String>)]
fn catcher() -> u32 {
    let mut caught = 0;
    loop {
        match yield_!("ready") {
            Ok(v) if v < 0 => return caught,
            Ok(_) => {}
            Err(e) => {
                log(format!("caught {e}"));
                caught += 1;
            }
        }
    }
}

/// test_generators.py, "coroutine_tests" (`throw` into a generator that catches it and yields
/// again): handling the error at the suspension point keeps the coroutine running.
#[test]
fn thrown_error_can_be_caught() {
    take_log();
    let mut g = catcher();
    assert_eq!(g.send(Ok(0)), CoroutineState::Yielded("ready"));
    assert_eq!(g.send(Err("e1".into())), CoroutineState::Yielded("ready"));
    assert_eq!(g.send(Ok(3)), CoroutineState::Yielded("ready"));
    assert_eq!(g.send(Err("e2".into())), CoroutineState::Yielded("ready"));
    assert_eq!(g.send(Ok(-1)), CoroutineState::Complete(2));
    assert_eq!(take_log(), ["caught e1", "caught e2"]);
}

// ---- PEP 380: yield from ----

#[coro::coroutine(yield = i32, resume = i32)]
fn inner_adder(start: i32) -> i32 {
    let mut total = start;
    loop {
        let v = yield_!(total);
        if v == 0 {
            return total;
        }
        total += v;
    }
}

#[coro::coroutine(yield = i32, resume = i32)]
fn outer_adder() -> (i32, i32) {
    let a = yield_from!(inner_adder(100));
    let b = yield_from!(inner_adder(a));
    (a, b)
}

/// PEP 380, "Proposal": "Any values that the iterator yields are passed directly to the
/// caller", "Any values sent to the delegating generator using send() are passed directly to
/// the iterator", and "The value of the yield from expression is ... the return value of the
/// subgenerator".
#[test]
fn yield_from_delegates_sends_and_returns_the_value() {
    let mut g = outer_adder();
    assert_eq!(g.send(-1), CoroutineState::Yielded(100));
    assert_eq!(g.send(5), CoroutineState::Yielded(105));
    assert_eq!(g.send(1), CoroutineState::Yielded(106));
    assert_eq!(g.send(0), CoroutineState::Yielded(106)); // first delegate returned 106
    assert_eq!(g.send(4), CoroutineState::Yielded(110));
    assert_eq!(g.send(0), CoroutineState::Complete((106, 110)));
}

#[coro::coroutine(yield = i32)]
fn returns_at_once() -> i32 {
    42
}

#[coro::coroutine(yield = i32)]
fn delegates_to_empty() -> i32 {
    let v = yield_from!(returns_at_once());
    yield_!(v);
    v + 1
}

/// PEP 380, "Formal Semantics": a subgenerator that returns without yielding makes `yield from`
/// evaluate to its value at once, with nothing yielded.
#[test]
fn yield_from_a_generator_that_returns_immediately() {
    let mut it = delegates_to_empty().yields();
    assert_eq!(it.by_ref().collect::<Vec<_>>(), [42]);
    assert_eq!(it.return_value(), Some(&43));
}

#[coro::coroutine(yield = i32, resume = i32)]
fn middle() -> i32 {
    let got = yield_from!(inner_adder(10));
    got * 2
}

#[coro::coroutine(yield = i32, resume = i32)]
fn top() -> i32 {
    let got = yield_from!(middle());
    got + 1
}

/// PEP 380, "Rationale" (refactoring into a chain of subgenerators): sends pass through every
/// level of a delegation chain, and each level gets the return value of the one below.
#[test]
fn sends_pass_through_a_chain_of_delegation() {
    let mut g = top();
    assert_eq!(g.send(0), CoroutineState::Yielded(10));
    assert_eq!(g.send(7), CoroutineState::Yielded(17));
    assert_eq!(g.send(0), CoroutineState::Complete(35));
}

#[coro::coroutine(yield = i32)]
fn inner_with_cleanup() -> i32 {
    let _f = Finally("inner");
    yield_!(1);
    yield_!(2);
    3
}

#[coro::coroutine(yield = i32)]
fn outer_with_cleanup() -> i32 {
    let _f = Finally("outer");
    let v = yield_from!(inner_with_cleanup());
    v
}

/// PEP 380, "Proposal": "If the delegating generator's close() method is called, ... the
/// close() method of the iterator is called" first. Dropping a coroutine suspended inside
/// `yield_from!` drops the delegate's live locals, then its own.
#[test]
fn close_while_delegating_closes_the_subgenerator_first() {
    take_log();
    let mut g = outer_with_cleanup();
    assert_eq!(g.send(()), CoroutineState::Yielded(1));
    drop(g);
    assert_eq!(take_log(), ["finally inner", "finally outer"]);
}

#[coro::coroutine(yield = i32)]
fn panicking_inner() -> i32 {
    yield_!(1);
    panic!("inner failed");
}

#[coro::coroutine(yield = i32)]
fn outer_of_panicking() -> i32 {
    let _f = Finally("outer");
    yield_from!(panicking_inner())
}

/// PEP 380, "Proposal": "Exceptions other than GeneratorExit thrown into the delegating
/// generator are passed to the throw() method of the iterator" and an exception raised in the
/// subgenerator propagates to the delegating generator. A panic in the delegate unwinds through
/// the delegating coroutine, which is then poisoned.
#[test]
fn a_panic_in_the_subgenerator_propagates() {
    take_log();
    let mut g = outer_of_panicking();
    assert_eq!(g.send(()), CoroutineState::Yielded(1));
    assert!(catch_unwind(AssertUnwindSafe(|| g.send(()))).is_err());
    drop(g);
    assert_eq!(take_log(), ["finally outer"]);
    let mut g = outer_of_panicking();
    g.send(());
    let _ = catch_unwind(AssertUnwindSafe(|| g.send(())));
    assert!(catch_unwind(AssertUnwindSafe(|| g.send(()))).is_err());
}

/// A coroutine used through the trait object and `Pin`, as Python code holds any generator.
#[test]
fn generators_are_first_class_values() {
    let mut gens: Vec<Box<dyn Coroutine<(), Yield = i32, Return = &'static str> + Unpin>> =
        vec![Box::new(two()), Box::new(two())];
    let mut out = Vec::new();
    for g in gens.iter_mut() {
        out.push(g.send(()));
    }
    assert_eq!(
        out,
        [CoroutineState::Yielded(1), CoroutineState::Yielded(1)]
    );
}
