//! The core API's conveniences: priming with `start`, and `Boxed` (recursion, one type for many coroutines).

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

mod boxed {
    use std::cell::RefCell;
    use std::rc::Rc;

    use coro::rt::{self, Reply, Request};
    use coro::{Boxed, Coroutine, CoroutineExt, CoroutineState};

    struct Tree {
        name: &'static str,
        children: Vec<Tree>,
    }

    fn node(name: &'static str, children: Vec<Tree>) -> Tree {
        Tree { name, children }
    }

    /// Yields the names depth-first, parents first, indented by depth; returns the subtree's size.
    fn walk(tree: &Tree, depth: usize) -> Boxed<'_, (), String, usize> {
        Boxed::new(walk_unboxed(tree, depth))
    }

    #[coro::coroutine(yield = String)]
    fn walk_unboxed(tree: &Tree, depth: usize) -> usize {
        yield_!(format!("{}{}", "  ".repeat(depth), tree.name));
        let mut size = 1;
        for i in 0..tree.children.len() {
            size += yield_from!(walk(&tree.children[i], depth + 1));
        }
        size
    }

    fn sample() -> Tree {
        node(
            "root",
            vec![
                node("a", vec![node("a1", vec![]), node("a2", vec![])]),
                node("b", vec![node("b1", vec![node("b1x", vec![])])]),
            ],
        )
    }

    #[test]
    fn a_recursive_walk_yields_in_order_and_returns_its_size() {
        let tree = sample();
        let mut it = walk(&tree, 0).yields();
        assert_eq!(
            it.by_ref().collect::<Vec<_>>(),
            [
                "root",
                "  a",
                "    a1",
                "    a2",
                "  b",
                "    b1",
                "      b1x"
            ]
        );
        assert_eq!(it.into_return_value(), Some(7));
    }

    #[test]
    fn iterating_is_fused_and_resume_reports_completion() {
        let tree = node("only", vec![]);
        let mut it = walk(&tree, 0);
        assert_eq!(it.next().as_deref(), Some("only"));
        assert_eq!(it.next(), None);
        assert_eq!(it.next(), None, "after the end, next keeps returning None");

        let mut c = walk(&tree, 0);
        assert_eq!(c.send(()), CoroutineState::Yielded("only".to_string()));
        assert_eq!(c.send(()), CoroutineState::Complete(1));
        assert_eq!(
            c.next(),
            None,
            "a Boxed completed by resume does not resume again"
        );
    }

    #[test]
    #[should_panic(expected = "coroutine resumed after completion")]
    fn resuming_after_completion_panics_as_the_boxed_coroutine_does() {
        #[coro::coroutine]
        fn nothing() {}
        let mut c = Boxed::new(nothing());
        assert_eq!(c.send(()), CoroutineState::Complete(()));
        let _ = c.send(());
    }

    #[test]
    fn is_unpin_and_accepts_a_coroutine_that_is_not() {
        fn assert_unpin<T: Unpin>(_: &T) {}

        /// A hand-written coroutine that is not `Unpin`: a running total.
        struct Pinned {
            total: std::cell::Cell<u8>,
            _pin: std::marker::PhantomPinned,
        }
        impl Coroutine<u8> for Pinned {
            type Yield = u8;
            type Return = ();
            fn resume(self: std::pin::Pin<&mut Self>, arg: u8) -> CoroutineState<u8, ()> {
                let this = self.as_ref().get_ref();
                this.total.set(this.total.get() + arg);
                CoroutineState::Yielded(this.total.get())
            }
        }

        let mut c: Boxed<'static, u8, u8, ()> = Boxed::new(Pinned {
            total: std::cell::Cell::new(0),
            _pin: std::marker::PhantomPinned,
        });
        assert_unpin(&c);
        assert_eq!(c.send(2), CoroutineState::Yielded(2));
        assert_eq!(c.send(3), CoroutineState::Yielded(5));
        assert_eq!(format!("{c:?}"), "Boxed { finished: false, .. }");
    }

    #[test]
    fn a_boxed_task_is_an_awaitable_the_loop_runs() {
        #[coro::coroutine(task)]
        fn countdown(n: u32, log: Rc<RefCell<Vec<u32>>>) -> u32 {
            if n == 0 {
                return 0;
            }
            log.borrow_mut().push(n);
            yield_from!(rt::yield_now());
            1 + yield_from!(boxed_countdown(n - 1, log.clone()))
        }
        fn boxed_countdown(
            n: u32,
            log: Rc<RefCell<Vec<u32>>>,
        ) -> Boxed<'static, Reply, Request, u32> {
            Boxed::new(countdown(n, log))
        }

        let log = Rc::new(RefCell::new(Vec::new()));
        let lp = rt::Loop::new();
        let h = lp.spawn(boxed_countdown(3, log.clone()));
        assert!(matches!(lp.run_until_complete(h.join()), Ok(3)));
        assert_eq!(*log.borrow(), [3, 2, 1]);
    }
}
