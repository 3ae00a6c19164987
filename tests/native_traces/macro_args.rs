//! Issue 19.9: yields inside the arguments of std's expression macros (`format!`, `write!`,
//! `vec!`, `assert!`, `assert_eq!`, `matches!`), lowered in order like a call's arguments, with
//! format strings and inline captures kept as written. Traces recorded from rustc's coroutines
//! by `scripts/record-native-traces.py tests/native_traces/macro_args.rs`.

#![allow(
    clippy::redundant_closure,
    clippy::useless_format,
    clippy::borrow_deref_ref
)]

use super::{check, log};

#[coro::coroutine(yield = u8, resume = u8)]
fn formatted(p: u8) -> u8 {
    let a = p;
    log(format!("got {} and {a}", yield_!(a)));
    // (`write!(s, …, yield_!(x))`, and two yields in one `format!`, are refused by rustc: the
    // macro borrows `s` or the first value across the yield.)
    let s = format!("{}-{a}", yield_!(a + 2));
    log(s);
    let v = vec![a, yield_!(3), 4];
    let w = vec![yield_!(5); 2];
    assert!(yield_!(6) < 200, "resumed with {}", a);
    assert_eq!(yield_!(7), 70, "{a}");
    let m = matches!(yield_!(8), 80 | 81);
    log(format!("{v:?} {w:?} {m}"));
    v.len() as u8 + w[0]
}

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

/// The temporaries of `vec!`'s elements, `matches!`'s scrutinee and a labelled block's tail
/// (before edition 2024) live to the end of the statement, past its yield (seeds 489626271904,
/// 489626272678); an assertion's message is made only when it fails.
#[coro::coroutine(yield = u8, resume = u8)]
#[allow(unused_labels)]
fn argument_temporaries(p: u8) -> u8 {
    yield_!(vec![D::new(1, p).get(), 0, p][1]);
    log("after vec");
    yield_!(matches!(D::new(2, p).get(), 1 | 2) as u8);
    log("after matches");
    let t = yield_!('b: { D::new(3, p).get() });
    log("after block");
    assert!(
        D::new(4, p).get() < yield_!(t) + 9,
        "{}",
        D::new(5, p).get()
    );
    log("after assert");
    0
}

// --- tests ---

#[test]
fn yields_in_the_arguments_of_formatting_and_assertion_macros() {
    check(
        || formatted(1),
        &[
            (
                &[0, 10, 20, 30, 40, 50, 70, 80],
                99,
                &[
                    "yield 1",
                    "got 10 and 1",
                    "yield 3",
                    "20-1",
                    "yield 3",
                    "yield 5",
                    "yield 6",
                    "yield 7",
                    "yield 8",
                    "[1, 30, 4] [40, 40] true",
                    "return 43",
                ],
            ),
            (
                &[0, 10, 20, 30, 40, 50, 71],
                99,
                &[
                    "yield 1",
                    "got 10 and 1",
                    "yield 3",
                    "20-1",
                    "yield 3",
                    "yield 5",
                    "yield 6",
                    "yield 7",
                    "panicked",
                ],
            ),
            (
                &[0, 10, 20],
                2,
                &["yield 1", "got 10 and 1", "yield 3", "dropping"],
            ),
        ],
    );
}

#[test]
fn argument_temporaries_live_to_the_end_of_the_statement() {
    check(
        || argument_temporaries(3),
        &[
            (
                &[0, 1, 2, 3, 4],
                99,
                &[
                    "new 1 3",
                    "yield 0",
                    "drop 1",
                    "after vec",
                    "new 2 3",
                    "yield 0",
                    "drop 2",
                    "after matches",
                    "new 3 3",
                    "yield 3",
                    "drop 3",
                    "after block",
                    "new 4 3",
                    "yield 3",
                    "drop 4",
                    "after assert",
                    "return 0",
                ],
            ),
            (
                &[0, 1, 2, 3],
                2,
                &[
                    "new 1 3",
                    "yield 0",
                    "drop 1",
                    "after vec",
                    "new 2 3",
                    "yield 0",
                    "dropping",
                    "drop 2",
                ],
            ),
        ],
    );
}
