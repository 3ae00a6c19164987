//! The native versions of the workloads, beside `bench-peers`' `coro` and hand-written ones
//! (the very same files, included by path).
// Each bench target uses its own part of the shared files.
#![allow(dead_code)]

#[path = "../../../bench-peers/benches/common/coro_impl.rs"]
pub mod coro_impl;
#[path = "../../../bench-peers/benches/common/hand.rs"]
pub mod hand;
pub mod native;
#[path = "../../../bench-peers/benches/common/shared.rs"]
pub mod shared;

/// A workload run once: takes the number of items, returns a checksum.
pub type Run = fn(u64) -> u64;

/// The systems this crate measures. The names mark that they were compiled by nightly.
pub const SYSTEMS: [&str; 3] = ["native", "coro-nightly", "hand-written-nightly"];

fn the_tree() -> &'static shared::Tree {
    static TREE: std::sync::OnceLock<&'static shared::Tree> = std::sync::OnceLock::new();
    TREE.get_or_init(|| shared::tree(shared::TREE_NODES))
}

macro_rules! row {
    ($m:ident) => {
        [
            $m::count as Run,
            |n| $m::average(n).to_bits(),
            $m::state_heavy as Run,
            $m::chain as Run,
            |_| $m::tree(the_tree()),
            $m::create_drop as Run,
            $m::parse as Run,
        ]
    };
}

/// The workloads of `system`, in order.
pub fn workloads(system: &str) -> Option<[Run; 7]> {
    match system {
        "native" => Some(row!(native)),
        "coro-nightly" => Some(row!(coro_impl)),
        "hand-written-nightly" => Some(row!(hand)),
        _ => None,
    }
}
