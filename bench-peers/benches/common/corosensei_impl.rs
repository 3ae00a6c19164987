//! The workloads with corosensei (stackful: each coroutine runs on its own 1 MiB stack, and
//! `suspend` switches stacks).

use std::hint::black_box;

use corosensei::{Coroutine, CoroutineResult, Yielder};

use super::shared::{drain, heavy_result, input, sample, tally, Tree};

type Gen<R> = Coroutine<(), u64, R>;

fn iter<R>(mut c: Gen<R>) -> impl Iterator<Item = u64> {
    std::iter::from_fn(move || c.resume(()).as_yield())
}

fn counter(n: u64) -> Gen<()> {
    Coroutine::new(move |y: &Yielder<(), u64>, ()| {
        for i in 0..n {
            y.suspend(i);
        }
    })
}

/// Workload 1.
pub fn count(n: u64) -> u64 {
    drain(iter(counter(n)))
}

fn averager() -> Coroutine<f64, f64, ()> {
    Coroutine::new(|y: &Yielder<f64, f64>, _first: f64| {
        let mut total = 0.0;
        let mut count = 0u64;
        let mut average = 0.0;
        loop {
            let value = y.suspend(average);
            total += value;
            count += 1;
            average = total / count as f64;
        }
    })
}

/// Workload 2.
pub fn average(n: u64) -> f64 {
    let mut avg = averager();
    avg.resume(0.0);
    let mut sum = 0.0;
    for i in 0..n {
        if let CoroutineResult::Yield(a) = avg.resume(sample(i)) {
            sum += black_box(a);
        }
    }
    sum
}

fn heavy(n: u64) -> Gen<u64> {
    Coroutine::new(move |y: &Yielder<(), u64>, ()| {
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
                y.suspend(
                    total
                        ^ (scale as u64)
                        ^ u64::from(flips)
                        ^ (last as u64)
                        ^ name.len() as u64
                        ^ history.len() as u64,
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
    })
}

/// Workload 3.
pub fn state_heavy(n: u64) -> u64 {
    drain(iter(heavy(n)))
}

fn leaf(n: u64) -> Gen<u64> {
    Coroutine::new(move |y: &Yielder<(), u64>, ()| {
        for i in 0..n {
            y.suspend(i);
        }
        n
    })
}

fn delegate(mut inner: Gen<u64>) -> Gen<u64> {
    Coroutine::new(move |y: &Yielder<(), u64>, ()| loop {
        match inner.resume(()) {
            CoroutineResult::Yield(x) => {
                y.suspend(x);
            }
            CoroutineResult::Return(r) => return r + 1,
        }
    })
}

/// Workload 4: five coroutines on five stacks, each resuming the one below.
pub fn chain(n: u64) -> u64 {
    drain(iter(delegate(delegate(delegate(delegate(leaf(n)))))))
}

fn walk_rec(y: &Yielder<(), u64>, t: &Tree) {
    if let Some(left) = &t.left {
        walk_rec(y, left);
    }
    y.suspend(t.value);
    if let Some(right) = &t.right {
        walk_rec(y, right);
    }
}

/// Workload 5: a stackful coroutine needs no sub-coroutines: plain recursion on its one stack.
pub fn tree(t: &'static Tree) -> u64 {
    drain(iter(Coroutine::new(move |y: &Yielder<(), u64>, ()| {
        walk_rec(y, t)
    })))
}

/// Workload 6 (each creation maps a 1 MiB stack).
pub fn create_drop(n: u64) -> u64 {
    for i in 0..n {
        drop(black_box(counter(black_box(i))));
    }
    n
}

fn tokenizer() -> Coroutine<u8, Option<u64>, ()> {
    Coroutine::new(|y: &Yielder<u8, Option<u64>>, _first: u8| {
        let mut byte = y.suspend(None);
        loop {
            if byte.is_ascii_digit() {
                let mut value = u64::from(byte - b'0');
                byte = y.suspend(None);
                while byte.is_ascii_digit() {
                    value = value.wrapping_mul(10).wrapping_add(u64::from(byte - b'0'));
                    byte = y.suspend(None);
                }
                byte = y.suspend(Some(value));
            } else {
                byte = y.suspend(None);
            }
        }
    })
}

/// Workload 7.
pub fn parse(n: u64) -> u64 {
    let mut tok = tokenizer();
    tok.resume(0);
    let mut sum = 0u64;
    for i in 0..n {
        if let CoroutineResult::Yield(Some(number)) = tok.resume(input(i)) {
            sum = tally(sum, i, number);
        }
    }
    sum
}

/// `size_of` the coroutine handles of workloads 1 to 3 (each also owns a 1 MiB stack).
pub fn sizes() -> [usize; 3] {
    [
        std::mem::size_of_val(&counter(0)),
        std::mem::size_of_val(&averager()),
        std::mem::size_of_val(&heavy(0)),
    ]
}
