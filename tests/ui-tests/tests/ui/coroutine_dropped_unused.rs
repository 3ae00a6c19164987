#![deny(unused_must_use)]

#[coro::coroutine(yield = u8)]
fn helper() {
    yield_!(1);
}

#[coro::coroutine(yield = u8)]
fn caller() {
    // `yield_from!(helper())` was meant: the coroutine is made and dropped, and nothing runs.
    helper();
    yield_!(2);
}

fn main() {
    let _ = caller();
}
