//! A generator used as an iterator: with the default resume type `()`, a coroutine is an
//! `Iterator` over what it yields.

/// Counts down from `n` to 1, then says so.
#[coro::coroutine(yield = u32)]
fn countdown(n: u32) -> &'static str {
    let mut i = n;
    while i > 0 {
        yield_!(i);
        i -= 1;
    }
    "liftoff"
}

fn main() {
    for i in countdown(5) {
        println!("T-minus {i}");
    }
    // The return value is there too, through `CoroutineExt::yields`.
    use coro::CoroutineExt;
    let mut it = countdown(2).yields();
    let counted: Vec<u32> = it.by_ref().collect();
    println!("{counted:?} then {}", it.return_value().unwrap());
}
