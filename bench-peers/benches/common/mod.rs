//! The workloads, one module per system, shared by the two bench targets of this crate
//! (`bench-native/` includes `shared.rs`, `hand.rs` and `coro_impl.rs` from here too).

pub mod coro_impl;
pub mod corosensei_impl;
pub mod genawaiter_rc;
pub mod genawaiter_stack;
pub mod generator_impl;
pub mod hand;
pub mod in_place;
pub mod next_gen;
pub mod shared;
pub mod systems;
