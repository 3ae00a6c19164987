//! Temporaries whose drop waits for a yield, as in rustc's coroutines. Found by coro-difftest
//! (program seed 442381631500, reduced, with the drop-temp feature): the temporaries of an
//! `if let` scrutinee live through the then-block's yields to the end of the `if let` (in this
//! crate's edition, 2021, also through the `else`), as a `match`'s do; they were dropped at the
//! first yield of the branch. Traces recorded from rustc's coroutines by
//! `scripts/record-native-traces.py tests/native_traces/temporaries.rs`.

#![allow(clippy::useless_format)]

use super::{check, log};

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
