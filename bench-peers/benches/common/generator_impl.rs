//! The workloads with the `generator` crate (stackful: each generator runs on its own stack of
//! `DEFAULT_STACK_SIZE` words).

use std::hint::black_box;

use generator::{done, Gn, LocalGenerator};

use super::shared::{drain, heavy_result, input, sample, tally, Tree};

fn counter<'a>(n: u64) -> LocalGenerator<'a, (), u64> {
    Gn::<()>::new_scoped_local(move |mut s| {
        for i in 0..n {
            s.yield_with(i);
        }
        done!()
    })
}

/// Workload 1.
pub fn count(n: u64) -> u64 {
    drain(counter(n))
}

fn averager<'a>() -> LocalGenerator<'a, f64, f64> {
    Gn::<f64>::new_scoped_local(|mut s| {
        let mut total = 0.0;
        let mut count = 0u64;
        let mut average = 0.0;
        loop {
            s.yield_with(average);
            let value = s.get_yield().unwrap_or(0.0);
            total += value;
            count += 1;
            average = total / count as f64;
        }
    })
}

/// Workload 2.
pub fn average(n: u64) -> f64 {
    let mut avg = averager();
    avg.resume();
    let mut sum = 0.0;
    for i in 0..n {
        sum += black_box(avg.send(sample(i)));
    }
    sum
}

fn heavy<'a>(n: u64) -> LocalGenerator<'a, (), u64> {
    Gn::<()>::new_scoped_local(move |mut s| {
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
                s.yield_with(
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
        // The crate has no separate return value (a returned value would be one more item).
        black_box(heavy_result(total, &name, &history));
        done!()
    })
}

/// Workload 3.
pub fn state_heavy(n: u64) -> u64 {
    drain(heavy(n))
}

fn delegate(inner: LocalGenerator<'_, (), u64>) -> LocalGenerator<'_, (), u64> {
    Gn::<()>::new_scoped_local(move |mut s| {
        for x in inner {
            s.yield_with(x);
        }
        done!()
    })
}

/// Workload 4: five generators on five stacks, each resuming the one below.
pub fn chain(n: u64) -> u64 {
    drain(delegate(delegate(delegate(delegate(counter(n))))))
}

fn walk_rec(s: &mut generator::Scope<'_, '_, (), u64>, t: &Tree) {
    if let Some(left) = &t.left {
        walk_rec(s, left);
    }
    s.yield_with(t.value);
    if let Some(right) = &t.right {
        walk_rec(s, right);
    }
}

/// Workload 5: a stackful generator needs no sub-generators: plain recursion on its one stack.
pub fn tree(t: &'static Tree) -> u64 {
    drain(Gn::<()>::new_scoped_local(move |mut s| {
        walk_rec(&mut s, t);
        done!()
    }))
}

/// Workload 6 (each creation allocates a stack).
pub fn create_drop(n: u64) -> u64 {
    for i in 0..n {
        drop(black_box(counter(black_box(i))));
    }
    n
}

/// Answers the byte received last with `out`, and waits for the next one.
fn next_byte(s: &mut generator::Scope<'_, '_, u8, Option<u64>>, out: Option<u64>) -> u8 {
    s.yield_with(out);
    s.get_yield().unwrap_or(0)
}

fn tokenizer<'a>() -> LocalGenerator<'a, u8, Option<u64>> {
    Gn::<u8>::new_scoped_local(|mut s| {
        let mut byte = next_byte(&mut s, None);
        loop {
            if byte.is_ascii_digit() {
                let mut value = u64::from(byte - b'0');
                byte = next_byte(&mut s, None);
                while byte.is_ascii_digit() {
                    value = value.wrapping_mul(10).wrapping_add(u64::from(byte - b'0'));
                    byte = next_byte(&mut s, None);
                }
                byte = next_byte(&mut s, Some(value));
            } else {
                byte = next_byte(&mut s, None);
            }
        }
    })
}

/// Workload 7.
pub fn parse(n: u64) -> u64 {
    let mut tok = tokenizer();
    tok.resume();
    let mut sum = 0u64;
    for i in 0..n {
        if let Some(number) = tok.send(input(i)) {
            sum = tally(sum, i, number);
        }
    }
    sum
}

/// `size_of` the generator handles of workloads 1 to 3 (each also owns its stack).
pub fn sizes() -> [usize; 3] {
    [
        std::mem::size_of_val(&counter(0)),
        std::mem::size_of_val(&averager()),
        std::mem::size_of_val(&heavy(0)),
    ]
}
