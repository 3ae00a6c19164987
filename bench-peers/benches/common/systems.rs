//! The table of systems and workloads that both bench targets of this crate drive.

use super::shared::{self, Tree};
use super::{
    coro_impl, corosensei_impl, genawaiter_rc, genawaiter_stack, generator_impl, hand, in_place,
    next_gen,
};

/// A workload run once: takes the number of items (ignored by the tree walk, whose tree is
/// fixed), returns a checksum.
pub type Run = fn(u64) -> u64;

/// Every system, the limit first and `coro` second; `coro-in-place` is a hand-modified expansion
/// (`in_place.rs`), not something users can write.
pub const SYSTEMS: [&str; 8] = [
    "hand-written",
    "coro",
    "coro-in-place",
    "genawaiter-stack",
    "genawaiter-rc",
    "next-gen",
    "corosensei",
    "generator",
];

fn the_tree() -> &'static Tree {
    static TREE: std::sync::OnceLock<&'static Tree> = std::sync::OnceLock::new();
    TREE.get_or_init(|| shared::tree(shared::TREE_NODES))
}

macro_rules! row {
    ($m:ident) => {
        [
            Some($m::count as Run),
            Some(|n| $m::average(n).to_bits()),
            Some($m::state_heavy as Run),
            Some($m::chain as Run),
            Some(|_| $m::tree(the_tree())),
            Some($m::create_drop as Run),
            Some($m::parse as Run),
        ]
    };
}

/// The workloads of `system`, in order; `None` where it cannot express one. Every peer expresses
/// the push parser (7): each can be resumed with a value, as the averager (2) already is.
pub fn workloads(system: &str) -> [Option<Run>; 7] {
    match system {
        "hand-written" => row!(hand),
        "coro" => row!(coro_impl),
        "genawaiter-rc" => row!(genawaiter_rc),
        "next-gen" => row!(next_gen),
        "corosensei" => row!(corosensei_impl),
        "generator" => row!(generator_impl),
        // The stack flavour pins each generator in a caller's frame: a recursive walk cannot make
        // one per subtree without `unsafe`.
        "genawaiter-stack" => [
            Some(genawaiter_stack::count as Run),
            Some(|n| genawaiter_stack::average(n).to_bits()),
            Some(genawaiter_stack::state_heavy as Run),
            Some(genawaiter_stack::chain as Run),
            None,
            Some(genawaiter_stack::create_drop as Run),
            Some(genawaiter_stack::parse as Run),
        ],
        "coro-in-place" => [
            Some(in_place::count as Run),
            Some(|n| in_place::average(n).to_bits()),
            Some(in_place::state_heavy as Run),
            Some(in_place::chain as Run),
            None,
            Some(in_place::create_drop as Run),
            // Not a peer but a hand-modified expansion of workloads 1 to 4 and 6, written as
            // evidence for changes to the emitter; the push parser has none.
            None,
        ],
        _ => [None; 7],
    }
}

/// `size_of` the coroutine objects of workloads 1 to 3, what they keep elsewhere, and a note.
pub fn sizes() -> Vec<(&'static str, [usize; 3], String)> {
    let (gs, gs_shelf) = genawaiter_stack::sizes();
    let (gr, gr_heap) = genawaiter_rc::sizes();
    let words = generator::DEFAULT_STACK_SIZE;
    vec![
        ("hand-written", hand::sizes(), String::new()),
        ("coro", coro_impl::sizes(), String::new()),
        (
            "coro-in-place",
            in_place::sizes(),
            "a hand-modified expansion (`bench-peers/benches/common/in_place.rs`)".into(),
        ),
        (
            "genawaiter-stack",
            gs,
            format!("a handle to a pinned shelf of {gs_shelf:?} B on the caller's stack"),
        ),
        (
            "genawaiter-rc",
            gr,
            format!("plus a boxed future of {gr_heap:?} B and an `Rc` airlock"),
        ),
        (
            "next-gen",
            next_gen::sizes(),
            "pinned in place (holds its future inline)".into(),
        ),
        (
            "corosensei",
            corosensei_impl::sizes(),
            "plus a 1 MiB mapped stack".into(),
        ),
        (
            "generator",
            generator_impl::sizes(),
            format!(
                "plus a stack of {} KiB",
                words * std::mem::size_of::<usize>() / 1024
            ),
        ),
    ]
}
