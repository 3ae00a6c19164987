//! Every control-flow construct with yields inside it, checked by its exact trace.

mod common;
use common::*;
use coro::CoroutineExt;

#[coro::coroutine(yield = i32, resume = i32)]
fn lets_and_shadowing() -> i32 {
    let x = 1;
    yield_!(x);
    let x = x + 10;
    yield_!(x);
    let (a, mut b) = (x, 2);
    b += yield_!(a + b);
    let x = x * b;
    x
}

#[test]
fn let_patterns_and_shadowing() {
    assert_eq!(
        drive(lets_and_shadowing(), [0, 0, 0, 5]),
        ["yield 1", "yield 11", "yield 13", "return 77"]
    );
}

#[coro::coroutine(yield = i32, resume = i32)]
fn resumed_values() -> i32 {
    let a = yield_!(0);
    let b = yield_!(a * 2);
    a + b
}

#[test]
fn resume_arguments_flow_in() {
    assert_eq!(
        drive(resumed_values(), [100, 5, 7]),
        ["yield 0", "yield 10", "return 12"]
    );
}

#[coro::coroutine(yield = &'static str)]
fn if_else(flag: bool) -> i32 {
    let v = if flag {
        yield_!("then");
        1
    } else {
        yield_!("else");
        2
    };
    if v > 1 {
        yield_!("big");
    }
    v
}

#[test]
fn if_else_with_yields_in_both_arms() {
    assert_eq!(run(if_else(true)), ["yield \"then\"", "return 1"]);
    assert_eq!(
        run(if_else(false)),
        ["yield \"else\"", "yield \"big\"", "return 2"]
    );
}

#[coro::coroutine(yield = String)]
fn if_let_and_let_else(input: Option<i32>) -> i32 {
    if let Some(n) = input {
        yield_!(format!("some {n}"));
    }
    let Some(n) = input else {
        yield_!("none".to_string());
        return -1;
    };
    n
}

#[test]
fn if_let_and_let_else_with_yields() {
    assert_eq!(
        run(if_let_and_let_else(Some(4))),
        ["yield \"some 4\"", "return 4"]
    );
    assert_eq!(
        run(if_let_and_let_else(None)),
        ["yield \"none\"", "return -1"]
    );
}

#[coro::coroutine(yield = i32, resume = i32)]
fn match_everywhere(x: Option<i32>) -> i32 {
    let r = match x {
        Some(0) => 0,
        Some(n) if n > 10 => {
            let got = yield_!(n);
            got + 1
        }
        Some(n) => yield_!(n * 2),
        None => return -1,
    };
    match yield_!(r) {
        0 => 100,
        other => other,
    }
}

#[test]
fn match_with_yields_in_arms_and_scrutinee() {
    assert_eq!(
        drive(match_everywhere(Some(0)), [0, 5]),
        ["yield 0", "return 5"]
    );
    assert_eq!(
        drive(match_everywhere(Some(20)), [0, 7, 0]),
        ["yield 20", "yield 8", "return 100"]
    );
    assert_eq!(
        drive(match_everywhere(Some(3)), [0, 9, 4]),
        ["yield 6", "yield 9", "return 4"]
    );
    assert_eq!(drive(match_everywhere(None), [0]), ["return -1"]);
}

#[coro::coroutine(yield = u32)]
fn loops() -> u32 {
    let mut i = 0;
    let found = loop {
        i += 1;
        yield_!(i);
        if i == 3 {
            break i * 100;
        }
    };
    while i > 1 {
        i -= 1;
        yield_!(i);
    }
    let mut v = vec![7, 8];
    while let Some(x) = v.pop() {
        yield_!(x);
    }
    for k in (0..3).map(|k| k * 10) {
        yield_!(k);
    }
    found
}

#[test]
fn loop_while_while_let_for() {
    assert_eq!(
        run(loops()),
        [
            "yield 1",
            "yield 2",
            "yield 3",
            "yield 2",
            "yield 1",
            "yield 8",
            "yield 7",
            "yield 0",
            "yield 10",
            "yield 20",
            "return 300"
        ]
    );
}

#[coro::coroutine(yield = (u32, u32))]
fn labelled() -> u32 {
    let mut count = 0;
    'outer: for i in 0..4 {
        for j in 0..4 {
            if j > i {
                continue 'outer;
            }
            if i == 3 {
                break 'outer;
            }
            count += 1;
            yield_!((i, j));
        }
    }
    let v = 'block: {
        if count > 3 {
            break 'block count * 2;
        }
        yield_!((99, 99));
        0
    };
    v
}

#[test]
fn labelled_break_and_continue_across_yields() {
    assert_eq!(
        run(labelled()),
        [
            "yield (0, 0)",
            "yield (1, 0)",
            "yield (1, 1)",
            "yield (2, 0)",
            "yield (2, 1)",
            "yield (2, 2)",
            "return 12"
        ]
    );
}

#[coro::coroutine(yield = i32, resume = i32)]
fn early_return(n: i32) -> i32 {
    for i in 0..n {
        if i == 2 {
            return yield_!(i) + 40;
        }
        yield_!(i);
    }
    -1
}

#[test]
fn return_and_return_yield() {
    assert_eq!(
        drive(early_return(5), [0, 0, 0, 2]),
        ["yield 0", "yield 1", "yield 2", "return 42"]
    );
    assert_eq!(drive(early_return(1), [0, 0]), ["yield 0", "return -1"]);
}

fn parse(s: &str) -> Result<i32, String> {
    s.parse().map_err(|_| format!("bad {s}"))
}

#[coro::coroutine(yield = i32)]
fn question_mark(inputs: Vec<&'static str>) -> Result<i32, String> {
    let mut sum = 0;
    for s in inputs {
        let n = parse(s)?;
        yield_!(n);
        sum += n;
    }
    let first = Some(sum).filter(|s| *s > 0).ok_or("empty")?;
    Ok(first)
}

#[coro::coroutine(yield = i32, resume = Option<i32>)]
fn question_on_resume() -> Option<i32> {
    let a = yield_!(1)?;
    let b = yield_!(2)?;
    Some(a + b)
}

#[test]
fn question_mark_on_result_and_option() {
    assert_eq!(
        run(question_mark(vec!["1", "2"])),
        ["yield 1", "yield 2", "return Ok(3)"]
    );
    assert_eq!(
        run(question_mark(vec!["1", "x"])),
        ["yield 1", "return Err(\"bad x\")"]
    );
    assert_eq!(run(question_mark(vec![])), ["return Err(\"empty\")"]);
    assert_eq!(
        drive(question_on_resume(), [None, Some(3), Some(4)]),
        ["yield 1", "yield 2", "return Some(7)"]
    );
    assert_eq!(
        drive(question_on_resume(), [None, None]),
        ["yield 1", "return None"]
    );
}

fn add3(a: i32, b: i32, c: i32) -> i32 {
    a * 100 + b * 10 + c
}

struct Point {
    x: i32,
    y: i32,
}

#[coro::coroutine(yield = &'static str, resume = i32)]
fn operands() -> Vec<i32> {
    let mut out = Vec::new();
    out.push(yield_!("a") + yield_!("b") * 2);
    out.push(add3(1, yield_!("c"), 3));
    out.push(-yield_!("d"));
    let p = Point {
        x: yield_!("x"),
        y: 5,
    };
    out.push(p.x + p.y);
    let t = (yield_!("t0"), 1);
    out.push(t.0 + t.1);
    let arr = [yield_!("arr"), 0];
    out.push(arr[0]);
    let idx = [10, 20, 30][yield_!("idx") as usize];
    out.push(idx);
    out.push(yield_!("cast") as u8 as i32);
    let mut acc = 1;
    acc += yield_!("compound");
    out.push(acc);
    out.push(Some(yield_!("method")).map(|v| v + 1).unwrap());
    out
}

#[test]
fn yields_inside_operands_keep_left_to_right_order() {
    let trace = drive(operands(), [0, 1, 2, 3, 4, 5, 6, 7, 1, 300, 10, 11]);
    assert_eq!(
        trace,
        [
            "yield \"a\"",
            "yield \"b\"",
            "yield \"c\"",
            "yield \"d\"",
            "yield \"x\"",
            "yield \"t0\"",
            "yield \"arr\"",
            "yield \"idx\"",
            "yield \"cast\"",
            "yield \"compound\"",
            "yield \"method\"",
            "return [5, 133, -4, 10, 7, 7, 20, 44, 11, 12]"
        ]
    );
}

#[coro::coroutine(yield = &'static str, resume = bool)]
fn short_circuit(a: bool) -> (bool, bool) {
    let and = a && yield_!("and-rhs");
    let or = a || yield_!("or-rhs");
    (and, or)
}

#[test]
fn and_or_right_sides_run_only_when_needed() {
    assert_eq!(
        drive(short_circuit(true), [false, true]),
        ["yield \"and-rhs\"", "return (true, true)"]
    );
    assert_eq!(
        drive(short_circuit(false), [false, true]),
        ["yield \"or-rhs\"", "return (false, true)"]
    );
}

#[coro::coroutine(yield = i32)]
fn blocks_as_values() -> i32 {
    let a = {
        let t = 5;
        yield_!(t);
        t * 2
    };
    let b = {
        yield_!(a);
        {
            yield_!(a + 1);
            a + 2
        }
    };
    a + b
}

#[test]
fn blocks_as_expressions() {
    assert_eq!(
        run(blocks_as_values()),
        ["yield 5", "yield 10", "yield 11", "return 22"]
    );
}

#[coro::coroutine(yield = u8)]
fn inner(base: u8) -> u8 {
    yield_!(base);
    yield_!(base + 1);
    base * 10
}

#[coro::coroutine(yield = u8)]
fn outer() -> u8 {
    let a = yield_from!(inner(1));
    let b = yield_from!(inner(a)) + yield_from!(inner(3));
    yield_from!(inner(0));
    b
}

#[test]
fn yield_from_delegates_and_returns() {
    assert_eq!(
        run(outer()),
        [
            "yield 1",
            "yield 2",
            "yield 10",
            "yield 11",
            "yield 3",
            "yield 4",
            "yield 0",
            "yield 1",
            "return 130"
        ]
    );
}

#[coro::coroutine(yield = i32, resume = i32)]
fn echo_twice() -> i32 {
    let a = yield_!(-1);
    let b = yield_!(a);
    a + b
}

#[coro::coroutine(yield = i32, resume = i32)]
fn delegating_sends() -> i32 {
    let r = yield_from!(echo_twice());
    yield_!(r)
}

#[test]
fn yield_from_passes_resume_arguments_in() {
    assert_eq!(
        drive(delegating_sends(), [0, 5, 6, 0]),
        ["yield -1", "yield 5", "yield 11", "return 0"]
    );
}

type Boxed = Box<dyn coro::Coroutine<Yield = u32, Return = ()> + Unpin>;

enum Tree {
    Leaf(u32),
    Node(Box<Tree>, Box<Tree>),
}

#[coro::coroutine(yield = u32)]
fn walk(tree: &'static Tree) {
    match tree {
        Tree::Leaf(v) => {
            yield_!(*v);
        }
        Tree::Node(l, r) => {
            let left: Boxed = Box::new(walk(l));
            yield_from!(left);
            let right: Boxed = Box::new(walk(r));
            yield_from!(right);
        }
    }
}

#[test]
fn recursion_through_boxed_coroutines() {
    let tree: &'static Tree = Box::leak(Box::new(Tree::Node(
        Box::new(Tree::Node(Box::new(Tree::Leaf(1)), Box::new(Tree::Leaf(2)))),
        Box::new(Tree::Leaf(3)),
    )));
    assert_eq!(walk(tree).collect::<Vec<_>>(), [1, 2, 3]);
}

#[coro::coroutine(resume = Option<String>)]
fn collect_until_none() -> Vec<String> {
    let mut seen = Vec::new();
    while let Some(line) = yield_!() {
        seen.push(line);
    }
    seen
}

#[test]
fn a_resume_type_that_is_not_copy() {
    use coro::{CoroutineExt, CoroutineState};
    let mut c = collect_until_none();
    c.send(None);
    c.send(Some("a".into()));
    c.send(Some("b".into()));
    assert_eq!(
        c.send(None),
        CoroutineState::Complete(vec!["a".to_string(), "b".to_string()])
    );
}

#[coro::coroutine(yield = i32, resume = i32)]
fn yield_free_arms(n: i32) -> Vec<String> {
    let mut log = Vec::new();
    // The condition yields; the branches and arms do not, and must still run.
    if yield_!(n) > 0 {
        log.push("positive".to_string());
    } else {
        log.push("not positive".to_string());
    }
    match yield_!(n + 1) {
        0 => log.push("zero".to_string()),
        k => {
            log.push(format!("k={k}"));
        }
    }
    for i in 0..yield_!(n + 2) {
        log.push(format!("i={i}"));
    }
    log
}

#[test]
fn branches_without_yields_inside_split_constructs_still_run() {
    assert_eq!(
        drive(yield_free_arms(1), [0, 5, 0, 2]),
        [
            "yield 1",
            "yield 2",
            "yield 3",
            "return [\"positive\", \"zero\", \"i=0\", \"i=1\"]"
        ]
    );
    assert_eq!(
        drive(yield_free_arms(1), [0, -1, 7, 0]),
        [
            "yield 1",
            "yield 2",
            "yield 3",
            "return [\"not positive\", \"k=7\"]"
        ]
    );
}

fn consume_len(s: String) -> usize {
    s.len()
}

#[coro::coroutine(yield = u8)]
fn shadow_moved_param(item: String) -> usize {
    let n = consume_len(item);
    let item = n + 1;
    yield_!(0);
    item
}

#[coro::coroutine(yield = u8)]
fn grow(s: String) -> String {
    yield_!(1);
    s + "b"
}

#[coro::coroutine(yield = u8)]
fn reassign_from_delegate() -> usize {
    let mut s = String::from("a");
    s = yield_from!(grow(s));
    s = yield_from!(grow(s));
    s.len()
}

#[test]
fn moved_then_shadowed_and_reassigned_from_a_delegate() {
    // Reported by the runtime's author: both failed to compile ("use of moved value").
    let mut it = shadow_moved_param("abc".into()).yields();
    assert_eq!(it.by_ref().collect::<Vec<_>>(), [0]);
    assert_eq!(it.return_value(), Some(&4));
    let mut it = reassign_from_delegate().yields();
    assert_eq!(it.by_ref().collect::<Vec<_>>(), [1, 1]);
    assert_eq!(it.return_value(), Some(&3));
}

// The expansion writes a `let … else` block as the user wrote it: wrapped in braces again, it
// made rustc warn about braces nobody wrote (`unused_braces`).
#[deny(unused_braces)]
#[coro::coroutine(yield = i32, resume = i32)]
fn let_else_in_a_state_with_a_value(o: Option<i32>) -> i32 {
    let kept = 10;
    let Some(x) = o else { return -1 };
    let r = yield_!(x);
    kept + r
}

#[test]
fn let_else_keeps_the_users_block() {
    assert_eq!(
        drive(let_else_in_a_state_with_a_value(Some(3)), [0, 4]),
        ["yield 3", "return 14"]
    );
    assert_eq!(
        drive(let_else_in_a_state_with_a_value(None), [0]),
        ["return -1"]
    );
}

fn opt_of(x: i32) -> Option<i32> {
    Some(x)
}

// A `while let` binding that shadows a saved parameter, in a condition with an exit (`?`)
// embedded: the binding is renamed once, whatever renames the exit needs (difftest batch).
#[coro::coroutine(yield = i32, resume = i32)]
fn shadowing_binding_in_a_condition_with_an_exit(p: i32) -> Option<i32> {
    let mut c = 0;
    while let Some(p) = (c < 3).then_some(opt_of(p + c)?) {
        c += 1;
        yield_!(p);
    }
    Some(p)
}

#[test]
fn a_condition_binding_renamed_beside_an_embedded_exit() {
    let mut c = shadowing_binding_in_a_condition_with_an_exit(5);
    let mut out = Vec::new();
    let r = loop {
        match coro::CoroutineExt::send(&mut c, 0) {
            coro::CoroutineState::Yielded(y) => out.push(y),
            coro::CoroutineState::Complete(r) => break r,
        }
    };
    assert_eq!((out, r), (vec![5, 6, 7], Some(5)));
}

// A local moved by a consuming method whose argument yields (`d.add(yield_!(x))`): it is gone
// after the call, and no later state keeps it (E0382 "use of moved value" before; difftest
// seed 219043332233).
use std::ops::Add;

#[derive(Debug)]
struct Meter(i32);

impl Add<i32> for Meter {
    type Output = i32;
    fn add(self, n: i32) -> i32 {
        self.0 + n
    }
}

#[coro::coroutine(yield = i32, resume = i32)]
fn consumed_receiver_with_a_yielding_argument() -> i32 {
    let m = Meter(10);
    let sum = m.add(yield_!(1));
    let r = yield_!(sum);
    sum + r
}

#[test]
fn a_receiver_consumed_by_a_method_whose_argument_yields() {
    assert_eq!(
        drive(consumed_receiver_with_a_yielding_argument(), [0, 5, 1]),
        ["yield 1", "yield 15", "return 16"]
    );
}
