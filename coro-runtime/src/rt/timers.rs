//! The timer map: what the loop does at each deadline, ordered by `(deadline, sequence)`.

use std::collections::BTreeMap;
use std::rc::{Rc, Weak};

use super::callback::CallbackCell;
use super::task::AnyTask;
use super::Instant;

/// A timer's identity and place in the order: its deadline, then the order it was set in.
pub(crate) type TimerKey = (Instant, u64);

/// What a timer does when its deadline comes.
pub(crate) enum TimerAction {
    /// Resume a parked task with `Reply::Deadline`.
    Wake(Weak<dyn AnyTask>),
    /// Run a callback set with `call_later`/`call_at`.
    Call(Rc<CallbackCell>),
}

/// Timers ordered by deadline, ties by arrival. An ordered map rather than a binary heap, so that
/// a cancelled timer is removed at once (O(log n)) instead of lingering as a tombstone: what the
/// loop holds is exactly what is still due, which `Handle::timer_count` reports.
#[derive(Default)]
pub(crate) struct Timers {
    map: BTreeMap<TimerKey, TimerAction>,
    seq: u64,
}

impl Timers {
    pub(crate) fn insert(&mut self, deadline: Instant, action: TimerAction) -> TimerKey {
        let key = (deadline, self.seq);
        self.seq += 1;
        self.map.insert(key, action);
        key
    }

    pub(crate) fn remove(&mut self, key: TimerKey) -> Option<TimerAction> {
        self.map.remove(&key)
    }

    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.map
            .first_key_value()
            .map(|(&(deadline, _), _)| deadline)
    }

    /// The earliest timer whose deadline is `now` or earlier, removed.
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<TimerAction> {
        let entry = self.map.first_entry()?;
        if entry.key().0 <= now {
            Some(entry.remove())
        } else {
            None
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    pub(crate) fn clear(&mut self) -> Vec<TimerAction> {
        std::mem::take(&mut self.map).into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn call(log: &Rc<Cell<u32>>, digit: u32) -> TimerAction {
        let log = log.clone();
        TimerAction::Call(CallbackCell::new(Box::new(move || {
            log.set(log.get() * 10 + digit)
        })))
    }

    fn fire(t: &mut Timers, now: Instant) {
        while let Some(action) = t.pop_due(now) {
            match action {
                TimerAction::Call(c) => c.run(),
                TimerAction::Wake(_) => unreachable!(),
            }
        }
    }

    #[test]
    fn deadline_order_then_arrival_order_and_never_early() {
        let log = Rc::new(Cell::new(0));
        let mut t = Timers::default();
        t.insert(Instant::from_nanos(20), call(&log, 3));
        t.insert(Instant::from_nanos(10), call(&log, 1));
        let removed = t.insert(Instant::from_nanos(10), call(&log, 9));
        t.insert(Instant::from_nanos(10), call(&log, 2));
        assert!(t.remove(removed).is_some());
        assert_eq!(t.len(), 3);
        assert_eq!(t.next_deadline(), Some(Instant::from_nanos(10)));
        fire(&mut t, Instant::from_nanos(9));
        assert_eq!(log.get(), 0);
        fire(&mut t, Instant::from_nanos(19));
        assert_eq!(log.get(), 12);
        fire(&mut t, Instant::from_nanos(20));
        assert_eq!(log.get(), 123);
        assert_eq!(t.len(), 0);
    }
}
