// std's expression macros (`println!`, `format!`, `vec!`, `assert_eq!`…) are read by the
// attribute; another macro's arguments are not.
macro_rules! my_log {
    ($($t:tt)*) => { println!($($t)*) };
}

#[coro::coroutine(yield = u8, resume = u8)]
fn f() {
    my_log!("{}", yield_!(1));
}

fn main() {}
