//! Recognising `yield_!` / `yield_from!` and finding which code contains them.

use syn::visit::Visit;
use syn::{Expr, Macro, Stmt};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum YieldKind {
    Yield,
    YieldFrom,
}

/// `yield_!`, `coro::yield_!`, `::coro::yield_!` (and the same for `yield_from!`).
pub fn yield_kind(mac: &Macro) -> Option<YieldKind> {
    let last = mac.path.segments.last()?;
    if !last.arguments.is_none() {
        return None;
    }
    let qualified_ok = mac.path.segments.len() == 1
        || (mac.path.segments.len() == 2 && mac.path.segments[0].ident == "coro");
    if !qualified_ok {
        return None;
    }
    if last.ident == "yield_" {
        Some(YieldKind::Yield)
    } else if last.ident == "yield_from" {
        Some(YieldKind::YieldFrom)
    } else {
        None
    }
}

/// Whether an expression contains a yield that the lowering must split at. Closures, async
/// blocks and nested items do not count: `check` rejects yields there.
pub fn expr_yields(e: &Expr) -> bool {
    let mut f = Finder { found: false };
    f.visit_expr(e);
    f.found
}

pub fn stmt_yields(s: &Stmt) -> bool {
    let mut f = Finder { found: false };
    f.visit_stmt(s);
    f.found
}

pub fn block_yields(b: &syn::Block) -> bool {
    b.stmts.iter().any(stmt_yields)
}

struct Finder {
    found: bool,
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_macro(&mut self, m: &'ast Macro) {
        if yield_kind(m).is_some() {
            self.found = true;
        } else if let Some(args) = super::macros::expression_macro_args(m) {
            for e in args.exprs() {
                self.visit_expr(e);
            }
        }
    }
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'ast syn::Item) {}
    fn visit_expr(&mut self, e: &'ast Expr) {
        if !self.found {
            syn::visit::visit_expr(self, e);
        }
    }
}

/// Whether a yield-free statement visibly never completes: `return`, `break`, `continue`,
/// `panic!`-like macros, or a block ending in one.
pub fn stmt_diverges(stmt: &syn::Stmt) -> bool {
    fn mac(m: &syn::Macro) -> bool {
        m.path.segments.last().is_some_and(|s| {
            matches!(
                s.ident.to_string().as_str(),
                "panic" | "unreachable" | "todo" | "unimplemented"
            )
        })
    }
    fn expr(e: &syn::Expr) -> bool {
        match e {
            syn::Expr::Return(_) | syn::Expr::Break(_) | syn::Expr::Continue(_) => true,
            syn::Expr::Macro(m) => mac(&m.mac),
            syn::Expr::Block(b) if b.label.is_none() => {
                b.block.stmts.last().is_some_and(stmt_diverges)
            }
            syn::Expr::Paren(p) => expr(&p.expr),
            _ => false,
        }
    }
    match stmt {
        syn::Stmt::Expr(e, _) => expr(e),
        syn::Stmt::Macro(m) => mac(&m.mac),
        _ => false,
    }
}
