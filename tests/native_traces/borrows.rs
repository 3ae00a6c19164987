//! Issue 19.2: borrows that are not self-references compile and run as in rustc's coroutines:
//! borrows through reference parameters (`&self`, `&mut self`, `&T`, `&mut T`), reborrows,
//! values computed from a borrow that hold none, and a dead borrowing iterator, which is not
//! saved. Traces recorded from rustc's coroutines by
//! `scripts/record-native-traces.py tests/native_traces/borrows.rs`.

// Written the way users write it (reborrows, `format!`), and `|| f()` for the trace recorder.
#![allow(
    clippy::redundant_closure,
    clippy::useless_format,
    clippy::borrow_deref_ref
)]

use super::{check, log};

pub struct Store {
    items: Vec<u8>,
    buf: Vec<u8>,
    name: String,
}

fn store() -> &'static mut Store {
    Box::leak(Box::new(Store {
        items: vec![1, 2, 3],
        buf: vec![10, 20],
        name: "store".to_string(),
    }))
}

impl Store {
    #[coro::coroutine(yield = u8, resume = u8)]
    fn each_item(&self) -> u8 {
        let mut seen = 0;
        for item in &self.items {
            let r = yield_!(*item);
            seen += r;
        }
        log(format!("{} {seen}", self.name));
        seen
    }

    #[coro::coroutine(yield = u8, resume = u8)]
    fn bump_all(&mut self) -> u8 {
        for x in self.buf.iter_mut() {
            *x += yield_!(*x);
        }
        0
    }
}

#[coro::coroutine(yield = u8, resume = u8)]
fn reborrows<'a>(p: &'a Vec<u8>, q: &'a mut Vec<u8>) -> u8 {
    let r = &*p;
    let w = &mut *q;
    yield_!(r.len() as u8);
    w.push(r[0]);
    yield_!(w.len() as u8);
    w[0]
}

#[coro::coroutine(yield = u8, resume = u8)]
fn field_borrows(s: &Store) -> u8 {
    let name = &s.name;
    let first = &s.items[0];
    yield_!(name.len() as u8);
    *first
}

#[coro::coroutine(yield = u8, resume = u8)]
fn values_computed_from_borrows(v: Vec<u8>, k: u8, line: String) -> u8 {
    let total: u8 = v.iter().map(|x| x * k).sum();
    let fields = line.split(',').count();
    let words: Vec<String> = line.split(' ').map(String::from).collect();
    yield_!(total);
    yield_!(fields as u8);
    log(format!("{words:?}"));
    words.len() as u8
}

#[coro::coroutine(yield = u8, resume = u8)]
fn dead_iterator(v: Vec<u8>) -> u8 {
    let mut it = v.iter();
    let first = *it.next().unwrap();
    yield_!(first);
    v.len() as u8
}

#[coro::coroutine(yield = u8, resume = u8)]
fn closures_capturing_by_reference(p: u8) -> u8 {
    let x = p;
    let add = |a: u8| a.wrapping_add(x);
    log(format!("add {}", add(1)));
    yield_!(0);
    let mut total = 0u8;
    let mut bump = |a: u8| total = total.wrapping_add(a);
    bump(2);
    bump(3);
    yield_!(total);
    let w = vec![1u8, 5, 9];
    let above = |a: u8| w.iter().filter(|v| **v > a).count() as u8;
    yield_!(above(p));
    x + w.len() as u8
}

// --- tests ---

#[test]
fn closures_capturing_by_reference_dead_at_a_yield() {
    check(
        || closures_capturing_by_reference(4),
        &[(
            &[0, 0, 0, 0],
            99,
            &["add 5", "yield 0", "yield 5", "yield 2", "return 7"],
        )],
    );
}

#[test]
fn borrows_through_the_receiver() {
    check(
        || store().each_item(),
        &[
            (
                &[0, 1, 2, 3],
                99,
                &["yield 1", "yield 2", "yield 3", "store 6", "return 6"],
            ),
            (&[0, 5], 2, &["yield 1", "yield 2"]),
        ],
    );
    check(
        || store().bump_all(),
        &[(&[0, 1, 2, 3], 99, &["yield 10", "yield 20", "return 0"])],
    );
}

#[test]
fn reborrows_of_reference_parameters() {
    check(
        || {
            reborrows(
                &*Box::leak(Box::new(vec![7, 8])),
                Box::leak(Box::new(vec![1])),
            )
        },
        &[(&[0, 0, 0], 99, &["yield 2", "yield 2", "return 1"])],
    );
    check(
        || field_borrows(store()),
        &[(&[0, 0], 99, &["yield 5", "return 1"])],
    );
}

#[test]
fn values_that_hold_no_borrow() {
    check(
        || values_computed_from_borrows(vec![1, 2], 3, "a,b c".to_string()),
        &[(
            &[0, 0, 0],
            99,
            &["yield 9", "yield 2", "[\"a,b\", \"c\"]", "return 2"],
        )],
    );
    check(
        || dead_iterator(vec![4, 5]),
        &[(&[0, 0], 99, &["yield 4", "return 2"])],
    );
}
