#[coro::coroutine(yield = usize)]
fn f() {
    let text = String::from("hello");
    let r = &text;
    yield_!(1);
    println!("{r}");
}

fn main() {}
