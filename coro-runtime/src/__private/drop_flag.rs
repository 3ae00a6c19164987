//! A local that may be moved out on some paths and not on others before a suspension point.
//!
//! rustc keeps such a local with a runtime *drop flag*: the value stays in the coroutine until
//! its scope ends on the paths where it was not moved, and is dropped there exactly once. The
//! macro cannot read rustc's flag, so it keeps its own: the local lives in a [`Flagged`], a move
//! out of it is written `take(&mut x)` (the flag goes down), every other use `(*x)`, and the
//! state saves the `Flagged` as it is. Dropping it drops the value only if it is still there.

use core::ops::{Deref, DerefMut};

/// A local with its drop flag (`Some` while the local holds its value).
#[derive(Clone)]
pub struct Flagged<T>(Option<T>);

impl<T> Flagged<T> {
    /// A local just initialised.
    #[inline(always)]
    pub fn new(value: T) -> Self {
        Flagged(Some(value))
    }

    /// A local moved out on every path to the state being stored.
    #[inline(always)]
    pub fn moved() -> Self {
        Flagged(None)
    }
}

/// Moves the value out of a flagged local (the source's by-value use).
#[inline(always)]
#[track_caller]
pub fn take<T>(local: &mut Flagged<T>) -> T {
    match local.0.take() {
        Some(v) => v,
        None => moved_twice(),
    }
}

#[cold]
#[track_caller]
fn moved_twice() -> ! {
    panic!("#[coro::coroutine] bug: a flagged local was used after its move; please report it")
}

impl<T> Deref for Flagged<T> {
    type Target = T;
    #[inline(always)]
    #[track_caller]
    fn deref(&self) -> &T {
        match &self.0 {
            Some(v) => v,
            None => moved_twice(),
        }
    }
}

impl<T> DerefMut for Flagged<T> {
    #[inline(always)]
    #[track_caller]
    fn deref_mut(&mut self) -> &mut T {
        match &mut self.0 {
            Some(v) => v,
            None => moved_twice(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    struct Loud(Rc<RefCell<Vec<&'static str>>>);
    impl Drop for Loud {
        fn drop(&mut self) {
            self.0.borrow_mut().push("drop");
        }
    }

    #[test]
    fn drops_only_what_was_not_moved_out() {
        let log = Rc::new(RefCell::new(Vec::new()));
        let kept = Flagged::new(Loud(log.clone()));
        let mut moved = Flagged::new(Loud(log.clone()));
        let taken = take(&mut moved);
        drop(moved);
        assert!(log.borrow().is_empty(), "an emptied flag drops nothing");
        drop(taken);
        assert_eq!(*log.borrow(), ["drop"]);
        (*kept).0.borrow_mut().push("used");
        drop(kept);
        assert_eq!(*log.borrow(), ["drop", "used", "drop"]);
    }

    #[test]
    fn uses_in_place_reach_the_value() {
        let mut s = Flagged::new(String::from("a"));
        (*s).push('b');
        assert_eq!(s.len(), 2);
        assert_eq!(take(&mut s), "ab");
    }

    #[test]
    #[should_panic(expected = "used after its move")]
    fn a_use_after_the_move_is_a_loud_bug() {
        let mut x = Flagged::new(String::from("a"));
        let _ = take(&mut x);
        let _ = x.len();
    }
}
