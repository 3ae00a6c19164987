//! Issue 19.6: a local moved on some paths and not on others, still in scope at a suspension
//! point, is kept until its scope ends where it was not moved and dropped once there, as rustc
//! does with its runtime drop flags. Locals the analysis cannot prove non-`Copy` but that are
//! used by value and again (numbers whose type the macro cannot see) keep working. Traces
//! recorded from rustc's coroutines by
//! `scripts/record-native-traces.py tests/native_traces/drop_flags.rs`.

#![allow(clippy::redundant_closure, clippy::useless_format)]

use super::{check, log};

struct F(&'static str);

impl Drop for F {
    fn drop(&mut self) {
        log(format!("drop {}", self.0));
    }
}

impl F {
    fn name(&self) -> &'static str {
        self.0
    }
    fn into_name(self) -> &'static str {
        log(format!("into {}", self.0));
        self.0
    }
}

fn consume(f: F) -> u8 {
    log(format!("consume {}", f.0));
    f.0.len() as u8
}

fn ident(n: u8) -> u8 {
    n
}

fn sink(n: u8) {
    log(format!("sink {n}"));
}

#[coro::coroutine(yield = u8, resume = u8)]
fn moved_in_one_branch(c: u8) -> u8 {
    let a = F("a");
    let b = F("b");
    if c == 1 {
        consume(a);
    } else {
        log(format!("keep {}", a.name()));
    }
    let r = yield_!(1);
    log(format!("resumed {r}"));
    yield_!(2);
    b.name().len() as u8
}

#[coro::coroutine(yield = u8, resume = u8)]
fn parameter_moved_in_a_yielding_arm(c: u8, p: F) -> u8 {
    match c {
        0 => {
            yield_!(10);
        }
        _ => {
            let n = yield_!(consume(p));
            log(format!("arm {n}"));
        }
    }
    yield_!(11);
    0
}

#[coro::coroutine(yield = u8, resume = u8)]
fn per_iteration(c: u8) -> u8 {
    for i in 0..3u8 {
        let d = F("d");
        if i == c {
            d.into_name();
        }
        yield_!(i);
        log(format!("end of iteration {i}"));
    }
    7
}

#[coro::coroutine(yield = u8, resume = u8)]
fn moved_into_a_let(c: u8) -> u8 {
    let d = F("d");
    let e = if c == 0 { d } else { F("e") };
    log(format!("chose {}", e.name()));
    yield_!(1);
    drop(e);
    yield_!(2);
    3
}

#[coro::coroutine(yield = u8, resume = u8)]
fn numbers_used_again_after_a_by_value_use(c: u8) -> u8 {
    let n = ident(5);
    if c == 1 {
        sink(n);
    }
    log(format!("still {n}"));
    let m = ident(6);
    for _ in 0..2 {
        sink(m);
    }
    yield_!(n);
    let k = ident(7);
    if c == 0 {
        sink(k);
    }
    yield_!(1);
    k
}

#[coro::coroutine(yield = u8, resume = u8)]
fn assigned_then_moved_in_one_statement(c: u8) -> u8 {
    let mut d = F("d");
    yield_!(1);
    log(format!("{}", {
        d = F("e");
        consume(d)
    }));
    yield_!(2);
    c
}

#[coro::coroutine(yield = u8, resume = u8)]
fn moved_in_a_macro_argument(c: u8) -> u8 {
    let d = F("d");
    log(format!("named {n}", n = d.name()));
    if c == 1 {
        log(format!("{}", matches!(consume(d), 1 | 2)));
    }
    yield_!(1);
    c
}

#[coro::coroutine(yield = u8, resume = u8)]
fn moved_as_an_operand_after_a_yield(c: u8) -> u8 {
    let d = F("d");
    let n = ident(4);
    // `d` and `n` are moved by the tuple and the array, after the yields in them.
    let pair = (yield_!(1), d);
    let arr = [yield_!(2), n, c];
    log(format!("{} {}", pair.1.name(), arr[1]));
    yield_!(n);
    pair.0
}

#[coro::coroutine(yield = u8, resume = u8)]
fn pattern_bindings_moved_in_one_branch(c: u8) -> u8 {
    for f in [F("f1"), F("f2")] {
        if c == 1 {
            consume(f);
        }
        yield_!(1);
    }
    match Some(F("m")) {
        Some(m) => {
            if c == 2 {
                consume(m);
            }
            yield_!(2);
        }
        None => {}
    }
    if let Some(i) = Some(F("i")) {
        if c == 3 {
            consume(i);
        }
        yield_!(3);
    }
    c
}

#[coro::coroutine(yield = u8, resume = u8)]
fn moved_on_the_right_of_a_short_circuit(c: u8) -> u8 {
    let d = F("d");
    if yield_!(c) == 1 || consume(d) > 0 {
        log("taken");
    }
    yield_!(2);
    c
}

#[coro::coroutine(yield = u8, resume = u8)]
fn assigned_again_after_a_move_on_one_path(c: u8) -> u8 {
    let mut d = F("d1");
    if c == 1 {
        yield_!(consume(d));
    }
    d = F("d2");
    yield_!(3);
    log(format!("now {}", d.name()));
    c
}

// --- tests ---

#[test]
fn a_local_moved_in_one_branch_is_dropped_when_its_scope_ends() {
    check(
        || moved_in_one_branch(0),
        &[
            (
                &[0, 5, 6],
                9,
                &[
                    "keep a",
                    "yield 1",
                    "resumed 5",
                    "yield 2",
                    "drop b",
                    "drop a",
                    "return 1",
                ],
            ),
            (
                &[0, 5],
                9,
                &[
                    "keep a",
                    "yield 1",
                    "resumed 5",
                    "yield 2",
                    "drop b",
                    "drop a",
                ],
            ),
            (&[0], 1, &["keep a", "yield 1", "drop b", "drop a"]),
        ],
    );
    check(
        || moved_in_one_branch(1),
        &[
            (
                &[0, 5, 6],
                9,
                &[
                    "consume a",
                    "drop a",
                    "yield 1",
                    "resumed 5",
                    "yield 2",
                    "drop b",
                    "return 1",
                ],
            ),
            (
                &[0, 5],
                1,
                &["consume a", "drop a", "yield 1", "dropping", "drop b"],
            ),
        ],
    );
}

#[test]
fn a_parameter_moved_in_a_yielding_arm_stays_alive_on_the_other_path() {
    check(
        || parameter_moved_in_a_yielding_arm(0, F("p")),
        &[
            (
                &[0, 1, 2],
                9,
                &["yield 10", "yield 11", "drop p", "return 0"],
            ),
            (&[0, 1], 9, &["yield 10", "yield 11", "drop p"]),
        ],
    );
    check(
        || parameter_moved_in_a_yielding_arm(1, F("p")),
        &[
            (
                &[0, 1, 2],
                9,
                &[
                    "consume p",
                    "drop p",
                    "yield 1",
                    "arm 1",
                    "yield 11",
                    "return 0",
                ],
            ),
            (
                &[0, 1],
                9,
                &["consume p", "drop p", "yield 1", "arm 1", "yield 11"],
            ),
        ],
    );
}

#[test]
fn a_local_declared_in_a_loop_keeps_its_flag_per_iteration() {
    check(
        || per_iteration(1),
        &[
            (
                &[0, 1, 2, 3],
                9,
                &[
                    "yield 0",
                    "end of iteration 0",
                    "drop d",
                    "into d",
                    "drop d",
                    "yield 1",
                    "end of iteration 1",
                    "yield 2",
                    "end of iteration 2",
                    "drop d",
                    "return 7",
                ],
            ),
            (
                &[0, 1],
                9,
                &[
                    "yield 0",
                    "end of iteration 0",
                    "drop d",
                    "into d",
                    "drop d",
                    "yield 1",
                ],
            ),
        ],
    );
}

#[test]
fn a_local_moved_into_one_branch_of_a_let() {
    check(
        || moved_into_a_let(0),
        &[
            (
                &[0, 1, 2],
                9,
                &["chose d", "yield 1", "drop d", "yield 2", "return 3"],
            ),
            (&[0], 9, &["chose d", "yield 1", "drop d"]),
        ],
    );
    check(
        || moved_into_a_let(1),
        &[
            (
                &[0, 1, 2],
                9,
                &[
                    "chose e", "yield 1", "drop e", "yield 2", "drop d", "return 3",
                ],
            ),
            (&[0], 9, &["chose e", "yield 1", "drop e", "drop d"]),
        ],
    );
}

#[test]
fn numbers_used_by_value_and_again_are_copied_not_flagged() {
    check(
        || numbers_used_again_after_a_by_value_use(0),
        &[(
            &[0, 1, 2],
            9,
            &[
                "still 5", "sink 6", "sink 6", "yield 5", "sink 7", "yield 1", "return 7",
            ],
        )],
    );
    check(
        || numbers_used_again_after_a_by_value_use(1),
        &[(
            &[0, 1, 2],
            9,
            &[
                "sink 5", "still 5", "sink 6", "sink 6", "yield 5", "yield 1", "return 7",
            ],
        )],
    );
}

#[test]
fn a_local_assigned_then_moved_in_one_statement_is_not_saved() {
    check(
        || assigned_then_moved_in_one_statement(3),
        &[
            (
                &[0, 1, 2],
                9,
                &[
                    "yield 1",
                    "drop d",
                    "consume e",
                    "drop e",
                    "1",
                    "yield 2",
                    "return 3",
                ],
            ),
            (
                &[0, 1],
                9,
                &["yield 1", "drop d", "consume e", "drop e", "1", "yield 2"],
            ),
        ],
    );
}

#[test]
fn a_local_moved_in_a_macro_argument_keeps_its_flag() {
    check(
        || moved_in_a_macro_argument(0),
        &[
            (&[0, 1], 9, &["named d", "yield 1", "drop d", "return 0"]),
            (&[0], 9, &["named d", "yield 1", "drop d"]),
        ],
    );
    check(
        || moved_in_a_macro_argument(1),
        &[(
            &[0, 1],
            9,
            &[
                "named d",
                "consume d",
                "drop d",
                "true",
                "yield 1",
                "return 1",
            ],
        )],
    );
}

#[test]
fn a_local_moved_as_an_operand_after_a_yield() {
    check(
        || moved_as_an_operand_after_a_yield(0),
        &[
            (
                &[0, 1, 2, 3],
                9,
                &["yield 1", "yield 2", "d 4", "yield 4", "drop d", "return 1"],
            ),
            (
                &[0, 1, 2],
                9,
                &["yield 1", "yield 2", "d 4", "yield 4", "drop d"],
            ),
        ],
    );
}

#[test]
fn pattern_bindings_moved_in_one_branch_keep_their_flags() {
    check(
        || pattern_bindings_moved_in_one_branch(0),
        &[
            (
                &[0, 1, 2, 3, 4],
                9,
                &[
                    "yield 1", "drop f1", "yield 1", "drop f2", "yield 2", "drop m", "yield 3",
                    "drop i", "return 0",
                ],
            ),
            (&[0, 1], 9, &["yield 1", "drop f1", "yield 1", "drop f2"]),
        ],
    );
    check(
        || pattern_bindings_moved_in_one_branch(1),
        &[
            (
                &[0, 1, 2, 3, 4],
                9,
                &[
                    "consume f1",
                    "drop f1",
                    "yield 1",
                    "consume f2",
                    "drop f2",
                    "yield 1",
                    "yield 2",
                    "drop m",
                    "yield 3",
                    "drop i",
                    "return 1",
                ],
            ),
            (
                &[0, 1],
                9,
                &[
                    "consume f1",
                    "drop f1",
                    "yield 1",
                    "consume f2",
                    "drop f2",
                    "yield 1",
                ],
            ),
        ],
    );
    check(
        || pattern_bindings_moved_in_one_branch(2),
        &[
            (
                &[0, 1, 2, 3, 4],
                9,
                &[
                    "yield 1",
                    "drop f1",
                    "yield 1",
                    "drop f2",
                    "consume m",
                    "drop m",
                    "yield 2",
                    "yield 3",
                    "drop i",
                    "return 2",
                ],
            ),
            (
                &[0, 1, 2, 3],
                9,
                &[
                    "yield 1",
                    "drop f1",
                    "yield 1",
                    "drop f2",
                    "consume m",
                    "drop m",
                    "yield 2",
                    "yield 3",
                    "drop i",
                ],
            ),
        ],
    );
    check(
        || pattern_bindings_moved_in_one_branch(3),
        &[
            (
                &[0, 1, 2, 3, 4],
                9,
                &[
                    "yield 1",
                    "drop f1",
                    "yield 1",
                    "drop f2",
                    "yield 2",
                    "drop m",
                    "consume i",
                    "drop i",
                    "yield 3",
                    "return 3",
                ],
            ),
            (
                &[0, 1, 2, 3, 4],
                4,
                &[
                    "yield 1",
                    "drop f1",
                    "yield 1",
                    "drop f2",
                    "yield 2",
                    "drop m",
                    "consume i",
                    "drop i",
                    "yield 3",
                    "dropping",
                ],
            ),
        ],
    );
}

#[test]
fn a_local_moved_on_the_right_of_a_short_circuit() {
    check(
        || moved_on_the_right_of_a_short_circuit(0),
        &[
            (
                &[0, 1, 2],
                9,
                &["yield 0", "taken", "yield 2", "drop d", "return 0"],
            ),
            (&[0, 1], 9, &["yield 0", "taken", "yield 2", "drop d"]),
            (
                &[0, 0, 2],
                9,
                &[
                    "yield 0",
                    "consume d",
                    "drop d",
                    "taken",
                    "yield 2",
                    "return 0",
                ],
            ),
        ],
    );
}

#[test]
fn a_local_assigned_again_after_a_move_on_one_path() {
    check(
        || assigned_again_after_a_move_on_one_path(0),
        &[(
            &[0, 1, 2],
            9,
            &["drop d1", "yield 3", "now d2", "drop d2", "return 0"],
        )],
    );
    check(
        || assigned_again_after_a_move_on_one_path(1),
        &[
            (
                &[0, 1, 2, 3],
                9,
                &[
                    "consume d1",
                    "drop d1",
                    "yield 2",
                    "yield 3",
                    "now d2",
                    "drop d2",
                    "return 1",
                ],
            ),
            (
                &[0, 1],
                9,
                &["consume d1", "drop d1", "yield 2", "yield 3", "drop d2"],
            ),
        ],
    );
}
