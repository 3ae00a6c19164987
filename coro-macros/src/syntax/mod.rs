//! What every stage knows about the user's code, by its syntax alone.

pub mod guess;
