#[coro::coroutine(yield = u8)]
fn f() {
    let items = vec![1u8, 2, 3];
    for x in items.iter() {
        yield_!(*x);
    }
}

fn main() {}
