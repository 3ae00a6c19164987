//! Plain callbacks scheduled with `call_soon`, `call_later` and `call_at`, and their handles.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::{Rc, Weak};

use super::loop_::Inner;
use super::timers::TimerKey;

/// A scheduled callback, shared by the loop (its ready queue or its timers) and its handle.
pub(crate) struct CallbackCell {
    f: RefCell<Option<Box<dyn FnOnce()>>>,
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

    fn is_pending(&self) -> bool {
        self.f.borrow().is_some()
    }
}

/// Cancels a callback scheduled with [`Handle::call_soon`](super::Handle::call_soon),
/// [`call_later`](super::Handle::call_later) or [`call_at`](super::Handle::call_at) (asyncio's
/// `Handle`/`TimerHandle`). Dropping it does not cancel anything.
///
/// ```
/// use coro::rt::Loop;
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use std::time::Duration;
///
/// let lp = Loop::with_virtual_clock();
/// let ran = Rc::new(Cell::new(false));
/// let r = ran.clone();
/// let handle = lp.call_later(Duration::from_secs(1), move || r.set(true));
/// assert!(handle.is_pending());
/// handle.cancel();
/// assert_eq!(lp.timer_count(), 0); // a cancelled timer is gone at once
/// lp.run_until_complete(coro::rt::sleep(Duration::from_secs(2)));
/// assert!(!ran.get());
/// ```
pub struct CallbackHandle {
    cell: Rc<CallbackCell>,
    lp: Weak<Inner>,
}

impl CallbackHandle {
    pub(crate) fn new(cell: Rc<CallbackCell>, lp: Weak<Inner>) -> CallbackHandle {
        CallbackHandle { cell, lp }
    }

    /// Cancels the callback if it has not run yet: it will not run, and its timer (if any) is
    /// removed from the loop. Does nothing otherwise.
    ///
    /// ```
    /// use coro::rt::Loop;
    ///
    /// let lp = Loop::new();
    /// let h = lp.call_soon(|| panic!("never runs"));
    /// h.cancel();
    /// lp.run_until_complete(coro::rt::yield_now());
    /// ```
    pub fn cancel(&self) {
        let f = self.cell.f.borrow_mut().take();
        drop(f);
        if let Some(key) = self.cell.timer.take() {
            if let Some(lp) = self.lp.upgrade() {
                lp.timers.borrow_mut().remove(key);
            }
        }
    }

    /// Whether the callback is still to run (neither run nor cancelled).
    ///
    /// ```
    /// use coro::rt::Loop;
    ///
    /// let lp = Loop::new();
    /// let h = lp.call_soon(|| {});
    /// assert!(h.is_pending());
    /// lp.run_until_complete(coro::rt::yield_now());
    /// assert!(!h.is_pending());
    /// ```
    pub fn is_pending(&self) -> bool {
        self.cell.is_pending()
    }
}

impl fmt::Debug for CallbackHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackHandle")
            .field("pending", &self.is_pending())
            .finish()
    }
}
