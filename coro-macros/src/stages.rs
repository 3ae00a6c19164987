//! Stage-level snapshot tests: what the lowering makes of a body (the IR), which locals each
//! state keeps (liveness), and the layout the emitter is given (the plan), beside the
//! expansion snapshots of `snapshots.rs`. Update them with `UPDATE_EXPECT=1 cargo test -p
//! coro-macros`.

use expect_test::{expect, Expect};
use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::Emit;
use crate::ir::dump::dump;
use crate::layout::Plan;
use crate::lower::Lowered;
use crate::{args, check, liveness, lower, signature};

fn lowered(attr: TokenStream, item: TokenStream) -> Lowered {
    let args = args::parse(attr).expect("valid options");
    let f = check::parse_item(item).expect("a fn");
    check::check_fn(&f).expect("a fn the macro accepts");
    let prepared = signature::prepare(&f.sig, &args).expect("a signature the macro accepts");
    lower::lower_fn(&f, &prepared, &args).expect("a body the macro lowers")
}

fn check_ir(item: TokenStream, expected: Expect) {
    expected.assert_eq(&dump(&lowered(quote!(yield = i32), item).ir));
}

/// Each block's saved locals, in declaration order.
fn check_liveness(item: TokenStream, expected: Expect) {
    let ir = lowered(quote!(yield = i32), item).ir;
    expected.assert_eq(&saved_locals(&ir, &liveness::analyse(&ir)));
}

/// The names of some locals.
fn names(ir: &crate::ir::Ir, locals: impl IntoIterator<Item = usize>) -> String {
    let names: Vec<String> = locals
        .into_iter()
        .map(|l| ir.locals[l].name.to_string())
        .collect();
    names.join(", ")
}

/// `Block: [locals]` for each block, the locals its state saves.
fn saved_locals(ir: &crate::ir::Ir, live: &liveness::Liveness) -> String {
    let mut out = String::new();
    for (b, fields) in live.fields.iter().enumerate() {
        out += &format!(
            "{}: [{}]\n",
            ir.blocks[b].name,
            names(ir, fields.iter().copied())
        );
    }
    out
}

/// The plan once the arms are written: the variants with their fields and type parameters,
/// which arms may read their fields in place, and whether the step loops.
fn check_plan(item: TokenStream, expected: Expect) {
    let lowered = lowered(quote!(yield = i32), item);
    let ir = &lowered.ir;
    let live = liveness::analyse(ir);
    let mut plan = Plan::new(ir, &live);
    let krate: syn::Path = syn::parse_quote!(::coro);
    let unit: syn::Type = syn::parse_quote!(());
    let i32_ty: syn::Type = syn::parse_quote!(i32);
    Emit {
        ir,
        live: &live,
        krate: &krate,
        state_enum: syn::parse_quote!(State),
        yield_ty: &i32_ty,
        resume_ty: &unit,
        return_ty: quote!(_),
        clone: false,
        resume_any_lifetime: false,
        boxed: false,
        discovery: None,
        start_values: lowered.start_values,
        pointers: Default::default(),
        user_span: proc_macro2::Span::call_site(),
    }
    .emit(&mut plan)
    .expect("emits");
    let mut out = String::new();
    for v in plan.variants() {
        let fields: Vec<String> = v
            .fields
            .iter()
            .map(|(l, t)| format!("{}: {t}", ir.locals[*l].field))
            .collect();
        let in_place = if plan.in_place_eligible(v.block) {
            ", in place"
        } else {
            ""
        };
        out += &format!(
            "{} {{ {} }}{in_place}\n",
            ir.blocks[v.block].name,
            fields.join(", ")
        );
    }
    out += &format!(
        "dispatches: {}, finishes: {}\n",
        plan.dispatches, plan.finishes
    );
    expected.assert_eq(&out);
}

fn counter() -> TokenStream {
    quote! {
        fn counter(n: i32) {
            let mut i = 0;
            while i < n {
                yield_!(i);
                i += 1;
            }
        }
    }
}

fn nested() -> TokenStream {
    quote! {
        fn grid(rows: i32, cols: i32) -> i32 {
            let mut total = 0;
            for r in 0..rows {
                let label = r * 10;
                for c in 0..cols {
                    if c % 2 == 0 {
                        total += yield_!(label + c);
                    }
                }
            }
            total
        }
    }
}

#[test]
fn lower_a_while_loop_around_a_yield() {
    check_ir(
        counter(),
        expect![[r#"
            b0 Start: scopes [0], visible [n#0]
                open s1
                let mut i = 0; binds [i#2]
                jump b1
            b1 LoopHead1: scopes [0, 1], visible [n#0, __block#1, i#2]
                if i < n
                  arm  []
                    open s3
                    open s4
                    yield i then b2
                  arm  []
                    jump b3
            b2 AfterYield1: scopes [0, 1, 2, 3, 4], visible [n#0, __block#1, i#2]
                close s4
                i += 1 ;
                close s3
                jump b1
            b3 LoopExit1: scopes [0, 1], visible [n#0, __block#1, i#2]
                close s1 = ()
                return __block
        "#]],
    );
}

#[test]
fn lower_nested_for_loops_with_a_yield_in_an_if() {
    check_ir(
        nested(),
        expect![[r#"
            b0 Start: scopes [0], visible [rows#0, cols#1]
                open s1
                let mut total = 0; binds [total#3]
                open s2
                let mut __iter = :: core :: iter :: IntoIterator :: into_iter (0 .. rows); binds [__iter#4]
                jump b1
            b1 LoopHead1: scopes [0, 1, 2], visible [rows#0, cols#1, __block#2, total#3, __iter#4]
                match :: core :: iter :: Iterator :: next (& mut __iter)
                  arm :: core :: option :: Option :: Some (r) [r#5]
                    open s4
                    let label = r * 10; binds [label#6]
                    open s5
                    let mut __iter_1 = :: core :: iter :: IntoIterator :: into_iter (0 .. cols); binds [__iter_1#7]
                    jump b2
                  arm :: core :: option :: Option :: None []
                    jump b6
            b2 LoopHead2: scopes [0, 1, 2, 3, 4, 5], visible [rows#0, cols#1, __block#2, total#3, __iter#4, r#5, label#6, __iter_1#7]
                match :: core :: iter :: Iterator :: next (& mut __iter_1)
                  arm :: core :: option :: Option :: Some (c) [c#8]
                    open s7
                    if c % 2 == 0
                      arm  []
                        open s9
                        open s10
                        yield label + c then b3
                      arm  []
                        jump b4
                  arm :: core :: option :: Option :: None []
                    jump b5
            b3 AfterYield1 (__resumed#9): scopes [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], visible [rows#0, cols#1, __block#2, total#3, __iter#4, r#5, label#6, __iter_1#7, c#8]
                total += __resumed ;
                close s10
                close s9
                jump b4
            b4 Join1: scopes [0, 1, 2, 3, 4, 5, 6, 7], visible [rows#0, cols#1, __block#2, total#3, __iter#4, r#5, label#6, __iter_1#7, c#8]
                close s7
                jump b2
            b5 LoopExit1: scopes [0, 1, 2, 3, 4, 5], visible [rows#0, cols#1, __block#2, total#3, __iter#4, r#5, label#6, __iter_1#7]
                close s5
                close s4
                jump b1
            b6 LoopExit2: scopes [0, 1, 2], visible [rows#0, cols#1, __block#2, total#3, __iter#4]
                close s2
                close s1 = total
                return __block
        "#]],
    );
}

#[test]
fn liveness_keeps_what_is_used_after_the_yield() {
    check_liveness(
        counter(),
        expect![[r#"
            Start: [n]
            LoopHead1: [n, i]
            AfterYield1: [n, i]
            LoopExit1: []
        "#]],
    );
    check_liveness(
        nested(),
        expect![[r#"
            Start: [rows, cols]
            LoopHead1: [cols, total, __iter]
            LoopHead2: [cols, total, __iter, label, __iter_1]
            AfterYield1: [cols, total, __iter, label, __iter_1]
            Join1: [cols, total, __iter, label, __iter_1]
            LoopExit1: [cols, total, __iter, __iter_1]
            LoopExit2: [total, __iter]
        "#]],
    );
}

#[test]
fn layout_of_a_loop_and_of_nested_loops() {
    check_plan(
        counter(),
        expect![[r#"
            Start { n: T0 }
            AfterYield1 { i: T1, n: T0 }, in place
            dispatches: false, finishes: false
        "#]],
    );
    check_plan(
        nested(),
        expect![[r#"
            Start { cols: T0, rows: T1 }
            LoopHead1 { iter: T2, total: T3, cols: T0 }
            LoopHead2 { iter_1: T4, label: T5, iter: T2, total: T3, cols: T0 }
            AfterYield1 { iter_1: T4, label: T5, iter: T2, total: T3, cols: T0 }
            dispatches: true, finishes: false
        "#]],
    );
}

#[test]
fn liveness_flags_a_local_moved_on_some_paths_only() {
    // `p` is moved in one arm only: the join and the last yield keep it with its drop flag,
    // the state after the moving yield does not (it is moved on every path there).
    let item = quote! {
        fn f(c: u8, p: F) -> u8 {
            match c {
                0 => { yield_!(10); }
                _ => { let n = yield_!(consume(p)); log(n); }
            }
            yield_!(11);
            0
        }
    };
    let ir = lowered(quote!(yield = u8, resume = u8), item).ir;
    let live = liveness::analyse(&ir);
    let out = format!(
        "flagged: [{}]\n{}",
        names(&ir, live.flagged.iter().copied()),
        saved_locals(&ir, &live)
    );
    expect![[r#"
        flagged: [p]
        Start: [c, p]
        AfterYield1: [p]
        Join1: [p]
        AfterYield2: []
        AfterYield3: [p]
    "#]]
    .assert_eq(&out);
}
