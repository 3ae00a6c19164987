#[coro::coroutine(yield = u8)]
fn f() {
    yield_!(1, 2);
}

fn main() {}
