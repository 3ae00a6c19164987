#[coro::coroutine(yield = u8)]
fn f() {
    fn helper() {
        yield_!(1);
    }
    helper();
}

fn main() {}
