//! A call's operands computed but not yet passed (a receiver, a tuple's first element) are
//! dropped before the statement's temporaries when the statement is left early (a `?`, a
//! `return`) or the coroutine is dropped at one of its yields: rustc keeps them in a scope
//! inside the statement's (difftest seed 562640716162: they were dropped after). Traces
//! recorded from rustc's coroutines by
//! `scripts/record-native-traces.py tests/native_traces/pending_operands.rs`.

#![allow(
    clippy::useless_format,
    clippy::manual_unwrap_or,
    clippy::manual_unwrap_or_default
)]

use super::{check, log};

// The same `D` as tests/native_traces.rs: each module is self-contained for the recorder.
struct D(u8, u8);

impl D {
    fn new(id: u8, v: u8) -> D {
        log(format!("new {id} {v}"));
        D(id, v)
    }
    fn get(&self) -> u8 {
        self.1
    }
    fn add(self, n: u8) -> u8 {
        log(format!("add {} {n}", self.0));
        self.1 + n
    }
}

impl Drop for D {
    fn drop(&mut self) {
        log(format!("drop {}", self.0));
    }
}

fn ident(n: u8) -> u8 {
    log(format!("ident {n}"));
    n
}

/// Each statement has a call whose receiver waits while a later operand yields (and, in the
/// last, returns early).
#[coro::coroutine(yield = u8, resume = u8)]
fn pending_operands(p: u8) -> u8 {
    let a = D::new(1, p).add(ident(D::new(2, p).get()) + yield_!(1));
    log(format!("a {a}"));
    let t = (D::new(3, p), D::new(4, p).get(), yield_!(2)).1;
    log(format!("t {t}"));
    D::new(5, p).add(
        ident(D::new(6, p).get()) + {
            let n = yield_!(3);
            if n > 10 {
                return 0;
            }
            n
        },
    )
}

/// An index that runs code is computed before the temporaries that follow it in the
/// statement are made, which then live past the statement's yield (seed 566935683486).
#[coro::coroutine(yield = u8, resume = u8)]
fn index_then_temporary(p: u8) -> u8 {
    let v = [1u8, 2, 3];
    let m = v[ident(p) as usize % 3].max(D::new(7, p).get());
    if let Some(x) = Some(v[ident(p) as usize % 3].max(D::new(8, p).get())) {
        yield_!(x);
    }
    m
}

/// A `match` in an operand keeps its scrutinee's temporaries to the end of the statement, past
/// a later operand's yield (seed 566935683530).
#[coro::coroutine(yield = u8, resume = u8)]
fn match_in_an_operand(p: u8) -> u8 {
    let v = (match Some(D::new(9, p).get()) {
        Some(x) => x,
        None => 0,
    })
    .wrapping_add(yield_!(3));
    v
}

/// A receiver computed by code comes before its argument's temporaries, which live past the
/// statement's yield (seed 579820585066).
#[coro::coroutine(yield = u8, resume = u8)]
fn receiver_then_argument_temporary(p: u8) -> u8 {
    yield_!(((D::new(10, p).get()) as u16).wrapping_sub(D::new(11, p).get() as u16) as u8);
    0
}

// --- tests ---

#[test]
fn pending_operands_are_dropped_before_the_statements_temporaries() {
    check(
        || pending_operands(1),
        &[
            (
                &[0, 1, 2, 3],
                99,
                &[
                    "new 1 1", "new 2 1", "ident 1", "yield 1", "add 1 2", "drop 1", "drop 2",
                    "a 3", "new 3 1", "new 4 1", "yield 2", "drop 3", "drop 4", "t 1", "new 5 1",
                    "new 6 1", "ident 1", "yield 3", "add 5 4", "drop 5", "drop 6", "return 5",
                ],
            ),
            (
                &[0, 1, 2, 30],
                99,
                &[
                    "new 1 1", "new 2 1", "ident 1", "yield 1", "add 1 2", "drop 1", "drop 2",
                    "a 3", "new 3 1", "new 4 1", "yield 2", "drop 3", "drop 4", "t 1", "new 5 1",
                    "new 6 1", "ident 1", "yield 3", "drop 5", "drop 6", "return 0",
                ],
            ),
            (
                &[0, 1],
                1,
                &[
                    "new 1 1", "new 2 1", "ident 1", "yield 1", "dropping", "drop 1", "drop 2",
                ],
            ),
            (
                &[0, 1],
                2,
                &[
                    "new 1 1", "new 2 1", "ident 1", "yield 1", "add 1 2", "drop 1", "drop 2",
                    "a 3", "new 3 1", "new 4 1", "yield 2", "drop 3", "drop 4",
                ],
            ),
        ],
    );
}

#[test]
fn an_index_that_runs_code_comes_before_later_temporaries() {
    check(
        || index_then_temporary(1),
        &[
            (
                &[0, 1],
                99,
                &[
                    "ident 1", "new 7 1", "drop 7", "ident 1", "new 8 1", "yield 2", "drop 8",
                    "return 2",
                ],
            ),
            (
                &[0],
                1,
                &[
                    "ident 1", "new 7 1", "drop 7", "ident 1", "new 8 1", "yield 2", "drop 8",
                ],
            ),
        ],
    );
}

#[test]
fn a_match_in_an_operand_keeps_its_scrutinees_temporaries() {
    check(
        || match_in_an_operand(1),
        &[
            (&[0, 1], 99, &["new 9 1", "yield 3", "drop 9", "return 2"]),
            (&[0], 1, &["new 9 1", "yield 3", "drop 9"]),
        ],
    );
}

#[test]
fn a_computed_receiver_comes_before_its_arguments_temporaries() {
    check(
        || receiver_then_argument_temporary(1),
        &[
            (
                &[0, 1],
                99,
                &[
                    "new 10 1", "new 11 1", "yield 0", "drop 11", "drop 10", "return 0",
                ],
            ),
            (
                &[0],
                1,
                &["new 10 1", "new 11 1", "yield 0", "drop 11", "drop 10"],
            ),
        ],
    );
}
