//! The macro never panics, whatever tokens it is given: malformed options, truncated bodies,
//! random token soup built from the pieces of real coroutines.

use proc_macro2::TokenStream;
use proptest::prelude::*;

/// Expands, turning a panic into a test failure with the input in the message.
fn expand_str(attr: &str, item: &str) -> Result<String, String> {
    let attr: TokenStream = attr.parse().expect("attribute tokenizes");
    let item: TokenStream = item.parse().expect("item tokenizes");
    match crate::expand::expand(attr, item) {
        Ok(t) => Ok(t.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// Pieces of coroutine bodies; bracketed ones are whole so that every soup tokenizes.
const PIECES: &[&str] = &[
    "let",
    "x",
    "=",
    "yield_!(x)",
    "yield_!()",
    ";",
    "yield_from!(v)",
    "loop { x }",
    "while x { yield_!(1); }",
    "for x in v { yield_!(x) }",
    "in",
    "if",
    "else",
    "match x { _ => yield_!(2) }",
    "=>",
    ",",
    "break",
    "continue",
    "return",
    "'a:",
    "?",
    "&&",
    "||",
    "1",
    "self",
    "&",
    "mut",
    "async",
    "move",
    "|x|",
    "v",
    "[x, yield_!(3)]",
    ".",
    "iter()",
    "Some(x)",
    "None",
    "+",
    "*",
    "as",
    "u8",
    "'a",
    "unsafe { x }",
    "{ yield_!(4) }",
    "(yield_!(5), x)",
    "f(yield_!(6))",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|p| p.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Whatever the body, the expansion returns code or an error; a panic fails the test.
    #[test]
    fn random_bodies_never_panic(body in soup()) {
        let result = expand_str("yield = u8, resume = u8", &format!("fn f(v: Vec<u8>) {{ {body} }}"));
        prop_assert!(result.is_ok() || result.as_ref().is_err_and(|e| !e.is_empty()));
    }

    #[test]
    fn random_options_never_panic(opts in soup()) {
        let result = expand_str(&opts, "fn f() { yield_!(1); }");
        prop_assert!(result.is_ok() || result.as_ref().is_err_and(|e| !e.is_empty()));
    }
}

#[test]
fn truncated_and_odd_items_are_errors() {
    for item in [
        "fn",
        "fn f",
        "fn f()",
        "struct S;",
        "impl X {}",
        "fn f() -> { }",
        "pub(crate)",
        "",
    ] {
        let result = expand_str("", item);
        assert!(
            result.is_err(),
            "{item:?} should be rejected, got {result:?}"
        );
    }
}
