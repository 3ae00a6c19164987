//! What every system's implementation of the workloads shares: the sizes of the inputs, the tree
//! of workload 5, and the drivers that consume what a coroutine yields.
//!
//! Each system implements the same seven workloads, in a module with the same function names:
//!
//! 1. `count(n)`: drain `for i in 0..n { yield i }` as an iterator;
//! 2. `average(n)`: feed an averager `n` values through resume;
//! 3. `state_heavy(n)`: nested loops keeping 9 locals of mixed types alive across each yield;
//! 4. `chain(n)`: drain a delegation chain four deep (`yield_from!` in `coro`);
//! 5. `tree(t)`: in-order walk of a binary tree through one boxed sub-coroutine per subtree;
//! 6. `create_drop(n)`: create `n` coroutines and drop them without resuming them;
//! 7. `parse(n)`: feed a push parser `n` bytes, one per resume: a tokenizer of numbers separated
//!    by `,` and `\n` ([`INPUT`] over and over) that answers every byte with `Option<u64>`, the
//!    number that byte completed, if any;
//!
//! plus `sizes()`, the `size_of` of the coroutine objects of workloads 1 to 3.
//!
//! Every driver returns a checksum, so that the probe can check that all systems computed the
//! same thing, and passes each item through `black_box` so that no compiler can fold a loop into
//! a formula.

#![allow(dead_code)] // each bench target uses the part of this file that its systems need

use std::hint::black_box;

/// Items per iteration for workloads 1 to 4 (a multiple of 8: `state_heavy` yields in rows of 8).
pub const N: u64 = 10_000;
/// Nodes of the tree of workload 5 (a full binary tree of depth 12).
pub const TREE_NODES: u64 = (1 << 12) - 1;
/// Coroutines created and dropped per iteration in workload 6.
pub const CREATE: u64 = 64;

/// The workloads, in order, as `(group name, items per iteration)`.
pub const WORKLOADS: [(&str, u64); 7] = [
    ("1-count", N),
    ("2-average", N),
    ("3-state-heavy", N),
    ("4-yield-from-chain", N),
    ("5-tree-walk", TREE_NODES),
    ("6-create-drop", CREATE),
    ("7-push-parser", N),
];

/// A binary tree; workload 5 yields its values in order.
pub struct Tree {
    pub value: u64,
    pub left: Option<Box<Tree>>,
    pub right: Option<Box<Tree>>,
}

/// A balanced tree holding `lo..hi` in order, built once and leaked, so that every system can
/// borrow it for `'static` (the stackful crates need that).
pub fn tree(nodes: u64) -> &'static Tree {
    fn build(lo: u64, hi: u64) -> Option<Box<Tree>> {
        (lo < hi).then(|| {
            let mid = lo + (hi - lo) / 2;
            Box::new(Tree {
                value: mid,
                left: build(lo, mid),
                right: build(mid + 1, hi),
            })
        })
    }
    Box::leak(build(0, nodes).expect("a tree with at least one node"))
}

/// Sums what an iterator yields, one `black_box` per item (the driver of workloads 1, 3, 4, 5).
#[inline]
pub fn drain(items: impl Iterator<Item = u64>) -> u64 {
    let mut sum = 0u64;
    for x in items {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

/// The values fed to the averager of workload 2.
#[inline]
pub fn sample(i: u64) -> f64 {
    (i % 100) as f64
}

/// The return value of `state_heavy`.
pub fn heavy_result(total: u64, name: &str, history: &[u64]) -> u64 {
    total
        .wrapping_add(history.iter().sum::<u64>())
        .wrapping_add(name.len() as u64)
}

/// The bytes fed to the tokenizer of workload 7, over and over: numbers of one to three digits,
/// an empty field, and a line end.
pub const INPUT: &[u8] = b"12,345,6,,78\n";

/// Byte `i` of workload 7's input, through `black_box` (the item of that workload), so that no
/// compiler can specialise a parser for the position in the repeated input.
#[inline]
pub fn input(i: u64) -> u8 {
    black_box(INPUT[(i % INPUT.len() as u64) as usize])
}

/// Adds to workload 7's checksum the number that byte `i` completed, weighted by its position,
/// so that a number reported a byte early or late changes the checksum.
#[inline]
pub fn tally(sum: u64, i: u64, number: u64) -> u64 {
    sum.wrapping_add(number.wrapping_mul(i + 1))
}
