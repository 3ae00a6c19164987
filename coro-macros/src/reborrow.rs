//! Which `&mut` parameters a state keeps as a pointer (`coro::__private::RawMut`).
//!
//! rustc's coroutines accept a borrow through a `&mut` parameter kept across a yield while the
//! parameter is used again after the borrow ends (`for x in self.buf.iter_mut() { yield_!(*x) }`
//! then `self.n += 1`): the borrow is a reborrow of `*self`, and borrow checking sees where it
//! ends. A state machine holds the parameter and the borrow side by side in its states, so the
//! borrow must last as long as the parameter's own lifetime and the next use of the parameter
//! is refused (E0499/E0505). For such a parameter the states hold a `RawMut` made from it, and
//! each use is written through the pointer as the place the source names (see
//! `syntax::substitute`, [`Pointer`](crate::syntax::substitute)): the same accesses as the
//! source, minus the lifetime link rustc cannot follow across a transition. That link is still
//! checked: the type-discovery pass (emitted whenever this is) is the body as written, with the
//! parameter a real `&mut`, borrow-checked by rustc, which refuses there what its coroutines
//! refuse. The arms run inside one `unsafe` block (the discovery pass checks the user's own
//! code for unsafe operations outside `unsafe`).
//!
//! A parameter is kept this way when the rewrite surely follows every use of it: it is saved
//! in some state, it is not reassigned, and the body does not name it inside a closure or an
//! `async` block (which would capture the pointer, not the place), take a reference to the
//! parameter itself, or hand it to a macro the attribute cannot read.

use rustc_hash::FxHashSet as HashSet;

use syn::visit::{self, Visit};
use syn::{Expr, Macro};

use crate::ir::LocalId;
use crate::liveness::Liveness;
use crate::signature::Param;
use crate::syntax::detect::yield_kind;
use crate::syntax::macros::{expression_macro_args, macro_name, MacroArgs};
use crate::syntax::names::mentions;
use crate::syntax::scope::{format_captures, format_string_index};

/// The parameters (`locals[i]` is `params[i]`'s local) kept as pointers. Empty when the
/// type-discovery pass is not written: nothing would check the borrows then.
pub fn pointer_params(
    params: &[Param],
    locals: &[LocalId],
    live: &Liveness,
    body: &syn::Block,
    discovery: bool,
) -> HashSet<LocalId> {
    if !discovery {
        return HashSet::default();
    }
    params
        .iter()
        .zip(locals)
        .filter(|(p, l)| p.exclusive && live.fields.iter().any(|f| f.contains(l)))
        .filter(|(p, _)| {
            // The body names the receiver `self`.
            let name = if p.name == "__self" {
                "self".to_string()
            } else {
                p.name.to_string()
            };
            let mut uses = Uses {
                name: &name,
                enclosed: 0,
                followed: true,
            };
            uses.visit_block(body);
            uses.followed
        })
        .map(|(_, l)| *l)
        .collect()
}

/// Whether every use of `name` in the body is one the rewrite writes through the pointer.
struct Uses<'n> {
    name: &'n str,
    /// How many closures or `async` blocks the walk is inside.
    enclosed: usize,
    followed: bool,
}

impl Uses<'_> {
    fn is_name(&self, e: &Expr) -> bool {
        matches!(e, Expr::Path(p) if p.qself.is_none() && p.path.is_ident(self.name))
    }
}

impl<'ast> Visit<'ast> for Uses<'_> {
    fn visit_expr(&mut self, e: &'ast Expr) {
        match e {
            Expr::Path(_) if self.is_name(e) && self.enclosed > 0 => self.followed = false,
            Expr::Assign(a) if self.is_name(&a.left) => self.followed = false,
            Expr::Reference(r) if self.is_name(&r.expr) => self.followed = false,
            Expr::Closure(_) | Expr::Async(_) => {
                self.enclosed += 1;
                visit::visit_expr(self, e);
                self.enclosed -= 1;
            }
            _ => visit::visit_expr(self, e),
        }
    }

    fn visit_macro(&mut self, mac: &'ast Macro) {
        if !mentions(&mac.tokens, self.name) {
            return;
        }
        if yield_kind(mac).is_some() {
            match syn::parse2::<Expr>(mac.tokens.clone()) {
                Ok(e) => self.visit_expr(&e),
                Err(_) => self.followed = false,
            }
            return;
        }
        let Some(args) = expression_macro_args(mac) else {
            self.followed = false;
            return;
        };
        let name = macro_name(mac);
        // A format string that captures the name (`"{p}"`) reads it where the rewrite cannot.
        if let (Some(i), MacroArgs::List(list)) = (format_string_index(&name), &args) {
            if let Some(Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            })) = list.get(i)
            {
                if format_captures(&s.value()).iter().any(|c| c == self.name) {
                    self.followed = false;
                }
            }
        }
        for e in args.exprs() {
            self.visit_expr(e);
        }
    }

    // An item's body cannot name the fn's locals.
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}
