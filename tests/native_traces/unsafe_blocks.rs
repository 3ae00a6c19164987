//! Issue 19.8: a yield inside an `unsafe { }` block: the pieces of the block the yield splits are
//! each written inside `unsafe { }` again. Traces recorded from rustc's coroutines by
//! `scripts/record-native-traces.py tests/native_traces/unsafe_blocks.rs`.

#![allow(
    clippy::redundant_closure,
    clippy::useless_format,
    clippy::borrow_deref_ref
)]

use super::{check, log};

#[coro::coroutine(yield = u8, resume = u8)]
fn reads_through_a_pointer(v: Vec<u8>) -> u8 {
    // A pointer into the vector's heap buffer, which stays where it is while the coroutine is
    // suspended (a pointer to a local of the coroutine would not: its locals move).
    let p = v.as_ptr();
    let s = unsafe {
        let a = *p;
        let r = yield_!(a);
        log(format!("resumed {r}"));
        *p.add(1) + r
    };
    let t = unsafe { *p.add(yield_!(s) as usize) };
    t + v.len() as u8
}

// --- tests ---

#[test]
fn yields_inside_unsafe_blocks() {
    check(
        || reads_through_a_pointer(vec![10, 20, 30]),
        &[
            (
                &[0, 1, 2],
                99,
                &["yield 10", "resumed 1", "yield 21", "return 33"],
            ),
            (&[0, 1], 1, &["yield 10", "dropping"]),
        ],
    );
}
