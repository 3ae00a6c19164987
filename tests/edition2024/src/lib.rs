//! Coroutines written in edition 2024, where `impl Trait` captures every lifetime in scope,
//! `gen` is a reserved keyword and `if let` chains are allowed.

/// Splits text into words, borrowing it.
#[coro::coroutine(yield = &str)]
pub fn words(text: &str) -> usize {
    let mut n = 0;
    for w in text.split_whitespace() {
        yield_!(w);
        n += 1;
    }
    n
}

/// A holder whose method borrows `self` for the coroutine's life.
pub struct Holder {
    pub items: Vec<u32>,
}

impl Holder {
    /// Yields each item doubled.
    #[coro::coroutine(yield = u32)]
    pub fn doubled(&self) {
        for i in 0..self.items.len() {
            yield_!(self.items[i] * 2);
        }
    }
}

/// Uses an `if let` chain (edition 2024) around a yield.
#[coro::coroutine(yield = u32)]
pub fn chained(a: Option<u32>, limit: u32) {
    if let Some(x) = a
        && x < limit
    {
        yield_!(x);
    }
    yield_!(limit);
}

/// Yields inside `if let` and `while let` chains (issue 19.8), with rustc's order: each operand
/// in turn, the chain stopping at the first that fails, its bindings in scope for the operands
/// after it. The traces in the test were recorded from rustc's coroutines (nightly, edition
/// 2024, the same body with `yield`).
#[coro::coroutine(yield = u32, resume = u32)]
pub fn chain_yields(a: Option<u32>, limit: u32) -> u32 {
    let mut log = 0;
    if let Some(x) = a
        && yield_!(x) < limit
        && let Some(y) = x.checked_sub(1)
    {
        log += yield_!(y) + 100;
    } else {
        log += 1000;
    }
    let mut v = vec![1u32, 2, 3];
    while let Some(z) = v.pop()
        && yield_!(z) > 0
    {
        log += z;
    }
    log
}

/// A let chain inside an `unsafe` block whose body yields (difftest seed 304942678480: the
/// macro wrapped the whole condition in `unsafe { }`, taking the `let` out of the condition).
#[coro::coroutine(yield = u32)]
pub fn unsafe_chain(a: Option<u32>, limit: u32) -> u32 {
    let raw = &limit as *const u32;
    let mut got = 0;
    // SAFETY: `raw` points to `limit`, alive for the whole body.
    unsafe {
        if *raw > 0
            && let Some(x) = a
            && x < *raw
        {
            yield_!(x);
            got = x;
        }
    }
    got
}

thread_local! {
    static LOG: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn log(s: impl Into<String>) {
    LOG.with(|l| l.borrow_mut().push(s.into()));
}

/// Logs its creation and its drop.
pub struct D(u32, u32);

impl D {
    fn new(id: u32, v: u32) -> D {
        log(format!("new {id}"));
        D(id, v)
    }
    fn get(&self) -> u32 {
        self.1
    }
}

impl Drop for D {
    fn drop(&mut self) {
        log(format!("drop {}", self.0));
    }
}

/// In edition 2024 an `if let`'s scrutinee temporaries live through the then-block's yields
/// and are dropped before the `else` block runs (difftest seed 562640715865: they were dropped
/// at the then-block's yield).
#[coro::coroutine(yield = u32, resume = u32)]
pub fn if_let_else_temporaries(p: u32) -> u32 {
    let mut got = 0;
    if let Some(x) = (p < 5).then_some(D::new(1, p).get()) {
        got += yield_!(x);
    } else {
        log("else");
        got += yield_!(0);
    }
    log("after");
    got
}

/// The same with a scrutinee that yields (seed 562640716244).
#[coro::coroutine(yield = u32, resume = u32)]
pub fn if_let_else_yielding_scrutinee(p: u32) -> u32 {
    let mut got = 0;
    if let Some(x) = (p < 5).then_some(D::new(2, yield_!(p)).get()) {
        got += yield_!(x);
    } else {
        log("else");
    }
    log("after");
    got
}

/// A `while` let chain keeps its `let`'s scrutinee temporaries through the body's yields, as
/// `while let` does (seed 575525617723: dropped at the body's first yield).
#[coro::coroutine(yield = u32, resume = u32)]
pub fn while_chain_temporaries(p: u32) -> u32 {
    let mut n = 0;
    while n < 2
        && let Some(x) = (p < 5).then_some(D::new(n, p).get())
    {
        n += 1;
        log(format!("got {}", yield_!(x)));
    }
    n
}

/// An `if` let chain keeps its `let`'s scrutinee temporaries through a then-block that yields,
/// as a lone `if let` does (seed 631360192623: dropped at the block's first yield).
#[coro::coroutine(yield = u32, resume = u32)]
pub fn if_chain_temporaries(p: u32) -> u32 {
    if p > 0
        && let Some(x) = (p < 5).then_some(D::new(7, p).get())
    {
        log(format!("got {}", yield_!(x)));
    }
    log("after".to_string());
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn let_chains_inside_unsafe_blocks() {
        use coro::{CoroutineExt, CoroutineState};
        let mut c = unsafe_chain(Some(3), 5);
        assert_eq!(c.send(()), CoroutineState::Yielded(3));
        assert_eq!(c.send(()), CoroutineState::Complete(3));
        let mut c = unsafe_chain(Some(7), 5);
        assert_eq!(c.send(()), CoroutineState::Complete(0));
    }

    #[test]
    fn borrowing_coroutines_work_in_edition_2024() {
        assert_eq!(words("a b").collect::<Vec<_>>(), ["a", "b"]);
        let h = Holder { items: vec![1, 2] };
        assert_eq!(h.doubled().collect::<Vec<_>>(), [2, 4]);
    }

    fn run(
        mut c: impl coro::Coroutine<u32, Yield = u32, Return = u32> + Unpin,
        args: &[u32],
    ) -> Vec<String> {
        use coro::{CoroutineExt, CoroutineState};
        let mut out = vec![];
        for a in args {
            match c.send(*a) {
                CoroutineState::Yielded(y) => out.push(format!("yield {y}")),
                CoroutineState::Complete(r) => {
                    out.push(format!("return {r}"));
                    break;
                }
            }
        }
        out
    }

    #[test]
    fn yields_in_let_chains_match_rustc() {
        assert_eq!(
            run(chain_yields(Some(3), 5), &[0, 1, 7, 1, 1, 0, 9]),
            [
                "yield 3",
                "yield 2",
                "yield 3",
                "yield 2",
                "yield 1",
                "return 112"
            ]
        );
        assert_eq!(
            run(chain_yields(Some(3), 5), &[0, 9, 1, 1, 1, 9]),
            ["yield 3", "yield 3", "yield 2", "yield 1", "return 1006"]
        );
        assert_eq!(
            run(chain_yields(None, 5), &[0, 1, 1, 1, 9]),
            ["yield 3", "yield 2", "yield 1", "return 1006"]
        );
    }

    /// Drives `c` with `args`, logging what it yields and returns among what it logs.
    fn traced(
        mut c: impl coro::Coroutine<u32, Yield = u32, Return = u32> + Unpin,
        args: &[u32],
    ) -> Vec<String> {
        use coro::{CoroutineExt, CoroutineState};
        for a in args {
            match c.send(*a) {
                CoroutineState::Yielded(y) => log(format!("yield {y}")),
                CoroutineState::Complete(r) => {
                    log(format!("return {r}"));
                    break;
                }
            }
        }
        drop(c);
        LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
    }

    #[test]
    fn if_let_else_drops_scrutinee_temporaries_before_the_else_block() {
        // Recorded from rustc's coroutines (nightly, edition 2024, the same body with `yield`).
        assert_eq!(
            traced(if_let_else_temporaries(3), &[10, 20]),
            ["new 1", "yield 3", "drop 1", "after", "return 20"]
        );
        assert_eq!(
            traced(if_let_else_temporaries(7), &[10, 20]),
            ["new 1", "drop 1", "else", "yield 0", "after", "return 20"]
        );
    }

    #[test]
    fn if_let_else_drops_a_yielding_scrutinees_temporaries_before_the_else_block() {
        // Recorded from rustc's coroutines (nightly, edition 2024, the same body with `yield`).
        assert_eq!(
            traced(if_let_else_yielding_scrutinee(3), &[10, 20, 30]),
            [
                "yield 3",
                "new 2",
                "yield 20",
                "drop 2",
                "after",
                "return 30"
            ]
        );
        assert_eq!(
            traced(if_let_else_yielding_scrutinee(7), &[10, 20]),
            ["yield 7", "new 2", "drop 2", "else", "after", "return 0"]
        );
    }

    #[test]
    fn while_let_chains_keep_scrutinee_temporaries_through_the_body() {
        // Recorded from rustc's coroutines (nightly, edition 2024, the same body with `yield`).
        assert_eq!(
            traced(while_chain_temporaries(3), &[10, 20, 30, 40]),
            [
                "new 0", "yield 3", "got 20", "drop 0", "new 1", "yield 3", "got 30", "drop 1",
                "return 2"
            ]
        );
    }

    #[test]
    fn if_let_chains_around_yields() {
        assert_eq!(chained(Some(3), 5).collect::<Vec<_>>(), [3, 5]);
        assert_eq!(chained(Some(9), 5).collect::<Vec<_>>(), [5]);
        assert_eq!(chained(None, 5).collect::<Vec<_>>(), [5]);
    }

    #[test]
    fn if_let_chains_keep_scrutinee_temporaries_through_the_then_block() {
        // Recorded from rustc's coroutines (nightly, edition 2024, the same body with `yield`).
        assert_eq!(
            traced(if_chain_temporaries(3), &[10, 20, 30]),
            ["new 7", "yield 3", "got 20", "drop 7", "after", "return 3"]
        );
        assert_eq!(
            traced(if_chain_temporaries(7), &[10, 20, 30]),
            ["new 7", "drop 7", "after", "return 7"]
        );
    }
}
