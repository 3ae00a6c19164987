//! Issue 19.1: a binding made by a `for` pattern, a `match` arm, `if let`, `while let`,
//! `let … else` or a closure parameter that has the name of a local the state saves must not
//! touch that local. Traces recorded from rustc's coroutines by
//! `scripts/record-native-traces.py tests/native_traces/bindings.rs`.

// Written the way users write it (reborrows, `format!`), and `|| f()` for the trace recorder.
#![allow(
    clippy::redundant_closure,
    clippy::useless_format,
    clippy::borrow_deref_ref
)]

use super::{check, log};

struct B(&'static str);

impl Drop for B {
    fn drop(&mut self) {
        log(format!("drop {}", self.0));
    }
}

#[coro::coroutine(yield = u8, resume = u8)]
fn for_pattern(p: u8) -> u8 {
    let x = 100;
    for x in p..p + 2 {
        let r = yield_!(x);
        log(format!("inner {x} {r}"));
    }
    x
}

#[coro::coroutine(yield = u8, resume = u8)]
fn for_pattern_of_another_type() -> u8 {
    let x = 100u8;
    for x in ["a", "bb"] {
        yield_!(x.len() as u8);
        log(format!("inner {x}"));
    }
    x
}

#[coro::coroutine(yield = u8, resume = u8)]
fn match_arms_with_guards(o: Option<u8>) -> u8 {
    let x = B("outer");
    let n = match o {
        Some(x) if x > 5 => yield_!(x),
        Some(x) => {
            yield_!(x + 1);
            log(format!("small {x}"));
            x
        }
        None => 0,
    };
    log(format!("{} {n}", x.0));
    n
}

#[coro::coroutine(yield = u8, resume = u8)]
fn or_patterns_and_tuples(r: Result<u8, u8>) -> u8 {
    let (x, y) = (10, 20);
    match r {
        Ok(x) | Err(x) => {
            yield_!(x);
        }
    }
    for (x, y) in [(1, 2), (3, 4)] {
        yield_!(x + y);
    }
    x + y
}

#[coro::coroutine(yield = u8, resume = u8)]
fn if_let_and_while_let(o: Option<u8>, mut v: Vec<u8>) -> u8 {
    let x = B("kept");
    if let Some(x) = o {
        yield_!(x);
    }
    while let Some(x) = v.pop() {
        let r = yield_!(x);
        log(format!("popped {x} {r}"));
    }
    log(x.0);
    v.len() as u8
}

#[coro::coroutine(yield = u8, resume = u8)]
fn let_else_and_closure_parameters(o: Option<u8>) -> u8 {
    let x = 100;
    let double = |x: u8| x * 2;
    {
        let Some(x) = o else {
            return x;
        };
        yield_!(double(x));
    }
    x
}

#[coro::coroutine(yield = u8, resume = u8)]
fn formatted_inner_binding(p: u8) -> u8 {
    let x = B("outer");
    for x in p..p + 2 {
        log(format!("at {x}"));
        yield_!(x);
        log(format!("after {x:?}"));
    }
    log(format!("{}", x.0));
    1
}

#[coro::coroutine(yield = u8, resume = u8)]
fn let_else_with_a_yield_in_its_else(p: u8, kept: B) -> u8 {
    {
        let Some(p) = (p + p).checked_sub(1) else {
            yield_!(p);
            return 0;
        };
        log(format!("inner {p}"));
    }
    log(format!("outer {p} {}", kept.0));
    p
}

#[coro::coroutine(yield = u8, resume = u8)]
fn if_let_shadowing_a_parameter_moved_in_else(p: u8, dp: B) -> u8 {
    let v = {
        if let Some(dp) = p.checked_sub(1) {
            yield_!(dp);
        } else {
            drop(dp);
        }
        p
    };
    v
}

impl B {
    fn len(&self) -> u8 {
        self.0.len() as u8
    }
}

/// `let … else`'s initialiser drops its temporaries before the `else` block runs (difftest
/// seed 4294967343: they were dropped after it).
#[coro::coroutine(yield = u8, resume = u8)]
fn let_else_temporaries_before_a_yielding_else(p: u8) -> u8 {
    let Some(n) = B("init").len().checked_sub(p) else {
        log("else");
        yield_!(0);
        return 0;
    };
    n
}

// --- tests ---

#[test]
fn an_if_let_binding_shadowing_a_parameter_moved_in_the_else_branch() {
    check(
        || if_let_shadowing_a_parameter_moved_in_else(3, B("dp")),
        &[(&[0, 1], 99, &["yield 2", "drop dp", "return 3"])],
    );
    check(
        || if_let_shadowing_a_parameter_moved_in_else(0, B("dp")),
        &[(&[0, 1], 99, &["drop dp", "return 0"])],
    );
}

#[test]
fn a_let_else_binding_with_a_yield_in_its_else_does_not_touch_the_saved_local() {
    check(
        || let_else_with_a_yield_in_its_else(5, B("kept")),
        &[(
            &[0, 1],
            99,
            &["inner 9", "outer 5 kept", "drop kept", "return 5"],
        )],
    );
    check(
        || let_else_with_a_yield_in_its_else(0, B("kept")),
        &[(&[0, 1], 99, &["yield 0", "drop kept", "return 0"])],
    );
}

#[test]
fn a_for_pattern_does_not_touch_the_saved_local() {
    check(
        || for_pattern(3),
        &[
            (
                &[0, 1, 2, 3],
                99,
                &["yield 3", "inner 3 1", "yield 4", "inner 4 2", "return 100"],
            ),
            (&[0, 1], 1, &["yield 3", "dropping"]),
        ],
    );
    check(
        || for_pattern_of_another_type(),
        &[(
            &[0, 0, 0],
            99,
            &["yield 1", "inner a", "yield 2", "inner bb", "return 100"],
        )],
    );
}

#[test]
fn match_arm_bindings_do_not_touch_the_saved_local() {
    check(
        || match_arms_with_guards(Some(7)),
        &[(
            &[0, 4],
            99,
            &["yield 7", "outer 4", "drop outer", "return 4"],
        )],
    );
    check(
        || match_arms_with_guards(Some(2)),
        &[
            (
                &[0, 4],
                99,
                &["yield 3", "small 2", "outer 2", "drop outer", "return 2"],
            ),
            (&[0], 1, &["yield 3", "drop outer"]),
        ],
    );
    check(
        || or_patterns_and_tuples(Err(5)),
        &[(
            &[0, 0, 0, 0],
            99,
            &["yield 5", "yield 3", "yield 7", "return 30"],
        )],
    );
}

#[test]
fn if_let_and_while_let_bindings_do_not_touch_the_saved_local() {
    check(
        || if_let_and_while_let(Some(9), vec![1, 2]),
        &[
            (
                &[0, 5, 6, 7],
                99,
                &[
                    "yield 9",
                    "yield 2",
                    "popped 2 6",
                    "yield 1",
                    "popped 1 7",
                    "kept",
                    "drop kept",
                    "return 0",
                ],
            ),
            (&[0, 5], 2, &["yield 9", "yield 2", "drop kept"]),
        ],
    );
}

#[test]
fn let_else_and_closure_parameters_do_not_touch_the_saved_local() {
    check(
        || let_else_and_closure_parameters(Some(4)),
        &[(&[0, 1], 99, &["yield 8", "return 100"])],
    );
    check(
        || let_else_and_closure_parameters(None),
        &[(&[0], 99, &["return 100"])],
    );
}

#[test]
fn a_renamed_binding_captured_by_a_format_string() {
    check(
        || formatted_inner_binding(5),
        &[(
            &[0, 1, 2],
            99,
            &[
                "at 5",
                "yield 5",
                "after 5",
                "at 6",
                "yield 6",
                "after 6",
                "outer",
                "drop outer",
                "return 1",
            ],
        )],
    );
}

#[test]
fn let_else_drops_its_initialisers_temporaries_before_the_else_block() {
    check(
        || let_else_temporaries_before_a_yielding_else(9),
        &[(&[0, 1], 99, &["drop init", "else", "yield 0", "return 0"])],
    );
    check(
        || let_else_temporaries_before_a_yielding_else(1),
        &[(&[0], 99, &["drop init", "return 3"])],
    );
}
