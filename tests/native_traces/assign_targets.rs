//! Issue 19.5: yields in the target of an assignment, with rustc's order of evaluation: the
//! value first for `=` and for compound assignment of primitives, the place first for an
//! overloaded compound operator (which rustc refuses when the value yields: the place is
//! borrowed across it, E0626). (Indexing a `Vec` there is refused by rustc's movable coroutines,
//! E0626: `IndexMut` borrows the vector across the yield; arrays index in place.) Traces recorded from rustc's coroutines by
//! `scripts/record-native-traces.py tests/native_traces/assign_targets.rs`.

#![allow(
    clippy::redundant_closure,
    clippy::useless_format,
    clippy::borrow_deref_ref
)]

use std::ops::{AddAssign, SubAssign};

use super::{check, log};

struct Meter(u8);

impl SubAssign<u8> for Meter {
    fn sub_assign(&mut self, by: u8) {
        log(format!("sub {} {by}", self.0));
        self.0 -= by;
    }
}

impl AddAssign<&Meter> for Meter {
    fn add_assign(&mut self, other: &Meter) {
        log(format!("add {} {}", self.0, other.0));
        self.0 += other.0;
    }
}

fn noted(m: &Meter) -> &Meter {
    log(format!("noted {}", m.0));
    m
}

struct Grid {
    cells: [u8; 3],
}

#[coro::coroutine(yield = u8, resume = u8)]
fn primitive_targets() -> u8 {
    let mut arr = [0u8; 4];
    arr[yield_!(1) as usize] = yield_!(2);
    let mut x = 5;
    *{
        yield_!(3);
        &mut x
    } += 1;
    let mut g = Grid {
        cells: [10, 20, 30],
    };
    g.cells[yield_!(4) as usize] -= 2;
    g.cells[yield_!(5) as usize] += yield_!(6);
    arr[0] + arr[1] + x + g.cells[0] + g.cells[1] + g.cells[2]
}

#[coro::coroutine(yield = u8, resume = u8)]
fn overloaded_targets() -> u8 {
    let mut ms = [Meter(100), Meter(200)];
    ms[yield_!(7) as usize] -= 8;
    let other = Meter(1);
    // An overloaded operator takes the place (and its yield) before the value.
    ms[yield_!(9) as usize] += &*noted(&other);
    ms[0].0 / 2 + ms[1].0 / 2
}

fn amount(n: u8) -> u8 {
    log(format!("amount {n}"));
    n
}

#[coro::coroutine(yield = u8, resume = u8)]
fn overloaded_target_of_a_constructed_local() -> u8 {
    let mut m = Meter(50);
    // The place's local is visibly not a number (a type's constructor): the operator is an
    // overloaded one, so the place (and its yield) comes before the value's effects.
    *{
        yield_!(1);
        &mut m
    } -= amount(3);
    let mut n = 40u8;
    // A number: the value first.
    *{
        yield_!(2);
        &mut n
    } -= amount(4);
    m.0 + n
}

/// A struct whose fields' types the macro cannot see from the body.
struct Pair {
    meters: [Meter; 2],
    counts: [u8; 2],
}

fn pair() -> Pair {
    Pair {
        meters: [Meter(60), Meter(70)],
        counts: [1, 2],
    }
}

/// Nothing in the body shows whether `p.meters[i]` or `p.counts[i]` is a number: the step asks
/// the types the type-discovery pass found (difftest seeds 476741369895, 476741369999, F2). An
/// overloaded operator takes the place, and its yield, before the value's effects; the built-in
/// one the value first. Through a reference parameter, also with a value that yields.
#[coro::coroutine(yield = u8, resume = u8)]
fn targets_of_unseen_types(other: &mut Pair) -> u8 {
    let mut p = pair();
    p.meters[yield_!(1) as usize] -= amount(5);
    p.counts[yield_!(2) as usize] += amount(6);
    other.meters[(amount(7) + yield_!(3)) as usize % 2] -= amount(yield_!(4));
    p.meters[0].0 + p.meters[1].0 + p.counts[0] + p.counts[1] + other.meters[1].0
}

/// The value names the place's root, a reference parameter, which the place-first order only
/// indexes (seed 575525618065); an index that runs code before a yielding value (seed
/// 566935683479): both take the overloaded operator's order.
#[coro::coroutine(yield = u8, resume = u8)]
fn value_naming_the_place(other: &mut Pair) -> u8 {
    other.meters[yield_!(1) as usize % 2] -= amount(yield_!(other.counts[0]));
    other.meters[amount(1) as usize % 2] -= yield_!(8);
    other.counts[amount(1) as usize % 2] += yield_!(9);
    other.meters[0].0 + other.meters[1].0 + other.counts[1]
}

/// A compound assignment inside a `yield_!`'s argument asks the types too (seed 588410519676).
#[coro::coroutine(yield = u8, resume = u8)]
fn inside_a_yield_argument() -> u8 {
    yield_!({
        let mut p = pair();
        p.meters[yield_!(1) as usize % 2] -= amount(2);
        p.meters[1].0
    })
}

impl Pair {
    fn total(&self) -> u8 {
        log("total");
        self.counts[0] + self.counts[1]
    }
}

/// The value reads the place's root and yields, after a place whose index runs code (a `&mut
/// self` method's `self.ls[f()] -= self.total() + yield_!(…)`, seed 605590389677): the place is
/// borrowed only once the value is there, as rustc's two-phase borrow of an overloaded
/// operator's place lets the value read the root.
#[coro::coroutine(yield = u8, resume = u8)]
fn value_reading_the_places_root(other: &mut Pair) -> u8 {
    other.meters[amount(1) as usize % 2] -= other.total() + yield_!(5);
    other.counts[amount(0) as usize % 2] += other.total() + yield_!(6);
    other.meters[1].0 + other.counts[0]
}

/// The index and the value both borrow one owned local, which moves nothing: the types still
/// decide the order (seed 605590388762).
#[coro::coroutine(yield = u8, resume = u8)]
fn index_and_value_borrowing_one_local() -> u8 {
    let m = Meter(1);
    let mut p = pair();
    p.meters[yield_!(m.0) as usize % 2] -= amount(noted(&m).0);
    p.counts[yield_!(m.0) as usize % 2] += amount(noted(&m).0);
    p.meters[1].0 + p.counts[1]
}

fn take_meter(m: Meter) -> u8 {
    log(format!("take {}", m.0));
    m.0
}

/// The value moves a local the yielding place borrows (`s.l[yield_!(d.get())] += take(d)`):
/// only the place-first order compiles, so the operator is an overloaded one (seed
/// 614180323402).
#[coro::coroutine(yield = u8, resume = u8)]
fn value_moving_what_the_place_borrows() -> u8 {
    let d = Meter(4);
    let mut ms = [Meter(10), Meter(20)];
    ms[yield_!(d.0) as usize % 2] -= take_meter(d);
    ms[0].0 + ms[1].0
}

/// A local that a compound assignment's value uses by value and its place names (`v |= v`) is
/// used after its move on the same path, so `Copy`: it takes no drop flag (seed
/// 614180323739, where the flag panicked as "used after its move").
// (`v` is not read after: a later read would make it a use after the move, so no flag.)
#[allow(unused_assignments)]
#[coro::coroutine(yield = u8, resume = u8)]
fn place_and_value_naming_one_local(p: u8) -> u8 {
    let mut it = vec![p, 2].into_iter().map(|x| x ^ 1);
    if let Some(x) = it.next() {
        log(format!("first {x}"));
    }
    let mut v = yield_!(yield_!(1));
    let w = {
        let mut c = 0;
        loop {
            if c >= 2 {
                break 0;
            }
            v |= v;
            break yield_!(yield_!(p));
        }
    };
    w
}

/// A yielding place whose root the value reads (`self.ls[yield_!(0)] += h2(self.n, 7)`, seed
/// 618475291516): the place is written out again after the value and borrowed in two phases,
/// so the overloaded operator's order (the place's yield first) compiles.
#[coro::coroutine(yield = u8, resume = u8)]
fn yielding_place_value_reading_its_root(other: &mut Pair) -> u8 {
    other.meters[yield_!(1) as usize % 2] -= other.total();
    let mut p = pair();
    p.meters[yield_!(2) as usize % 2] -= p.total();
    other.meters[1].0 + p.meters[0].0
}

// --- tests ---

#[test]
fn yields_in_the_target_of_assignments_of_numbers() {
    check(
        || primitive_targets(),
        &[
            (
                &[0, 1, 0, 0, 1, 2, 2],
                99,
                &[
                    "yield 2",
                    "yield 1",
                    "yield 3",
                    "yield 4",
                    "yield 6",
                    "yield 5",
                    "return 67",
                ],
            ),
            (&[0, 1, 3], 2, &["yield 2", "yield 1", "dropping"]),
        ],
    );
}

#[test]
fn yields_in_the_target_of_an_overloaded_compound_assignment() {
    check(
        || overloaded_targets(),
        &[(
            &[0, 1, 0, 9, 1],
            99,
            &[
                "yield 7",
                "sub 200 8",
                "yield 9",
                "noted 1",
                "add 100 1",
                "return 146",
            ],
        )],
    );
}

#[test]
fn a_yielding_place_of_a_constructed_local_comes_before_the_value() {
    check(
        || overloaded_target_of_a_constructed_local(),
        &[(
            &[0, 1, 2],
            9,
            &[
                "yield 1",
                "amount 3",
                "sub 50 3",
                "amount 4",
                "yield 2",
                "return 83",
            ],
        )],
    );
}

#[test]
fn the_order_of_a_compound_assignment_of_unseen_types_follows_the_types() {
    check(
        || targets_of_unseen_types(Box::leak(Box::new(pair()))),
        &[
            (
                &[0, 1, 0, 1, 1],
                9,
                &[
                    "yield 1",
                    "amount 5",
                    "sub 70 5",
                    "amount 6",
                    "yield 2",
                    "amount 7",
                    "yield 3",
                    "yield 4",
                    "amount 1",
                    "sub 60 1",
                    "return 204",
                ],
            ),
            (&[0, 1], 1, &["yield 1", "dropping"]),
        ],
    );
}

#[test]
fn a_value_naming_the_places_root_behind_a_reference() {
    check(
        || value_naming_the_place(Box::leak(Box::new(pair()))),
        &[(
            &[0, 1, 2, 3, 4],
            99,
            &[
                "yield 1",
                "yield 1",
                "amount 2",
                "sub 70 2",
                "amount 1",
                "yield 8",
                "sub 68 3",
                "yield 9",
                "amount 1",
                "return 131",
            ],
        )],
    );
}

#[test]
fn a_compound_assignment_inside_a_yields_argument() {
    check(
        || inside_a_yield_argument(),
        &[
            (
                &[0, 1, 2],
                99,
                &["yield 1", "amount 2", "sub 70 2", "yield 68", "return 2"],
            ),
            (&[0], 1, &["yield 1"]),
        ],
    );
}

#[test]
fn a_value_reading_the_places_root_and_yielding() {
    check(
        || value_reading_the_places_root(Box::leak(Box::new(pair()))),
        &[
            (
                &[0, 1, 2],
                99,
                &[
                    "amount 1",
                    "total",
                    "yield 5",
                    "sub 70 4",
                    "total",
                    "yield 6",
                    "amount 0",
                    "return 72",
                ],
            ),
            (&[0], 1, &["amount 1", "total", "yield 5"]),
        ],
    );
}

#[test]
fn an_index_and_a_value_borrowing_one_local() {
    check(
        || index_and_value_borrowing_one_local(),
        &[
            (
                &[0, 1, 1],
                99,
                &[
                    "yield 1",
                    "noted 1",
                    "amount 1",
                    "sub 70 1",
                    "noted 1",
                    "amount 1",
                    "yield 1",
                    "return 72",
                ],
            ),
            (&[0, 1], 1, &["yield 1", "dropping"]),
        ],
    );
}

#[test]
fn a_value_moving_what_the_place_borrows() {
    check(
        || value_moving_what_the_place_borrows(),
        &[
            (&[0, 1], 99, &["yield 4", "take 4", "sub 20 4", "return 26"]),
            (&[0], 1, &["yield 4"]),
        ],
    );
}

#[test]
fn a_place_and_value_naming_one_local() {
    check(
        || place_and_value_naming_one_local(3),
        &[
            (
                &[0, 1, 2, 3, 4],
                99,
                &[
                    "first 2", "yield 1", "yield 1", "yield 3", "yield 3", "return 4",
                ],
            ),
            (&[0, 1, 2], 1, &["first 2", "yield 1", "dropping"]),
        ],
    );
}

#[test]
fn a_yielding_place_whose_root_the_value_reads() {
    check(
        || yielding_place_value_reading_its_root(Box::leak(Box::new(pair()))),
        &[
            (
                &[0, 1, 0],
                99,
                &[
                    "yield 1",
                    "total",
                    "sub 70 3",
                    "yield 2",
                    "total",
                    "sub 60 3",
                    "return 124",
                ],
            ),
            (&[0], 1, &["yield 1"]),
        ],
    );
}
