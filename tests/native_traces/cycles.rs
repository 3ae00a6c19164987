//! Yield-free cycles run in place (`emit/cycle.rs`): a nested loop whose row end and outer
//! loop head run inside the inner loop's arm, with the fields left in the state. Rows that are
//! empty (a cycle that goes round without suspending), `continue` and `break` in both loops, a
//! panic in the row end, dropping a suspended coroutine, and the shapes that fall back (an
//! outer local or an inner iterator with something to drop). Traces recorded from rustc's
//! coroutines by `scripts/record-native-traces.py tests/native_traces/cycles.rs`.

// Written the way users write it (`format!`), and `|| f()` for the trace recorder.
#![allow(clippy::redundant_closure, clippy::useless_format)]

use super::{check, log};

struct T(&'static str);

impl Drop for T {
    fn drop(&mut self) {
        log(format!("drop {}", self.0));
    }
}

#[coro::coroutine(yield = u8, resume = u8)]
fn grid() -> u8 {
    let keep = T("keep");
    let mut rows = vec![T("rows")];
    let mut sum = 0u8;
    for r in 0..4u8 {
        for c in 0..r {
            if c == 2 {
                break;
            }
            sum += c;
            yield_!(r * 10 + c);
        }
        log(format!("row {r} sum {sum}"));
        rows.push(T("row"));
        if sum > 3 {
            break;
        }
    }
    log(format!("{} {}", keep.0, rows.len()));
    sum
}

#[coro::coroutine(yield = u8, resume = u8)]
fn grid_panics() -> u8 {
    let keep = T("keep");
    let mut sum = 0u8;
    for r in 0..3u8 {
        for c in 0..2u8 {
            sum += c;
            yield_!(r * 10 + c);
        }
        if r == 1 {
            panic!("row end");
        }
        log(format!("row {r}"));
    }
    log(keep.0);
    sum
}

#[coro::coroutine(yield = u8, resume = u8)]
fn row_local_with_a_drop() -> u8 {
    let mut sum = 0u8;
    for r in 0..3u8 {
        let label = T("label");
        for c in 0..r {
            sum += c;
            yield_!(r * 10 + c);
        }
        log(format!("row {r} {}", label.0));
    }
    sum
}

#[coro::coroutine(yield = u8, resume = u8)]
fn inner_iterator_with_a_drop() -> u8 {
    let mut n = 0u8;
    for r in 0..2u8 {
        for t in [T("x"), T("y")] {
            n += 1;
            yield_!(r * 10 + n);
            log(t.0);
        }
        log(format!("row {r}"));
    }
    n
}

#[coro::coroutine(yield = u8, resume = u8)]
fn grid_with_continue() -> u8 {
    let mut sum = 0u8;
    for r in 0..3u8 {
        for c in 0..r {
            if c == 1 {
                continue;
            }
            sum += c;
            yield_!(r * 10 + c);
        }
        log(format!("row {r} sum {sum}"));
    }
    sum
}

#[coro::coroutine(yield = u8, resume = u8)]
fn a_field_name_bound_again_by_another_local(q: u8) -> u8 {
    let mut s = 0..2u8;
    while let Some(x) = s.next() {
        yield_!(x);
    }
    {
        let Some(q) = Some(7u8) else {
            return 0;
        };
        yield_!(q);
    }
    log(format!("q {q}"));
    q
}

// --- tests ---

#[test]
fn a_grid_runs_its_row_ends_in_place() {
    check(
        || grid(),
        &[
            (
                &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                99,
                &[
                    "row 0 sum 0",
                    "yield 10",
                    "row 1 sum 0",
                    "yield 20",
                    "yield 21",
                    "row 2 sum 1",
                    "yield 30",
                    "yield 31",
                    "row 3 sum 2",
                    "keep 5",
                    "drop rows",
                    "drop row",
                    "drop row",
                    "drop row",
                    "drop row",
                    "drop keep",
                    "return 2",
                ],
            ),
            (
                &[0, 0, 0],
                2,
                &[
                    "row 0 sum 0",
                    "yield 10",
                    "row 1 sum 0",
                    "yield 20",
                    "dropping",
                    "drop rows",
                    "drop row",
                    "drop row",
                    "drop keep",
                ],
            ),
            (
                &[0, 0, 0, 0, 0],
                4,
                &[
                    "row 0 sum 0",
                    "yield 10",
                    "row 1 sum 0",
                    "yield 20",
                    "yield 21",
                    "row 2 sum 1",
                    "yield 30",
                    "dropping",
                    "drop rows",
                    "drop row",
                    "drop row",
                    "drop row",
                    "drop keep",
                ],
            ),
        ],
    );
}

#[test]
fn a_grid_with_continue_matches_rustc() {
    check(
        || grid_with_continue(),
        &[
            (
                &[0, 0, 0, 0, 0, 0],
                99,
                &[
                    "row 0 sum 0",
                    "yield 10",
                    "row 1 sum 0",
                    "yield 20",
                    "row 2 sum 0",
                    "return 0",
                ],
            ),
            (
                &[0, 0],
                2,
                &["row 0 sum 0", "yield 10", "row 1 sum 0", "yield 20"],
            ),
        ],
    );
}

#[test]
fn a_panic_in_a_row_end_drops_the_live_locals_once() {
    check(
        || grid_panics(),
        &[
            (
                &[0, 0, 0, 0, 0, 0, 0],
                99,
                &[
                    "yield 0",
                    "yield 1",
                    "row 0",
                    "yield 10",
                    "yield 11",
                    "drop keep",
                    "panicked",
                ],
            ),
            (
                &[0, 0, 0],
                2,
                &["yield 0", "yield 1", "dropping", "drop keep"],
            ),
        ],
    );
}

#[test]
fn a_row_local_with_a_drop_keeps_its_order() {
    check(
        || row_local_with_a_drop(),
        &[
            (
                &[0, 0, 0, 0, 0, 0],
                99,
                &[
                    "row 0 label",
                    "drop label",
                    "yield 10",
                    "row 1 label",
                    "drop label",
                    "yield 20",
                    "yield 21",
                    "row 2 label",
                    "drop label",
                    "return 1",
                ],
            ),
            (
                &[0, 0, 0],
                2,
                &[
                    "row 0 label",
                    "drop label",
                    "yield 10",
                    "row 1 label",
                    "drop label",
                    "yield 20",
                    "dropping",
                    "drop label",
                ],
            ),
        ],
    );
}

#[test]
fn an_inner_iterator_with_a_drop_keeps_its_order() {
    check(
        || inner_iterator_with_a_drop(),
        &[
            (
                &[0, 0, 0, 0, 0, 0],
                99,
                &[
                    "yield 1", "x", "drop x", "yield 2", "y", "drop y", "row 0", "yield 13", "x",
                    "drop x", "yield 14", "y", "drop y", "row 1", "return 4",
                ],
            ),
            (
                &[0, 0, 0],
                3,
                &[
                    "yield 1", "x", "drop x", "yield 2", "y", "drop y", "row 0", "yield 13",
                    "drop x", "drop y",
                ],
            ),
        ],
    );
}

#[test]
fn a_field_name_bound_again_by_another_local_is_that_local() {
    check(
        || a_field_name_bound_again_by_another_local(3),
        &[(
            &[0, 0, 0, 0, 0],
            99,
            &["yield 0", "yield 1", "yield 7", "q 3", "return 3"],
        )],
    );
}
