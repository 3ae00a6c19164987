//! The type-discovery pass as the machine writes it (see `crate::discovery` for the pass's
//! body): before the step closure, the state's type parameters tied to a tuple of
//! `PhantomData`s, and the closure that holds the body as plain code.

use super::*;

impl Emit<'_> {
    /// The type-discovery pass (see `discovery`): a tuple of one `PhantomData` per type
    /// parameter, tied to the state once, and a closure that is never called holding the body
    /// as plain code, with a witness after each saved local's binding.
    pub(super) fn discovery_pass(
        &self,
        input: &DiscoveryInput,
        plan: &Plan,
        type_params: &[Ident],
        state_ty: &TokenStream,
    ) -> TokenStream {
        let state = self.state_var();
        let tys = hidden("__coro_tys");
        let types = hidden("__coro_types");
        let params = plan.type_params();
        let body = crate::discovery::Discovery {
            ir: self.ir,
            sites: input.sites,
            params: &params,
            tys: &tys,
            krate: self.krate,
            yield_ty: self.yield_ty,
            resume_ty: self.resume_ty,
        }
        .body(input.body);
        let body = match &input.self_alias {
            Some(alias) => crate::rewrite::rename_self_in_block(body, alias),
            None => body,
        };
        let (args, r) = (&input.params, &self.return_ty);
        // The types a compound assignment's order depends on (see `lower::assign`), settled
        // by the pass.
        let probes = (input.op_probes > 0).then(|| {
            let probe = hidden("__coro_probe");
            let each = (0..2 * input.op_probes).map(|_| quote!(::core::marker::PhantomData,));
            quote!(let #probe = (#(#each)*);)
        });
        quote! {
            #probes
            let #tys = {
                fn #types<#(#type_params),*>(
                    _: &#state_ty,
                ) -> (#(::core::marker::PhantomData<#type_params>,)*) {
                    (#(::core::marker::PhantomData::<#type_params>,)*)
                }
                #types(&#state)
            };
            #[allow(unused_variables, unused_mut, unused_assignments, unreachable_code, clippy::all)]
            let _ = |#(#args),*| -> #r #body;
        }
    }
}
