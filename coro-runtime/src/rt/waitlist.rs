//! A FIFO list of parked tasks, each with a slot for what it is handed when served.
//!
//! Primitives serve waiters in arrival order by *handing over* what they wait for (an item, a
//! permit) into the waiter's slot before waking it, so a task that arrives later cannot take it
//! first: this is what makes them FIFO-fair. A waiter that is dropped (its task cancelled, or
//! its awaitable abandoned by a timeout) leaves the list at once; one that was served but dropped
//! before it ran gives back what it was handed (each primitive's guard does this).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::Waker;

/// One parked task in a [`WaitList`].
pub(crate) struct Waiter<P> {
    key: u64,
    pub(crate) waker: Waker,
    pub(crate) slot: RefCell<Option<P>>,
}

impl<P> Waiter<P> {
    /// Takes what the waiter was handed, if anything.
    pub(crate) fn take(&self) -> Option<P> {
        self.slot.borrow_mut().take()
    }
}

/// Waiters in arrival order; removal of any of them is O(log n).
pub(crate) struct WaitList<P> {
    entries: BTreeMap<u64, Rc<Waiter<P>>>,
    next: u64,
}

impl<P> WaitList<P> {
    pub(crate) fn new() -> WaitList<P> {
        WaitList {
            entries: BTreeMap::new(),
            next: 0,
        }
    }

    /// Adds a waiter at the back, its slot holding `slot`.
    pub(crate) fn push(&mut self, waker: Waker, slot: Option<P>) -> Rc<Waiter<P>> {
        let key = self.next;
        self.next += 1;
        let w = Rc::new(Waiter {
            key,
            waker,
            slot: RefCell::new(slot),
        });
        self.entries.insert(key, w.clone());
        w
    }

    /// Removes a waiter; `false` if it had already left (it was served or woken).
    pub(crate) fn remove(&mut self, w: &Waiter<P>) -> bool {
        self.entries.remove(&w.key).is_some()
    }

    pub(crate) fn pop_front(&mut self) -> Option<Rc<Waiter<P>>> {
        self.entries.pop_first().map(|(_, w)| w)
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every waiter and returns them in order, to be woken once no borrow is held.
    pub(crate) fn take_all(&mut self) -> Vec<Rc<Waiter<P>>> {
        std::mem::take(&mut self.entries).into_values().collect()
    }
}

impl<P> Default for WaitList<P> {
    fn default() -> Self {
        WaitList::new()
    }
}
