//! Forms the type-discovery pass must read like the lowering does (both found by the
//! differential batch): a yield as the value of `break 'label` (after which `::path` would read
//! as a label), and a yield statement inside a block that is another yield's argument. Traces
//! recorded from rustc's coroutines by
//! `scripts/record-native-traces.py tests/native_traces/discovery.rs`.

#![allow(
    clippy::redundant_closure,
    clippy::useless_format,
    clippy::borrow_deref_ref
)]

use super::{check, log};

#[coro::coroutine(yield = u8, resume = u8)]
fn yields_in_labelled_breaks_and_blocks(q: u8) -> u8 {
    let v = 'b: {
        if q > 3 {
            break 'b yield_!(6);
        }
        yield_!(2)
    };
    log(format!("v {v}"));
    yield_!({
        yield_!(yield_!(q));
        q + v
    })
}

// --- tests ---

#[test]
fn the_discovery_pass_reads_every_yield() {
    check(
        || yields_in_labelled_breaks_and_blocks(5),
        &[(
            &[0, 1, 2, 3, 4],
            99,
            &[
                "yield 6", "v 1", "yield 5", "yield 2", "yield 6", "return 4",
            ],
        )],
    );
    check(
        || yields_in_labelled_breaks_and_blocks(1),
        &[(
            &[0, 1, 2, 3, 4],
            99,
            &[
                "yield 2", "v 1", "yield 1", "yield 2", "yield 2", "return 4",
            ],
        )],
    );
}
