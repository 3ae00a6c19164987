//! Yield-free code written as it is: its effects on the tracked locals, and the exits out of
//! it (`return`, `break`, `continue`, `?`), rewritten by [`Rewriter`] and recorded as
//! terminators embedded in the operand.

use proc_macro2::TokenStream;
use quote::ToTokens;

use super::{plain, with_placeholders, Lowerer};
use crate::ir::*;
use crate::rewrite::{Exit, Rewriter};
use crate::syntax::uses;

impl Lowerer<'_> {
    /// Rewrites yield-free code and computes its effects; exits out of it are recorded as
    /// embedded terminators.
    pub(super) fn verbatim_expr(&mut self, e: &syn::Expr) -> Operand {
        let effects = uses::of_expr(e, &|n| self.resolve(n));
        let mut e = e.clone();
        let exits = self.rewrite(|r| syn::visit_mut::VisitMut::visit_expr_mut(r, &mut e));
        self.operand_with_exits(e.to_token_stream(), effects, exits)
    }

    pub(super) fn verbatim_place(&mut self, e: &syn::Expr) -> Operand {
        let effects = uses::of_place(e, &|n| self.resolve(n));
        let mut e = e.clone();
        let exits = self.rewrite(|r| syn::visit_mut::VisitMut::visit_expr_mut(r, &mut e));
        self.operand_with_exits(e.to_token_stream(), effects, exits)
    }

    pub(super) fn verbatim_stmt(&mut self, s: &syn::Stmt) -> Operand {
        let effects = uses::of_stmt(s, &|n| self.resolve(n));
        let mut s = s.clone();
        let exits = self.rewrite(|r| syn::visit_mut::VisitMut::visit_stmt_mut(r, &mut s));
        self.operand_with_exits(s.to_token_stream(), effects, exits)
    }

    pub(super) fn rewrite(&mut self, f: impl FnOnce(&mut Rewriter)) -> Vec<Exit> {
        let base = self.ir.embedded.len();
        let alias = self.self_alias.clone();
        let mut r = Rewriter::new(self.krate, &self.labels, alias.as_ref(), base);
        f(&mut r);
        r.exits
    }

    pub(super) fn operand_with_exits(
        &mut self,
        tokens: TokenStream,
        mut effects: Effects,
        exits: Vec<Exit>,
    ) -> Operand {
        for exit in exits {
            let term = match exit {
                Exit::Return(v) => Term::Return(with_placeholders(v)),
                Exit::Break { target, value } => {
                    let exit = self.loop_exit(target);
                    let wants = self.loops[target].wants_value;
                    let value = match value {
                        Some(v) => Some(with_placeholders(v)),
                        None if wants => Some(plain(quote::quote!(()))),
                        None => None,
                    };
                    Term::Jump {
                        target: exit,
                        value,
                    }
                }
                Exit::Continue { target } => {
                    let head = self.loops[target].head.expect("continue targets a loop");
                    Term::Jump {
                        target: head,
                        value: None,
                    }
                }
            };
            effects.embedded.push(self.ir.embedded.len());
            self.ir.embedded.push(term);
        }
        Operand { tokens, effects }
    }
}
