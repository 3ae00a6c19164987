//! Reading saved locals in place: in an arm that leaves its variant's fields where they are, each
//! saved local is a `&mut` binding into the state, so the user's uses of it become `(*x)`.
//!
//! The rewrite is scope-aware: a name rebound inside the code (a `let`, a closure parameter, a
//! match arm's pattern) is the user's new binding, not the saved local. Code it cannot see into (a
//! macro whose input is not a list of expressions) makes the rewrite fail, and the arm then moves
//! its locals out of the state instead.

use std::collections::HashSet;

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Pat, Token};

use crate::names::pattern_bindings;

/// What a token stream holds, so it can be parsed back.
#[derive(Clone, Copy)]
pub enum Shape {
    Expr,
    Stmt,
    /// The head of an `if`: an expression or a `let` chain.
    IfHead,
}

/// Rewrites uses of `names` to `(*name)`; `None` when the code cannot be rewritten safely.
pub fn deref(tokens: &TokenStream, shape: Shape, names: &HashSet<String>) -> Option<TokenStream> {
    if names.is_empty() || !mentions_any(tokens, names) {
        return Some(tokens.clone());
    }
    let mut v = Deref {
        names,
        shadowed: Vec::new(),
        failed: false,
    };
    let out = match shape {
        Shape::Expr => {
            let mut e: Expr = syn::parse2(tokens.clone()).ok()?;
            v.visit_expr_mut(&mut e);
            e.into_token_stream()
        }
        Shape::Stmt => {
            let mut block: syn::Block = syn::parse2(quote::quote!({ #tokens })).ok()?;
            let stmts = &mut block.stmts;
            for s in stmts.iter_mut() {
                v.visit_stmt_mut(s);
            }
            let mut out = TokenStream::new();
            for s in stmts.iter() {
                s.to_tokens(&mut out);
            }
            out
        }
        Shape::IfHead => {
            let mut e: syn::ExprIf = syn::parse2(quote::quote!(if #tokens {})).ok()?;
            v.visit_expr_mut(&mut e.cond);
            e.cond.into_token_stream()
        }
    };
    if v.failed {
        None
    } else {
        Some(out)
    }
}

fn mentions_any(tokens: &TokenStream, names: &HashSet<String>) -> bool {
    tokens.clone().into_iter().any(|tt| match tt {
        TokenTree::Ident(i) => names.contains(&i.to_string()),
        TokenTree::Group(g) => mentions_any(&g.stream(), names),
        TokenTree::Literal(l) => {
            let s = l.to_string();
            names.iter().any(|n| s.contains(n.as_str()))
        }
        _ => false,
    })
}

struct Deref<'a> {
    names: &'a HashSet<String>,
    /// Names rebound by the code being rewritten, innermost last.
    shadowed: Vec<String>,
    failed: bool,
}

impl Deref<'_> {
    fn is_saved(&self, name: &str) -> bool {
        self.names.contains(name) && !self.shadowed.iter().any(|s| s == name)
    }

    fn bind(&mut self, pat: &Pat) -> usize {
        let names = pattern_bindings(pat);
        let n = names.len();
        self.shadowed
            .extend(names.into_iter().map(|b| b.ident.to_string()));
        n
    }

    fn unbind(&mut self, n: usize) {
        let len = self.shadowed.len();
        self.shadowed.truncate(len - n);
    }
}

impl VisitMut for Deref<'_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        match e {
            Expr::Path(p)
                if p.qself.is_none()
                    && p.path.segments.len() == 1
                    && p.path.segments[0].arguments.is_none() =>
            {
                let name = p.path.segments[0].ident.to_string();
                if self.is_saved(&name) {
                    let ident = &p.path.segments[0].ident;
                    *e = syn::parse_quote!((*#ident));
                }
            }
            Expr::Closure(c) => {
                let n: usize = c.inputs.iter().map(|p| self.bind(p)).sum();
                self.visit_expr_mut(&mut c.body);
                self.unbind(n);
            }
            Expr::Block(b) => self.visit_block_mut(&mut b.block),
            Expr::ForLoop(f) => {
                self.visit_expr_mut(&mut f.expr);
                let n = self.bind(&f.pat);
                self.visit_block_mut(&mut f.body);
                self.unbind(n);
            }
            Expr::If(i) => {
                // `let` patterns in the condition bind in the then-branch.
                let n = match &mut *i.cond {
                    Expr::Let(l) => {
                        self.visit_expr_mut(&mut l.expr);
                        self.bind(&l.pat)
                    }
                    cond => {
                        self.visit_expr_mut(cond);
                        0
                    }
                };
                self.visit_block_mut(&mut i.then_branch);
                self.unbind(n);
                if let Some((_, els)) = &mut i.else_branch {
                    self.visit_expr_mut(els);
                }
            }
            Expr::While(w) => {
                let n = match &mut *w.cond {
                    Expr::Let(l) => {
                        self.visit_expr_mut(&mut l.expr);
                        self.bind(&l.pat)
                    }
                    cond => {
                        self.visit_expr_mut(cond);
                        0
                    }
                };
                self.visit_block_mut(&mut w.body);
                self.unbind(n);
            }
            Expr::Match(m) => {
                self.visit_expr_mut(&mut m.expr);
                for arm in m.arms.iter_mut() {
                    let n = self.bind(&arm.pat);
                    if let Some((_, g)) = &mut arm.guard {
                        self.visit_expr_mut(g);
                    }
                    self.visit_expr_mut(&mut arm.body);
                    self.unbind(n);
                }
            }
            Expr::Let(l) => {
                // A `let` in a condition chain: its pattern binds for the rest of the chain;
                // conservatively, the pattern's names are not rewritten after it.
                self.visit_expr_mut(&mut l.expr);
                self.bind(&l.pat);
            }
            Expr::Struct(s) => {
                for f in s.fields.iter_mut() {
                    let shorthand = f.colon_token.is_none();
                    self.visit_expr_mut(&mut f.expr);
                    if shorthand && !matches!(&f.expr, Expr::Path(_)) {
                        f.colon_token = Some(Default::default());
                    }
                }
                if let Some(rest) = &mut s.rest {
                    self.visit_expr_mut(rest);
                }
            }
            _ => visit_mut::visit_expr_mut(self, e),
        }
    }

    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        let mark = self.shadowed.len();
        for s in b.stmts.iter_mut() {
            self.visit_stmt_mut(s);
        }
        self.shadowed.truncate(mark);
    }

    fn visit_local_mut(&mut self, l: &mut syn::Local) {
        if let Some(init) = &mut l.init {
            self.visit_expr_mut(&mut init.expr);
            if let Some((_, els)) = &mut init.diverge {
                self.visit_expr_mut(els);
            }
        }
        self.bind(&l.pat);
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        match mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
            Ok(mut args) => {
                for a in args.iter_mut() {
                    self.visit_expr_mut(a);
                }
                mac.tokens = args.to_token_stream();
            }
            Err(_) => {
                // Cannot tell what the macro does with a saved local: give up on this arm.
                let names: Vec<String> = self
                    .names
                    .iter()
                    .filter(|n| self.is_saved(n))
                    .cloned()
                    .collect();
                let set: HashSet<String> = names.into_iter().collect();
                if mentions_any(&mac.tokens, &set) {
                    self.failed = true;
                }
            }
        }
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

#[cfg(test)]
mod tests {
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
}
