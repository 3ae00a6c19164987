//! Temporaries whose drop waits for a yield, as in rustc's coroutines. Found by coro-difftest
//! (program seed 442381631500, reduced, with the drop-temp feature): the temporaries of an
//! `if let` scrutinee live through the then-block's yields to the end of the `if let` (in this
//! crate's edition, 2021, also through the `else`), as a `match`'s do; they were dropped at the
//! first yield of the branch. Traces recorded from rustc's coroutines by
//! `scripts/record-native-traces.py tests/native_traces/temporaries.rs`.

#![allow(clippy::useless_format)]

use super::{check, log};

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

fn opt(v: u8) -> Option<u8> {
    Some(v)
}

#[coro::coroutine(yield = u8, resume = u8)]
fn if_let_scrutinee_temporaries(p: u8) -> u8 {
    if let Some(x) = opt(D::new(30, p).get()) {
        yield_!(x);
    }
    if let Some(9) = opt(D::new(31, p).get()) {
        yield_!(1);
    } else {
        log("else");
        yield_!(2);
    }
    0
}

/// Before edition 2024 (this crate is 2021), `{ e }` and `unsafe { e }` keep the temporaries of
/// `e` to the end of the enclosing statement, past a later yield (seeds 442381631501,
/// 442381631534, 450971566131); `format!` and `eprintln!` drop their arguments' temporaries when they return
/// (seed 450971566089).
#[coro::coroutine(yield = u8, resume = u8)]
fn tail_and_format_temporaries(p: u8) -> u8 {
    let w = [{ D::new(40, p).get() }, yield_!(1)];
    log(format!("w {w:?}"));
    log(format!("{}", D::new(41, p).get() + yield_!(2)));
    eprintln!("{}", D::new(42, p).get() + yield_!(3));
    let n = ident(unsafe { unsafe_get(D::new(43, yield_!(4)).get()) });
    yield_!(unsafe { unsafe_get(D::new(44, p).get()) });
    n + w[0]
}

/// Before edition 2024 the temporaries of the tail of a block *with statements* outlive the
/// block's locals too: to the end of the enclosing statement (an `if` body's or a match arm's
/// end), or for the body's tail to the end of the body, before the parameters (seed
/// 450971566147; they were dropped before the block's locals, 2024's order).
#[coro::coroutine(yield = u8, resume = u8)]
fn tails_of_blocks_with_statements(p: u8) -> u8 {
    let pd = D::new(50, p);
    let v = {
        let a = D::new(51, 0);
        D::new(52, yield_!(a.get())).get()
    };
    {
        let b = D::new(53, v);
        D::new(54, yield_!(b.get())).get()
    };
    log("between");
    let w = {
        let c = D::new(55, 0);
        {
            let d = D::new(56, c.get());
            D::new(57, yield_!(3)).get() + D::new(58, d.get()).get()
        }
    };
    if w > 0 {
        let e = D::new(59, 0);
        D::new(60, yield_!(e.get())).get();
    }
    let d9 = D::new(61, w);
    D::new(62, yield_!(pd.get())).get() + d9.get()
}

/// A local declared without a value and assigned after a yield compiles (E0282 before: the arm
/// before the yield declared it too, with nothing to infer its type from) and is dropped in
/// its declaration order among the saved locals (it was dropped before those declared after).
#[coro::coroutine(yield = u8, resume = u8)]
fn deferred_after_a_yield(p: u8) -> u8 {
    let x;
    let d = D::new(63, p);
    yield_!(1);
    x = D::new(64, d.get());
    log(format!("x {}", x.get()));
    0
}

struct Pair {
    a: u8,
    b: u8,
}

impl Pair {
    fn sum(&self) -> u8 {
        self.a + self.b
    }
}

#[coro::coroutine(yield = u8, resume = u8)]
fn sub(n: u8) -> u8 {
    log(format!("sub {n}"));
    yield_!(n)
}

/// Temporaries rustc keeps to the end of their statement (or drops sooner), found by
/// coro-difftest (seeds 110 to 112): in a struct literal's field and a parenthesised receiver,
/// past the statement's yield; the left operand of `||` drops its own before the right one
/// runs; a `while let` scrutinee's live through the body's yields; a `match` inside an
/// expression leaves its scrutinee's to the statement; a yielding `if let` statement drops its
/// scrutinee's at its end; a delegate's argument's are dropped before the delegation; an
/// assigned value's live past the place's yield.
#[coro::coroutine(yield = u8, resume = u8)]
fn statement_temporaries(p: u8) -> u8 {
    yield_!(Pair {
        a: D::new(70, p).get(),
        b: 1,
    }
    .sum());
    yield_!((D::new(71, 0)).get() + D::new(72, 1).get());
    if (yield_!(D::new(73, 0).get()) == 8) || ident(1) > 0 {
        log("or");
    }
    let mut c = 0;
    while let Some(x) = (c < 2).then_some(D::new(74, c).get()) {
        c += 1;
        yield_!(x);
    }
    ident(match opt(yield_!(D::new(75, p).get())) {
        Some(x) => x,
        None => 0,
    });
    if let Some(x) = opt((D::new(76, 0).get(), yield_!(6)).1) {
        log(format!("some {x}"));
    }
    yield_!(7);
    let s = yield_from!(sub(D::new(77, p).get()));
    let mut a = [0u8; 2];
    a[(yield_!(8) % 2) as usize] = D::new(78, 1).get() + ident(D::new(79, 2).get());
    s + a[0] + a[1]
}

fn ident(n: u8) -> u8 {
    log(format!("ident {n}"));
    n
}

/// # Safety
/// None needed: `unsafe` only to have an unsafe call in the body.
unsafe fn unsafe_get(n: u8) -> u8 {
    n
}

/// Before edition 2024, the temporaries of the tail of a block with statements that is part of
/// a yield's value (or of an operand a later yield follows) live to the end of the statement,
/// after the block's locals and past the yield.
#[coro::coroutine(yield = u8, resume = u8)]
#[allow(unused_labels)]
fn operand_block_tails(p: u8) -> u8 {
    yield_!({
        let _d = D::new(80, p);
        D::new(81, p).get()
    });
    log("after block");
    yield_!(ident({
        let d = D::new(82, p);
        ident(d.get()) + D::new(83, p).get()
    }));
    log("after call");
    let v = ident({
        let _d = D::new(84, p);
        D::new(85, p).get()
    }) + yield_!(1);
    log(format!("v {v}"));
    #[allow(unused_labels)]
    let w = [
        'b: {
            let _d = D::new(88, p);
            yield_!(5);
            D::new(89, p).get()
        },
        ident(p),
    ];
    log(format!("w {w:?}"));
    yield_!(unsafe {
        let _d = D::new(86, p);
        unsafe_get(D::new(87, p).get())
    })
}

/// A labelled block's tail temporaries, before edition 2024, exist only where the tail ran (a
/// `break` may leave first): they are dropped at the end of the statement where they were
/// made (seeds 489626272281, 489626272123).
#[coro::coroutine(yield = u8, resume = u8)]
fn breakable_block_tails(p: u8) -> u8 {
    for limit in [1, 100] {
        let v = yield_!(ident('b: {
            let _d = D::new(90, p);
            if p > limit {
                break 'b yield_!(0);
            }
            yield_!(D::new(91, yield_!(p)).get())
        }));
        log(format!("v {v}"));
        yield_!('b: {
            if p > limit {
                break 'b 0;
            }
            D::new(92, p).get()
        });
        log("after");
    }
    0
}

/// The temporaries in a range's ends and an array repeat's value are the statement's: a `for`
/// loop's keep theirs through the loop (seed 562640716232).
#[coro::coroutine(yield = u8, resume = u8)]
fn range_temporaries(p: u8) -> u8 {
    for i in 0..(D::new(95, p).get() as u16).min(2) {
        yield_!(i as u8);
    }
    yield_!([D::new(96, p).get(); 2][1])
}

/// An `if let` scrutinee's temporaries inside an index (seed 579820585374).
#[coro::coroutine(yield = u8, resume = u8)]
fn if_let_index_temporaries(p: u8) -> u8 {
    let v = [1u8, 2, 3];
    if let Some(9) = opt(v[D::new(32, p).get() as usize % 3]) {
    } else {
        yield_!(p);
    }
    0
}

// --- tests ---

#[test]
fn if_let_scrutinee_temporaries_live_through_its_branches() {
    check(
        || if_let_scrutinee_temporaries(4),
        &[
            (
                &[0, 0, 0],
                99,
                &[
                    "new 30 4", "yield 4", "drop 30", "new 31 4", "else", "yield 2", "drop 31",
                    "return 0",
                ],
            ),
            (&[0, 0], 1, &["new 30 4", "yield 4", "dropping", "drop 30"]),
        ],
    );
}

#[test]
fn block_tails_and_format_arguments_keep_rustcs_temporary_scopes() {
    check(
        || tail_and_format_temporaries(5),
        &[
            (
                &[0, 1, 2, 3, 4],
                99,
                &[
                    "new 40 5", "yield 1", "drop 40", "w [5, 1]", "new 41 5", "yield 2", "drop 41",
                    "7", "new 42 5", "yield 3", "drop 42", "yield 4", "new 43 4", "ident 4",
                    "drop 43", "new 44 5", "yield 5", "drop 44",
                ],
            ),
            (&[0, 1], 1, &["new 40 5", "yield 1", "dropping", "drop 40"]),
        ],
    );
}

#[test]
fn tails_of_blocks_with_statements_keep_their_temporaries_past_the_blocks_locals() {
    check(
        || tails_of_blocks_with_statements(6),
        &[
            (
                &[0, 1, 2, 3, 4, 5],
                99,
                &[
                    "new 50 6", "new 51 0", "yield 0", "new 52 1", "drop 51", "drop 52",
                    "new 53 1", "yield 1", "new 54 2", "drop 53", "drop 54", "between", "new 55 0",
                    "new 56 0", "yield 3", "new 57 3", "new 58 0", "drop 56", "drop 55", "drop 58",
                    "drop 57", "new 59 0", "yield 0", "new 60 4", "drop 60", "drop 59", "new 61 3",
                    "yield 6", "new 62 5", "drop 61", "drop 50", "drop 62", "return 8",
                ],
            ),
            (
                &[0, 1, 2],
                2,
                &[
                    "new 50 6", "new 51 0", "yield 0", "new 52 1", "drop 51", "drop 52",
                    "new 53 1", "yield 1", "dropping", "drop 53", "drop 50",
                ],
            ),
        ],
    );
}

#[test]
fn a_local_declared_without_a_value_is_assigned_after_a_yield() {
    check(
        || deferred_after_a_yield(7),
        &[
            (
                &[0, 1],
                99,
                &[
                    "new 63 7", "yield 1", "new 64 7", "x 7", "drop 63", "drop 64", "return 0",
                ],
            ),
            (&[0], 1, &["new 63 7", "yield 1", "drop 63"]),
        ],
    );
}

#[test]
fn statement_temporaries_follow_rustcs_scopes() {
    check(
        || statement_temporaries(3),
        &[
            (
                &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
                99,
                &[
                    "new 70 3",
                    "yield 4",
                    "drop 70",
                    "new 71 0",
                    "new 72 1",
                    "yield 1",
                    "drop 72",
                    "drop 71",
                    "new 73 0",
                    "yield 0",
                    "drop 73",
                    "ident 1",
                    "or",
                    "new 74 0",
                    "yield 0",
                    "drop 74",
                    "new 74 1",
                    "yield 1",
                    "drop 74",
                    "new 74 2",
                    "drop 74",
                    "new 75 3",
                    "yield 3",
                    "ident 6",
                    "drop 75",
                    "new 76 0",
                    "yield 6",
                    "some 7",
                    "drop 76",
                    "yield 7",
                    "new 77 3",
                    "drop 77",
                    "sub 3",
                    "yield 3",
                    "new 78 1",
                    "new 79 2",
                    "ident 2",
                    "yield 8",
                    "drop 79",
                    "drop 78",
                    "return 12",
                ],
            ),
            (
                &[0, 1, 2, 3, 4],
                4,
                &[
                    "new 70 3", "yield 4", "drop 70", "new 71 0", "new 72 1", "yield 1", "drop 72",
                    "drop 71", "new 73 0", "yield 0", "drop 73", "ident 1", "or", "new 74 0",
                    "yield 0", "dropping", "drop 74",
                ],
            ),
        ],
    );
}

#[test]
fn block_tails_in_operands_keep_their_temporaries_past_the_yield() {
    check(
        || operand_block_tails(2),
        &[
            (
                &[0, 1, 2, 3, 4, 5, 6],
                99,
                &[
                    "new 80 2",
                    "new 81 2",
                    "drop 80",
                    "yield 2",
                    "drop 81",
                    "after block",
                    "new 82 2",
                    "ident 2",
                    "new 83 2",
                    "drop 82",
                    "ident 4",
                    "yield 4",
                    "drop 83",
                    "after call",
                    "new 84 2",
                    "new 85 2",
                    "drop 84",
                    "ident 2",
                    "yield 1",
                    "drop 85",
                    "v 5",
                    "new 88 2",
                    "yield 5",
                    "new 89 2",
                    "drop 88",
                    "ident 2",
                    "drop 89",
                    "w [2, 2]",
                    "new 86 2",
                    "new 87 2",
                    "drop 86",
                    "yield 2",
                    "drop 87",
                    "return 5",
                ],
            ),
            (
                &[0, 1, 2],
                2,
                &[
                    "new 80 2",
                    "new 81 2",
                    "drop 80",
                    "yield 2",
                    "drop 81",
                    "after block",
                    "new 82 2",
                    "ident 2",
                    "new 83 2",
                    "drop 82",
                    "ident 4",
                    "yield 4",
                    "dropping",
                    "drop 83",
                ],
            ),
        ],
    );
}

#[test]
fn labelled_block_tails_drop_their_temporaries_where_they_were_made() {
    check(
        || breakable_block_tails(2),
        &[
            (
                &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
                99,
                &[
                    "new 90 2", "yield 0", "drop 90", "ident 1", "yield 1", "v 2", "yield 0",
                    "after", "new 90 2", "yield 2", "new 91 4", "yield 4", "drop 90", "ident 5",
                    "yield 5", "drop 91", "v 6", "new 92 2", "yield 2", "drop 92", "after",
                    "return 0",
                ],
            ),
            (
                &[0, 1, 2, 3, 4, 5, 6, 7],
                6,
                &[
                    "new 90 2", "yield 0", "drop 90", "ident 1", "yield 1", "v 2", "yield 0",
                    "after", "new 90 2", "yield 2", "new 91 4", "yield 4", "drop 90", "ident 5",
                    "yield 5", "dropping", "drop 91",
                ],
            ),
        ],
    );
}

#[test]
fn range_ends_keep_their_temporaries_to_the_statements_end() {
    check(
        || range_temporaries(3),
        &[
            (
                &[0, 1, 2, 3],
                99,
                &[
                    "new 95 3", "yield 0", "yield 1", "drop 95", "new 96 3", "yield 3", "drop 96",
                    "return 3",
                ],
            ),
            (&[0], 1, &["new 95 3", "yield 0", "drop 95"]),
        ],
    );
}

#[test]
fn if_let_scrutinee_temporaries_inside_an_index() {
    check(
        || if_let_index_temporaries(1),
        &[
            (&[0, 1], 99, &["new 32 1", "yield 1", "drop 32", "return 0"]),
            (&[0], 1, &["new 32 1", "yield 1", "drop 32"]),
        ],
    );
}
