// A `&mut` parameter kept as a pointer (docs/expansion.md) is still borrow-checked: using
// `self` while an iterator that borrows it is kept, or pushing while a reference to an element
// is kept, is refused with rustc's own error on these tokens, as rustc's coroutines refuse it.

struct Inbox {
    buf: Vec<u8>,
}

impl Inbox {
    #[coro::coroutine(yield = u8)]
    fn bump(&mut self) {
        let mut it = self.buf.iter_mut();
        yield_!(0);
        self.buf.push(1);
        *it.next().unwrap() += 1;
    }
}

#[coro::coroutine(yield = u8)]
fn first_then_push(v: &mut Vec<u8>) -> u8 {
    let first = &mut v[0];
    yield_!(*first);
    v.push(1);
    *first
}

fn main() {}
