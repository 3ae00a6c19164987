//! A crate that forbids `unsafe` can still write a coroutine whose `&mut` parameter is borrowed
//! across a yield and used again: the `unsafe` the expansion then needs (docs/expansion.md,
//! "`&mut` parameters kept as pointers") is the macro's, which the lint does not look into.

#![forbid(unsafe_code)]

use coro::{CoroutineExt, CoroutineState};

struct Counter {
    hits: Vec<u32>,
    total: u32,
}

impl Counter {
    #[coro::coroutine(yield = u32, resume = u32)]
    fn tally(&mut self) -> u32 {
        for h in self.hits.iter_mut() {
            *h += yield_!(*h);
        }
        self.total = self.hits.iter().sum();
        self.total
    }
}

#[test]
fn a_reborrowed_receiver_compiles_under_forbid_unsafe_code() {
    let mut c = Counter {
        hits: vec![1, 2],
        total: 0,
    };
    let mut t = c.tally();
    assert_eq!(t.start(), CoroutineState::Yielded(1));
    assert_eq!(t.send(4), CoroutineState::Yielded(2));
    assert_eq!(t.send(5), CoroutineState::Complete(12));
    drop(t);
    assert_eq!((c.hits, c.total), (vec![5, 7], 12));
}
