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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrowing_coroutines_work_in_edition_2024() {
        assert_eq!(words("a b").collect::<Vec<_>>(), ["a", "b"]);
        let h = Holder { items: vec![1, 2] };
        assert_eq!(h.doubled().collect::<Vec<_>>(), [2, 4]);
    }

    #[test]
    fn if_let_chains_around_yields() {
        assert_eq!(chained(Some(3), 5).collect::<Vec<_>>(), [3, 5]);
        assert_eq!(chained(Some(9), 5).collect::<Vec<_>>(), [5]);
        assert_eq!(chained(None, 5).collect::<Vec<_>>(), [5]);
    }
}
