//! Lowering the exits that leave code with a yield in it: `return`, `break`/`continue` out of a
//! split loop or labelled block, and `?`.

use quote::quote;
use syn::spanned::Spanned;

use super::{plain, Lowerer, Want};
use crate::ir::*;

impl Lowerer<'_> {
    pub fn lower_return(&mut self, r: &syn::ExprReturn) -> Option<Operand> {
        let value = match &r.expr {
            Some(e) => self.lower_expr(e, Want::Value)?,
            None => plain(quote!(())),
        };
        self.terminate(Term::Return(value));
        None
    }

    pub fn lower_break(&mut self, b: &syn::ExprBreak) -> Option<Operand> {
        let target = match &b.label {
            Some(l) => {
                let name = l.ident.to_string();
                self.labels
                    .iter()
                    .rposition(|t| t.label.as_deref() == Some(name.as_str()))
            }
            None => self.labels.iter().rposition(|t| t.is_loop),
        };
        let Some(target) = target else {
            self.error(b.span(), "`break` with a yielded value must leave a loop or labelled block of this coroutine");
            return None;
        };
        let value = match &b.expr {
            Some(e) => Some(self.lower_expr(e, Want::Value)?),
            None if self.loops[target].wants_value => Some(plain(quote!(()))),
            None => None,
        };
        let exit = self.loop_exit(target);
        self.terminate(Term::Jump {
            target: exit,
            value,
        });
        None
    }

    /// `e?` where `e` yields: `match Try::branch(e) { Continue(v) => v, Break(r) => return … }`.
    pub fn lower_try(&mut self, t: &syn::ExprTry) -> Option<Operand> {
        let v = self.lower_expr(&t.expr, Want::Value)?;
        let krate = self.krate.clone();
        let (ok, residual) = (
            crate::syntax::names::hidden("__ok"),
            crate::syntax::names::hidden("__residual"),
        );
        let index = self.ir.embedded.len();
        self.ir.embedded.push(Term::Return(plain(
            quote!(#krate::__private::FromResidual::from_residual(#residual)),
        )));
        let lit = proc_macro2::Literal::usize_unsuffixed(index);
        let mut effects = v.effects.clone();
        effects.embedded.push(index);
        let tokens = quote! {
            match #krate::__private::Try::branch(#v) {
                ::core::ops::ControlFlow::Continue(#ok) => #ok,
                ::core::ops::ControlFlow::Break(#residual) => __coro_jump!(#lit),
            }
        };
        Some(Operand { tokens, effects })
    }
}
