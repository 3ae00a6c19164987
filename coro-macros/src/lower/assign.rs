//! Assignments whose place or value yields: the parts of the place that are values are computed
//! in source order, and rustc's order between the place and the value (value first for `=` and
//! for a primitive `op=`, place first for an overloaded `op=`).

use quote::quote;
use syn::spanned::Spanned;
use syn::Expr;

use super::expr::{is_place, peel};
use super::{Lowerer, Want};
use crate::ir::*;
use crate::syntax::detect::expr_yields;

impl Lowerer<'_> {
    /// Lowers the target of an assignment: the parts of the place that are values (an index,
    /// the pointer a `*` reads, a block) are computed in source order, those before a later
    /// yield into temporaries; the place itself stays a place, written to where it is.
    pub(super) fn lower_place(&mut self, e: &Expr) -> Option<Operand> {
        if !expr_yields(e) {
            return Some(self.verbatim_place(e));
        }
        match e {
            Expr::Paren(p) => {
                let inner = self.lower_place(&p.expr)?;
                Some(self.derived(quote!((#inner)), &[&inner]))
            }
            Expr::Field(f) => {
                let base = self.lower_place(&f.base)?;
                let member = &f.member;
                Some(self.derived(quote!(#base.#member), &[&base]))
            }
            Expr::Index(i) => {
                let base = if expr_yields(&i.expr) {
                    self.lower_place(&i.expr)?
                } else {
                    self.verbatim_place(&i.expr)
                };
                let index = self.lower_expr(&i.index, Want::Value)?;
                Some(self.derived(quote!(#base[#index]), &[&base, &index]))
            }
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                let pointer = self.lower_expr(&u.expr, Want::Value)?;
                let pointer = self.hoist_if_needed(pointer);
                Some(self.derived(quote!(*#pointer), &[&pointer]))
            }
            other => {
                self.error(
                    other.span(),
                    "`yield_!` in this part of an assignment's target is not supported: compute the place's index or pointer into a local first",
                );
                None
            }
        }
    }

    /// `place op= value`. For primitive operands Rust evaluates the right side first, then the
    /// place; an overloaded operator (`AddAssign::add_assign(&mut place, value)`) takes the
    /// place first. A macro cannot see the types: a value or a place visibly not a number (a
    /// borrow, a string, an owned value, a type's constructor) is taken for an overloaded one.
    pub(super) fn lower_compound_assign(&mut self, b: &syn::ExprBinary) -> Option<Operand> {
        let overloaded = overloaded_operand(&b.right) || self.place_not_a_number(&b.left);
        let (left, v) = if expr_yields(&b.left) && overloaded {
            let left = self.lower_place(&b.left)?;
            let v = self.lower_expr(&b.right, Want::Value)?;
            (left, v)
        } else if expr_yields(&b.left) {
            let v = if expr_yields(&b.right) || is_place(&b.right) {
                let v = self.with_yield_following(|l| l.lower_expr(&b.right, Want::Value))?;
                self.hoist_if_needed(v)
            } else {
                // Its temporaries live to the end of the statement, past the place's
                // yields (`a[yield_!(i)] -= D::new(2).get()`).
                let v = self.extract_temporaries(&b.right);
                self.hoist(v, "tmp")
            };
            (self.lower_place(&b.left)?, v)
        } else {
            let v = self.lower_expr(&b.right, Want::Value)?;
            (self.verbatim_place(&b.left), v)
        };
        let op = &b.op;
        let op = self.derived(quote!(#left #op #v), &[&left, &v]);
        self.push(Node::Stmt(Operand {
            tokens: quote!(#op;),
            effects: op.effects,
        }));
        Some(super::plain(quote!(())))
    }

    /// Whether the place of a compound assignment is a local whose value is visibly not a
    /// number (`m`, or `*{ …; &mut m }`), so that the operator is an overloaded one.
    fn place_not_a_number(&self, place: &Expr) -> bool {
        let local = match peel(place) {
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => match peel(&u.expr) {
                Expr::Block(b) => match b.block.stmts.last() {
                    Some(syn::Stmt::Expr(Expr::Reference(r), None)) => peel(&r.expr),
                    _ => return false,
                },
                Expr::Reference(r) => peel(&r.expr),
                _ => return false,
            },
            other => other,
        };
        match local {
            Expr::Path(p) if p.qself.is_none() => p
                .path
                .get_ident()
                .and_then(|i| self.resolve(&i.to_string()))
                .is_some_and(|l| self.ir.locals[l].not_a_number),
            _ => false,
        }
    }
}

/// Whether the value of a compound assignment is visibly not a number, so that the operator
/// is an overloaded one (`s += &t`, `s += "x"`, `v += other_vec`).
fn overloaded_operand(e: &Expr) -> bool {
    match peel(e) {
        Expr::Reference(_) | Expr::Struct(_) | Expr::Array(_) => true,
        Expr::Lit(l) => matches!(l.lit, syn::Lit::Str(_) | syn::Lit::ByteStr(_)),
        other => crate::syntax::guess::visibly_owned(other),
    }
}

pub(super) fn is_compound_assign(op: &syn::BinOp) -> bool {
    use syn::BinOp::*;
    matches!(
        op,
        AddAssign(_)
            | SubAssign(_)
            | MulAssign(_)
            | DivAssign(_)
            | RemAssign(_)
            | BitXorAssign(_)
            | BitAndAssign(_)
            | BitOrAssign(_)
            | ShlAssign(_)
            | ShrAssign(_)
    )
}

pub(super) fn assigned_local(left: &Expr, l: &Lowerer) -> Option<LocalId> {
    match left {
        Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            l.resolve(&p.path.segments[0].ident.to_string())
        }
        _ => None,
    }
}
