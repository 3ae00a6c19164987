//! A set of locals as a bit vector, for the data-flow passes: they copy and merge a set per
//! block and per `let`, which for a `BTreeSet` costs a node per local (quadratic in a long
//! body), and here a word per 64 locals.

use crate::ir::LocalId;

#[derive(Clone, Default, PartialEq, Eq)]
pub struct Bits {
    words: Vec<u64>,
}

impl Bits {
    pub fn contains(&self, l: &LocalId) -> bool {
        self.words
            .get(l / 64)
            .is_some_and(|w| w & (1 << (l % 64)) != 0)
    }

    pub fn insert(&mut self, l: LocalId) {
        if self.words.len() <= l / 64 {
            self.words.resize(l / 64 + 1, 0);
        }
        self.words[l / 64] |= 1 << (l % 64);
    }

    pub fn remove(&mut self, l: &LocalId) {
        if let Some(w) = self.words.get_mut(l / 64) {
            *w &= !(1 << (l % 64));
        }
    }

    /// Adds `other`'s locals; says whether that changed anything.
    pub fn union_with(&mut self, other: &Bits) -> bool {
        if self.words.len() < other.words.len() {
            self.words.resize(other.words.len(), 0);
        }
        let mut changed = false;
        for (w, o) in self.words.iter_mut().zip(&other.words) {
            let new = *w | o;
            changed |= new != *w;
            *w = new;
        }
        changed
    }

    /// Keeps only the locals also in `other`; says whether that changed anything.
    pub fn intersect_with(&mut self, other: &Bits) -> bool {
        let mut changed = false;
        for (i, w) in self.words.iter_mut().enumerate() {
            let new = *w & other.words.get(i).copied().unwrap_or(0);
            changed |= new != *w;
            *w = new;
        }
        changed
    }

    pub fn iter(&self) -> impl Iterator<Item = LocalId> + '_ {
        self.words.iter().enumerate().flat_map(|(i, w)| {
            (0..64)
                .filter(move |b| w & (1 << b) != 0)
                .map(move |b| i * 64 + b)
        })
    }
}

impl Extend<LocalId> for Bits {
    fn extend<I: IntoIterator<Item = LocalId>>(&mut self, iter: I) {
        for l in iter {
            self.insert(l);
        }
    }
}

impl FromIterator<LocalId> for Bits {
    fn from_iter<I: IntoIterator<Item = LocalId>>(iter: I) -> Self {
        let mut b = Bits::default();
        b.extend(iter);
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_operations() {
        let mut a: Bits = [1, 64, 130].into_iter().collect();
        assert!(a.contains(&64) && !a.contains(&2) && !a.contains(&500));
        let b: Bits = [1, 2].into_iter().collect();
        assert!(a.union_with(&b));
        assert!(!a.union_with(&b));
        assert_eq!(a.iter().collect::<Vec<_>>(), [1, 2, 64, 130]);
        assert!(a.intersect_with(&b));
        assert_eq!(a.iter().collect::<Vec<_>>(), [1, 2]);
        a.remove(&1);
        assert_eq!(a.iter().collect::<Vec<_>>(), [2]);
    }
}
