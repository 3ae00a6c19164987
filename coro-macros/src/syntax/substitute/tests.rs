//! Tests of the substitutions.

use super::*;
use quote::quote;

fn run(src: TokenStream, shape: Shape) -> String {
    let names: HashSet<String> = ["x", "v"].iter().map(|s| s.to_string()).collect();
    deref(&src, shape, &names)
        .map(|t| t.to_string())
        .unwrap_or_else(|| "FAILED".into())
}

#[test]
fn uses_become_derefs() {
    assert_eq!(
        run(quote!(x + v.len()), Shape::Expr),
        "(* x) + (* v) . len ()"
    );
    assert_eq!(run(quote!(x += 1;), Shape::Stmt), "(* x) += 1 ;");
    assert_eq!(
        run(quote!(S { x, y: v }), Shape::Expr),
        "S { x : (* x) , y : (* v) }"
    );
}

#[test]
fn rebound_names_are_left_alone() {
    assert_eq!(
        run(
            quote!({
                let x = 1;
                x + v[0]
            }),
            Shape::Expr
        ),
        "{ let x = 1 ; x + (* v) [0] }"
    );
    assert_eq!(
        run(quote!(v.iter().map(|x| x + 1).sum::<u8>()), Shape::Expr),
        "(* v) . iter () . map (| x | x + 1) . sum :: < u8 > ()"
    );
    assert_eq!(
        run(
            quote!(match v {
                Some(x) => x,
                None => x,
            }),
            Shape::Expr
        ),
        "match (* v) { Some (x) => x , None => (* x) , }"
    );
}

#[test]
fn format_macros_are_rewritten_and_opaque_ones_fail() {
    assert_eq!(
        run(quote!(println!("{}", x);), Shape::Stmt),
        "println ! (\"{}\" , (* x)) ;"
    );
    assert_eq!(run(quote!(let a = vec![x; 3];), Shape::Stmt), "FAILED");
}

fn renamed(src: TokenStream, shape: Shape) -> String {
    let renames: HashMap<String, Ident> = HashMap::from_iter([(
        "x".to_string(),
        Ident::new("__renamed_x", proc_macro2::Span::call_site()),
    )]);
    rename(&src, shape, &renames)
        .map(|t| t.to_string())
        .unwrap_or_else(|| "FAILED".into())
}

#[test]
fn renames_reach_every_use_but_not_rebindings() {
    assert_eq!(
        renamed(quote!(x.get() + f(x)), Shape::Expr),
        "__renamed_x . get () + f (__renamed_x)"
    );
    assert_eq!(
        renamed(quote!(S { x, y: x }), Shape::Expr),
        "S { x : __renamed_x , y : __renamed_x }"
    );
    assert_eq!(
        renamed(quote!(x = 1; let x = 2; x), Shape::Stmt),
        "__renamed_x = 1 ; let x = 2 ; x"
    );
    assert_eq!(
        renamed(quote!(println!("{}", x);), Shape::Stmt),
        "println ! (\"{}\" , __renamed_x) ;"
    );
}

#[test]
fn a_format_string_capturing_a_renamed_name_gets_a_named_argument() {
    assert_eq!(
        renamed(quote!(println!("{x}");), Shape::Stmt),
        "println ! (\"{x}\" , x = __renamed_x) ;"
    );
    assert_eq!(
        renamed(quote!(write!(out, "{x:?} {x}");), Shape::Stmt),
        "write ! (out , \"{x:?} {x}\" , x = __renamed_x) ;"
    );
    // An explicit named argument is not a capture: only its value is code.
    assert_eq!(
        renamed(quote!(println!("{x}", x = x + 1);), Shape::Stmt),
        "println ! (\"{x}\" , x = __renamed_x + 1) ;"
    );
    // Another macro's string, or a string that is not the format string, cannot be reached.
    assert_eq!(renamed(quote!(log_it!("{x}");), Shape::Stmt), "FAILED");
    assert_eq!(
        renamed(quote!(println!("{}", "{x}");), Shape::Stmt),
        "FAILED"
    );
    // A string that only contains the name's letters is not a capture.
    assert_eq!(
        renamed(quote!(panic!("x1 {}", x);), Shape::Stmt),
        "panic ! (\"x1 {}\" , __renamed_x) ;"
    );
    assert_eq!(renamed(quote!(let a = vec![x; 3];), Shape::Stmt), "FAILED");
}

#[test]
fn let_patterns_bind_the_new_name() {
    let renames: HashMap<String, Ident> = HashMap::from_iter([(
        "x".to_string(),
        Ident::new("__renamed_x", proc_macro2::Span::call_site()),
    )]);
    let out = |p: TokenStream| rename_bindings(&p, &renames).map(|t| t.to_string());
    assert_eq!(
        out(quote!(mut x: D)).as_deref(),
        Some("mut __renamed_x : D")
    );
    assert_eq!(out(quote!(Some(x))).as_deref(), Some("Some (__renamed_x)"));
    assert_eq!(
        out(quote!(P { x, y })).as_deref(),
        Some("P { x : __renamed_x , y : y }")
    );
}

#[test]
fn inner_bindings_that_shadow_the_arms_locals_get_fresh_names() {
    let avoid: HashSet<String> = HashSet::from_iter(["d".to_string()]);
    let out = |t: TokenStream, shape| {
        rename_inner_bindings(&t, shape, &avoid)
            .map(|(t, _)| t.to_string())
            .unwrap_or_else(|| "FAILED".into())
    };
    // The exit placeholder notes the renamed bindings in scope where it stands.
    let (_, at_exits) = rename_inner_bindings(
        &quote!(match v {
            Some(d) => __coro_jump!(0),
            None => __coro_jump!(1),
        }),
        Shape::Expr,
        &avoid,
    )
    .expect("rewrites");
    assert_eq!(at_exits[&0]["d"].to_string(), "__inner_d_1");
    assert!(at_exits[&1].is_empty());
    // A `let` in a condition chain binds for the operands after it and the then-block, and
    // is renamed there like any other binding (it used to make the rewrite give up).
    assert_eq!(
        out(
            quote!(if d.ok() && let Some(d) = f(d) && d > 0 { g(d); __coro_jump!(0) } else { h(d) }),
            Shape::Expr
        ),
        "if d . ok () && let Some (__inner_d_1) = f (d) && __inner_d_1 > 0 { g (__inner_d_1) ; __coro_jump ! (0) } else { h (d) }"
    );
    assert_eq!(
        out(
            quote!(if c { let d = D::new(d.get()); f(&d); __coro_jump!(0) } else { d.get() }),
            Shape::Expr
        ),
        "if c { let __inner_d_1 = D :: new (d . get ()) ; f (& __inner_d_1) ; __coro_jump ! (0) } else { d . get () }"
    );
    assert_eq!(
        out(
            quote!(match v {
                Some(d) => d,
                None => d.get(),
            }),
            Shape::Expr
        ),
        "match v { Some (__inner_d_1) => __inner_d_1 , None => d . get () , }"
    );
    // A statement's own `let` binds in the arm: left alone.
    assert_eq!(out(quote!(let d = 1;), Shape::Stmt), "let d = 1 ;");
    assert_eq!(
        out(
            quote!({
                let d = 1;
                println!("{d}")
            }),
            Shape::Expr
        ),
        "{ let __inner_d_1 = 1 ; println ! (\"{d}\" , d = __inner_d_1) }"
    );
}
