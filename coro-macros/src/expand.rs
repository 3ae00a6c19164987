//! The pipeline: args → check → signature → lower → liveness → emit.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

use crate::emit::Emit;
use crate::ir::{BlockKind, Term};
use crate::layout::Plan;
use crate::lower::{Lowerer, Want};
use crate::syntax::names;
use crate::{args, check, liveness, signature};

pub fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args = args::parse(attr)?;
    let f = check::parse_item(item.clone())?;
    check::check_fn(&f)?;
    let prepared = signature::prepare(&f.sig, &args)?;

    let self_alias = prepared
        .has_receiver
        .then(|| syn::Ident::new("__self", proc_macro2::Span::call_site()));
    let mut lower = Lowerer::new(&args.krate, self_alias);
    lower.task = args.task;
    let mut start_values = Vec::new();
    for p in &prepared.params {
        let l = lower.declare(p.name.clone(), p.mutable, false);
        lower.ir.locals[l].owned = p.owned;
        lower.ir.locals[l].copy = p.copy;
        start_values.push((l, p.outer.clone()));
    }
    lower.start();
    let mut body = (*f.block).clone();
    if !prepared.prelude.is_empty() {
        let mut stmts = prepared.prelude.clone();
        stmts.extend(body.stmts);
        body.stmts = stmts;
    }
    if let Some(value) = lower.lower_block(&body, Want::Value) {
        lower.finish(value);
    }
    if let Some(mut e) = lower.errors.pop() {
        for other in lower.errors.drain(..) {
            e.combine(other);
        }
        return Err(e);
    }
    let hoisted = std::mem::take(&mut lower.hoisted);
    let ir = lower.ir;
    let live = liveness::analyse(&ir);
    check_borrows_across_yields(&ir, &live)?;

    let return_ty = if signature::contains_impl_trait(&prepared.return_ty) {
        quote!(_)
    } else {
        prepared.return_ty.to_token_stream()
    };
    let state_enum = names::unused_name(&item, &["State", "CoroState", "CoroutineStates"]);
    let emit = Emit {
        ir: &ir,
        live: &live,
        krate: &args.krate,
        state_enum,
        yield_ty: &prepared.yield_ty,
        resume_ty: &prepared.resume_ty,
        return_ty,
        clone: args.clone,
        start_values,
    };
    let mut plan = Plan::new(&ir, &live);
    let (setup, closure) = emit.emit(&mut plan)?;

    let attrs = &f.attrs;
    let vis = &f.vis;
    let sig = &prepared.sig;
    Ok(quote! {
        #(#attrs)*
        #vis #sig {
            #(#hoisted)*
            #setup
            #closure
        }
    })
}

impl Lowerer<'_> {
    /// The body's value completes the coroutine.
    pub fn finish(&mut self, value: crate::ir::Operand) {
        self.terminate_public(Term::Return(value));
    }
}

/// A local that borrows another (`let r = &x;`) cannot be saved across a yield: the state would
/// borrow from itself.
fn check_borrows_across_yields(ir: &crate::ir::Ir, live: &liveness::Liveness) -> syn::Result<()> {
    let mut errors: Vec<syn::Error> = Vec::new();
    for (b, block) in ir.blocks.iter().enumerate() {
        if !matches!(
            block.kind,
            BlockKind::AfterYield | BlockKind::AfterYieldFrom
        ) {
            continue;
        }
        for &l in &live.fields[b] {
            let local = &ir.locals[l];
            if let Some(target) = local.borrows {
                if live.fields[b].contains(&target) || block.visible.contains(&target) {
                    let (r, x) = (&local.name, &ir.locals[target].name);
                    let x = if x == "__self" {
                        "self".to_string()
                    } else {
                        x.to_string()
                    };
                    let msg = if local.hidden {
                        format!(
                            "this `for` loop's iterator borrows `{x}` and the loop body yields: a coroutine saves its locals in its state when it suspends, and a state cannot hold a borrow of itself. Iterate over an owned value instead (`{x}.clone()`, or collect what you need into a `Vec` first), or loop over indices"
                        )
                    } else {
                        format!(
                            "`{r}` borrows `{x}` and is still in use after a `yield_!`: a coroutine saves its locals in its state when it suspends, and a state cannot hold a borrow of itself. Borrow `{x}` again after the yield, keep an index or a clone instead, or end the borrow before yielding"
                        )
                    };
                    if !errors.iter().any(|e| e.to_string() == msg) {
                        errors.push(syn::Error::new(local.span, msg));
                    }
                }
            }
        }
        let _ = block.span;
    }
    match errors.into_iter().reduce(|mut a, b| {
        a.combine(b);
        a
    }) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
