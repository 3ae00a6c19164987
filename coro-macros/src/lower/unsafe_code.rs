//! Code split out of an `unsafe` block by a yield is written inside `unsafe { }` again, piece
//! by piece (see `Lowerer::unsafe_depth`).

use quote::ToTokens;

use crate::ir::*;

/// An `if`/`while` condition from an `unsafe` block: its `let`s must stay directly in the
/// condition (also in a chain, `a && let P = e`), so only the boolean operands of a chain are
/// wrapped. A `let` stays as it is: its scrutinee is a place that wrapping would move (and the
/// lowering has already taken any yield out of it), or the whole condition when it has no `let`.
fn unsafe_condition(tokens: &proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    fn has_let(e: &syn::Expr) -> bool {
        match e {
            syn::Expr::Let(_) => true,
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                has_let(&b.left) || has_let(&b.right)
            }
            _ => false,
        }
    }
    fn wrap_chain(e: &mut syn::Expr) {
        match e {
            syn::Expr::Let(_) => {}
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                wrap_chain(&mut b.left);
                wrap_chain(&mut b.right);
            }
            other => *other = syn::parse_quote!(unsafe { #other }),
        }
    }
    match syn::parse2::<syn::ExprIf>(quote::quote!(if #tokens {})) {
        Ok(mut i) if has_let(&i.cond) => {
            wrap_chain(&mut i.cond);
            i.cond.into_token_stream()
        }
        _ => quote::quote!(unsafe { #tokens }),
    }
}

/// The user's code of a node, where it came from an `unsafe` block: each piece in `unsafe { }`
/// (a `let`'s pattern and an `if let`'s condition stay outside: they hold no unsafe operation).
pub(super) fn in_unsafe(node: Node) -> Node {
    fn wrap(op: Operand) -> Operand {
        let tokens = &op.tokens;
        Operand {
            tokens: quote::quote!(unsafe { #tokens }),
            effects: op.effects,
        }
    }
    fn term(t: Term) -> Term {
        match t {
            Term::Jump { target, value } => Term::Jump {
                target,
                value: value.map(wrap),
            },
            Term::Yield { value, resume } => Term::Yield {
                value: wrap(value),
                resume,
            },
            Term::Return(v) => Term::Return(wrap(v)),
            Term::Branch(mut br) => {
                br.head = match br.kind {
                    BranchKind::Match => wrap(br.head),
                    BranchKind::If => Operand {
                        tokens: unsafe_condition(&br.head.tokens),
                        effects: br.head.effects,
                    },
                };
                for arm in br.arms.iter_mut() {
                    arm.guard = arm.guard.take().map(wrap);
                }
                Term::Branch(br)
            }
        }
    }
    match node {
        Node::Stmt(op) => Node::Stmt(wrap(op)),
        Node::Let {
            pat,
            init,
            els,
            binds,
        } => Node::Let {
            pat,
            init: init.map(wrap),
            els,
            binds,
        },
        Node::Close(s, v) => Node::Close(s, v.map(wrap)),
        Node::Term(t) => Node::Term(term(t)),
        open @ Node::Open(_) => open,
    }
}
