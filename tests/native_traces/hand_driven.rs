//! Issue 19.3: driving another coroutine or an iterator by hand inside a body. A temporary the
//! scrutinee consumed (`Pin::new(&mut sub)`, moved into `resume`) or that has nothing to drop is
//! not kept in the state. Traces recorded from rustc's coroutines by
//! `scripts/record-native-traces.py tests/native_traces/hand_driven.rs`.

// Written the way users write it (reborrows, `format!`), and `|| f()` for the trace recorder.
#![allow(
    clippy::redundant_closure,
    clippy::useless_format,
    clippy::borrow_deref_ref
)]

use std::pin::Pin;

use coro::{Coroutine, CoroutineState};

use super::{check, log};

#[coro::coroutine(yield = u8, resume = u8)]
fn counted(n: u8) -> u8 {
    for i in 0..n {
        let r = yield_!(i);
        log(format!("sub got {r}"));
    }
    n * 10
}

#[coro::coroutine(yield = u8, resume = u8)]
fn by_match(n: u8) -> u8 {
    let mut sub = counted(n);
    let mut sent = 0;
    loop {
        match Pin::new(&mut sub).resume(sent) {
            CoroutineState::Yielded(x) => {
                sent = yield_!(x + 1);
            }
            CoroutineState::Complete(r) => break r,
        }
    }
}

#[coro::coroutine(yield = u8, resume = u8)]
fn by_while_let(n: u8) -> u8 {
    let mut sub = Box::pin(counted(n));
    let mut sent = 0;
    while let CoroutineState::Yielded(x) = sub.as_mut().resume(sent) {
        sent = yield_!(x);
    }
    sent
}

#[coro::coroutine(yield = u8, resume = u8)]
fn by_next(v: Vec<u8>) -> u8 {
    let mut it = v.clone().into_iter();
    if let Some(x) = it.next() {
        yield_!(x);
    }
    while let Some(x) = it.next() {
        log(format!("next {x}"));
        yield_!(x);
    }
    match v.iter().rev().next() {
        Some(&last) => yield_!(last),
        None => 0,
    }
}

// --- tests ---

#[test]
fn a_sub_coroutine_resumed_by_hand() {
    check(
        || by_match(2),
        &[
            (
                &[0, 1, 2, 3],
                99,
                &["yield 1", "sub got 1", "yield 2", "sub got 2", "return 20"],
            ),
            (&[0, 1], 1, &["yield 1", "dropping"]),
        ],
    );
    check(
        || by_while_let(2),
        &[(
            &[0, 5, 6, 7],
            99,
            &["yield 0", "sub got 5", "yield 1", "sub got 6", "return 6"],
        )],
    );
}

#[test]
fn an_iterator_advanced_by_hand() {
    check(
        || by_next(vec![3, 4, 5]),
        &[(
            &[0, 0, 0, 0, 9],
            99,
            &[
                "yield 3", "next 4", "yield 4", "next 5", "yield 5", "yield 5", "return 9",
            ],
        )],
    );
}
