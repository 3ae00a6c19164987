#[coro::coroutine(yield = u8, resume = bool)]
fn f(x: Option<u8>) {
    match x {
        Some(v) if yield_!(v) => {}
        _ => {}
    }
}

fn main() {}
