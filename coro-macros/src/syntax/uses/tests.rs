//! Unit tests of the effects of code on the tracked locals.

use super::*;

fn fx(src: &str) -> (Vec<LocalId>, Vec<LocalId>, Vec<LocalId>) {
    let names = ["a", "b", "s", "v", "x"];
    let resolve = |n: &str| names.iter().position(|m| *m == n);
    let e: Stmt = syn::parse_str(src).unwrap();
    let f = of_stmt(&e, &resolve);
    (
        f.uses.into_iter().collect(),
        f.moves.into_iter().collect(),
        f.assigns.into_iter().collect(),
    )
}

#[test]
fn borrows_are_not_moves() {
    assert_eq!(
        fx("f(&a, b.len(), s[0], v.x);"),
        (vec![0, 1, 2, 3], vec![], vec![])
    );
}

#[test]
fn names_the_code_binds_again_are_not_the_tracked_locals() {
    // `a` (0) is rebound inside: only the initialiser reads the tracked `a`; `b` (1) is
    // moved by the closure body only where no parameter shadows it.
    assert_eq!(
        fx("while c { let a = f(a); v = a; }"),
        (vec![0], vec![0], vec![])
    );
    assert_eq!(fx("g(|b| b, |x| b);"), (vec![1], vec![1], vec![]));
    assert_eq!(
        fx("match o { Some(s) => h(s), None => h(s) };"),
        (vec![2], vec![2], vec![])
    );
    assert_eq!(
        fx("if let Some(x) = o { k(x) } else { k(x) };"),
        (vec![4], vec![4], vec![])
    );
}

#[test]
fn a_let_chain_binds_for_the_rest_of_the_chain_and_the_then_block() {
    // `x` (4) after `let Some(x)` is the new binding: only the `else` reads the tracked one.
    assert_eq!(
        fx("if let Some(x) = o && x > 0 && let Ok(a) = f(x) { k(x, a) } else { k(x) };"),
        (vec![4], vec![4], vec![])
    );
    // Before the `let`, and in a condition without one, the names are the tracked locals.
    assert_eq!(
        fx("while x > 0 && let Some(x) = o { k(x) };"),
        (vec![4], vec![], vec![])
    );
}

#[test]
fn by_value_uses_may_move() {
    assert_eq!(fx("f(a, b.into_iter());"), (vec![0, 1], vec![0, 1], vec![]));
}

#[test]
fn assignment_overwrites() {
    assert_eq!(fx("x = g(a);"), (vec![0], vec![0], vec![4]));
}

#[test]
fn format_strings_read_their_captures() {
    assert_eq!(
        fx("println!(\"{a} {{b}} {s:?}\", v);"),
        (vec![0, 2, 3], vec![], vec![])
    );
}

#[test]
fn a_use_after_an_assignment_reads_the_new_value() {
    let names = ["a", "b", "s", "v", "x"];
    let resolve = |n: &str| names.iter().position(|m| *m == n);
    let stmt: Stmt = syn::parse_str("if c { x = f(); g(x, a); } else { g(x, b); }").unwrap();
    let f = of_stmt(&stmt, &resolve);
    // `x` is read before any assignment on the else path only: still exposed.
    assert_eq!(f.read().iter().copied().collect::<Vec<_>>(), [0, 1, 4]);
    let stmt: Stmt = syn::parse_str("{ x = f(); g(x, a); }").unwrap();
    let f = of_stmt(&stmt, &resolve);
    assert_eq!(f.read().iter().copied().collect::<Vec<_>>(), [0]);
    assert!(f.assigns.contains(&4));
}

#[test]
fn move_closures_move_what_they_mention() {
    assert_eq!(fx("let c = move || a.len();"), (vec![0], vec![0], vec![]));
}
