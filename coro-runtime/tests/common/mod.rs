//! Shared helpers: a per-thread trace of events and values that log their drop.
#![allow(dead_code)]

use std::cell::RefCell;

use coro::rt::{Diagnostic, Loop};

thread_local! {
    static TRACE: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Appends an event to this thread's trace.
pub fn log(event: impl Into<String>) {
    TRACE.with(|t| t.borrow_mut().push(event.into()));
}

/// Takes this thread's trace.
pub fn take() -> Vec<String> {
    TRACE.with(|t| std::mem::take(&mut *t.borrow_mut()))
}

/// A value that logs `drop <name>` when dropped.
#[derive(Debug)]
pub struct Noisy(pub &'static str);

impl Drop for Noisy {
    fn drop(&mut self) {
        log(format!("drop {}", self.0));
    }
}

/// A loop with a virtual clock whose diagnostics go to the trace (as `diag: …`).
pub fn traced_loop() -> Loop {
    Loop::builder()
        .virtual_clock()
        .on_diagnostic(|d: &Diagnostic| log(format!("diag: {d}")))
        .build()
}

/// The loop's time in whole milliseconds.
pub fn ms(lp: &Loop) -> u64 {
    lp.time().as_nanos() / 1_000_000
}
