#[coro::coroutine(yield = u8, resume = u8)]
fn f() {
    println!("{}", yield_!(1));
}

fn main() {}
