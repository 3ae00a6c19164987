//! The workloads with genawaiter's `stack` flavour (the generator's state is an `async` block
//! pinned on the caller's stack by `let_gen_using!`).

use std::future::Future;
use std::hint::black_box;

use genawaiter::stack::{let_gen_using, Co, Gen, Shelf};
use genawaiter::GeneratorState;

use super::shared::{heavy_result, input, sample, tally};

async fn counter(co: Co<'_, u64>, n: u64) {
    for i in 0..n {
        co.yield_(i).await;
    }
}

fn drain_gen<F: Future>(g: &mut Gen<'_, u64, (), F>) -> u64 {
    let mut sum = 0u64;
    while let GeneratorState::Yielded(x) = g.resume() {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

/// Workload 1.
pub fn count(n: u64) -> u64 {
    let_gen_using!(g, |co| counter(co, n));
    drain_gen(g)
}

async fn averager(co: Co<'_, f64, f64>) {
    let mut total = 0.0;
    let mut count = 0u64;
    let mut average = 0.0;
    loop {
        let value = co.yield_(average).await;
        total += value;
        count += 1;
        average = total / count as f64;
    }
}

/// Workload 2.
pub fn average(n: u64) -> f64 {
    let_gen_using!(avg, averager);
    avg.resume_with(0.0);
    let mut sum = 0.0;
    for i in 0..n {
        if let GeneratorState::Yielded(a) = avg.resume_with(sample(i)) {
            sum += black_box(a);
        }
    }
    sum
}

async fn heavy(co: Co<'_, u64>, n: u64) -> u64 {
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
            co.yield_(
                total
                    ^ (scale as u64)
                    ^ u64::from(flips)
                    ^ (last as u64)
                    ^ name.len() as u64
                    ^ history.len() as u64,
            )
            .await;
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
    let_gen_using!(g, |co| heavy(co, n));
    drain_gen(g)
}

async fn leaf(co: Co<'_, u64>, n: u64) -> u64 {
    for i in 0..n {
        co.yield_(i).await;
    }
    n
}

async fn delegate<F: Future<Output = u64>>(
    co: Co<'_, u64>,
    inner: &mut Gen<'_, u64, (), F>,
) -> u64 {
    loop {
        match inner.resume() {
            GeneratorState::Yielded(x) => co.yield_(x).await,
            GeneratorState::Complete(r) => return r + 1,
        }
    }
}

/// Workload 4: each level resumes the one below (all pinned on this stack frame).
pub fn chain(n: u64) -> u64 {
    let_gen_using!(l0, |co| leaf(co, n));
    let_gen_using!(l1, |co| delegate(co, l0));
    let_gen_using!(l2, |co| delegate(co, l1));
    let_gen_using!(l3, |co| delegate(co, l2));
    let_gen_using!(l4, |co| delegate(co, l3));
    drain_gen(l4)
}

/// Workload 6.
pub fn create_drop(n: u64) -> u64 {
    for i in 0..n {
        let k = black_box(i);
        let_gen_using!(g, move |co| counter(co, k));
        black_box(g);
    }
    n
}

async fn tokenizer(co: Co<'_, Option<u64>, u8>) {
    let mut byte = co.yield_(None).await;
    loop {
        if byte.is_ascii_digit() {
            let mut value = u64::from(byte - b'0');
            byte = co.yield_(None).await;
            while byte.is_ascii_digit() {
                value = value.wrapping_mul(10).wrapping_add(u64::from(byte - b'0'));
                byte = co.yield_(None).await;
            }
            byte = co.yield_(Some(value)).await;
        } else {
            byte = co.yield_(None).await;
        }
    }
}

/// Workload 7.
pub fn parse(n: u64) -> u64 {
    let_gen_using!(tok, tokenizer);
    tok.resume_with(0);
    let mut sum = 0u64;
    for i in 0..n {
        if let GeneratorState::Yielded(Some(number)) = tok.resume_with(input(i)) {
            sum = tally(sum, i, number);
        }
    }
    sum
}

fn shelf_size<Y, R, F: Future>(_: &Gen<'_, Y, R, F>) -> usize {
    std::mem::size_of::<Shelf<Y, R, F>>()
}

/// `size_of` the handles of workloads 1 to 3, and of the shelves they point to.
pub fn sizes() -> ([usize; 3], [usize; 3]) {
    let_gen_using!(g1, |co| counter(co, 0));
    let_gen_using!(g2, averager);
    let_gen_using!(g3, |co| heavy(co, 0));
    (
        [
            std::mem::size_of_val(&*g1),
            std::mem::size_of_val(&*g2),
            std::mem::size_of_val(&*g3),
        ],
        [shelf_size(g1), shelf_size(g2), shelf_size(g3)],
    )
}
