//! The semantics of DESIGN.md section 3: drops, completion, panics and poisoning, priming,
//! cloning, auto traits.

mod common;
use common::*;

use std::panic::{catch_unwind, AssertUnwindSafe};

use coro::{Coroutine, CoroutineExt, CoroutineState};

#[coro::coroutine(yield = u8)]
fn scopes() {
    let a = Noisy("a");
    {
        let b = Noisy("b");
        yield_!(1);
        log(format!("using {}", b.name()));
    }
    log("after inner scope");
    yield_!(2);
    let c = Noisy("c");
    yield_!(3);
    log(format!("end with {} {}", a.name(), c.name()));
}

#[test]
fn locals_are_dropped_where_their_scope_ends() {
    assert_eq!(
        run(scopes()),
        [
            "yield 1",
            "using b",
            "drop b",
            "after inner scope",
            "yield 2",
            "yield 3",
            "end with a c",
            "drop c",
            "drop a",
            "return ()"
        ]
    );
}

#[test]
fn dropping_a_suspended_coroutine_drops_its_live_locals_in_reverse_order() {
    let mut c = scopes();
    c.send(());
    log("suspended at 1");
    drop(c);
    assert_eq!(take(), ["suspended at 1", "drop b", "drop a"]);

    let mut c = scopes();
    for _ in 0..3 {
        c.send(());
    }
    log("suspended at 3");
    drop(c);
    assert_eq!(
        take(),
        [
            "using b",
            "drop b",
            "after inner scope",
            "suspended at 3",
            "drop c",
            "drop a"
        ]
    );
}

#[test]
fn a_coroutine_never_resumed_drops_its_arguments() {
    #[coro::coroutine(yield = u8)]
    fn holds(n: Noisy, m: Noisy) {
        yield_!(n.name().len() as u8 + m.name().len() as u8);
    }
    drop(holds(Noisy("n"), Noisy("m")));
    let mut got = take();
    got.sort();
    assert_eq!(got, ["drop m", "drop n"]);
}

#[coro::coroutine(yield = &'static str)]
fn moves() {
    let a = Noisy("moved");
    let keep = Noisy("kept");
    drop(a);
    yield_!("after move");
    let b = Noisy("consumed");
    consume(b);
    yield_!(keep.name());
}

fn consume(n: Noisy) {
    log(format!("consume {}", n.name()));
}

#[test]
fn moved_locals_are_dropped_once() {
    assert_eq!(
        run(moves()),
        [
            "drop moved",
            "yield \"after move\"",
            "consume consumed",
            "drop consumed",
            "yield \"kept\"",
            "drop kept",
            "return ()"
        ]
    );
}

#[coro::coroutine(yield = &'static str)]
fn shadowing_drops() {
    let x = Noisy("x1");
    let y = Noisy("y");
    let x = Noisy(if x.name() == "x1" { "x2" } else { "?" });
    yield_!(x.name());
    log(format!("{} {}", x.name(), y.name()));
}

#[test]
fn shadowed_locals_live_to_the_end_of_their_scope() {
    assert_eq!(
        run(shadowing_drops()),
        [
            "yield \"x2\"",
            "x2 y",
            "drop x2",
            "drop y",
            "drop x1",
            "return ()"
        ]
    );
}

#[test]
fn first_resume_argument_is_not_seen() {
    #[coro::coroutine(yield = i32, resume = i32)]
    fn first() -> i32 {
        yield_!(0)
    }
    let mut c = first();
    assert_eq!(c.send(111), CoroutineState::Yielded(0));
    assert_eq!(c.send(2), CoroutineState::Complete(2));
}

#[coro::coroutine(yield = u8)]
fn two() {
    yield_!(1);
}

#[test]
fn resuming_after_completion_panics_with_a_clear_message() {
    let mut c = two();
    c.send(());
    assert_eq!(c.send(()), CoroutineState::Complete(()));
    let err = catch_unwind(AssertUnwindSafe(|| c.send(()))).unwrap_err();
    let msg = err.downcast_ref::<&str>().copied().unwrap_or_default();
    assert_eq!(msg, "coroutine resumed after completion");
}

#[test]
fn an_exhausted_iterator_keeps_returning_none() {
    let mut it = two();
    assert_eq!(it.next(), Some(1));
    assert_eq!(it.next(), None);
    assert_eq!(it.next(), None);
}

#[coro::coroutine(yield = u8, resume = bool)]
fn may_panic() {
    let guard = Noisy("guard");
    let fail = yield_!(1);
    if fail {
        panic!("boom");
    }
    yield_!(2);
    log(guard.name());
}

#[test]
fn a_panic_propagates_drops_the_live_locals_and_poisons() {
    let mut c = may_panic();
    c.send(false);
    let err = catch_unwind(AssertUnwindSafe(|| c.send(true))).unwrap_err();
    assert_eq!(err.downcast_ref::<&str>(), Some(&"boom"));
    assert_eq!(take(), ["drop guard"]);
    let err = catch_unwind(AssertUnwindSafe(|| c.send(false))).unwrap_err();
    let msg = err.downcast_ref::<&str>().copied().unwrap_or_default();
    assert_eq!(
        msg, "coroutine resumed after panicking",
        "the same words as rustc's coroutines"
    );
    drop(c);
    assert!(take().is_empty(), "nothing is dropped twice");
}

#[coro::coroutine(yield = u32, clone)]
fn counter(start: u32) {
    let mut n = start;
    loop {
        yield_!(n);
        n += 1;
    }
}

#[test]
fn clone_forks_a_suspended_coroutine() {
    let mut a = counter(10);
    assert_eq!(a.next(), Some(10));
    assert_eq!(a.next(), Some(11));
    let mut b = a.clone();
    assert_eq!(a.next(), Some(12));
    assert_eq!(a.next(), Some(13));
    assert_eq!(
        b.next(),
        Some(12),
        "the fork resumes from where it was cloned"
    );
}

fn assert_send<T: Send>(_: &T) {}
fn assert_unpin<T: Unpin>(_: &T) {}

#[test]
fn auto_traits_follow_the_saved_state() {
    #[coro::coroutine(yield = u8)]
    fn pinned_inside() {
        let p = std::marker::PhantomPinned;
        yield_!(1);
        let _still_here = p;
    }
    let c = counter(0);
    assert_send(&c);
    assert_unpin(&c);
    // Nothing in the state is ever pinned, so a coroutine is Unpin whatever it holds.
    assert_unpin(&pinned_inside());
}

#[test]
fn the_trait_is_implemented_for_references_boxes_and_pins() {
    let mut c = counter(0);
    let r: &mut (dyn Coroutine<Yield = u32, Return = ()> + Unpin) = &mut c;
    let mut r = r;
    assert_eq!(
        std::pin::Pin::new(&mut r).resume(()),
        CoroutineState::Yielded(0)
    );
    let mut boxed: Box<dyn Coroutine<Yield = u32, Return = ()> + Unpin> = Box::new(counter(5));
    assert_eq!(boxed.send(()), CoroutineState::Yielded(5));
    let mut pinned = Box::pin(counter(7));
    assert_eq!(pinned.as_mut().resume(()), CoroutineState::Yielded(7));
    assert_eq!(pinned.send(()), CoroutineState::Yielded(8));
}

#[coro::coroutine(yield = &'static str, resume = &'static str)]
fn temporaries() {
    yield_!(Noisy("in yield").name());
    log("after first");
    let v = [Noisy("kept").name(), yield_!(Noisy("operand").name())];
    log(format!("built {}", v.len()));
}

#[test]
fn temporaries_live_to_the_end_of_their_statement_across_a_yield() {
    // As with rustc's coroutines: a statement's temporaries are dropped when it ends, after the
    // coroutine was resumed.
    assert_eq!(
        drive(temporaries(), ["x"; 3]),
        [
            "yield \"in yield\"",
            "drop in yield",
            "after first",
            "yield \"operand\"",
            "drop operand",
            "drop kept",
            "built 2",
            "return ()"
        ]
    );
}

#[coro::coroutine(yield = &'static str)]
fn nested_shadow() {
    let x = Noisy("outer");
    {
        let x = Noisy("inner");
        yield_!(x.name());
        log("inner scope ends");
    }
    yield_!(x.name());
    for i in 0..2 {
        let x = i;
        yield_!(if x == 0 { "zero" } else { "one" });
    }
    log(format!("still {}", x.name()));
}

#[test]
fn a_shadowed_outer_local_survives_the_inner_scope() {
    assert_eq!(
        run(nested_shadow()),
        [
            "yield \"inner\"",
            "inner scope ends",
            "drop inner",
            "yield \"outer\"",
            "yield \"zero\"",
            "yield \"one\"",
            "still outer",
            "drop outer",
            "return ()"
        ]
    );
}

impl Noisy {
    fn items(&self) -> Vec<u8> {
        vec![1, 2]
    }
}

#[coro::coroutine(yield = &'static str)]
fn scrutinee_temporaries() {
    match Noisy("scrutinee").name() {
        "scrutinee" => {
            yield_!("in arm");
            log("arm ends");
        }
        _ => {}
    }
    log("after match");
    for i in Noisy("iterable").items() {
        yield_!(if i == 1 { "one" } else { "two" });
    }
    log("after for");
}

#[test]
fn match_and_for_temporaries_live_to_the_end_of_the_construct() {
    // The same trace as rustc's coroutines give for this body.
    assert_eq!(
        run(scrutinee_temporaries()),
        [
            "yield \"in arm\"",
            "arm ends",
            "drop scrutinee",
            "after match",
            "yield \"one\"",
            "yield \"two\"",
            "drop iterable",
            "after for",
            "return ()"
        ]
    );
}

fn explode(n: u8) -> u8 {
    if n == 2 {
        panic!("explode");
    }
    n
}

#[coro::coroutine(yield = u8)]
fn panics_in_yield_value() {
    yield_!(explode(1));
    yield_!(explode(2));
}

#[test]
fn a_panic_while_computing_a_yielded_value_poisons() {
    let mut c = panics_in_yield_value();
    assert_eq!(c.send(()), CoroutineState::Yielded(1));
    assert!(catch_unwind(AssertUnwindSafe(|| c.send(()))).is_err());
    let err = catch_unwind(AssertUnwindSafe(|| c.send(()))).unwrap_err();
    assert_eq!(
        err.downcast_ref::<&str>(),
        Some(&"coroutine resumed after panicking")
    );
}
