#[coro::coroutine(yield = u8)]
fn f() {
    let _fut = async {
        yield_!(1);
    };
}

fn main() {}
