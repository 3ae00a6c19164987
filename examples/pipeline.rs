//! A Beazley-style pipeline: a source pushes lines through a filter coroutine into a sink
//! coroutine, each stage keeping its own state between values.
//!
//! Python's version (A Curious Course on Coroutines and Concurrency, part 2) uses `send` to push
//! data downstream; here each stage is a coroutine resumed with `Option<String>` (`None` closes
//! the stream) and the filter owns the sink it feeds.

use coro::{Coroutine, CoroutineExt, CoroutineState};

/// Collects what reaches it; on close, completes with everything it saw.
#[coro::coroutine(resume = Option<String>)]
fn sink() -> Vec<String> {
    let mut seen = Vec::new();
    while let Some(line) = yield_!() {
        println!("sink got: {line}");
        seen.push(line);
    }
    seen
}

/// Passes on the lines containing `pattern`, numbering them; on close, closes its target and
/// completes with the target's result.
#[coro::coroutine(resume = Option<String>)]
fn grep<T>(pattern: &'static str, mut target: T) -> Vec<String>
where
    T: Coroutine<Option<String>, Yield = (), Return = Vec<String>> + Unpin,
{
    target.send(None); // prime the target
    let mut matched = 0;
    loop {
        match yield_!() {
            Some(line) if line.contains(pattern) => {
                matched += 1;
                target.send(Some(format!("{matched}: {line}")));
            }
            Some(_) => {}
            None => break,
        }
    }
    match target.send(None) {
        CoroutineState::Complete(all) => all,
        CoroutineState::Yielded(()) => unreachable!("a closed sink completes"),
    }
}

fn main() {
    let text = "a python coroutine\nno match here\nrust coroutines on stable\nthe end";
    let mut pipeline = grep("coroutine", sink());
    pipeline.send(None); // prime
    for line in text.lines() {
        pipeline.send(Some(line.to_string()));
    }
    match pipeline.send(None) {
        CoroutineState::Complete(all) => {
            println!("pipeline collected {} lines: {all:?}", all.len())
        }
        CoroutineState::Yielded(()) => unreachable!(),
    }
}
