//! The workloads written with `#[coro::coroutine]`.

use std::hint::black_box;

use coro::{Coroutine, CoroutineExt, CoroutineState};

use super::shared::{drain, heavy_result, input, sample, tally, Tree};

#[coro::coroutine(yield = u64)]
pub fn counter(n: u64) {
    for i in 0..n {
        yield_!(i);
    }
}

/// Workload 1: the counting generator drained as an iterator.
pub fn count(n: u64) -> u64 {
    drain(counter(n))
}

#[coro::coroutine(yield = f64, resume = f64)]
pub fn averager() {
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

/// Workload 2: send `n` values, sum the averages.
pub fn average(n: u64) -> f64 {
    let mut avg = averager();
    avg.send(0.0);
    let mut sum = 0.0;
    for i in 0..n {
        if let CoroutineState::Yielded(a) = avg.send(sample(i)) {
            sum += black_box(a);
        }
    }
    sum
}

#[coro::coroutine(yield = u64)]
pub fn heavy(n: u64) -> u64 {
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

/// Workload 3: drain the state-heavy generator.
pub fn state_heavy(n: u64) -> u64 {
    drain(heavy(n))
}

#[coro::coroutine(yield = u64)]
pub fn leaf(n: u64) -> u64 {
    for i in 0..n {
        yield_!(i);
    }
    n
}

#[coro::coroutine(yield = u64)]
pub fn level1(n: u64) -> u64 {
    yield_from!(leaf(n)) + 1
}

#[coro::coroutine(yield = u64)]
pub fn level2(n: u64) -> u64 {
    yield_from!(level1(n)) + 1
}

#[coro::coroutine(yield = u64)]
pub fn level3(n: u64) -> u64 {
    yield_from!(level2(n)) + 1
}

#[coro::coroutine(yield = u64)]
pub fn level4(n: u64) -> u64 {
    yield_from!(level3(n)) + 1
}

/// Workload 4: drain a `yield_from!` chain four deep.
pub fn chain(n: u64) -> u64 {
    drain(level4(n))
}

/// A boxed sub-coroutine of the tree walk.
pub type Walk<'a> = Box<dyn Coroutine<Yield = u64, Return = ()> + Unpin + 'a>;

#[coro::coroutine(yield = u64)]
pub fn walk<'a>(t: &'a Tree) {
    if let Some(left) = &t.left {
        let sub: Walk<'a> = Box::new(walk(left));
        yield_from!(sub);
    }
    yield_!(t.value);
    if let Some(right) = &t.right {
        let sub: Walk<'a> = Box::new(walk(right));
        yield_from!(sub);
    }
}

/// Workload 5: in-order tree walk through boxed sub-coroutines.
pub fn tree(t: &'static Tree) -> u64 {
    drain(walk(t))
}

/// Workload 6: create coroutines and drop them unresumed.
pub fn create_drop(n: u64) -> u64 {
    for i in 0..n {
        drop(black_box(counter(black_box(i))));
    }
    n
}

#[coro::coroutine(yield = Option<u64>, resume = u8)]
pub fn tokenizer() {
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

/// Workload 7: send `n` bytes, one per resume, tally the numbers they complete.
pub fn parse(n: u64) -> u64 {
    let mut tok = tokenizer();
    tok.send(0);
    let mut sum = 0u64;
    for i in 0..n {
        if let CoroutineState::Yielded(Some(number)) = tok.send(input(i)) {
            sum = tally(sum, i, number);
        }
    }
    sum
}

/// `size_of` the coroutine objects of workloads 1 to 3.
pub fn sizes() -> [usize; 3] {
    [
        std::mem::size_of_val(&counter(0)),
        std::mem::size_of_val(&averager()),
        std::mem::size_of_val(&heavy(0)),
    ]
}
