//! The workloads with genawaiter's `rc` flavour (the generator's state is an `async` block on the
//! heap, its handle is shared through an `Rc`).

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;

use genawaiter::rc::{Co, Gen};
use genawaiter::GeneratorState;

use super::shared::{drain, heavy_result, input, sample, tally, Tree};

async fn counter(co: Co<u64>, n: u64) {
    for i in 0..n {
        co.yield_(i).await;
    }
}

/// Workload 1.
pub fn count(n: u64) -> u64 {
    drain(Gen::new(|co| counter(co, n)).into_iter())
}

async fn averager(co: Co<f64, f64>) {
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
    let mut avg = Gen::new(averager);
    avg.resume_with(0.0);
    let mut sum = 0.0;
    for i in 0..n {
        if let GeneratorState::Yielded(a) = avg.resume_with(sample(i)) {
            sum += black_box(a);
        }
    }
    sum
}

async fn heavy(co: Co<u64>, n: u64) -> u64 {
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

fn drain_gen<F: Future>(mut g: Gen<u64, (), F>) -> u64 {
    let mut sum = 0u64;
    while let GeneratorState::Yielded(x) = g.resume() {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

/// Workload 3.
pub fn state_heavy(n: u64) -> u64 {
    drain_gen(Gen::new(|co| heavy(co, n)))
}

async fn leaf(co: Co<u64>, n: u64) -> u64 {
    for i in 0..n {
        co.yield_(i).await;
    }
    n
}

async fn delegate<F: Future<Output = u64>>(co: Co<u64>, mut inner: Gen<u64, (), F>) -> u64 {
    loop {
        match inner.resume() {
            GeneratorState::Yielded(x) => co.yield_(x).await,
            GeneratorState::Complete(r) => return r + 1,
        }
    }
}

/// Workload 4: each level resumes the one below and yields what it yields.
pub fn chain(n: u64) -> u64 {
    let l0 = Gen::new(|co| leaf(co, n));
    let l1 = Gen::new(|co| delegate(co, l0));
    let l2 = Gen::new(|co| delegate(co, l1));
    let l3 = Gen::new(|co| delegate(co, l2));
    drain_gen(Gen::new(|co| delegate(co, l3)))
}

type Walk = Gen<u64, (), Pin<Box<dyn Future<Output = ()>>>>;

fn walk(t: &'static Tree) -> Walk {
    Gen::new(move |co| {
        Box::pin(async move {
            if let Some(left) = &t.left {
                let mut sub = walk(left);
                while let GeneratorState::Yielded(x) = sub.resume() {
                    co.yield_(x).await;
                }
            }
            co.yield_(t.value).await;
            if let Some(right) = &t.right {
                let mut sub = walk(right);
                while let GeneratorState::Yielded(x) = sub.resume() {
                    co.yield_(x).await;
                }
            }
        }) as Pin<Box<dyn Future<Output = ()>>>
    })
}

/// Workload 5: a boxed sub-generator per subtree.
pub fn tree(t: &'static Tree) -> u64 {
    drain_gen(walk(t))
}

/// Workload 6.
pub fn create_drop(n: u64) -> u64 {
    for i in 0..n {
        let k = black_box(i);
        drop(black_box(Gen::new(move |co| counter(co, k))));
    }
    n
}

async fn tokenizer(co: Co<Option<u64>, u8>) {
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
    let mut tok = Gen::new(tokenizer);
    tok.resume_with(0);
    let mut sum = 0u64;
    for i in 0..n {
        if let GeneratorState::Yielded(Some(number)) = tok.resume_with(input(i)) {
            sum = tally(sum, i, number);
        }
    }
    sum
}

fn future_size<Y, R, F: Future>(_: &impl FnOnce(Co<Y, R>) -> F) -> usize {
    std::mem::size_of::<F>()
}

/// `size_of` the generator handles of workloads 1 to 3, and of the futures they box.
pub fn sizes() -> ([usize; 3], [usize; 3]) {
    let p1 = |co| counter(co, 0);
    let p3 = |co| heavy(co, 0);
    let handles = [
        std::mem::size_of_val(&Gen::new(p1)),
        std::mem::size_of_val(&Gen::new(averager)),
        std::mem::size_of_val(&Gen::new(p3)),
    ];
    let heap = [future_size(&p1), future_size(&averager), future_size(&p3)];
    (handles, heap)
}
