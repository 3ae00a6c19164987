#[coro::coroutine(yield = u8)]
struct NotAFn {
    field: u8,
}

fn main() {}
