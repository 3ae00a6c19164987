//! Hand-modified expansions of `coro` workloads 1 to 4 and 6: what `#[coro::coroutine]` could emit.
//!
//! Same public shape as the macro's output (a `coro::Gen` over a generic state enum, no `unsafe`),
//! with three changes to the emitted code, measured in `docs/benchmarks.md` as `coro-in-place`:
//!
//! 1. `match &mut state` with the fields used in place; the state is moved only when the variant
//!    changes (never while a loop stays in the same suspension point);
//! 2. only suspension points are variants: the code after a yield runs on into the loop head, the
//!    loop exit and the next loop head inside the same arm instead of storing each of them as a
//!    state and dispatching again (this is also what makes the enum as small as rustc's layout);
//! 3. a delegate of `yield_from!` is resumed where it lies;
//!
//! and a panic poisons the coroutine through a guard that holds the `&mut` state and writes
//! `Poisoned` in its `Drop`, forgotten on the normal path (so no store of a `Poisoned` variant on
//! every resume, and no flag beside the state).

use std::hint::black_box;
use std::mem;
use std::pin::Pin;

use coro::{Coroutine, CoroutineExt, CoroutineState, Gen};

use super::shared::{drain, heavy_result, sample};

/// Holds the state during a resume. Forgotten on the normal path, so it is dropped only when a
/// panic unwinds through the resume: then it poisons the state.
struct Resuming<'a, S: Poison>(&'a mut S);

trait Poison {
    fn poison(&mut self);
}

impl<S: Poison> Drop for Resuming<'_, S> {
    fn drop(&mut self) {
        self.0.poison();
    }
}

/// Implements `Poison` for a state enum declared inside a fn.
macro_rules! poison {
    ($($t:ident),*) => {
        impl<$($t),*> Poison for State<$($t),*> {
            fn poison(&mut self) {
                *self = State::Poisoned;
            }
        }
    };
}

pub fn counter(n: u64) -> impl Coroutine<Yield = u64, Return = ()> + Unpin + Iterator<Item = u64> {
    enum State<T0, T1> {
        Start { n: T0 },
        AfterYield1 { iter: T1 },
        Complete,
        Poisoned,
    }
    poison!(T0, T1);
    let mut state = State::Start { n };
    Gen::new(move |(): ()| -> Option<CoroutineState<u64, ()>> {
        let guard = Resuming(&mut state);
        let state = &mut *guard.0;
        let step = match &mut *state {
            State::Start { .. } => {
                let State::Start { n } = mem::replace(state, State::Poisoned) else {
                    unreachable!()
                };
                let mut iter = 0..n;
                match iter.next() {
                    Some(i) => {
                        *state = State::AfterYield1 { iter };
                        Some(CoroutineState::Yielded(i))
                    }
                    None => {
                        *state = State::Complete;
                        Some(CoroutineState::Complete(()))
                    }
                }
            }
            State::AfterYield1 { iter } => match iter.next() {
                Some(i) => Some(CoroutineState::Yielded(i)),
                None => {
                    *state = State::Complete;
                    Some(CoroutineState::Complete(()))
                }
            },
            State::Complete => None,
            State::Poisoned => coro::__private::resumed_after_panic(),
        };
        mem::forget(guard);
        step
    })
}

/// Workload 1.
pub fn count(n: u64) -> u64 {
    drain(counter(n))
}

pub fn averager() -> impl Coroutine<f64, Yield = f64, Return = ()> + Unpin {
    enum State<T0, T1> {
        Start,
        AfterYield1 { total: T0, count: T1 },
        Poisoned,
    }
    poison!(T0, T1);
    let mut state = State::Start;
    Gen::new(move |arg: f64| -> Option<CoroutineState<f64, ()>> {
        let guard = Resuming(&mut state);
        let state = &mut *guard.0;
        let step = match &mut *state {
            State::Start => {
                let (total, count, average) = (0.0f64, 0u64, 0.0f64);
                *state = State::AfterYield1 { total, count };
                Some(CoroutineState::Yielded(average))
            }
            State::AfterYield1 { total, count } => {
                let value = arg;
                *total += value;
                *count += 1;
                let average = *total / *count as f64;
                Some(CoroutineState::Yielded(average))
            }
            State::Poisoned => coro::__private::resumed_after_panic(),
        };
        mem::forget(guard);
        step
    })
}

/// Workload 2.
pub fn average(n: u64) -> f64 {
    let mut avg = averager();
    avg.send(0.0);
    let mut sum = 0.0;
    for i in 0..n {
        if let CoroutineState::Yielded(a) = avg.send(sample(i)) {
            sum += black_box(a);
        }
    }
    sum
}

pub fn heavy(n: u64) -> impl Coroutine<Yield = u64, Return = u64> + Unpin + Iterator<Item = u64> {
    #[allow(clippy::large_enum_variant)]
    enum State<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> {
        Start {
            n: T0,
        },
        AfterYield1 {
            iter_1: T1,
            outer: T2,
            iter: T3,
            last: T4,
            flips: T5,
            scale: T6,
            total: T7,
            history: T8,
            name: T9,
        },
        Done {
            total: T10,
            history: T11,
            name: T12,
        },
        Complete,
        Poisoned,
    }
    poison!(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12);
    let mut state = State::Start { n };
    Gen::new(move |(): ()| -> Option<CoroutineState<u64, u64>> {
        let guard = Resuming(&mut state);
        let state = &mut *guard.0;
        let step = 'step: loop {
            match &mut *state {
                State::Start { .. } => {
                    let State::Start { n } = mem::replace(state, State::Poisoned) else {
                        unreachable!()
                    };
                    let name = String::from("state");
                    let history: Vec<u64> = Vec::with_capacity(8);
                    let mut iter = 0..n / 8;
                    match iter.next() {
                        // Enter the first row: the inner loop's head is the resume point's code.
                        Some(outer) => {
                            *state = State::AfterYield1 {
                                iter_1: 0..8u64,
                                outer,
                                iter,
                                last: 0i64,
                                flips: 0u32,
                                scale: 1.0f64,
                                total: 0u64,
                                history,
                                name,
                            };
                        }
                        None => {
                            *state = State::Done {
                                total: 0u64,
                                history,
                                name,
                            };
                        }
                    }
                }
                State::AfterYield1 {
                    iter_1,
                    outer,
                    iter,
                    last,
                    flips,
                    scale,
                    total,
                    history,
                    name,
                } => match iter_1.next() {
                    Some(inner) => {
                        *total = total.wrapping_add(*outer ^ inner);
                        *scale = *scale * 0.5 + inner as f64;
                        *flips += (inner & 1) as u32;
                        *last = (*total as i64).wrapping_sub(*last);
                        break 'step Some(CoroutineState::Yielded(
                            *total
                                ^ (*scale as u64)
                                ^ u64::from(*flips)
                                ^ (*last as u64)
                                ^ name.len() as u64
                                ^ history.len() as u64,
                        ));
                    }
                    None => {
                        // The end of the row and the outer loop's head run here, in place.
                        if history.len() == 8 {
                            history.clear();
                        }
                        history.push(*total);
                        if name.len() >= 24 {
                            name.truncate(5);
                        } else {
                            name.push('!');
                        }
                        match iter.next() {
                            Some(o) => {
                                *outer = o;
                                *iter_1 = 0..8u64;
                            }
                            None => {
                                let State::AfterYield1 {
                                    total,
                                    history,
                                    name,
                                    ..
                                } = mem::replace(state, State::Poisoned)
                                else {
                                    unreachable!()
                                };
                                *state = State::Done {
                                    total,
                                    history,
                                    name,
                                };
                            }
                        }
                    }
                },
                State::Done { .. } => {
                    let State::Done {
                        total,
                        history,
                        name,
                    } = mem::replace(state, State::Complete)
                    else {
                        unreachable!()
                    };
                    break 'step Some(CoroutineState::Complete(heavy_result(
                        total, &name, &history,
                    )));
                }
                State::Complete => break 'step None,
                State::Poisoned => coro::__private::resumed_after_panic(),
            }
        };
        mem::forget(guard);
        step
    })
}

/// Workload 3.
pub fn state_heavy(n: u64) -> u64 {
    drain(heavy(n))
}

pub fn leaf(n: u64) -> impl Coroutine<Yield = u64, Return = u64> + Unpin {
    enum State<T0, T1> {
        Start { n: T0 },
        AfterYield1 { iter: T1, n: T0 },
        Complete,
        Poisoned,
    }
    poison!(T0, T1);
    let mut state = State::Start { n };
    Gen::new(move |(): ()| -> Option<CoroutineState<u64, u64>> {
        let guard = Resuming(&mut state);
        let state = &mut *guard.0;
        let step = match &mut *state {
            State::Start { .. } => {
                let State::Start { n } = mem::replace(state, State::Poisoned) else {
                    unreachable!()
                };
                let mut iter = 0..n;
                match iter.next() {
                    Some(i) => {
                        *state = State::AfterYield1 { iter, n };
                        Some(CoroutineState::Yielded(i))
                    }
                    None => {
                        *state = State::Complete;
                        Some(CoroutineState::Complete(n))
                    }
                }
            }
            State::AfterYield1 { iter, n } => match iter.next() {
                Some(i) => Some(CoroutineState::Yielded(i)),
                None => {
                    let n = *n;
                    *state = State::Complete;
                    Some(CoroutineState::Complete(n))
                }
            },
            State::Complete => None,
            State::Poisoned => coro::__private::resumed_after_panic(),
        };
        mem::forget(guard);
        step
    })
}

/// One level of `yield_from!(inner) + 1`, the delegate resumed in place.
pub fn level<C>(
    inner: C,
) -> impl Coroutine<Yield = u64, Return = u64> + Unpin + Iterator<Item = u64>
where
    C: Coroutine<Yield = u64, Return = u64> + Unpin,
{
    enum State<T0, T1> {
        Start { inner: T0 },
        AfterYieldFrom1 { delegate: T1 },
        Complete,
        Poisoned,
    }
    poison!(T0, T1);
    let mut state = State::Start { inner };
    Gen::new(move |arg: ()| -> Option<CoroutineState<u64, u64>> {
        let guard = Resuming(&mut state);
        let state = &mut *guard.0;
        let step = match &mut *state {
            State::Start { .. } => {
                let State::Start { inner } = mem::replace(state, State::Poisoned) else {
                    unreachable!()
                };
                let mut delegate = inner;
                match Pin::new(&mut delegate).resume(arg) {
                    CoroutineState::Yielded(y) => {
                        *state = State::AfterYieldFrom1 { delegate };
                        Some(CoroutineState::Yielded(y))
                    }
                    CoroutineState::Complete(r) => {
                        drop(delegate);
                        *state = State::Complete;
                        Some(CoroutineState::Complete(r + 1))
                    }
                }
            }
            State::AfterYieldFrom1 { delegate } => match Pin::new(delegate).resume(arg) {
                CoroutineState::Yielded(y) => Some(CoroutineState::Yielded(y)),
                CoroutineState::Complete(r) => {
                    *state = State::Complete;
                    Some(CoroutineState::Complete(r + 1))
                }
            },
            State::Complete => None,
            State::Poisoned => coro::__private::resumed_after_panic(),
        };
        mem::forget(guard);
        step
    })
}

/// Workload 4.
pub fn chain(n: u64) -> u64 {
    drain(level(level(level(level(leaf(n))))))
}

/// Workload 6.
pub fn create_drop(n: u64) -> u64 {
    for i in 0..n {
        drop(black_box(counter(black_box(i))));
    }
    n
}

/// `size_of` the coroutine objects of workloads 1 to 3.
pub fn sizes() -> [usize; 3] {
    [
        mem::size_of_val(&counter(0)),
        mem::size_of_val(&averager()),
        mem::size_of_val(&heavy(0)),
    ]
}
