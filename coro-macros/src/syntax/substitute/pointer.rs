//! The rewrite of a `&mut` parameter kept as a pointer (see `reborrow`): each use names the
//! place the source names, so the expansion borrows and reborrows exactly what the source does.

use super::*;
use crate::syntax::names::mentions;

/// Rewrites the uses of `&mut` parameters kept as pointers (see `reborrow`) as the places
/// they name: `p.f`, `*p`, `p[i]` become `(*p.as_ptr())…`, as does the receiver of a method
/// that surely borrows it or whose arguments use `p` too (`p.len()`, `p.push(p.len())`); any
/// other use, also the receiver of another method (which may take a `&mut` by value, like
/// `p.take(3)` on a `&mut` iterator), the reborrow `(&mut *p.as_ptr())`. `None` when the code
/// cannot be rewritten safely.
pub fn through_pointer(
    tokens: &TokenStream,
    shape: Shape,
    names: &HashSet<String>,
) -> Option<TokenStream> {
    let map: HashMap<String, Replacement> = names
        .iter()
        .map(|n| (n.clone(), Replacement::Pointer))
        .collect();
    if map.is_empty() || !mentions_any(tokens, &map) {
        return Some(tokens.clone());
    }
    Substitute::new(&map, Fresh::None, true).run(tokens, shape)
}

impl Substitute<'_> {
    /// The parameter `e` names, when it is one kept as a pointer here.
    fn pointer(&self, e: &Expr) -> Option<Ident> {
        let Expr::Path(p) = e else { return None };
        let ident = p.path.get_ident()?;
        if p.qself.is_some() || self.scopes.lookup(&ident.to_string()).is_some() {
            return None;
        }
        matches!(self.map.get(&ident.to_string())?, Replacement::Pointer).then(|| ident.clone())
    }

    /// Rewrites `e` if it is a use of a parameter kept as a pointer that names a place (a
    /// field, an element, a deref, a method's receiver); `false` if it is not one.
    pub(super) fn pointer_use(&mut self, e: &mut Expr) -> bool {
        // The operand that would name the parameter, for each form that names a place.
        let operand = match &*e {
            Expr::Field(f) => &f.base,
            Expr::Index(i) => &i.expr,
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => &u.expr,
            Expr::MethodCall(m) => &m.receiver,
            _ => return false,
        };
        let Some(p) = self.pointer(operand) else {
            return false;
        };
        match e {
            Expr::Field(f) => *f.base = pointee(&p),
            Expr::Index(i) => {
                *i.expr = pointee(&p);
                self.visit_expr_mut(&mut i.index);
            }
            Expr::MethodCall(m) => {
                // The place where the method surely borrows it, or where the arguments use it
                // too (a two-phase borrow, `v.push(v.len())`, needs the place); otherwise the
                // reference itself, which method lookup takes by value if the method does.
                let name = p.to_string();
                let args_use_it = m.args.iter().any(|a| mentions(&a.to_token_stream(), &name));
                if args_use_it || crate::syntax::guess::by_reference_method(&m.method.to_string()) {
                    *m.receiver = pointee(&p);
                } else {
                    self.visit_expr_mut(&mut m.receiver);
                }
                for a in m.args.iter_mut() {
                    self.visit_expr_mut(a);
                }
            }
            // `*p`
            _ => *e = pointee(&p),
        }
        true
    }
}

/// `(*p.as_ptr())`: the place a parameter kept as a pointer points to, spelled with the use's
/// span (its edition and hygiene).
fn pointee(p: &Ident) -> Expr {
    syn::parse_quote_spanned!(p.span()=> (*#p.as_ptr()))
}
