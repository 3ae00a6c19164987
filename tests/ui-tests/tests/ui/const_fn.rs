#[coro::coroutine(yield = u8)]
const fn f() {
    yield_!(1);
}

fn main() {}
