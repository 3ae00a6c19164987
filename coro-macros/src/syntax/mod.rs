//! What every stage knows about the user's code, by its syntax alone: names and the hidden
//! names the expansion adds (`names`), where the yields are (`detect`), which names a piece of
//! code binds and where they are in scope (`scope`, Rust's binding rules written once), what
//! code does to the locals it mentions (`uses`), the substitutions the emitter makes in it
//! (`substitute`), and what a type's spelling tells (`guess`).

pub mod detect;
pub mod guess;
pub mod macros;
pub mod names;
pub mod scope;
pub mod substitute;
pub mod uses;
