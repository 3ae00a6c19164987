//! The timer map: a value per deadline, ordered by `(deadline, sequence)`. It names neither
//! tasks nor callbacks: the scheduler decides what its entries are.

use std::collections::BTreeMap;

use super::Instant;

/// A timer's identity and place in the order: its deadline, then the order it was set in.
pub(crate) type TimerKey = (Instant, u64);

/// Timers ordered by deadline, ties by arrival. An ordered map rather than a binary heap, so that
/// a cancelled timer is removed at once (O(log n)) instead of lingering as a tombstone: what the
/// loop holds is exactly what is still due, which `Handle::timer_count` reports.
pub(crate) struct Timers<T> {
    map: BTreeMap<TimerKey, T>,
    seq: u64,
}

impl<T> Default for Timers<T> {
    fn default() -> Self {
        Timers {
            map: BTreeMap::new(),
            seq: 0,
        }
    }
}

impl<T> Timers<T> {
    pub(crate) fn insert(&mut self, deadline: Instant, value: T) -> TimerKey {
        let key = (deadline, self.seq);
        self.seq += 1;
        self.map.insert(key, value);
        key
    }

    pub(crate) fn remove(&mut self, key: TimerKey) -> Option<T> {
        self.map.remove(&key)
    }

    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.map
            .first_key_value()
            .map(|(&(deadline, _), _)| deadline)
    }

    /// The earliest timer whose deadline is `now` or earlier, removed.
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<T> {
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

    pub(crate) fn clear(&mut self) -> Vec<T> {
        std::mem::take(&mut self.map).into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fire(t: &mut Timers<u32>, now: Instant, log: &mut Vec<u32>) {
        while let Some(v) = t.pop_due(now) {
            log.push(v);
        }
    }

    #[test]
    fn deadline_order_then_arrival_order_and_never_early() {
        let mut log = Vec::new();
        let mut t = Timers::default();
        t.insert(Instant::from_nanos(20), 3);
        t.insert(Instant::from_nanos(10), 1);
        let removed = t.insert(Instant::from_nanos(10), 9);
        t.insert(Instant::from_nanos(10), 2);
        assert_eq!(t.remove(removed), Some(9));
        assert_eq!(t.len(), 3);
        assert_eq!(t.next_deadline(), Some(Instant::from_nanos(10)));
        fire(&mut t, Instant::from_nanos(9), &mut log);
        assert!(log.is_empty());
        fire(&mut t, Instant::from_nanos(19), &mut log);
        assert_eq!(log, [1, 2]);
        fire(&mut t, Instant::from_nanos(20), &mut log);
        assert_eq!(log, [1, 2, 3]);
        assert_eq!(t.len(), 0);
    }
}
