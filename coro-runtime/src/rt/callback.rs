//! A plain callback scheduled with `call_soon`, `call_later` or `call_at`, as the loop keeps it
//! (its handle, `CallbackHandle`, is in `handle.rs`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::timers::TimerKey;

/// A scheduled callback, shared by the loop (its ready queue or its timers) and its handle.
pub(crate) struct CallbackCell {
    f: RefCell<Option<Box<dyn FnOnce()>>>,
    /// Its timer, while it waits for one.
    pub(crate) timer: Cell<Option<TimerKey>>,
}

impl CallbackCell {
    pub(crate) fn new(f: Box<dyn FnOnce()>) -> Rc<CallbackCell> {
        Rc::new(CallbackCell {
            f: RefCell::new(Some(f)),
            timer: Cell::new(None),
        })
    }

    /// Runs the callback, unless it was cancelled or already ran.
    pub(crate) fn run(&self) {
        let f = self.f.borrow_mut().take();
        if let Some(f) = f {
            f();
        }
    }

    /// Drops the callback unrun (its timer is the scheduler's business).
    pub(crate) fn cancel(&self) {
        let f = self.f.borrow_mut().take();
        drop(f);
    }

    pub(crate) fn is_pending(&self) -> bool {
        self.f.borrow().is_some()
    }
}
