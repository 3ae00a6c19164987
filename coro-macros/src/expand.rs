//! The pipeline: args → check → signature → lower → liveness → borrow check → pointer
//! parameters → layout → emit,
//! each stage taking the previous one's value.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

use crate::emit::{DiscoveryInput, Emit};
use crate::layout::Plan;
use crate::syntax::names;
use crate::{args, borrowck, check, liveness, lower, signature};

pub fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args = args::parse(attr)?;
    let f = check::parse_item(item.clone())?;
    check::check_fn(&f)?;
    let prepared = signature::prepare(&f.sig, &args)?;
    let lowered = lower::lower_fn(&f, &prepared, &args)?;
    let ir = &lowered.ir;
    let live = liveness::analyse(ir);
    borrowck::check(ir, &live)?;
    let mut plan = Plan::new(ir, &live);

    let return_ty = if signature::contains_impl_trait(&prepared.return_ty) {
        quote!(_)
    } else {
        prepared.return_ty.to_token_stream()
    };
    let state_enum = names::unused_name(&item, &["State", "CoroState", "CoroutineStates"]);
    // The type-discovery pass's closure takes the fn's parameters as they are declared; one of
    // `impl Trait` type cannot be written there (the pass is then left out).
    let discovery = (!prepared
        .params
        .iter()
        .any(|p| signature::contains_impl_trait(&p.ty)))
    .then(|| DiscoveryInput {
        body: &lowered.body,
        sites: &lowered.sites,
        params: prepared
            .params
            .iter()
            .map(|p| {
                let (name, ty) = (&p.name, &p.ty);
                let m = p.mutable.then(|| quote!(mut));
                quote!(#m #name: #ty)
            })
            .collect(),
        self_alias: prepared
            .has_receiver
            .then(|| syn::Ident::new("__self", proc_macro2::Span::call_site())),
        op_probes: lowered.op_probes,
    });
    let pointers = crate::reborrow::pointer_params(
        &prepared.params,
        &lowered
            .start_values
            .iter()
            .map(|(l, _)| *l)
            .collect::<Vec<_>>(),
        &live,
        &lowered.body,
        discovery.is_some(),
    );
    let emit = Emit {
        ir,
        live: &live,
        krate: &args.krate,
        state_enum,
        yield_ty: &prepared.yield_ty,
        resume_ty: &prepared.resume_ty,
        return_ty,
        clone: args.clone,
        resume_any_lifetime: prepared.resume_any_lifetime,
        boxed: args.boxed.is_some(),
        discovery,
        start_values: lowered.start_values.clone(),
        pointers,
        user_span: f.block.brace_token.span.join(),
    };
    let (setup, closure) = emit.emit(&mut plan)?;

    let attrs = &f.attrs;
    // Calling the fn only makes the coroutine: dropping it unused (`helper();` where
    // `yield_from!(helper())` was meant) is a mistake the compiler should point out.
    let must_use = (!attrs.iter().any(|a| a.path().is_ident("must_use"))).then(|| {
        quote!(#[must_use = "a coroutine does nothing until it is resumed: drive it, or delegate to it with `yield_from!`"])
    });
    let vis = &f.vis;
    let sig = &prepared.sig;
    let hoisted = &lowered.hoisted;
    Ok(quote! {
        #(#attrs)*
        #must_use
        #vis #sig {
            #(#hoisted)*
            #setup
            #closure
        }
    })
}
