#[coro::coroutine(yield)]
fn f() {
    yield_!(1);
}

fn main() {}
