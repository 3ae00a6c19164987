//! Issue 19.6, continued: a local with a drop flag that is moved before a yield and assigned
//! again on some paths after it (difftest seed 489626272646: E0381, a false rejection). Its
//! flag is down where the state resumes, and up again where it is assigned; the next state
//! keeps it either way. A `let … else` binding takes a flag of its own too (seed
//! 597000454911: it was dropped at the yield). Traces recorded from rustc's coroutines by
//! `scripts/record-native-traces.py tests/native_traces/flag_reassigned.rs`.

#![allow(clippy::useless_format)]

use super::{check, log};

struct F(&'static str);

impl Drop for F {
    fn drop(&mut self) {
        log(format!("drop {}", self.0));
    }
}

fn consume(f: F) -> u8 {
    log(format!("consume {}", f.0));
    f.0.len() as u8
}

#[coro::coroutine(yield = u8, resume = u8)]
fn reassigned_after_its_move(c: u8) -> u8 {
    let mut f = F("first");
    if c > 0 {
        if yield_!(consume(f)) > 5 {
            log("kept moved");
        } else {
            f = F("second");
        }
    }
    yield_!(1);
    log("end");
    0
}

/// A local moved on one path only, whose method takes it by `&mut` with itself in the
/// arguments (`v.push(v.len())`, a two-phase borrow): it keeps no drop flag, since the flag's
/// `(*v).push((*v).len())` would not compile (seed 575525617857: E0502, a false rejection).
#[coro::coroutine(yield = u8, resume = u8)]
fn receiver_in_its_own_arguments(c: u8) -> u8 {
    let mut v: Vec<u8> = Vec::new();
    v.push(v.len() as u8 + c);
    if c > 5 {
        let n: u8 = v.into_iter().sum();
        yield_!(n);
        n
    } else {
        0
    }
}

fn opt(f: F) -> Option<F> {
    Some(f)
}

/// A `let … else` binding moved on some paths only keeps a drop flag of its own (wrapped once
/// bound), also when the initialiser yields (seed 597000454911).
#[coro::coroutine(yield = u8, resume = u8)]
fn let_else_bindings(c: u8) -> u8 {
    let Some(a) = opt(F("a")) else {
        return 0;
    };
    let n = if c == 0 { consume(a) } else { 1 };
    yield_!(n);
    let Some(b) = opt(F(if yield_!(2) > 0 { "b" } else { "b0" })) else {
        return 0;
    };
    if c == 1 {
        consume(b);
    }
    yield_!(3);
    n
}

/// A flagged local read and then moved inside one macro's arguments (`vec![f(a.0), …,
/// consume(a)]`): the read stays a read (seed 648540061924: the drop-flag rewrite took the
/// address of an expression in a parse it had dropped for a move site, and the read panicked
/// "used after its move").
#[coro::coroutine(yield = u8, resume = u8)]
fn read_then_moved_in_a_macro(c: u8) -> u8 {
    let a = F("a");
    if c == 0 {
        yield_!(1);
    } else {
        let v = vec![a.0.len() as u8, 0, consume(a)];
        log(format!("v {}", v[0] + v[2]));
    }
    yield_!(2);
    c
}

// --- tests ---

#[test]
fn a_flagged_local_assigned_again_after_its_move() {
    check(
        || reassigned_after_its_move(1),
        &[
            (
                &[0, 9, 0],
                99,
                &[
                    "consume first",
                    "drop first",
                    "yield 5",
                    "kept moved",
                    "yield 1",
                    "end",
                    "return 0",
                ],
            ),
            (
                &[0, 1, 0],
                99,
                &[
                    "consume first",
                    "drop first",
                    "yield 5",
                    "yield 1",
                    "end",
                    "drop second",
                    "return 0",
                ],
            ),
            (
                &[0, 1],
                1,
                &["consume first", "drop first", "yield 5", "dropping"],
            ),
            (
                &[0, 1],
                2,
                &[
                    "consume first",
                    "drop first",
                    "yield 5",
                    "yield 1",
                    "drop second",
                ],
            ),
        ],
    );
    check(
        || reassigned_after_its_move(0),
        &[(&[0, 0], 99, &["yield 1", "end", "drop first", "return 0"])],
    );
}

#[test]
fn a_receiver_used_in_its_own_arguments_keeps_its_two_phase_borrow() {
    check(
        || receiver_in_its_own_arguments(9),
        &[(&[0, 1], 99, &["yield 9", "return 9"])],
    );
    check(
        || receiver_in_its_own_arguments(1),
        &[(&[0], 99, &["return 0"])],
    );
}

#[test]
fn let_else_bindings_keep_drop_flags() {
    check(
        || let_else_bindings(0),
        &[
            (
                &[0, 1, 1, 1],
                99,
                &[
                    "consume a",
                    "drop a",
                    "yield 1",
                    "yield 2",
                    "yield 3",
                    "drop b",
                    "return 1",
                ],
            ),
            (
                &[0, 1, 1],
                1,
                &["consume a", "drop a", "yield 1", "dropping"],
            ),
        ],
    );
    check(
        || let_else_bindings(1),
        &[
            (
                &[0, 1, 1, 1],
                99,
                &[
                    "yield 1",
                    "yield 2",
                    "consume b",
                    "drop b",
                    "yield 3",
                    "drop a",
                    "return 1",
                ],
            ),
            (&[0, 1, 1], 1, &["yield 1", "dropping", "drop a"]),
        ],
    );
    check(
        || let_else_bindings(2),
        &[
            (
                &[0, 1, 1, 1],
                99,
                &[
                    "yield 1", "yield 2", "yield 3", "drop b", "drop a", "return 1",
                ],
            ),
            (&[0, 1, 1], 1, &["yield 1", "dropping", "drop a"]),
        ],
    );
}

#[test]
fn a_flagged_local_read_then_moved_in_a_macros_arguments() {
    check(
        || read_then_moved_in_a_macro(0),
        &[
            (
                &[0, 1, 1],
                99,
                &["yield 1", "yield 2", "drop a", "return 0"],
            ),
            (&[0, 1], 1, &["yield 1", "dropping", "drop a"]),
        ],
    );
    check(
        || read_then_moved_in_a_macro(1),
        &[
            (
                &[0, 1, 1],
                99,
                &["consume a", "drop a", "v 2", "yield 2", "return 1"],
            ),
            (&[0], 1, &["consume a", "drop a", "v 2", "yield 2"]),
        ],
    );
}
