//! Bodies whose traces were recorded from rustc's own coroutine transform (nightly
//! `#![feature(coroutines)]`, the same body with `yield` for `yield_!`): the macro must give the
//! same yields, resumes, drops, panics and returns. The systematic version of this check is the
//! `coro-difftest` crate.

mod common;
use common::{log, take};

#[path = "native_traces/assign_targets.rs"]
mod assign_targets;
#[path = "native_traces/bindings.rs"]
mod bindings;
#[path = "native_traces/borrows.rs"]
mod borrows;
#[path = "native_traces/cycles.rs"]
mod cycles;
#[path = "native_traces/discovery.rs"]
mod discovery;
#[path = "native_traces/drop_flags.rs"]
mod drop_flags;
#[path = "native_traces/flag_reassigned.rs"]
mod flag_reassigned;
#[path = "native_traces/formats.rs"]
mod formats;
#[path = "native_traces/hand_driven.rs"]
mod hand_driven;
#[path = "native_traces/items.rs"]
mod items;
#[path = "native_traces/macro_args.rs"]
mod macro_args;
#[path = "native_traces/operand_temporaries.rs"]
mod operand_temporaries;
#[path = "native_traces/pending_operands.rs"]
mod pending_operands;
#[path = "native_traces/reborrows.rs"]
mod reborrows;
#[path = "native_traces/temporaries.rs"]
mod temporaries;
#[path = "native_traces/threading.rs"]
mod threading;
#[path = "native_traces/unsafe_blocks.rs"]
mod unsafe_blocks;

use std::panic::{catch_unwind, AssertUnwindSafe};

use coro::{Coroutine, CoroutineExt, CoroutineState};

struct N(&'static str);

impl Drop for N {
    fn drop(&mut self) {
        log(format!("drop {}", self.0));
    }
}

/// Checks each case (resume arguments, where to drop the coroutine, the trace rustc gave)
/// against a fresh coroutine from `make`.
fn check<C: Coroutine<u8, Yield = u8, Return = u8> + Unpin>(
    make: impl Fn() -> C,
    cases: &[(&[u8], usize, &[&str])],
) {
    for (args, stop, expected) in cases {
        assert_eq!(scenario(make(), args, *stop), *expected, "args {args:?}");
    }
}

/// Resumes with `args` (the first primes), stopping early at `stop` to drop a suspended
/// coroutine, and records what happens.
fn scenario<C: Coroutine<u8, Yield = u8, Return = u8> + Unpin>(
    mut c: C,
    args: &[u8],
    stop: usize,
) -> Vec<String> {
    for (k, a) in args.iter().enumerate() {
        if k == stop {
            log("dropping");
            break;
        }
        match catch_unwind(AssertUnwindSafe(|| c.send(*a))) {
            Ok(CoroutineState::Yielded(y)) => log(format!("yield {y}")),
            Ok(CoroutineState::Complete(v)) => {
                log(format!("return {v}"));
                break;
            }
            Err(_) => {
                log("panicked");
                break;
            }
        }
    }
    drop(c);
    take()
}

#[coro::coroutine(yield = u8, resume = u8)]
fn loops_scopes_and_panics() -> u8 {
    let a = N("a");
    let mut v = vec![N("v1")];
    for i in 0..3u8 {
        let b = N("b");
        if i == 1 {
            continue;
        }
        let r = yield_!(i);
        log(format!("resumed {r}"));
        if r == 9 {
            break;
        }
        v.push(N("pushed"));
    }
    let c = N("c");
    {
        let d = N("d");
        let x = yield_!(10);
        if x == 7 {
            panic!("boom");
        }
        log(format!("{} {}", d.0, x));
    }
    let total = v.len() as u8 + yield_!(11);
    log(format!("{} {} {}", a.0, c.0, total));
    total
}

#[test]
fn loops_scopes_and_panics_match_rustc() {
    let cases: &[(&[u8], usize, &[&str])] = &[
        (
            &[0, 1, 2, 3, 4, 5, 6],
            99,
            &[
                "yield 0",
                "resumed 1",
                "drop b",
                "drop b",
                "yield 2",
                "resumed 2",
                "drop b",
                "yield 10",
                "d 3",
                "drop d",
                "yield 11",
                "a c 7",
                "drop c",
                "drop v1",
                "drop pushed",
                "drop pushed",
                "drop a",
                "return 7",
            ],
        ),
        (
            &[0, 9, 5, 5, 5],
            99,
            &[
                "yield 0",
                "resumed 9",
                "drop b",
                "yield 10",
                "d 5",
                "drop d",
                "yield 11",
                "a c 6",
                "drop c",
                "drop v1",
                "drop a",
                "return 6",
            ],
        ),
        (
            &[0, 1, 7, 1],
            99,
            &[
                "yield 0",
                "resumed 1",
                "drop b",
                "drop b",
                "yield 2",
                "resumed 7",
                "drop b",
                "yield 10",
                "d 1",
                "drop d",
                "yield 11",
                "drop c",
                "drop v1",
                "drop pushed",
                "drop pushed",
                "drop a",
            ],
        ),
        (
            &[0, 1, 2],
            2,
            &[
                "yield 0",
                "resumed 1",
                "drop b",
                "drop b",
                "yield 2",
                "dropping",
                "drop b",
                "drop v1",
                "drop pushed",
                "drop a",
            ],
        ),
        (
            &[0, 1, 2, 3],
            3,
            &[
                "yield 0",
                "resumed 1",
                "drop b",
                "drop b",
                "yield 2",
                "resumed 2",
                "drop b",
                "yield 10",
                "dropping",
                "drop d",
                "drop c",
                "drop v1",
                "drop pushed",
                "drop pushed",
                "drop a",
            ],
        ),
        (
            &[0, 4, 4, 4],
            4,
            &[
                "yield 0",
                "resumed 4",
                "drop b",
                "drop b",
                "yield 2",
                "resumed 4",
                "drop b",
                "yield 10",
                "d 4",
                "drop d",
                "yield 11",
                "drop c",
                "drop v1",
                "drop pushed",
                "drop pushed",
                "drop a",
            ],
        ),
    ];
    check(loops_scopes_and_panics, cases);
}

#[coro::coroutine(yield = u8, resume = u8)]
fn matches_shadowing_and_temporaries() -> u8 {
    let x = N("x1");
    let mut stack = vec![1u8, 2, 3];
    'outer: while let Some(top) = stack.pop() {
        let x = N("x2");
        match yield_!(top) {
            0 => continue,
            5 => break 'outer,
            k if k > 100 => return k,
            k => {
                let t = N("arm");
                let s = yield_!(k + N("tmp").0.len() as u8);
                if s == 3 {
                    let _moved = t;
                }
                log(format!("arm got {s} {}", x.0));
            }
        }
    }
    let y = {
        let inner = N("inner");
        (yield_!(inner.0.len() as u8)) + 1
    };
    let r: Result<u8, u8> = if y > 50 { Err(y) } else { Ok(y) };
    let z = match r {
        Ok(v) => v,
        Err(e) => return e,
    };
    log(format!("end {} {}", x.0, z));
    z
}

#[test]
fn matches_shadowing_and_temporaries_match_rustc() {
    let cases: &[(&[u8], usize, &[&str])] = &[
        (
            &[0, 1, 2, 3, 4, 5, 6, 7, 8],
            99,
            &[
                "yield 3",
                "yield 4",
                "drop tmp",
                "arm got 2 x2",
                "drop arm",
                "drop x2",
                "yield 2",
                "yield 6",
                "drop tmp",
                "arm got 4 x2",
                "drop arm",
                "drop x2",
                "yield 1",
                "drop x2",
                "yield 5",
                "drop inner",
                "end x1 7",
                "drop x1",
                "return 7",
            ],
        ),
        (
            &[0, 0, 0, 0, 9, 1],
            99,
            &[
                "yield 3",
                "drop x2",
                "yield 2",
                "drop x2",
                "yield 1",
                "drop x2",
                "yield 5",
                "drop inner",
                "end x1 10",
                "drop x1",
                "return 10",
            ],
        ),
        (
            &[0, 5, 5, 5],
            99,
            &[
                "yield 3",
                "drop x2",
                "yield 5",
                "drop inner",
                "end x1 6",
                "drop x1",
                "return 6",
            ],
        ),
        (
            &[0, 200],
            99,
            &["yield 3", "drop x2", "drop x1", "return 200"],
        ),
        (
            &[0, 4, 3, 4, 4, 60],
            99,
            &[
                "yield 3",
                "yield 7",
                "drop tmp",
                "drop arm",
                "arm got 3 x2",
                "drop x2",
                "yield 2",
                "yield 7",
                "drop tmp",
                "arm got 4 x2",
                "drop arm",
                "drop x2",
                "yield 1",
                "yield 63",
                "drop tmp",
                "drop arm",
                "drop x2",
                "drop x1",
            ],
        ),
        (
            &[0, 4, 3, 4],
            3,
            &[
                "yield 3",
                "yield 7",
                "drop tmp",
                "drop arm",
                "arm got 3 x2",
                "drop x2",
                "yield 2",
                "dropping",
                "drop x2",
                "drop x1",
            ],
        ),
        (
            &[0, 4, 4],
            2,
            &[
                "yield 3", "yield 7", "dropping", "drop tmp", "drop arm", "drop x2", "drop x1",
            ],
        ),
    ];
    check(matches_shadowing_and_temporaries, cases);
}

#[coro::coroutine(yield = u8, resume = u8)]
fn sub(n: N) -> u8 {
    let local = N("sub-local");
    let got = yield_!(50);
    let got2 = yield_!(got + 1);
    log(format!("sub done {} {}", n.0, local.0));
    got + got2
}

/// The native form delegates with a hand-written loop that primes with `Default::default()` and
/// passes each resume argument in, which is what `yield_from!` does.
#[coro::coroutine(yield = u8, resume = u8)]
fn delegation_labels_and_short_circuits() -> u8 {
    let keep = N("keep");
    let sub_total = yield_from!(sub(N("arg")));
    log(format!("sub returned {sub_total}"));
    let label_value = 'blk: {
        let inner = N("blk");
        if yield_!(1) > 5 {
            break 'blk 100;
        }
        log(inner.0);
        7
    };
    let parts = [label_value, yield_!(2) * 2, sub_total];
    let checked: Result<u8, u8> = if parts[1] > 50 {
        Err(parts[1])
    } else {
        Ok(parts[1])
    };
    let c = match checked {
        Ok(c) => c,
        Err(e) => {
            log("early");
            return e;
        }
    };
    let both = c > 3 && yield_!(3) > 1;
    log(format!("both={both} {}", keep.0));
    parts[0] + parts[2] + c
}

#[test]
fn delegation_labels_and_short_circuits_match_rustc() {
    let cases: &[(&[u8], usize, &[&str])] = &[
        (
            &[0, 1, 2, 3, 4, 5, 6, 7],
            99,
            &[
                "yield 50",
                "yield 2",
                "sub done arg sub-local",
                "drop sub-local",
                "drop arg",
                "sub returned 3",
                "yield 1",
                "blk",
                "drop blk",
                "yield 2",
                "yield 3",
                "both=true keep",
                "drop keep",
                "return 18",
            ],
        ),
        (
            &[0, 1, 1, 9, 1, 1],
            99,
            &[
                "yield 50",
                "yield 2",
                "sub done arg sub-local",
                "drop sub-local",
                "drop arg",
                "sub returned 2",
                "yield 1",
                "drop blk",
                "yield 2",
                "both=false keep",
                "drop keep",
                "return 104",
            ],
        ),
        (
            &[0, 1, 1, 3, 60, 1],
            99,
            &[
                "yield 50",
                "yield 2",
                "sub done arg sub-local",
                "drop sub-local",
                "drop arg",
                "sub returned 2",
                "yield 1",
                "blk",
                "drop blk",
                "yield 2",
                "early",
                "drop keep",
                "return 120",
            ],
        ),
        (
            &[0, 1, 1, 3, 4, 0],
            99,
            &[
                "yield 50",
                "yield 2",
                "sub done arg sub-local",
                "drop sub-local",
                "drop arg",
                "sub returned 2",
                "yield 1",
                "blk",
                "drop blk",
                "yield 2",
                "yield 3",
                "both=false keep",
                "drop keep",
                "return 17",
            ],
        ),
        (
            &[0, 1],
            1,
            &[
                "yield 50",
                "dropping",
                "drop sub-local",
                "drop arg",
                "drop keep",
            ],
        ),
        (
            &[0, 1, 1],
            2,
            &[
                "yield 50",
                "yield 2",
                "dropping",
                "drop sub-local",
                "drop arg",
                "drop keep",
            ],
        ),
        (
            &[0, 1, 1, 3],
            3,
            &[
                "yield 50",
                "yield 2",
                "sub done arg sub-local",
                "drop sub-local",
                "drop arg",
                "sub returned 2",
                "yield 1",
                "dropping",
                "drop blk",
                "drop keep",
            ],
        ),
        (
            &[0, 1, 1, 3, 4, 5],
            5,
            &[
                "yield 50",
                "yield 2",
                "sub done arg sub-local",
                "drop sub-local",
                "drop arg",
                "sub returned 2",
                "yield 1",
                "blk",
                "drop blk",
                "yield 2",
                "yield 3",
                "dropping",
                "drop keep",
            ],
        ),
    ];
    check(delegation_labels_and_short_circuits, cases);
}

/// A loop whose resume comes back to the same state, so the macro keeps its locals in place;
/// returning, breaking and panicking from it must drop the arm's own locals before the older ones.
#[coro::coroutine(yield = u8, resume = u8)]
fn in_place_loop_exits() -> u8 {
    let a = N("a");
    let mut n = 0u8;
    loop {
        let r = yield_!(n);
        let t = N("t");
        if r == 9 {
            return n;
        }
        if r == 8 {
            break;
        }
        if r == 7 {
            panic!("seven");
        }
        n += r;
        log(format!("{} {}", a.0, t.0));
    }
    let z = N("z");
    n + z.0.len() as u8
}

#[test]
fn in_place_loop_exits_match_rustc() {
    let cases: &[(&[u8], usize, &[&str])] = &[
        (
            &[0, 1, 2, 9],
            99,
            &[
                "yield 0", "a t", "drop t", "yield 1", "a t", "drop t", "yield 3", "drop t",
                "drop a", "return 3",
            ],
        ),
        (
            &[0, 1, 8],
            99,
            &[
                "yield 0", "a t", "drop t", "yield 1", "drop t", "drop z", "drop a", "return 2",
            ],
        ),
        (
            &[0, 1, 7, 1],
            99,
            &[
                "yield 0", "a t", "drop t", "yield 1", "drop t", "drop a", "panicked",
            ],
        ),
        (
            &[0, 1, 2],
            2,
            &["yield 0", "a t", "drop t", "yield 1", "dropping", "drop a"],
        ),
        (
            &[0, 3, 3, 3, 9],
            99,
            &[
                "yield 0", "a t", "drop t", "yield 3", "a t", "drop t", "yield 6", "a t", "drop t",
                "yield 9", "drop t", "drop a", "return 9",
            ],
        ),
    ];
    check(in_place_loop_exits, cases);
}

// Found by coro-difftest (program seed 4294967404, reduced): the temporaries of an `if` or
// `while` condition are dropped before a branch is taken, and `D::add` consumes its receiver.
// Before the fix the `D` of the first condition was kept to the end of the statement and
// saved after `add` had moved it (E0382).

struct D(u8, u8);

impl D {
    fn new(id: u8, v: u8) -> D {
        log(format!("new {id} {v}"));
        D(id, v)
    }
    fn get(&self) -> u8 {
        self.1
    }
    fn add(self, x: u8) -> u8 {
        log(format!("add {} {x}", self.0));
        self.1.wrapping_add(x)
    }
}

impl Drop for D {
    fn drop(&mut self) {
        log(format!("drop {}", self.0));
    }
}

#[coro::coroutine(yield = u8, resume = u8)]
fn condition_temporaries(p: u8) -> u8 {
    if D::new(10, yield_!(8)).add(p) == 0 {
        log("zero");
    }
    let d = D::new(11, 1);
    if d.get() + D::new(12, yield_!(9)).get() > 3 {
        yield_!(10);
    }
    while D::new(13, yield_!(11)).get() < 5 {
        yield_!(12);
    }
    D::new(22, 3).add(yield_!(2))
}

#[test]
fn condition_temporaries_match_rustc() {
    let cases: &[(&[u8], usize, &[&str])] = &[
        (
            &[0, 1, 5, 0, 3, 0, 5, 7],
            99,
            &[
                "yield 8",
                "new 10 1",
                "add 10 1",
                "drop 10",
                "new 11 1",
                "yield 9",
                "new 12 5",
                "drop 12",
                "yield 10",
                "yield 11",
                "new 13 3",
                "drop 13",
                "yield 12",
                "yield 11",
                "new 13 5",
                "drop 13",
                "new 22 3",
                "yield 2",
                "add 22 7",
                "drop 22",
                "drop 11",
                "return 10",
            ],
        ),
        (
            &[0, 255, 0, 9, 7],
            99,
            &[
                "yield 8",
                "new 10 255",
                "add 10 1",
                "drop 10",
                "zero",
                "new 11 1",
                "yield 9",
                "new 12 0",
                "drop 12",
                "yield 11",
                "new 13 9",
                "drop 13",
                "new 22 3",
                "yield 2",
                "add 22 7",
                "drop 22",
                "drop 11",
                "return 10",
            ],
        ),
        (
            &[0, 1, 2],
            2,
            &[
                "yield 8", "new 10 1", "add 10 1", "drop 10", "new 11 1", "yield 9", "dropping",
                "drop 11",
            ],
        ),
        (
            &[0, 1, 5, 3, 4],
            4,
            &[
                "yield 8", "new 10 1", "add 10 1", "drop 10", "new 11 1", "yield 9", "new 12 5",
                "drop 12", "yield 10", "yield 11", "dropping", "drop 11",
            ],
        ),
    ];
    check(|| condition_temporaries(1), cases);
}

// Found by coro-difftest (program seed 8589934877, reduced): `yield_!(v)` reads `v` by value,
// which the macro counts as a possible move, and `v` was then not kept reachable under a hidden
// name while an inner `v` shadowed it across a yield ("cannot keep `v` across this point").
// A local read by value and used again later was copied, not moved.
#[coro::coroutine(yield = u8, resume = u8)]
fn shadowed_after_a_copy(p: u8) -> u8 {
    let d = D::new(3, p);
    let v = d.get();
    if yield_!(v) < 5 {
        let v: u8 = 7;
        yield_!(v);
    }
    log(format!("outer {v}"));
    v
}

#[test]
fn a_local_copied_into_a_yield_survives_an_inner_shadow() {
    let cases: &[(&[u8], usize, &[&str])] = &[
        (
            &[0, 1, 2],
            99,
            &[
                "new 3 1", "yield 1", "yield 7", "outer 1", "drop 3", "return 1",
            ],
        ),
        (
            &[0, 9, 2],
            99,
            &["new 3 1", "yield 1", "outer 1", "drop 3", "return 1"],
        ),
        (&[0, 1], 1, &["new 3 1", "yield 1", "dropping", "drop 3"]),
        (
            &[0, 1, 2],
            2,
            &["new 3 1", "yield 1", "yield 7", "dropping", "drop 3"],
        ),
    ];
    check(|| shadowed_after_a_copy(1), cases);
}

// Found by coro-difftest (program seed 8589934850, reduced): an inner binding shadows a `Copy`
// local that is kept across a yield, and a `break` leaves the inner scope before it closes
// ("cannot keep `v` across this point"). A `Copy` local is copied to a hidden name, and gets
// its own name back when the inner scope closes.
#[coro::coroutine(yield = u8, resume = u8)]
fn identity(x: u8) -> u8 {
    x
}

#[coro::coroutine(yield = u8, resume = u8)]
fn copy_shadowed_in_a_labeled_block(p: u8) -> u8 {
    let v: u8 = p;
    'b: {
        let v = yield_from!(identity(yield_!(1)));
        if v == 3 {
            break 'b;
        }
        log(format!("inner {v}"));
    }
    log(format!("outer {v}"));
    v
}

#[test]
fn a_copy_local_shadowed_in_a_labeled_block_is_kept() {
    let cases: &[(&[u8], usize, &[&str])] = &[
        (&[0, 3, 2], 99, &["yield 1", "outer 1", "return 1"]),
        (
            &[0, 9, 2],
            99,
            &["yield 1", "inner 9", "outer 1", "return 1"],
        ),
        (&[0, 1], 1, &["yield 1", "dropping"]),
    ];
    check(|| copy_shadowed_in_a_labeled_block(1), cases);
}

// Found by coro-difftest (program seeds 12884902624 and 12884902864, reduced): an assignment
// inside a branch or a loop body after a yield was taken as overwriting the local on every
// path, so the local was not kept across the yield (E0381, "possibly-uninitialized").
#[coro::coroutine(yield = u8, resume = u8)]
fn conditionally_assigned(p: u8) -> u8 {
    let mut v: u8 = p;
    let r = yield_!(1);
    if r > 3 {
        v = r;
    }
    for _ in 0..r % 2 {
        v = v.wrapping_add(10);
    }
    log(format!("v {v}"));
    v
}

#[test]
fn a_conditional_assignment_keeps_the_earlier_value() {
    let cases: &[(&[u8], usize, &[&str])] = &[
        (&[0, 2], 99, &["yield 1", "v 1", "return 1"]),
        (&[0, 5], 99, &["yield 1", "v 15", "return 15"]),
        (&[0, 3], 99, &["yield 1", "v 11", "return 11"]),
        (&[0, 8], 1, &["yield 1", "dropping"]),
    ];
    check(|| conditionally_assigned(1), cases);
}

// Found by coro-difftest (program seed 17179869322, reduced): two bindings of one name in a
// scope, both kept across a yield in an inner block that binds the name a third time. Both
// older ones were "reexposed" under the name when the block closed, so the first `let o;` was
// never assigned (E0282). Only the binding that the inner one shadowed directly comes back.
#[coro::coroutine(yield = u8, resume = u8)]
fn shadowed_twice(p: u8) -> u8 {
    let o = D::new(1, p);
    let o = D::new(2, o.get() + 1);
    let v = {
        let o = D::new(3, o.get() + 1);
        yield_!(o.get())
    };
    log(format!("v {v} o {}", o.get()));
    v
}

#[test]
fn a_name_bound_three_times_across_a_yield() {
    let cases: &[(&[u8], usize, &[&str])] = &[
        (
            &[0, 7],
            99,
            &[
                "new 1 1", "new 2 2", "new 3 3", "yield 3", "drop 3", "v 7 o 2", "drop 2",
                "drop 1", "return 7",
            ],
        ),
        (
            &[0, 1],
            1,
            &[
                "new 1 1", "new 2 2", "new 3 3", "yield 3", "dropping", "drop 3", "drop 2",
                "drop 1",
            ],
        ),
    ];
    check(|| shadowed_twice(1), cases);
}

// Found by coro-difftest (program seed 17179869186, reduced, with the drop-temp feature): the
// temporaries of the expression that makes a `yield_from!` delegate are dropped before the
// delegation starts, as in `let mut sub = expr;` (they were kept to the end of the statement).
#[coro::coroutine(yield = u8, resume = u8)]
fn count_to(k: u8) -> u8 {
    for i in 0..k {
        log(format!("sub {i}"));
        yield_!(i);
    }
    k
}

#[coro::coroutine(yield = u8, resume = u8)]
fn delegate_made_with_a_temporary(p: u8) -> u8 {
    let n = yield_from!(count_to(D::new(20, yield_!(0)).get()));
    log(format!("n {n}"));
    n
}

#[test]
fn a_delegates_temporaries_die_before_it_runs() {
    let cases: &[(&[u8], usize, &[&str])] = &[
        (
            &[0, 2, 5, 5, 5],
            99,
            &[
                "yield 0", "new 20 2", "drop 20", "sub 0", "yield 0", "sub 1", "yield 1", "n 2",
                "return 2",
            ],
        ),
        (
            &[0, 3, 1],
            2,
            &[
                "yield 0", "new 20 3", "drop 20", "sub 0", "yield 0", "dropping",
            ],
        ),
    ];
    check(|| delegate_made_with_a_temporary(1), cases);
}

// Found by coro-difftest (program seed 4294967411, reduced): the value of a `match` comes from
// two suspension points (`8` in one, `p: u8` in the other), and the code after it calls a method
// on it. The join's arm was type-checked before the arm that stores `p`, so the field was still
// an ambiguous `{integer}` there (E0689); arms now come after the arms that make their state.
#[coro::coroutine(yield = u8, resume = u8)]
fn join_typed_by_a_later_arm(p: u8) -> u8 {
    let v = match yield_!(1) {
        0 => 8,
        _ => {
            yield_!(2);
            p
        }
    };
    log(format!("v {}", v.wrapping_add(5)));
    v
}

#[test]
fn a_join_value_is_typed_by_every_arm_that_makes_it() {
    let cases: &[(&[u8], usize, &[&str])] = &[
        (&[0, 0], 99, &["yield 1", "v 13", "return 8"]),
        (&[0, 4, 9], 99, &["yield 1", "yield 2", "v 6", "return 1"]),
    ];
    check(|| join_typed_by_a_later_arm(1), cases);
}

// Found by coro-difftest (program seed 30064771767, reduced): a `Copy` local that is only
// assigned after the yield (in a `let … else` block) is dead there, so the state does not keep
// it, and the arm did not declare it either (E0425): the locals an arm declares for assignments
// are now collected from every part of its code (`let` initialisers and `else` blocks, scope
// and jump values, embedded exits), not only from its statements and branches.
#[coro::coroutine(yield = u8, resume = u8)]
#[allow(unused_assignments)]
fn assigned_only_in_a_let_else(p: u8) -> u8 {
    let mut v = 1;
    log(format!("v {v}"));
    let 0 = yield_!(4) else {
        v = 0;
        log("else");
        return p;
    };
    6
}

#[test]
fn a_dead_local_assigned_in_a_let_else_is_declared() {
    let cases: &[(&[u8], usize, &[&str])] = &[
        (&[0, 0], 99, &["v 1", "yield 4", "return 6"]),
        (&[0, 3], 99, &["v 1", "yield 4", "else", "return 1"]),
        (&[0, 3], 1, &["v 1", "yield 4", "dropping"]),
    ];
    check(|| assigned_only_in_a_let_else(1), cases);
}

// Found by coro-difftest (program seed 30064772131, reduced): the same gap as above, with the
// assignment in a block that initialises a `let` after the yield.
#[coro::coroutine(yield = u8, resume = u8)]
#[allow(unused_assignments)]
fn assigned_in_a_let_initialiser(p: u8) -> u8 {
    let mut v = 1;
    log(format!("v {v}"));
    yield_!(2);
    let w = {
        v = 8;
        p + 1
    };
    log(format!("w {w}"));
    w
}

#[test]
fn a_dead_local_assigned_in_a_let_initialiser_is_declared() {
    let cases: &[(&[u8], usize, &[&str])] = &[
        (&[0, 5], 99, &["v 1", "yield 2", "w 2", "return 2"]),
        (&[0, 3], 1, &["v 1", "yield 2", "dropping"]),
    ];
    check(|| assigned_in_a_let_initialiser(1), cases);
}

// Found by coro-difftest (program seed 4294967417, reduced; with the `shadow` feature): a
// non-`Copy` local shadowed by a `let` in an inner scope that a `break` leaves while a state
// must still keep the outer one ("cannot keep `x` across this point"). The inner binding is now
// written under a hidden name and the inner scope's uses of `x` renamed, so the outer `x` stays
// reachable under its own name and is dropped where rustc drops it.
#[coro::coroutine(yield = u8, resume = u8)]
fn shadowed_in_a_block_left_early(p: u8) -> u8 {
    if let Some(x) = Some(D::new(1, p)) {
        'b: {
            let x = D::new(2, yield_!(0));
            if x.get() > 3 {
                break 'b;
            }
            log(format!("inner {}", x.get()));
        }
        log(format!("outer {}", x.get()));
    }
    0
}

#[test]
fn a_local_shadowed_in_a_block_left_early_is_kept() {
    let cases: &[(&[u8], usize, &[&str])] = &[
        (
            &[0, 5],
            99,
            &[
                "new 1 1", "yield 0", "new 2 5", "drop 2", "outer 1", "drop 1", "return 0",
            ],
        ),
        (
            &[0, 2],
            99,
            &[
                "new 1 1", "yield 0", "new 2 2", "inner 2", "drop 2", "outer 1", "drop 1",
                "return 0",
            ],
        ),
        (&[0], 1, &["new 1 1", "yield 0", "drop 1"]),
    ];
    check(|| shadowed_in_a_block_left_early(1), cases);
}

// Found by coro-difftest (program seed 34359738994, reduced; with the `shadow` feature): a
// `let … else` block binds `d` again and leaves with `continue` to a loop head that is a state of
// its own. The `continue` is written inside that block and stored the state from `d`, which
// there names the inner binding: the inner `D` was kept and the outer one dropped. Bindings
// inside code with embedded exits now get fresh names where they shadow the arm's locals.
#[coro::coroutine(yield = u8, resume = u8)]
fn shadowed_in_a_let_else_block(p: u8, d: D) -> u8 {
    let mut n = 0;
    loop {
        if n >= 2 {
            break;
        }
        n += 1;
        let 0 = p else {
            let d = D::new(2, n);
            continue;
        };
        yield_!(n);
    }
    log(format!("d {}", d.get()));
    0
}

#[test]
fn an_exit_from_a_block_that_shadows_a_local_keeps_the_outer_one() {
    let cases: &[(&[u8], usize, &[&str])] = &[(
        &[1, 0],
        99,
        &[
            "new 1 9", "new 2 1", "drop 2", "new 2 2", "drop 2", "d 9", "drop 1", "return 0",
        ],
    )];
    check(|| shadowed_in_a_let_else_block(1, D::new(1, 9)), cases);
    let cases: &[(&[u8], usize, &[&str])] = &[
        (
            &[0, 0, 0, 0],
            99,
            &["new 1 9", "yield 1", "yield 2", "d 9", "drop 1", "return 0"],
        ),
        (&[0, 0], 1, &["new 1 9", "yield 1", "dropping", "drop 1"]),
    ];
    check(|| shadowed_in_a_let_else_block(0, D::new(1, 9)), cases);
}

// Found by coro-difftest with the `drop-temp` feature (seed 9, programs 38654705667,
// 38654705803, 38654705846, reduced): rustc's temporary scopes. Each operand of `||`/`&&` is
// one (the `D` is dropped before the second operand yields); the temporaries of a `for`
// iterable or a `match` scrutinee that yields live to the end of the loop or the `match`, not
// to the end of the enclosing block.
#[coro::coroutine(yield = u8, resume = u8)]
fn lazy_operand_temporaries(p: u8) -> u8 {
    if (yield_!(D::new(3, p).get()) == 0) || (0 == yield_!(3)) {
        log("then");
    }
    log("after");
    0
}

#[coro::coroutine(yield = u8, resume = u8)]
fn for_iterable_temporaries(p: u8) -> u8 {
    for x in 0..(yield_!(D::new(7, p).get())) % 4 {
        log(format!("x {x}"));
    }
    let v = D::new(11, p).get();
    v
}

#[coro::coroutine(yield = u8, resume = u8)]
fn match_scrutinee_temporaries(p: u8) -> u8 {
    match Some(D::new(15, 8).get().wrapping_sub(yield_!(3))) {
        Some(0) => log("zero"),
        _ => log("other"),
    }
    log("after");
    p
}

#[test]
fn temporaries_die_at_the_end_of_their_temporary_scope() {
    let cases: &[(&[u8], usize, &[&str])] = &[
        (
            &[0, 0],
            99,
            &["new 3 1", "yield 1", "drop 3", "then", "after", "return 0"],
        ),
        (
            &[0, 1, 0],
            99,
            &[
                "new 3 1", "yield 1", "drop 3", "yield 3", "then", "after", "return 0",
            ],
        ),
        (
            &[0, 1, 5],
            99,
            &[
                "new 3 1", "yield 1", "drop 3", "yield 3", "after", "return 0",
            ],
        ),
        (
            &[0, 1, 5],
            2,
            &["new 3 1", "yield 1", "drop 3", "yield 3", "dropping"],
        ),
    ];
    check(|| lazy_operand_temporaries(1), cases);
    let cases: &[(&[u8], usize, &[&str])] = &[
        (
            &[0, 2],
            99,
            &[
                "new 7 1", "yield 1", "x 0", "x 1", "drop 7", "new 11 1", "drop 11", "return 1",
            ],
        ),
        (&[0], 1, &["new 7 1", "yield 1", "drop 7"]),
    ];
    check(|| for_iterable_temporaries(1), cases);
    let cases: &[(&[u8], usize, &[&str])] = &[
        (
            &[0, 8],
            99,
            &[
                "new 15 8", "yield 3", "zero", "drop 15", "after", "return 1",
            ],
        ),
        (
            &[0, 2],
            99,
            &[
                "new 15 8", "yield 3", "other", "drop 15", "after", "return 1",
            ],
        ),
        (&[0], 1, &["new 15 8", "yield 3", "drop 15"]),
    ];
    check(|| match_scrutinee_temporaries(1), cases);
}

// Found by coro-difftest with the `drop-temp` feature (seed 9, program 38654705827, reduced):
// an operand computed before a later yield of its statement (the receiver of `max`) holds a
// temporary made by one of its own operands; rustc keeps it to the end of the statement, past
// the second yield.
#[coro::coroutine(yield = u8, resume = u8)]
fn nested_operand_temporaries(p: u8) -> u8 {
    let v: u8;
    v = ((yield_!(0), D::new(15, p).get()).0).max(yield_!(9));
    log(format!("v {v}"));
    v
}

// The same with the tuple as a field's base (program 38654705823): the tuple is stored before the
// statement ends, and the `D` made for its second element must outlive that.
#[coro::coroutine(yield = u8, resume = u8)]
fn stored_operand_temporaries(p: u8) -> u8 {
    let v = D::new(2, (yield_!(1), D::new(15, p).get()).1).get();
    log(format!("v {v}"));
    v
}

#[test]
fn a_nested_operands_temporaries_outlive_a_later_yield() {
    let cases: &[(&[u8], usize, &[&str])] = &[(
        &[0, 4],
        99,
        &[
            "yield 1", "new 15 1", "new 2 1", "drop 2", "drop 15", "v 1", "return 1",
        ],
    )];
    check(|| stored_operand_temporaries(1), cases);
    let cases: &[(&[u8], usize, &[&str])] = &[
        (
            &[0, 4, 2],
            99,
            &[
                "yield 0", "new 15 1", "yield 9", "drop 15", "v 4", "return 4",
            ],
        ),
        (
            &[0, 4, 2],
            2,
            &["yield 0", "new 15 1", "yield 9", "dropping", "drop 15"],
        ),
    ];
    check(|| nested_operand_temporaries(1), cases);
}

// Found by coro-difftest (program seed 51539607558, reduced): a place operand (`v`) was left in
// place, to be read when the array is built, but a later operand changes it before that; Rust
// reads it first. A place that a later operand may change is now copied early.
#[coro::coroutine(yield = u8, resume = u8)]
fn place_changed_by_a_later_operand(p: u8) -> u8 {
    let mut v = p;
    let a = [v, 7, {
        v |= yield_!(2);
        v
    }];
    log(format!("a {a:?}"));
    a[0]
}

#[test]
fn a_place_operand_is_read_before_a_later_operand_changes_it() {
    let cases: &[(&[u8], usize, &[&str])] =
        &[(&[0, 6], 99, &["yield 2", "a [1, 7, 7]", "return 1"])];
    check(|| place_changed_by_a_later_operand(1), cases);
}

// Found by coro-difftest (program seed 60129542717, reduced): a `let` in a loop body shadows
// the non-`Copy` parameter `d`, which was moved to a hidden name on the assumption that the arm
// would leave before the loop body ends; but the `break` is threaded into the same arm, so the
// hidden name died with the loop body and the code after the loop used the moved `d` (E0382).
// The shadowing `let` is now renamed instead when a threaded exit leaves its scope.
#[coro::coroutine(yield = u8, resume = u8)]
fn shadowed_in_a_loop_left_by_break(p: u8, d: D) -> u8 {
    let mut n = 0;
    'l: while n < 3 {
        n += 1;
        let d = D::new(2, n);
        if n > p {
            break 'l;
        }
        yield_!(d.get());
    }
    if p > 0 {
        let v = yield_!(p);
        log(format!("v {v} d {}", d.get()));
    }
    0
}

#[test]
fn a_local_shadowed_in_a_loop_left_by_a_threaded_break_is_kept() {
    let cases: &[(&[u8], usize, &[&str])] = &[(
        &[0, 5],
        99,
        &["new 1 9", "new 2 1", "drop 2", "drop 1", "return 0"],
    )];
    check(|| shadowed_in_a_loop_left_by_break(0, D::new(1, 9)), cases);
    let cases: &[(&[u8], usize, &[&str])] = &[
        (
            &[1, 5, 6],
            99,
            &[
                "new 1 9", "new 2 1", "yield 1", "drop 2", "new 2 2", "drop 2", "yield 1",
                "v 6 d 9", "drop 1", "return 0",
            ],
        ),
        (
            &[1, 5, 6],
            2,
            &[
                "new 1 9", "new 2 1", "yield 1", "drop 2", "new 2 2", "drop 2", "yield 1",
                "dropping", "drop 1",
            ],
        ),
    ];
    check(|| shadowed_in_a_loop_left_by_break(1, D::new(1, 9)), cases);
}

// Found by coro-difftest (program seed 73014444101, reduced): the bindings inside code with an
// embedded exit get fresh names where they shadow the arm's locals (see above), and the value the
// exit carries (`x.unwrap_or(0) + 10` here) is the user's code at that point: it must see the
// renamed inner `x`, not the loop's `D`.
#[coro::coroutine(yield = u8, resume = u8)]
fn exit_value_sees_the_inner_binding(p: u8) -> u8 {
    for x in [D::new(3, 1), D::new(4, 2)] {
        let v = match p {
            0 => yield_!(x.get()),
            _ => {
                let x = Some(p);
                return x.unwrap_or(0) + 10;
            }
        };
        log(format!("v {v}"));
    }
    0
}

#[test]
fn an_exits_value_sees_the_binding_in_scope_where_it_is_written() {
    let cases: &[(&[u8], usize, &[&str])] = &[
        (
            &[0, 7, 8],
            99,
            &[
                "new 3 1", "new 4 2", "yield 1", "v 7", "drop 3", "yield 2", "v 8", "drop 4",
                "return 0",
            ],
        ),
        (
            &[0, 7],
            99,
            &[
                "new 3 1", "new 4 2", "yield 1", "v 7", "drop 3", "yield 2", "drop 4",
            ],
        ),
    ];
    check(|| exit_value_sees_the_inner_binding(0), cases);
    let cases: &[(&[u8], usize, &[&str])] = &[(
        &[5],
        99,
        &["new 3 1", "new 4 2", "drop 3", "drop 4", "return 15"],
    )];
    check(|| exit_value_sees_the_inner_binding(5), cases);
}

// Found by coro-difftest (program seed 73014444724, reduced): a `let` in a loop body shadows the
// non-`Copy` parameter `d`. The parameter was moved to a hidden name declared in the loop body,
// after the loop's iterator, so a panic there dropped it before the iterator's items; rustc drops
// it last. A `let` that shadows a non-`Copy` local a state may keep is now renamed instead, and
// the local stays where it is.
#[coro::coroutine(yield = u8, resume = u8)]
fn shadowed_parameter_dropped_in_order(p: u8, d: D) -> u8 {
    for x in [D::new(3, 1), D::new(4, 2)] {
        let d = D::new(10, 6);
        let v = d.get() + x.get();
        if v > p {
            panic!("boom");
        }
        yield_!(v);
    }
    d.get()
}

#[test]
fn a_shadowed_parameter_is_dropped_in_rustcs_order() {
    let cases: &[(&[u8], usize, &[&str])] = &[(
        &[0, 0],
        99,
        &[
            "new 1 9", "new 3 1", "new 4 2", "new 10 6", "drop 10", "drop 3", "drop 4", "drop 1",
            "panicked",
        ],
    )];
    check(
        || shadowed_parameter_dropped_in_order(0, D::new(1, 9)),
        cases,
    );
    let cases: &[(&[u8], usize, &[&str])] = &[
        (
            &[20, 0, 0, 0],
            99,
            &[
                "new 1 9", "new 3 1", "new 4 2", "new 10 6", "yield 7", "drop 10", "drop 3",
                "new 10 6", "yield 8", "drop 10", "drop 4", "drop 1", "return 9",
            ],
        ),
        (
            &[20, 0],
            1,
            &[
                "new 1 9", "new 3 1", "new 4 2", "new 10 6", "yield 7", "dropping", "drop 10",
                "drop 3", "drop 4", "drop 1",
            ],
        ),
    ];
    check(
        || shadowed_parameter_dropped_in_order(20, D::new(1, 9)),
        cases,
    );
}

// Found by coro-difftest in the 10,000-program batch (program seed 85899346568, reduced): `d`
// shadowed in its own scope after a yield. The old `d` was moved to a hidden name declared
// after `e`, so it was dropped before `e`; rustc drops it after. Fixed by the renaming above
// (the new `d` takes the hidden name and the old one stays where it is).
#[coro::coroutine(yield = u8, resume = u8)]
fn shadowed_in_its_own_scope(p: u8) -> u8 {
    let d = D::new(1, p);
    let e = D::new(2, 0);
    let d = D::new(5, yield_!(p));
    d.get() + e.get()
}

#[test]
fn a_local_shadowed_in_its_own_scope_keeps_its_drop_order() {
    let cases: &[(&[u8], usize, &[&str])] = &[
        (
            &[0, 4],
            99,
            &[
                "new 1 1", "new 2 0", "yield 1", "new 5 4", "drop 5", "drop 2", "drop 1",
                "return 4",
            ],
        ),
        (
            &[0, 4],
            1,
            &[
                "new 1 1", "new 2 0", "yield 1", "dropping", "drop 2", "drop 1",
            ],
        ),
    ];
    check(|| shadowed_in_its_own_scope(1), cases);
}

// Found by coro-difftest in the 10,000-program batch (program seed 94489281058, reduced): a
// `Copy` `d` in a match arm shadows the non-`Copy` parameter `d`; the parameter was moved to a
// hidden name that died with the arm's block, and the code after the `match` used the moved
// value (E0382). Fixed by the renaming above.
#[coro::coroutine(yield = u8, resume = u8)]
fn shadowed_by_a_copy_in_a_match_arm(p: u8, d: D) -> u8 {
    let p = match p {
        0 => 0,
        _ => {
            let d = 8;
            if d > p {
                return yield_!(p);
            }
            yield_!(p)
        }
    };
    p + d.get()
}

#[test]
fn a_parameter_shadowed_in_a_match_arm_is_kept() {
    let make = |p| move || shadowed_by_a_copy_in_a_match_arm(p, D::new(1, 9));
    check(make(0), &[(&[0], 99, &["new 1 9", "drop 1", "return 9"])]);
    check(
        make(3),
        &[(&[3, 5], 99, &["new 1 9", "yield 3", "drop 1", "return 5"])],
    );
    check(
        make(9),
        &[
            (&[9, 5], 99, &["new 1 9", "yield 9", "drop 1", "return 14"]),
            (&[9, 5], 1, &["new 1 9", "yield 9", "dropping", "drop 1"]),
        ],
    );
}

// Found by coro-difftest against the final macro (program seed 103079215581, reduced): a loop
// body without a yield rebinds `d` to a number and reads it. The uses analysis took that read for
// a move of the parameter `d`, so the parameter was not kept across the later yield and was
// dropped before it. The analysis now follows the bindings of the code it reads.
#[coro::coroutine(yield = u8, resume = u8)]
fn rebound_in_a_loop_body(p: u8, d: D) -> u8 {
    let mut n = 0;
    while n < 1 {
        n += 1;
        let d = p;
        let v = d;
        log(format!("inner {v}"));
    }
    let e = D::new(10, yield_!(1));
    e.get()
}

#[test]
fn a_name_rebound_in_yield_free_code_is_not_the_tracked_local() {
    let cases: &[(&[u8], usize, &[&str])] = &[
        (
            &[0, 5],
            99,
            &[
                "new 1 9", "inner 0", "yield 1", "new 10 5", "drop 10", "drop 1", "return 5",
            ],
        ),
        (
            &[0, 5],
            1,
            &["new 1 9", "inner 0", "yield 1", "dropping", "drop 1"],
        ),
    ];
    check(|| rebound_in_a_loop_body(0, D::new(1, 9)), cases);
}

// Found by coro-difftest against the final macro (program seed 107374182531, reduced): the
// renamed `p` sat beside a string that merely contains the letter `p` (`panic!("p11")`), which
// was taken for a format capture of `p`; the fallback then renamed it again and gave up. Only
// `{p}`-style captures count now, and a local moved to a hidden name in its own scope is fine
// when that scope closes.
#[coro::coroutine(yield = u8, resume = u8)]
fn renamed_beside_a_string_with_its_name(p: u8) -> u8 {
    let p = D::new(1, p);
    let p: u8 = yield_!(0);
    if p > 3 {
        panic!("p is {}", p);
    }
    log(format!("p {}", p));
    p
}

#[test]
fn a_string_holding_a_renamed_name_is_not_a_capture() {
    let cases: &[(&[u8], usize, &[&str])] = &[
        (
            &[0, 2],
            99,
            &["new 1 1", "yield 0", "p 2", "drop 1", "return 2"],
        ),
        (&[0, 5], 99, &["new 1 1", "yield 0", "drop 1", "panicked"]),
        (&[0, 2], 1, &["new 1 1", "yield 0", "dropping", "drop 1"]),
    ];
    check(|| renamed_beside_a_string_with_its_name(1), cases);
}

// Found by coro-difftest with `drop-temp` against this session's macro (program seed
// 38654705849): binding the temporaries of the last operand (`D::new(9, p)`) to a hidden local
// ran them before the rest of the earlier operand (`seen(…)` around the yield's value). They are
// bound early only when the earlier operands are already computed.
fn seen(x: u8) -> u8 {
    log(format!("seen {x}"));
    x
}

#[coro::coroutine(yield = u8, resume = u8)]
fn operand_order_around_a_temporary(p: u8) -> u8 {
    let b = seen(yield_!(8)) == D::new(9, p).get();
    log(format!("b {b}"));
    p
}

#[test]
fn binding_a_temporary_early_keeps_the_order_of_evaluation() {
    let cases: &[(&[u8], usize, &[&str])] = &[(
        &[0, 1],
        99,
        &[
            "yield 8", "seen 1", "new 9 1", "drop 9", "b true", "return 1",
        ],
    )];
    check(|| operand_order_around_a_temporary(1), cases);
}
