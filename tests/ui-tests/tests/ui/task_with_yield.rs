#[coro::coroutine(task, yield = u8)]
fn f() {
    yield_!(1);
}

fn main() {}
