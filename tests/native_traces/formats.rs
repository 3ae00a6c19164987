//! Issue 19.7: a format string capturing a name (`"{x}"`) that a later `let` shadows across a
//! yield, with a non-`Copy` outer value: the capture becomes a named argument of the renamed
//! binding, and the drop order stays rustc's. Traces recorded from rustc's coroutines by
//! `scripts/record-native-traces.py tests/native_traces/formats.rs`.

// Written the way users write it (reborrows, `format!`), and `|| f()` for the trace recorder.
#![allow(
    clippy::redundant_closure,
    clippy::useless_format,
    clippy::borrow_deref_ref
)]

use super::{check, log};

#[coro::coroutine(yield = u8, resume = u8)]
// The value of an `if` jumped out of a labelled block is written as `break 'label { … }`:
// the expansion must not make rustc warn about those braces.
#[deny(unused_braces)]
fn captured_inner_binding(p: u8) -> u8 {
    if let Some(x) = Some(format!("outer{p}")) {
        'b: {
            let x = String::from(if yield_!(0) > 3 { "a" } else { "bbbb" });
            if x.len() > 3 {
                break 'b;
            }
            log(format!("inner {x}"));
            log(format!("{x:?} {x:>3}", x = x.len()));
        }
        log(format!("outer {}", x));
        yield_!(x.len() as u8);
    }
    1
}

// --- tests ---

#[test]
fn a_shadowed_local_captured_by_a_format_string() {
    check(
        || captured_inner_binding(7),
        &[
            (
                &[0, 1, 0],
                99,
                &["yield 0", "outer outer7", "yield 6", "return 1"],
            ),
            (
                &[0, 5, 0],
                99,
                &[
                    "yield 0",
                    "inner a",
                    "1   1",
                    "outer outer7",
                    "yield 6",
                    "return 1",
                ],
            ),
            (&[0, 1], 1, &["yield 0", "dropping"]),
        ],
    );
}
