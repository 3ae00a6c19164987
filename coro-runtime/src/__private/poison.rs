//! Poisoning a coroutine whose step panics, without `catch_unwind` on the way.
//!
//! An arm that reads its variant's fields in place leaves the state as it is while it runs. If
//! the step panics there, the coroutine's live locals must still be dropped as the panic
//! unwinds (as rustc's coroutines do) and the coroutine poisoned. A [`PoisonOnUnwind`] guard
//! around the step does that from its `Drop`: the step is armed while it runs and disarmed when
//! it returns, so only the unwinding path finds it armed. On the normal path the flag is a
//! local the compiler folds away: no `catch_unwind` frame that keeps the step from being
//! inlined, no check at run time.

/// Holds the state during one step; if the step unwinds before [`disarm`](Self::disarm),
/// replaces it with the poisoned value (dropping the live locals the state held).
pub struct PoisonOnUnwind<'s, S, P: Fn() -> S> {
    state: &'s mut S,
    poisoned: P,
    armed: bool,
}

impl<'s, S, P: Fn() -> S> PoisonOnUnwind<'s, S, P> {
    /// Guards `state` for one step; `poisoned` makes the poisoned state.
    #[inline(always)]
    pub fn new(state: &'s mut S, poisoned: P) -> Self {
        PoisonOnUnwind {
            state,
            poisoned,
            armed: true,
        }
    }

    /// The state, for the step to use.
    #[inline(always)]
    pub fn state(&mut self) -> &mut S {
        self.state
    }

    /// The step returned: nothing to poison.
    #[inline(always)]
    pub fn disarm(&mut self) {
        self.armed = false;
    }
}

impl<S, P: Fn() -> S> Drop for PoisonOnUnwind<'_, S, P> {
    #[inline(always)]
    fn drop(&mut self) {
        if self.armed {
            *self.state = (self.poisoned)();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::{catch_unwind, AssertUnwindSafe};

    #[derive(Debug, PartialEq)]
    enum S {
        Live(String),
        Poisoned,
    }

    #[test]
    fn a_normal_step_leaves_the_state_alone() {
        let mut s = S::Live("a".into());
        {
            let mut g = PoisonOnUnwind::new(&mut s, || S::Poisoned);
            if let S::Live(v) = g.state() {
                v.push('b');
            }
            g.disarm();
        }
        assert_eq!(s, S::Live("ab".into()));
    }

    #[test]
    fn a_panicking_step_poisons_the_state() {
        let mut s = S::Live("a".into());
        let r = catch_unwind(AssertUnwindSafe(|| {
            let mut g = PoisonOnUnwind::new(&mut s, || S::Poisoned);
            let _ = g.state();
            panic!("step");
        }));
        assert!(r.is_err());
        assert_eq!(s, S::Poisoned);
    }

    #[test]
    fn a_step_run_by_a_destructor_during_a_panic_is_not_poisoned() {
        struct RunsAStep<'a>(&'a mut S);
        impl Drop for RunsAStep<'_> {
            fn drop(&mut self) {
                let mut g = PoisonOnUnwind::new(&mut *self.0, || S::Poisoned);
                let _ = g.state();
                g.disarm();
            }
        }
        let mut s = S::Live("a".into());
        let r = catch_unwind(AssertUnwindSafe(|| {
            let _d = RunsAStep(&mut s);
            panic!("outer");
        }));
        assert!(r.is_err());
        assert_eq!(s, S::Live("a".into()));
    }
}
