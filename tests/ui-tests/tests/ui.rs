//! Compile-fail cases: each misuse gives an error on the offending tokens that says what to do.

#[test]
fn misuse_is_a_clear_compile_error() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
