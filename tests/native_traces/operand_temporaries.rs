//! Temporaries that follow rustc's scopes in less common places: a temporary a call made from
//! a borrow of a local (it holds the borrow, so it has nothing to drop), a struct literal's
//! fields (operands like a call's), and the tail of a loop's body (before 2024 its
//! temporaries outlive the body's locals, once per pass). Traces recorded from rustc's
//! coroutines by `scripts/record-native-traces.py tests/native_traces/operand_temporaries.rs`.

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

fn err(v: u8) -> Result<u8, u8> {
    Err(v)
}

fn ends(v: &[u8]) -> (&u8, &u8) {
    (&v[0], &v[v.len() - 1])
}

/// A temporary that a call made from a borrow of a local (`Some(&m).unwrap()`, `ends(&v)`)
/// holds that borrow: rustc keeps it to the statement's end, past the yield, only because it
/// has nothing to drop; kept there for a drop, the state would borrow itself.
#[coro::coroutine(yield = u8, resume = u8)]
fn temporaries_holding_a_borrow(p: u8) -> u8 {
    let m = (p, 4u8);
    let v = vec![5u8, 6, 7];
    let a = Some(&m).unwrap().0 + yield_!(Some(&m).unwrap().1);
    let d = D::new(1, p);
    yield_!(*ends(&v).1 + D::new(2, d.get()).get());
    a + yield_!(*ends(&v).0)
}

struct Pt {
    a: u8,
    b: u8,
}

/// A struct literal's fields are operands like a call's: a field that runs code before one
/// with a temporary is computed first, so that the temporary is made in order and lives to the
/// statement's end, past a later yield (seeds 609885356356, 609885356619).
#[coro::coroutine(yield = u8, resume = u8)]
fn struct_field_temporaries(p: u8) -> u8 {
    let d = D::new(1, p);
    let v = Pt {
        a: d.get(),
        b: D::new(2, p).get(),
    }
    .a + yield_!(3);
    v + Pt {
        a: D::new(4, d.get()).get(),
        b: yield_!(5),
    }
    .b
}

/// The tail of a loop's body keeps its temporaries past the body's locals, once per pass
/// (seed 597000454916): an `if let` whose scrutinee makes one, a yielding tail, and a tail
/// left by `continue`.
#[coro::coroutine(yield = u8, resume = u8)]
fn loop_body_tails(p: u8) -> u8 {
    let mut c = 0;
    loop {
        if c >= 2 {
            break;
        }
        c += 1;
        let d = D::new(10 + c, yield_!(c));
        if let Err(x) = err(D::new(20 + c, d.get()).get()) {
            if x > p {
                continue;
            }
        }
    }
    while c < 4 {
        c += 1;
        let d = D::new(30 + c, yield_!(c));
        log(format!(
            "got {}",
            D::new(40 + c, d.get() + yield_!(d.get())).get()
        ))
    }
    c
}

/// The same for a block statement, labelled or not, whose tail is an `if let` or `match` on a
/// call's result: its temporaries outlive the block's locals (seed 618475290830).
#[coro::coroutine(yield = u8, resume = u8)]
fn block_statement_tails(p: u8) -> u8 {
    {
        let d = D::new(1, yield_!(1));
        if let Err(x) = err(D::new(2, d.get()).get()) {
            log(format!("err {x}"));
        }
    }
    'b: {
        let d = D::new(3, yield_!(2));
        if d.get() > p {
            break 'b;
        }
        match err(D::new(4, d.get()).get()) {
            Ok(_) => {}
            Err(x) => log(format!("err {x}")),
        }
    }
    p
}

// --- tests ---

#[test]
fn temporaries_holding_a_borrow_of_a_local() {
    check(
        || temporaries_holding_a_borrow(3),
        &[
            (
                &[0, 1, 2, 3],
                99,
                &[
                    "yield 4", "new 1 3", "new 2 3", "yield 10", "drop 2", "yield 5", "drop 1",
                    "return 7",
                ],
            ),
            (&[0, 1], 1, &["yield 4", "dropping"]),
        ],
    );
}

#[test]
fn struct_literal_fields_keep_their_temporaries_in_order() {
    check(
        || struct_field_temporaries(3),
        &[
            (
                &[0, 1, 2],
                99,
                &[
                    "new 1 3", "new 2 3", "yield 3", "drop 2", "new 4 3", "yield 5", "drop 1",
                    "drop 4", "return 6",
                ],
            ),
            (
                &[0, 1],
                1,
                &[
                    "new 1 3", "new 2 3", "yield 3", "dropping", "drop 2", "drop 1",
                ],
            ),
        ],
    );
}

#[test]
fn a_loop_bodys_tail_keeps_its_temporaries_past_the_bodys_locals() {
    check(
        || loop_body_tails(1),
        &[
            (
                &[0, 1, 2, 3, 4, 5, 6],
                99,
                &[
                    "yield 1",
                    "new 11 1",
                    "new 21 1",
                    "drop 11",
                    "drop 21",
                    "yield 2",
                    "new 12 2",
                    "new 22 2",
                    "drop 12",
                    "drop 22",
                    "yield 3",
                    "new 33 3",
                    "yield 3",
                    "new 43 7",
                    "drop 43",
                    "got 7",
                    "drop 33",
                    "yield 4",
                    "new 34 5",
                    "yield 5",
                    "new 44 11",
                    "drop 44",
                    "got 11",
                    "drop 34",
                    "return 4",
                ],
            ),
            (&[0, 1, 2, 3], 1, &["yield 1", "dropping"]),
        ],
    );
}

#[test]
fn a_block_statements_tail_keeps_its_temporaries_past_its_locals() {
    check(
        || block_statement_tails(5),
        &[
            (
                &[0, 1, 2],
                99,
                &[
                    "yield 1", "new 1 1", "new 2 1", "err 1", "drop 1", "drop 2", "yield 2",
                    "new 3 2", "new 4 2", "err 2", "drop 3", "drop 4", "return 5",
                ],
            ),
            (
                &[0, 1, 9],
                99,
                &[
                    "yield 1", "new 1 1", "new 2 1", "err 1", "drop 1", "drop 2", "yield 2",
                    "new 3 9", "drop 3", "return 5",
                ],
            ),
            (&[0, 1], 1, &["yield 1", "dropping"]),
        ],
    );
}
