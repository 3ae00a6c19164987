#[coro::coroutine(yield = u8, resume = u8)]
fn f() {
    if let Some(x) = Some(String::from("outer")) {
        'b: {
            let x = String::from(if coro::yield_!(0) > 3 { "a" } else { "b" });
            if x.len() > 3 {
                break 'b;
            }
            println!("inner {x}");
        }
        println!("outer {}", x);
    }
}

fn main() {}
