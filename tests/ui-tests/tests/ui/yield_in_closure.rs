#[coro::coroutine(yield = u8)]
fn f() {
    let v = vec![1u8, 2];
    v.iter().for_each(|x| {
        yield_!(*x);
    });
}

fn main() {}
