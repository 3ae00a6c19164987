//! The core API's conveniences: priming with `start`.

use coro::{CoroutineExt, CoroutineState, Gen};

#[coro::coroutine(yield = Vec<Option<&'static str>>, resume = Option<&'static str>)]
fn collect_words() -> Vec<Option<&'static str>> {
    let mut seen = Vec::new();
    loop {
        let word = yield_!(seen.clone());
        if word.is_none() {
            return seen;
        }
        seen.push(word);
    }
}

#[test]
fn start_runs_to_the_first_yield_and_the_body_sees_only_later_sends() {
    let mut c = collect_words();
    assert_eq!(c.start(), CoroutineState::Yielded(vec![]));
    assert_eq!(c.send(Some("a")), CoroutineState::Yielded(vec![Some("a")]));
    assert_eq!(
        c.send(Some("b")),
        CoroutineState::Yielded(vec![Some("a"), Some("b")])
    );
    assert_eq!(
        c.send(None),
        CoroutineState::Complete(vec![Some("a"), Some("b")])
    );
}

#[test]
fn start_resumes_with_the_default_value() {
    let mut args = Vec::new();
    let mut c = Gen::new(move |arg: i32| {
        args.push(arg);
        Some(CoroutineState::<Vec<i32>, ()>::Yielded(args.clone()))
    });
    assert_eq!(c.start(), CoroutineState::Yielded(vec![0]));
    assert_eq!(c.send(7), CoroutineState::Yielded(vec![0, 7]));
}

#[test]
fn start_on_a_coroutine_without_yields_completes_it() {
    #[coro::coroutine]
    fn answer() -> u8 {
        42
    }
    assert_eq!(answer().start(), CoroutineState::Complete(42));
}

#[test]
fn start_primes_a_task_with_reply_start() {
    use coro::rt::{Reply, Request};

    #[coro::coroutine(yield = Request, resume = Reply)]
    fn replies() -> Reply {
        yield_!(Request::YieldNow)
    }
    let mut t = replies();
    assert_eq!(t.start(), CoroutineState::Yielded(Request::YieldNow));
    assert_eq!(t.send(Reply::Ready), CoroutineState::Complete(Reply::Ready));
}
