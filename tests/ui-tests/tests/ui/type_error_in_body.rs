// A type error in the body is reported once, on the user's tokens, though the expansion holds the
// body twice (the type-discovery pass and the state machine): rustc emits identical diagnostics
// once.
#[coro::coroutine(yield = u32)]
fn counts(n: u32) {
    let mut total: u32 = 0;
    for i in 0..n {
        total += i;
        yield_!(total);
    }
    let label: String = total;
    yield_!(label.len() as u32);
}

fn main() {}
