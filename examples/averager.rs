//! Beazley's running average: a coroutine fed with `send`, keeping its state between values.

use coro::{CoroutineExt, CoroutineState};

/// Receives numbers; after each one, yields the average of all received so far.
#[coro::coroutine(yield = f64, resume = f64)]
fn averager() {
    let mut total = 0.0;
    let mut count = 0u32;
    let mut average = f64::NAN;
    loop {
        let value = yield_!(average);
        total += value;
        count += 1;
        average = total / f64::from(count);
    }
}

fn main() {
    let mut avg = averager();
    // Prime it: the first resume runs to the first `yield_!` (its argument is not seen).
    avg.send(0.0);
    for value in [10.0, 30.0, 5.0] {
        match avg.send(value) {
            CoroutineState::Yielded(a) => println!("sent {value:>5}: average is {a}"),
            CoroutineState::Complete(()) => unreachable!("the averager never returns"),
        }
    }
}
