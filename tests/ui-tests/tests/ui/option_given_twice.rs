#[coro::coroutine(resume = u8, resume = u16)]
fn f() {
    yield_!();
}

fn main() {}
