#[coro::coroutine(yield = u8, boxed, clone)]
fn f() {
    yield_!(1);
}

fn main() {}
