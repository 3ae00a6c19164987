//! Jumps threaded into an arm: the code after a branch may not read a local that the branch
//! binds again (a loop's binding on the next pass), since after the branch the name is the old
//! binding's. Traces recorded from rustc's coroutines by
//! `scripts/record-native-traces.py tests/native_traces/threading.rs`.

// Written the way users write it (reborrows, `format!`), and `|| f()` for the trace recorder.
#![allow(
    clippy::redundant_closure,
    clippy::useless_format,
    clippy::borrow_deref_ref
)]

use super::{check, log};

struct T(&'static str);

impl Drop for T {
    fn drop(&mut self) {
        log(format!("drop {}", self.0));
    }
}

#[coro::coroutine(yield = u8, resume = u8)]
fn loop_binding_kept_for_its_drop() -> u8 {
    for t in [T("a"), T("b"), T("c")] {
        if t.0 == "c" {
            return yield_!(1) + 40;
        }
        yield_!(2);
        log("after");
    }
    0
}

// --- tests ---

#[test]
fn a_loop_binding_kept_for_its_drop_is_the_new_one_on_each_pass() {
    check(
        || loop_binding_kept_for_its_drop(),
        &[
            (
                &[0, 1, 2, 3, 4],
                99,
                &[
                    "yield 2",
                    "after",
                    "drop a",
                    "yield 2",
                    "after",
                    "drop b",
                    "yield 1",
                    "drop c",
                    "return 43",
                ],
            ),
            (
                &[0, 1],
                2,
                &["yield 2", "after", "drop a", "yield 2", "drop b", "drop c"],
            ),
        ],
    );
}
