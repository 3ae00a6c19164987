//! Temporaries whose drop waits for a yield, as in rustc's coroutines. Found by coro-difftest
//! (program seed 442381631500, reduced, with the drop-temp feature): the temporaries of an
//! `if let` scrutinee live through the then-block's yields to the end of the `if let` (in this
//! crate's edition, 2021, also through the `else`), as a `match`'s do; they were dropped at the
//! first yield of the branch. Traces recorded from rustc's coroutines by
//! `scripts/record-native-traces.py tests/native_traces/temporaries.rs`.

#![allow(clippy::useless_format)]

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
}

impl Drop for D {
    fn drop(&mut self) {
        log(format!("drop {}", self.0));
    }
}

fn opt(v: u8) -> Option<u8> {
    Some(v)
}

#[coro::coroutine(yield = u8, resume = u8)]
fn if_let_scrutinee_temporaries(p: u8) -> u8 {
    if let Some(x) = opt(D::new(30, p).get()) {
        yield_!(x);
    }
    if let Some(9) = opt(D::new(31, p).get()) {
        yield_!(1);
    } else {
        log("else");
        yield_!(2);
    }
    0
}

/// Before edition 2024 (this crate is 2021), `{ e }` and `unsafe { e }` keep the temporaries of
/// `e` to the end of the enclosing statement, past a later yield (seeds 442381631501,
/// 442381631534, 450971566131); `format!` and `eprintln!` drop their arguments' temporaries when they return
/// (seed 450971566089).
#[coro::coroutine(yield = u8, resume = u8)]
fn tail_and_format_temporaries(p: u8) -> u8 {
    let w = [{ D::new(40, p).get() }, yield_!(1)];
    log(format!("w {w:?}"));
    log(format!("{}", D::new(41, p).get() + yield_!(2)));
    eprintln!("{}", D::new(42, p).get() + yield_!(3));
    let n = ident(unsafe { unsafe_get(D::new(43, yield_!(4)).get()) });
    yield_!(unsafe { unsafe_get(D::new(44, p).get()) });
    n + w[0]
}

fn ident(n: u8) -> u8 {
    log(format!("ident {n}"));
    n
}

/// # Safety
/// None needed: `unsafe` only to have an unsafe call in the body.
unsafe fn unsafe_get(n: u8) -> u8 {
    n
}

// --- tests ---

#[test]
fn if_let_scrutinee_temporaries_live_through_its_branches() {
    check(
        || if_let_scrutinee_temporaries(4),
        &[
            (
                &[0, 0, 0],
                99,
                &[
                    "new 30 4", "yield 4", "drop 30", "new 31 4", "else", "yield 2", "drop 31",
                    "return 0",
                ],
            ),
            (&[0, 0], 1, &["new 30 4", "yield 4", "dropping", "drop 30"]),
        ],
    );
}

#[test]
fn block_tails_and_format_arguments_keep_rustcs_temporary_scopes() {
    check(
        || tail_and_format_temporaries(5),
        &[
            (
                &[0, 1, 2, 3, 4],
                99,
                &[
                    "new 40 5", "yield 1", "drop 40", "w [5, 1]", "new 41 5", "yield 2", "drop 41",
                    "7", "new 42 5", "yield 3", "drop 42", "yield 4", "new 43 4", "ident 4",
                    "drop 43", "new 44 5", "yield 5", "drop 44",
                ],
            ),
            (&[0, 1], 1, &["new 40 5", "yield 1", "dropping", "drop 40"]),
        ],
    );
}
