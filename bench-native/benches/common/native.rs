//! The workloads written with rustc's native coroutines (`#[coroutine] || { ... yield v; ... }`).

use std::hint::black_box;
use std::ops::{Coroutine, CoroutineState};
use std::pin::Pin;

use super::shared::{drain, heavy_result, input, sample, tally, Tree};

/// A native coroutine resumed with `()` seen as an iterator (what `coro::Gen` does for `coro`).
pub struct Iter<C>(C);

impl<C: Coroutine<Yield = u64> + Unpin> Iterator for Iter<C> {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        match Pin::new(&mut self.0).resume(()) {
            CoroutineState::Yielded(x) => Some(x),
            CoroutineState::Complete(_) => None,
        }
    }
}

pub fn counter(n: u64) -> impl Coroutine<Yield = u64, Return = ()> + Unpin {
    #[coroutine]
    move || {
        for i in 0..n {
            yield i;
        }
    }
}

/// Workload 1.
pub fn count(n: u64) -> u64 {
    drain(Iter(counter(n)))
}

pub fn averager() -> impl Coroutine<f64, Yield = f64, Return = ()> + Unpin {
    #[coroutine]
    |_first: f64| {
        let mut total = 0.0;
        let mut count = 0u64;
        let mut average = 0.0;
        loop {
            let value = yield average;
            total += value;
            count += 1;
            average = total / count as f64;
        }
    }
}

/// Workload 2.
pub fn average(n: u64) -> f64 {
    let mut avg = averager();
    let _ = Pin::new(&mut avg).resume(0.0);
    let mut sum = 0.0;
    for i in 0..n {
        if let CoroutineState::Yielded(a) = Pin::new(&mut avg).resume(sample(i)) {
            sum += black_box(a);
        }
    }
    sum
}

pub fn heavy(n: u64) -> impl Coroutine<Yield = u64, Return = u64> + Unpin {
    #[coroutine]
    move || {
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
                yield total
                    ^ (scale as u64)
                    ^ u64::from(flips)
                    ^ (last as u64)
                    ^ name.len() as u64
                    ^ history.len() as u64;
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
}

/// Workload 3.
pub fn state_heavy(n: u64) -> u64 {
    drain(Iter(heavy(n)))
}

pub fn leaf(n: u64) -> impl Coroutine<Yield = u64, Return = u64> + Unpin {
    #[coroutine]
    move || {
        for i in 0..n {
            yield i;
        }
        n
    }
}

/// `yield from`, written out: native coroutines have no delegation syntax.
pub fn delegate(
    mut inner: impl Coroutine<Yield = u64, Return = u64> + Unpin,
) -> impl Coroutine<Yield = u64, Return = u64> + Unpin {
    #[coroutine]
    move || loop {
        match Pin::new(&mut inner).resume(()) {
            CoroutineState::Yielded(x) => yield x,
            CoroutineState::Complete(r) => return r + 1,
        }
    }
}

/// Workload 4.
pub fn chain(n: u64) -> u64 {
    drain(Iter(delegate(delegate(delegate(delegate(leaf(n)))))))
}

/// A boxed sub-coroutine of the tree walk.
pub type Walk<'a> = Box<dyn Coroutine<Yield = u64, Return = ()> + Unpin + 'a>;

pub fn walk(t: &Tree) -> Walk<'_> {
    Box::new(
        #[coroutine]
        move || {
            if let Some(left) = &t.left {
                let mut sub = walk(left);
                while let CoroutineState::Yielded(x) = Pin::new(&mut sub).resume(()) {
                    yield x;
                }
            }
            yield t.value;
            if let Some(right) = &t.right {
                let mut sub = walk(right);
                while let CoroutineState::Yielded(x) = Pin::new(&mut sub).resume(()) {
                    yield x;
                }
            }
        },
    )
}

/// Workload 5.
pub fn tree(t: &'static Tree) -> u64 {
    drain(Iter(walk(t)))
}

/// Workload 6.
pub fn create_drop(n: u64) -> u64 {
    for i in 0..n {
        drop(black_box(counter(black_box(i))));
    }
    n
}

pub fn tokenizer() -> impl Coroutine<u8, Yield = Option<u64>, Return = ()> + Unpin {
    #[coroutine]
    |_first: u8| {
        let mut byte = yield None;
        loop {
            if byte.is_ascii_digit() {
                let mut value = u64::from(byte - b'0');
                byte = yield None;
                while byte.is_ascii_digit() {
                    value = value.wrapping_mul(10).wrapping_add(u64::from(byte - b'0'));
                    byte = yield None;
                }
                byte = yield Some(value);
            } else {
                byte = yield None;
            }
        }
    }
}

/// Workload 7.
pub fn parse(n: u64) -> u64 {
    let mut tok = tokenizer();
    let _ = Pin::new(&mut tok).resume(0);
    let mut sum = 0u64;
    for i in 0..n {
        if let CoroutineState::Yielded(Some(number)) = Pin::new(&mut tok).resume(input(i)) {
            sum = tally(sum, i, number);
        }
    }
    sum
}

/// `size_of` the coroutines of workloads 1 to 3.
pub fn sizes() -> [usize; 3] {
    [
        std::mem::size_of_val(&counter(0)),
        std::mem::size_of_val(&averager()),
        std::mem::size_of_val(&heavy(0)),
    ]
}
