//! The workloads with next-gen (`#[generator]` turns the fn into an `async fn`; the generator is
//! pinned on the caller's stack by `mk_gen!`, or boxed).

use std::hint::black_box;

use next_gen::prelude::*;

use super::shared::{drain, heavy_result, input, sample, tally, Tree};

#[generator(yield(u64))]
fn counter(n: u64) {
    for i in 0..n {
        yield_!(i);
    }
}

/// Workload 1.
pub fn count(n: u64) -> u64 {
    mk_gen!(let g = counter(n));
    drain(g)
}

#[generator(yield(f64), resume(f64))]
fn averager() {
    let mut total = 0.0;
    let mut count = 0u64;
    let mut average = 0.0;
    loop {
        let value = yield_!(average);
        total += value;
        count += 1;
        average = total / count as f64;
    }
}

/// Workload 2.
pub fn average(n: u64) -> f64 {
    mk_gen!(let mut avg = averager());
    avg.as_mut().resume(0.0);
    let mut sum = 0.0;
    for i in 0..n {
        if let GeneratorState::Yielded(a) = avg.as_mut().resume(sample(i)) {
            sum += black_box(a);
        }
    }
    sum
}

#[generator(yield(u64))]
fn heavy(n: u64) -> u64 {
    let mut name = String::from("state");
    let mut history: Vec<u64> = Vec::with_capacity(8);
    let mut total: u64 = 0;
    let mut scale: f64 = 1.0;
    let mut flips: u32 = 0;
    let mut last: i64 = 0;
    for outer in 0..n / 8 {
        for inner in 0..8u64 {
            total = total.wrapping_add(outer ^ inner);
            scale = scale * 0.5 + inner as f64;
            flips += (inner & 1) as u32;
            last = (total as i64).wrapping_sub(last);
            yield_!(
                total
                    ^ (scale as u64)
                    ^ u64::from(flips)
                    ^ (last as u64)
                    ^ name.len() as u64
                    ^ history.len() as u64
            );
        }
        if history.len() == 8 {
            history.clear();
        }
        history.push(total);
        if name.len() >= 24 {
            name.truncate(5);
        } else {
            name.push('!');
        }
    }
    heavy_result(total, &name, &history)
}

/// Workload 3.
pub fn state_heavy(n: u64) -> u64 {
    mk_gen!(let g = heavy(n));
    drain(g)
}

#[generator(yield(u64))]
fn leaf(n: u64) -> u64 {
    for i in 0..n {
        yield_!(i);
    }
    n
}

#[generator(yield(u64))]
fn delegate<G: ?Sized + Generator<Yield = u64, Return = u64>>(inner: Pin<&mut G>) -> u64 {
    let mut inner = inner;
    loop {
        match inner.as_mut().resume(()) {
            GeneratorState::Yielded(x) => yield_!(x),
            GeneratorState::Returned(r) => return r + 1,
        }
    }
}

/// Workload 4: each level resumes the one below (all pinned on this stack frame).
pub fn chain(n: u64) -> u64 {
    mk_gen!(let l0 = leaf(n));
    mk_gen!(let l1 = delegate(l0));
    mk_gen!(let l2 = delegate(l1));
    mk_gen!(let l3 = delegate(l2));
    mk_gen!(let l4 = delegate(l3));
    drain(l4)
}

#[generator(yield(u64))]
fn walk(t: &'static Tree) {
    if let Some(left) = &t.left {
        let mut sub: Pin<Box<dyn Generator<Yield = u64, Return = ()>>> = walk.call_boxed((left,));
        while let GeneratorState::Yielded(x) = sub.as_mut().resume(()) {
            yield_!(x);
        }
    }
    yield_!(t.value);
    if let Some(right) = &t.right {
        let mut sub: Pin<Box<dyn Generator<Yield = u64, Return = ()>>> = walk.call_boxed((right,));
        while let GeneratorState::Yielded(x) = sub.as_mut().resume(()) {
            yield_!(x);
        }
    }
}

/// Workload 5: a boxed sub-generator per subtree.
pub fn tree(t: &'static Tree) -> u64 {
    mk_gen!(let g = walk(t));
    drain(g)
}

/// Workload 6.
pub fn create_drop(n: u64) -> u64 {
    for i in 0..n {
        let k = black_box(i);
        mk_gen!(let g = counter(k));
        black_box(g);
    }
    n
}

#[generator(yield(Option<u64>), resume(u8))]
fn tokenizer() {
    let mut byte = yield_!(None);
    loop {
        if byte.is_ascii_digit() {
            let mut value = u64::from(byte - b'0');
            byte = yield_!(None);
            while byte.is_ascii_digit() {
                value = value.wrapping_mul(10).wrapping_add(u64::from(byte - b'0'));
                byte = yield_!(None);
            }
            byte = yield_!(Some(value));
        } else {
            byte = yield_!(None);
        }
    }
}

/// Workload 7.
pub fn parse(n: u64) -> u64 {
    mk_gen!(let mut tok = tokenizer());
    tok.as_mut().resume(0);
    let mut sum = 0u64;
    for i in 0..n {
        if let GeneratorState::Yielded(Some(number)) = tok.as_mut().resume(input(i)) {
            sum = tally(sum, i, number);
        }
    }
    sum
}

/// `size_of` the pinned generators of workloads 1 to 3 (they hold their future inline).
pub fn sizes() -> [usize; 3] {
    mk_gen!(let g1 = counter(0));
    mk_gen!(let mut g2 = averager());
    mk_gen!(let g3 = heavy(0));
    // next-gen aborts when an averager (resume type `f64`) is dropped before its first resume.
    g2.as_mut().resume(0.0);
    [
        std::mem::size_of_val(&*g1),
        std::mem::size_of_val(&*g2),
        std::mem::size_of_val(&*g3),
    ]
}
