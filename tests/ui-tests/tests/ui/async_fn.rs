#[coro::coroutine(yield = u8)]
async fn f() {
    yield_!(1);
}

fn main() {}
