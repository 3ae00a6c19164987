//! Issue 19.4: items declared inside a coroutine's body (a nested `#[coro::coroutine]` fn, which
//! is a coroutine of its own, fns, consts, structs). Traces recorded from rustc's coroutines by
//! `scripts/record-native-traces.py tests/native_traces/items.rs`.

#![allow(
    clippy::redundant_closure,
    clippy::useless_format,
    clippy::borrow_deref_ref
)]

use super::{check, log};

#[coro::coroutine(yield = u8, resume = u8)]
fn with_items(p: u8) -> u8 {
    #[coro::coroutine(yield = u8, resume = u8)]
    fn inner(n: u8) -> u8 {
        let r = yield_!(n);
        log(format!("inner got {r}"));
        n + r
    }
    const K: u8 = 3;
    struct Pair {
        a: u8,
        b: u8,
    }
    fn sum(p: Pair) -> u8 {
        p.a + p.b
    }
    let r = yield_from!(inner(K + p));
    let s = yield_!(sum(Pair { a: r, b: K }));
    s
}

/// The same item in two blocks, and an item inside a compound assignment's place, whose two
/// orders are lowered side by side: each declared once (E0428 before, a false rejection).
#[coro::coroutine(yield = u8, resume = u8)]
fn items_declared_twice(p: u8) -> u8 {
    let a = {
        const K: u8 = 3;
        yield_!(K + p)
    };
    let b = {
        const K: u8 = 3;
        yield_!(K)
    };
    let mut v = [0u8; 4];
    v[(yield_!({
        fn f() -> u8 {
            1
        }
        f()
    }) % 4) as usize] += ident(a);
    log(format!("{v:?}"));
    a + b
}

fn ident(n: u8) -> u8 {
    log(format!("ident {n}"));
    n
}

// --- tests ---

#[test]
fn items_declared_in_the_body() {
    check(
        || with_items(1),
        &[
            (
                &[0, 5, 6],
                99,
                &["yield 4", "inner got 5", "yield 12", "return 6"],
            ),
            (&[0], 1, &["yield 4"]),
        ],
    );
}

#[test]
fn an_item_lowered_twice_is_declared_once() {
    check(
        || items_declared_twice(1),
        &[(
            &[0, 5, 6, 2],
            99,
            &[
                "yield 4",
                "yield 3",
                "ident 5",
                "yield 1",
                "[0, 0, 5, 0]",
                "return 11",
            ],
        )],
    );
}
