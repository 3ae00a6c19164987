//! Shared helpers: a trace of events, values that log their drop, and a driver that records
//! every yield and the return value.
#![allow(dead_code)]

use std::cell::RefCell;
use std::fmt::Debug;

use coro::{Coroutine, CoroutineExt, CoroutineState};

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
#[derive(Debug, PartialEq)]
pub struct Noisy(pub &'static str);

impl Drop for Noisy {
    fn drop(&mut self) {
        log(format!("drop {}", self.0));
    }
}

impl Noisy {
    pub fn name(&self) -> &'static str {
        self.0
    }
}

/// Resumes with each argument in turn, logging `yield <v>` / `return <v>`; stops at completion.
pub fn drive<C, A>(mut c: C, args: impl IntoIterator<Item = A>) -> Vec<String>
where
    C: Coroutine<A> + Unpin,
    C::Yield: Debug,
    C::Return: Debug,
{
    for a in args {
        match c.send(a) {
            CoroutineState::Yielded(y) => log(format!("yield {y:?}")),
            CoroutineState::Complete(r) => {
                log(format!("return {r:?}"));
                break;
            }
        }
    }
    drop(c);
    take()
}

/// Drives a `()`-resumed coroutine to completion.
pub fn run<C>(c: C) -> Vec<String>
where
    C: Coroutine<()> + Unpin,
    C::Yield: Debug,
    C::Return: Debug,
{
    drive(c, std::iter::repeat_n((), 10_000))
}
