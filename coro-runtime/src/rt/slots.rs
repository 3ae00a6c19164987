//! `Slots<T>`: values by index, with the indices of removed values reused (the loop's table of
//! live tasks). It names no task: the scheduler keeps each task's index in its header.

/// Values by slot index; a removed value's slot is reused by the next insert.
pub(crate) struct Slots<T> {
    slots: Vec<Option<T>>,
    free: Vec<usize>,
    len: usize,
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Slots {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Slots<T> {
    /// Stores the value `make` returns when told its index (a task keeps its own); that index.
    #[inline]
    pub(crate) fn insert_with(&mut self, make: impl FnOnce(usize) -> T) -> usize {
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.slots.push(None);
                self.slots.len() - 1
            }
        };
        self.slots[slot] = Some(make(slot));
        self.len += 1;
        slot
    }

    /// Takes the value at `slot`, if there is one.
    pub(crate) fn remove(&mut self, slot: usize) -> Option<T> {
        let value = self.slots.get_mut(slot)?.take()?;
        self.free.push(slot);
        self.len -= 1;
        Some(value)
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.slots.iter().flatten()
    }

    /// Takes every value, in slot order.
    pub(crate) fn take_all(&mut self) -> Vec<T> {
        let values: Vec<T> = self.slots.drain(..).flatten().collect();
        self.free.clear();
        self.len = 0;
        values
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_reused() {
        let mut s = Slots::default();
        let (a, b) = (s.insert_with(|_| 'a'), s.insert_with(|_| 'b'));
        assert_eq!(s.remove(a), Some('a'));
        assert_eq!(s.remove(a), None);
        assert_eq!(s.insert_with(|_| 'c'), a);
        assert_eq!(s.len(), 2);
        assert_eq!(s.iter().copied().collect::<String>(), "cb");
        assert_eq!(s.take_all(), ['c', 'b']);
        assert_eq!((s.len(), s.remove(b)), (0, None));
        assert_eq!(s.insert_with(|i| char::from(b'x' + i as u8)), 0);
        assert_eq!(s.iter().copied().collect::<String>(), "x");
    }
}
