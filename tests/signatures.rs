//! The attribute on every kind of fn signature: methods, generics, lifetimes, `impl Trait`
//! arguments; attributes, doc comments and visibility are kept.

mod common;

use std::fmt::Display;

use coro::{CoroutineExt, CoroutineState};

struct Counter {
    name: String,
    step: u32,
}

impl Counter {
    /// Borrows `self` for as long as the coroutine lives.
    #[coro::coroutine(yield = String)]
    fn labels(&self, n: u32) -> usize {
        for i in 0..n {
            yield_!(format!("{}-{}", self.name, i * self.step));
        }
        self.name.len()
    }

    /// Mutates `self` between yields.
    #[coro::coroutine(yield = u32)]
    fn bump(&mut self) {
        loop {
            self.step += 1;
            yield_!(self.step);
            if self.step >= 3 {
                break;
            }
        }
    }

    /// Consumes `self`.
    #[coro::coroutine(yield = char)]
    pub fn into_chars(self) -> u32 {
        let chars: Vec<char> = self.name.chars().collect();
        for c in chars {
            yield_!(c);
        }
        self.step
    }

    /// A method whose body declares an item with a `self` of its own (the receiver's rename
    /// must leave it alone; the type-discovery pass renamed it too, a syntax error).
    #[coro::coroutine(yield = u32)]
    fn with_nested_impl(&mut self) -> u32 {
        struct Twice(u32);
        impl Twice {
            fn get(&self) -> u32 {
                self.0 * 2
            }
        }
        yield_!(Twice(self.step).get());
        self.step += 1;
        // An item inside a macro's arguments keeps its own `self` too.
        let label = format!("{}", {
            struct Half(u32);
            impl Half {
                fn get(&self) -> u32 {
                    self.0 / 2
                }
            }
            Half(self.step).get()
        });
        yield_!(label.len() as u32);
        Twice(self.step).get()
    }

    /// An associated fn without a receiver.
    #[coro::coroutine(yield = u32)]
    fn make(step: u32) -> Counter {
        yield_!(step);
        Counter {
            name: "made".into(),
            step,
        }
    }
}

#[test]
fn a_nested_item_keeps_its_own_self() {
    let mut c = Counter {
        name: "c".into(),
        step: 4,
    };
    let mut co = c.with_nested_impl();
    assert!(matches!(co.send(()), CoroutineState::Yielded(8)));
    assert!(matches!(co.send(()), CoroutineState::Yielded(1)));
    assert!(matches!(co.send(()), CoroutineState::Complete(10)));
    drop(co);
    assert_eq!(c.step, 5);
}

#[test]
fn methods_with_every_receiver() {
    let mut c = Counter {
        name: "c".into(),
        step: 2,
    };
    assert_eq!(c.labels(3).collect::<Vec<_>>(), ["c-0", "c-2", "c-4"]);
    assert_eq!(c.bump().collect::<Vec<_>>(), [3]);
    let mut chars = Counter {
        name: "ab".into(),
        step: 9,
    }
    .into_chars();
    assert_eq!(chars.send(()), CoroutineState::Yielded('a'));
    assert_eq!(chars.send(()), CoroutineState::Yielded('b'));
    assert_eq!(chars.send(()), CoroutineState::Complete(9));
    let mut m = Counter::make(4);
    assert!(matches!(m.send(()), CoroutineState::Yielded(4)));
    match m.send(()) {
        CoroutineState::Complete(c) => assert_eq!((c.name.as_str(), c.step), ("made", 4)),
        other => panic!("unexpected {:?}", other.yielded()),
    }
}

#[coro::coroutine(yield = T)]
fn repeat_each<T: Clone, I>(items: I, times: usize) -> usize
where
    I: IntoIterator<Item = T>,
{
    let mut count = 0;
    for item in items {
        for _ in 0..times {
            yield_!(item.clone());
            count += 1;
        }
    }
    count
}

#[test]
fn generics_with_bounds_and_where_clauses() {
    assert_eq!(
        repeat_each(vec!["x", "y"], 2).collect::<Vec<_>>(),
        ["x", "x", "y", "y"]
    );
    let mut it = repeat_each(1..3, 1).yields();
    assert_eq!(it.by_ref().count(), 2);
    assert_eq!(it.return_value(), Some(&2));
}

#[coro::coroutine(yield = &'a str)]
fn words<'a>(text: &'a str) -> usize {
    let mut n = 0;
    for w in text.split_whitespace() {
        yield_!(w);
        n += 1;
    }
    n
}

#[coro::coroutine(yield = &str)]
fn elided(text: &str, sep: char) {
    for part in text.split(sep) {
        yield_!(part);
    }
}

#[coro::coroutine(yield = u8)]
fn two_refs(a: &[u8], b: &[u8]) -> usize {
    for x in a {
        yield_!(*x);
    }
    for x in b {
        yield_!(*x);
    }
    a.len() + b.len()
}

#[test]
fn explicit_and_elided_lifetimes() {
    let text = String::from("a bb ccc");
    assert_eq!(words(&text).collect::<Vec<_>>(), ["a", "bb", "ccc"]);
    assert_eq!(elided("x,y", ',').collect::<Vec<_>>(), ["x", "y"]);
    let (a, b) = (vec![1, 2], vec![3]);
    assert_eq!(two_refs(&a, &b).collect::<Vec<_>>(), [1, 2, 3]);
}

#[coro::coroutine(yield = String)]
fn show_all(items: impl IntoIterator<Item = impl Display>, prefix: impl AsRef<str>) {
    for item in items {
        yield_!(format!("{}{item}", prefix.as_ref()));
    }
}

#[test]
fn impl_trait_arguments() {
    assert_eq!(show_all([1, 2], "#").collect::<Vec<_>>(), ["#1", "#2"]);
}

mod private {
    /// Documented, public, and marked `#[must_use]`.
    #[must_use]
    #[coro::coroutine(yield = u8)]
    pub fn visible() {
        yield_!(1);
    }

    #[coro::coroutine(yield = u8)]
    #[allow(unused_variables)]
    pub(crate) fn crate_visible(unused: u8) {
        yield_!(2);
    }
}

#[test]
fn visibility_and_attributes_are_kept() {
    assert_eq!(private::visible().collect::<Vec<_>>(), [1]);
    assert_eq!(private::crate_visible(0).collect::<Vec<_>>(), [2]);
}

#[coro::coroutine(yield = u8)]
fn patterns_in_parameters((a, b): (u8, u8), Wrapper(c): Wrapper, mut d: u8) {
    d += 1;
    yield_!(a + b + c + d);
}

struct Wrapper(u8);

#[test]
fn parameter_patterns() {
    assert_eq!(
        patterns_in_parameters((1, 2), Wrapper(3), 4).collect::<Vec<_>>(),
        [11]
    );
}

#[coro::coroutine(yield = u8)]
fn with_nested_items() -> u8 {
    const BASE: u8 = 40;
    fn helper(x: u8) -> u8 {
        x + 1
    }
    yield_!(helper(BASE));
    BASE
}

#[test]
fn nested_items_are_visible_everywhere() {
    let mut it = with_nested_items().yields();
    assert_eq!(it.next(), Some(41));
    assert_eq!(it.next(), None);
    assert_eq!(it.return_value(), Some(&40));
}

#[coro::coroutine(yield = String)]
fn closures_and_macros(names: Vec<&'static str>) -> String {
    let greet = |n: &str| format!("hello {n}");
    let mut seen = Vec::new();
    for name in names {
        let line = greet(name);
        println!("{line}");
        yield_!(line);
        seen.push(format!("{name}!"));
        assert!(!seen.is_empty(), "{seen:?}");
    }
    seen.join(" ")
}

#[test]
fn closures_and_format_macros_across_yields() {
    let mut it = closures_and_macros(vec!["a", "b"]).yields();
    assert_eq!(it.by_ref().collect::<Vec<_>>(), ["hello a", "hello b"]);
    assert_eq!(it.return_value().map(String::as_str), Some("a! b!"));
}

#[test]
fn user_names_that_match_generated_ones_do_not_clash() {
    #[coro::coroutine(yield = u32, resume = u32)]
    fn clash(state: u32) -> u32 {
        let __state = state + 1;
        let arg = yield_!(__state);
        struct State;
        let _ = State;
        arg + state
    }
    let mut c = clash(1);
    assert_eq!(c.send(0), CoroutineState::Yielded(2));
    assert_eq!(c.send(10), CoroutineState::Complete(11));
}

trait Source {
    fn base(&self) -> u32;

    /// A provided trait method can be a coroutine too.
    #[coro::coroutine(yield = u32)]
    fn emit_twice(&self) -> &'static str {
        yield_!(self.base());
        yield_!(self.base() + 1);
        "done"
    }
}

struct Five;

impl Source for Five {
    fn base(&self) -> u32 {
        5
    }
}

#[test]
fn provided_trait_methods() {
    assert_eq!(Five.emit_twice().collect::<Vec<_>>(), [5, 6]);
}

#[coro::coroutine(yield = u8)]
fn returns_impl_trait(n: u8) -> impl std::fmt::Display {
    yield_!(n);
    format!("n={n}")
}

#[test]
fn an_impl_trait_return_type() {
    let mut c = returns_impl_trait(3);
    assert!(matches!(c.send(()), CoroutineState::Yielded(3)));
    match c.send(()) {
        CoroutineState::Complete(d) => assert_eq!(d.to_string(), "n=3"),
        CoroutineState::Yielded(_) => panic!("expected completion"),
    }
}

struct Builder {
    parts: Vec<String>,
}

impl Builder {
    #[coro::coroutine(yield = usize)]
    fn grow(mut self, extra: Vec<&'static str>) -> Self {
        for e in extra {
            self.parts.push(e.to_string());
            yield_!(self.parts.len());
        }
        self
    }
}

#[test]
fn returning_self_from_a_by_value_receiver() {
    let mut it = Builder { parts: vec![] }.grow(vec!["a", "b"]).yields();
    assert_eq!(it.by_ref().collect::<Vec<_>>(), [1, 2]);
    assert_eq!(
        it.into_return_value().map(|b| b.parts),
        Some(vec!["a".to_string(), "b".to_string()])
    );
}

// A resume type with a lifetime left out is a lifetime of each resume, as for rustc's coroutine
// closures: a push parser is fed slices that live only for the call.
#[coro::coroutine(yield = usize, resume = Option<&[u8]>)]
fn count_commas() -> usize {
    let mut commas = 0;
    while let Some(chunk) = yield_!(commas) {
        commas += chunk.iter().filter(|b| **b == b',').count();
    }
    commas
}

#[test]
fn a_borrowed_resume_type_takes_slices_of_any_lifetime() {
    let mut parser = count_commas();
    assert_eq!(parser.send(None), CoroutineState::Yielded(0));
    for line in ["a,b", ",,", "c"] {
        let owned = line.as_bytes().to_vec(); // dropped before the next resume
        assert!(matches!(
            parser.send(Some(&owned)),
            CoroutineState::Yielded(_)
        ));
    }
    assert_eq!(parser.send(None), CoroutineState::Complete(3));
}

// With a `&self` receiver too, the resume's lifetime is its own, not the receiver's.
struct Splitter {
    sep: u8,
}

impl Splitter {
    #[coro::coroutine(yield = usize, resume = &[u8])]
    fn fields(&self) -> usize {
        let mut n = 0;
        loop {
            let chunk = yield_!(n);
            if chunk.is_empty() {
                return n;
            }
            n += chunk.iter().filter(|b| **b == self.sep).count() + 1;
        }
    }
}

#[test]
fn a_borrowed_resume_type_in_a_method() {
    let s = Splitter { sep: b';' };
    let mut f = s.fields();
    assert_eq!(f.send(b""), CoroutineState::Yielded(0));
    let data = b"x;y".to_vec();
    assert_eq!(f.send(&data), CoroutineState::Yielded(2));
    drop(data);
    assert_eq!(f.send(b""), CoroutineState::Complete(2));
}

// `boxed`: a named return type, so that a coroutine can delegate to itself.
enum Nested {
    Leaf(u32),
    List(Vec<Nested>),
}

#[coro::coroutine(yield = u32, boxed)]
fn flatten(n: &Nested) -> usize {
    match n {
        Nested::Leaf(v) => {
            yield_!(*v);
            1
        }
        Nested::List(items) => {
            let mut count = 0;
            for item in items {
                count += yield_from!(flatten(item));
            }
            count
        }
    }
}

struct Shelf<T> {
    items: Vec<T>,
}

impl<T: Clone> Shelf<T> {
    #[coro::coroutine(yield = T, boxed)]
    fn each(&self) {
        for t in &self.items {
            yield_!(t.clone());
        }
    }
}

#[test]
fn a_boxed_coroutine_delegates_to_itself() {
    let n = Nested::List(vec![
        Nested::Leaf(1),
        Nested::List(vec![Nested::Leaf(2), Nested::Leaf(3)]),
        Nested::Leaf(4),
    ]);
    let mut f = flatten(&n);
    let mut seen = Vec::new();
    let count = loop {
        match f.send(()) {
            CoroutineState::Yielded(v) => seen.push(v),
            CoroutineState::Complete(c) => break c,
        }
    };
    assert_eq!((seen, count), (vec![1, 2, 3, 4], 4));
    let shelf = Shelf {
        items: vec!["x", "y"],
    };
    assert_eq!(shelf.each().collect::<Vec<_>>(), ["x", "y"]);
}
