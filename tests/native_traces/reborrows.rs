//! Issue 19.2/3: borrows through a `&mut` parameter or `&mut self` kept across a yield while
//! the parameter is used again once the borrow ends, which rustc's coroutines accept: the
//! macro keeps such a parameter as a pointer (docs/expansion.md, "`&mut` parameters kept as
//! pointers"). Before, each of these was refused with E0499/E0502/E0505 on the generated code.
//! Traces recorded from rustc's coroutines by
//! `scripts/record-native-traces.py tests/native_traces/reborrows.rs`.

#![allow(clippy::useless_format, clippy::explicit_counter_loop)]

use super::{check, log};

pub struct Inbox {
    buf: Vec<u8>,
    seen: u8,
    items: Vec<u8>,
    pending: Option<u8>,
}

fn inbox() -> &'static mut Inbox {
    Box::leak(Box::new(Inbox {
        buf: vec![1, 2, 3],
        seen: 0,
        items: vec![7, 8],
        pending: Some(5),
    }))
}

impl Inbox {
    /// Iterates a field mutably across yields, then uses `self` again.
    #[coro::coroutine(yield = u8, resume = u8)]
    fn bump_then_count(&mut self) -> u8 {
        for x in self.buf.iter_mut() {
            *x += yield_!(*x);
        }
        self.seen += 1;
        log(format!("buf {:?}", self.buf));
        self.buf.iter().sum()
    }

    /// A borrow of one field kept across a yield while another field is written.
    #[coro::coroutine(yield = u8, resume = u8)]
    fn disjoint_fields(&mut self) -> u8 {
        let seen = &mut self.seen;
        *seen += 1;
        let got = yield_!(*seen);
        self.items.push(got);
        *seen += got;
        log(format!("items {:?}", self.items));
        self.seen
    }

    /// A shared borrow through `&mut self`, then a method call on `self` after it ends.
    #[coro::coroutine(yield = u8, resume = u8)]
    fn shared_then_mutable(&mut self) -> u8 {
        let items = &self.items;
        for i in items {
            yield_!(*i);
        }
        self.take_pending().unwrap_or(0)
    }

    fn take_pending(&mut self) -> Option<u8> {
        log("take_pending");
        self.pending.take()
    }

    /// A two-phase borrow (`self.buf.push(self.buf.len())`) and `self` passed on whole.
    #[coro::coroutine(yield = u8, resume = u8)]
    fn two_phase_and_passed_on(&mut self) -> u8 {
        let last = self.buf.last_mut().unwrap();
        *last = yield_!(*last);
        self.buf.push(self.buf.len() as u8);
        let n = count(self);
        yield_!(n);
        self.buf[0]
    }
}

fn count(inbox: &mut Inbox) -> u8 {
    log(format!("count {:?}", inbox.buf));
    inbox.buf.len() as u8
}

/// A reborrow of a `&mut Vec` parameter's element kept across a yield.
#[coro::coroutine(yield = u8, resume = u8)]
fn element_then_push(v: &mut Vec<u8>, k: u8) -> u8 {
    let first = &mut v[0];
    let got = yield_!(*first);
    *first += got + k;
    v.push(v.len() as u8);
    log(format!("v {v:?}"));
    v.iter().sum()
}

/// A `&mut` iterator parameter: adapters take it by value (`it.take(2)` borrows it), and it is
/// used again after the adapter is gone.
#[coro::coroutine(yield = u8, resume = u8)]
fn iterator_parameter(it: &mut std::vec::IntoIter<u8>) -> u8 {
    for x in it.take(2) {
        yield_!(x);
    }
    let rest: Vec<u8> = it.collect();
    log(format!("rest {rest:?}"));
    rest.len() as u8
}

/// Two `&mut` parameters, one reborrowed while the other is used, then both again.
#[coro::coroutine(yield = u8, resume = u8)]
fn two_parameters<'a>(a: &'a mut Vec<u8>, b: &'a mut Vec<u8>) -> u8 {
    let wa = &mut *a;
    let mut n = 0;
    for x in b.iter_mut() {
        wa.push(*x);
        *x = yield_!(*x);
        n += 1;
    }
    a.push(n);
    b.push(a.len() as u8);
    log(format!("a {a:?} b {b:?}"));
    a[0] + b[0]
}

fn leaked(v: Vec<u8>) -> &'static mut Vec<u8> {
    Box::leak(Box::new(v))
}

// --- tests ---

#[test]
fn a_field_iterated_mutably_then_self_again() {
    check(
        || inbox().bump_then_count(),
        &[
            (
                &[0, 10, 20, 30],
                99,
                &[
                    "yield 1",
                    "yield 2",
                    "yield 3",
                    "buf [11, 22, 33]",
                    "return 66",
                ],
            ),
            (&[0, 10], 2, &["yield 1", "yield 2"]),
        ],
    );
}

#[test]
fn disjoint_fields_across_a_yield() {
    check(
        || inbox().disjoint_fields(),
        &[(&[0, 4], 99, &["yield 1", "items [7, 8, 4]", "return 5"])],
    );
}

#[test]
fn a_shared_borrow_then_a_mutable_method() {
    check(
        || inbox().shared_then_mutable(),
        &[(
            &[0, 0, 0],
            99,
            &["yield 7", "yield 8", "take_pending", "return 5"],
        )],
    );
}

#[test]
fn two_phase_borrows_and_self_passed_on() {
    check(
        || inbox().two_phase_and_passed_on(),
        &[(
            &[0, 9, 0],
            99,
            &["yield 3", "count [1, 2, 9, 3]", "yield 4", "return 1"],
        )],
    );
}

#[test]
fn a_parameter_element_then_the_parameter() {
    check(
        || element_then_push(leaked(vec![4, 5]), 1),
        &[(&[0, 2], 99, &["yield 4", "v [7, 5, 2]", "return 14"])],
    );
}

#[test]
fn an_iterator_parameter_borrowed_by_an_adapter() {
    check(
        || iterator_parameter(Box::leak(Box::new(vec![1u8, 2, 3, 4].into_iter()))),
        &[(
            &[0, 0, 0],
            99,
            &["yield 1", "yield 2", "rest [3, 4]", "return 2"],
        )],
    );
}

#[test]
fn two_parameters_reborrowed_in_turn() {
    check(
        || two_parameters(leaked(vec![1]), leaked(vec![5, 6])),
        &[(
            &[0, 7, 8],
            99,
            &[
                "yield 5",
                "yield 6",
                "a [1, 5, 6, 2] b [7, 8, 4]",
                "return 8",
            ],
        )],
    );
}
