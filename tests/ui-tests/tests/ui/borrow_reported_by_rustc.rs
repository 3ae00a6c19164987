// A borrow the macro cannot be sure of (`x`'s type is not visible, so `&x.0` may go through a
// reference) is left to rustc, whose error points at the user's code: the borrow, and the yield
// where the coroutine must save the borrowed local.
struct Pair(Vec<u8>, u8);

fn make() -> Pair {
    Pair(vec![1], 2)
}

#[coro::coroutine(yield = u8)]
fn f() {
    let x = make();
    let first = &x.0;
    yield_!(1);
    yield_!(first[0]);
}

fn main() {}
