fn not_a_coroutine() {
    coro::yield_!(1);
}

fn main() {}
