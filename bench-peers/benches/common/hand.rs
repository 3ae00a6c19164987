//! The workloads written by hand as `Iterator`s and state machines: the limit to aim for.

use std::hint::black_box;

use super::shared::{drain, input, sample, tally, Tree};

pub struct Counter {
    i: u64,
    n: u64,
}

impl Iterator for Counter {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        if self.i < self.n {
            self.i += 1;
            Some(self.i - 1)
        } else {
            None
        }
    }
}

pub fn counter(n: u64) -> Counter {
    Counter { i: 0, n }
}

/// Workload 1: a hand-written counting `Iterator`.
pub fn count(n: u64) -> u64 {
    drain(counter(n))
}

pub struct Averager {
    total: f64,
    count: u64,
    average: f64,
}

impl Averager {
    #[inline]
    pub fn send(&mut self, value: f64) -> f64 {
        self.total += value;
        self.count += 1;
        self.average = self.total / self.count as f64;
        self.average
    }
}

pub fn averager() -> Averager {
    Averager {
        total: 0.0,
        count: 0,
        average: 0.0,
    }
}

/// Workload 2: the averager as a struct with a `send` method.
pub fn average(n: u64) -> f64 {
    let mut avg = averager();
    let mut sum = 0.0;
    for i in 0..n {
        sum += black_box(avg.send(sample(i)));
    }
    sum
}

pub struct Heavy {
    name: String,
    history: Vec<u64>,
    total: u64,
    scale: f64,
    flips: u32,
    last: i64,
    outer: u64,
    rows: u64,
    inner: u64,
}

pub fn heavy(n: u64) -> Heavy {
    Heavy {
        name: String::from("state"),
        history: Vec::with_capacity(8),
        total: 0,
        scale: 1.0,
        flips: 0,
        last: 0,
        outer: 0,
        rows: n / 8,
        inner: 0,
    }
}

impl Iterator for Heavy {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        if self.inner == 8 {
            if self.history.len() == 8 {
                self.history.clear();
            }
            self.history.push(self.total);
            if self.name.len() >= 24 {
                self.name.truncate(5);
            } else {
                self.name.push('!');
            }
            self.inner = 0;
            self.outer += 1;
        }
        if self.outer >= self.rows {
            return None;
        }
        let (outer, inner) = (self.outer, self.inner);
        self.inner += 1;
        self.total = self.total.wrapping_add(outer ^ inner);
        self.scale = self.scale * 0.5 + inner as f64;
        self.flips += (inner & 1) as u32;
        self.last = (self.total as i64).wrapping_sub(self.last);
        Some(
            self.total
                ^ (self.scale as u64)
                ^ u64::from(self.flips)
                ^ (self.last as u64)
                ^ self.name.len() as u64
                ^ self.history.len() as u64,
        )
    }
}

/// Workload 3: the state-heavy loop as a hand-written `Iterator`.
pub fn state_heavy(n: u64) -> u64 {
    drain(heavy(n))
}

/// One level of delegation: forwards the inner iterator's items.
pub struct Delegate<I>(I);

impl<I: Iterator<Item = u64>> Iterator for Delegate<I> {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        self.0.next()
    }
}

/// Workload 4: four levels of forwarding `Iterator`s.
pub fn chain(n: u64) -> u64 {
    drain(Delegate(Delegate(Delegate(Delegate(counter(n))))))
}

/// An in-order walk with an explicit stack.
pub struct Walk<'a> {
    stack: Vec<&'a Tree>,
    next: Option<&'a Tree>,
}

impl<'a> Iterator for Walk<'a> {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        while let Some(t) = self.next {
            self.stack.push(t);
            self.next = t.left.as_deref();
        }
        let t = self.stack.pop()?;
        self.next = t.right.as_deref();
        Some(t.value)
    }
}

/// Workload 5: in-order tree walk with an explicit stack.
pub fn tree(t: &'static Tree) -> u64 {
    drain(Walk {
        stack: Vec::new(),
        next: Some(t),
    })
}

/// Workload 6: create iterators and drop them unused.
pub fn create_drop(n: u64) -> u64 {
    for i in 0..n {
        black_box(counter(black_box(i)));
    }
    n
}

/// The tokenizer of workload 7 as a struct with a `push` method: the number read so far, and
/// whether a number is in progress.
pub struct Tokenizer {
    value: u64,
    in_number: bool,
}

impl Tokenizer {
    /// Takes one byte; returns the number it completed, if any.
    #[inline]
    pub fn push(&mut self, byte: u8) -> Option<u64> {
        if byte.is_ascii_digit() {
            let digit = u64::from(byte - b'0');
            self.value = if self.in_number {
                self.value.wrapping_mul(10).wrapping_add(digit)
            } else {
                digit
            };
            self.in_number = true;
            None
        } else if self.in_number {
            self.in_number = false;
            Some(self.value)
        } else {
            None
        }
    }
}

pub fn tokenizer() -> Tokenizer {
    Tokenizer {
        value: 0,
        in_number: false,
    }
}

/// Workload 7: the tokenizer as a hand-written state machine fed one byte per call.
pub fn parse(n: u64) -> u64 {
    let mut tok = tokenizer();
    let mut sum = 0u64;
    for i in 0..n {
        if let Some(number) = tok.push(input(i)) {
            sum = tally(sum, i, number);
        }
    }
    sum
}

/// `size_of` the objects of workloads 1 to 3.
pub fn sizes() -> [usize; 3] {
    [
        std::mem::size_of::<Counter>(),
        std::mem::size_of::<Averager>(),
        std::mem::size_of::<Heavy>(),
    ]
}
