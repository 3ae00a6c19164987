//! Temporaries that must outlive a yield.
//!
//! Rust drops the temporaries of a statement at its end: in `yield_!(Noisy::new().id())` the
//! `Noisy` lives until the statement ends, after the coroutine is resumed. The state can only
//! keep named locals, so such a temporary is first bound to a hidden local of the statement's
//! scope (`let __tmp = Noisy::new(); … __tmp.id()`), which the state then keeps across the yield
//! and drops where the statement ends.
//!
//! Only temporaries evaluated before anything with a side effect are extracted, so the order of
//! evaluation never changes.

use quote::ToTokens;
use syn::Expr;

use super::Lowerer;
use crate::ir::{Effects, Operand};

/// The tail of a block with statements being rewritten (see
/// `Lowerer::extract_in_block_tail`).
pub struct InBlock {
    /// What to write in the block before its tail: its temporaries' assignments, and the
    /// operands computed before them.
    stmts: Vec<syn::Stmt>,
    /// Whether the temporaries exist on some paths only.
    flagged: bool,
}

impl Lowerer<'_> {
    /// Rewrites `e` (which contains no yield) so that its leading temporaries are hidden locals,
    /// and computes its effects (the user's locals it touches, and those temporaries).
    pub fn extract_temporaries(&mut self, e: &Expr) -> Operand {
        let mut e = e.clone();
        let mut pure_so_far = true;
        let mut temps = Effects::default();
        self.extract_in(&mut e, &mut pure_so_far, &mut temps);
        let mut op = self.verbatim_expr(&e);
        op.effects.merge(&temps);
        op
    }

    fn extract_in(&mut self, e: &mut Expr, pure_so_far: &mut bool, fx: &mut Effects) {
        match e {
            Expr::MethodCall(m) => {
                let consumed = crate::syntax::guess::consumes_receiver(&m.method.to_string());
                self.extract_place(&mut m.receiver, pure_so_far, fx, consumed);
                // A receiver computed by code (`(a.get() as i64).max(D::new().get())`) is
                // computed first when an argument has temporaries to make after it.
                let later = m.args.iter().any(|a| self.has_temporaries(a));
                if !*pure_so_far && later && !super::expr::is_place(&m.receiver) {
                    self.computed_first(&mut m.receiver, fx);
                    *pure_so_far = true;
                }
                self.extract_operands(m.args.iter_mut().collect(), pure_so_far, fx);
                *pure_so_far = false;
            }
            Expr::Field(f) => self.extract_place(&mut f.base, pure_so_far, fx, false),
            Expr::Index(i) => {
                self.extract_place(&mut i.expr, pure_so_far, fx, false);
                let pure_before = *pure_so_far;
                self.extract_in(&mut i.index, pure_so_far, fx);
                // An index that ran code (`v[i.len() - 1]`) is computed first, so that the
                // temporaries of what follows can still be made in order; not when code before
                // it stays in place (it would run after the index, seed 639950127587).
                if pure_before && !*pure_so_far && !super::expr::is_place(&i.index) {
                    self.computed_first(&mut i.index, fx);
                    *pure_so_far = true;
                }
            }
            Expr::Reference(r) => self.extract_place(&mut r.expr, pure_so_far, fx, false),
            Expr::Paren(p) => self.extract_in(&mut p.expr, pure_so_far, fx),
            Expr::Cast(c) => self.extract_in(&mut c.expr, pure_so_far, fx),
            Expr::Unary(u) => self.extract_in(&mut u.expr, pure_so_far, fx),
            Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
                // The right side may not run: nothing of it is made beforehand.
                self.extract_in(&mut b.left, pure_so_far, fx);
                *pure_so_far = false;
            }
            Expr::Binary(b) => {
                self.extract_operands(vec![&mut *b.left, &mut *b.right], pure_so_far, fx)
            }
            Expr::Call(c) => {
                self.extract_operands(c.args.iter_mut().collect(), pure_so_far, fx);
                *pure_so_far = false;
            }
            Expr::Tuple(t) => self.extract_operands(t.elems.iter_mut().collect(), pure_so_far, fx),
            // Fields are evaluated in the order written, then the base (`..base`).
            Expr::Struct(st) => {
                let fields = st.fields.iter_mut().map(|f| &mut f.expr);
                let operands = fields.chain(st.rest.iter_mut().map(|r| &mut **r));
                self.extract_operands(operands.collect(), pure_so_far, fx)
            }
            Expr::Array(a) => self.extract_operands(a.elems.iter_mut().collect(), pure_so_far, fx),
            Expr::Range(r) => {
                let ends = r.start.iter_mut().chain(r.end.iter_mut());
                self.extract_operands(ends.map(|e| &mut **e).collect(), pure_so_far, fx)
            }
            Expr::Repeat(r) => self.extract_in(&mut r.expr, pure_so_far, fx),
            Expr::Group(g) => self.extract_in(&mut g.expr, pure_so_far, fx),
            // Before edition 2024 a block's tail expression keeps its temporaries to the end
            // of the enclosing statement: `{ D::new().get() }` is its tail for them.
            // Items declared in it (`{ fn f() {} p }`) run nothing.
            Expr::Block(b) if label_unused(b) => match tail_after_items_mut(&mut b.block) {
                Some(tail) if self.tails_pass_temporaries() => {
                    self.extract_in(tail, pure_so_far, fx)
                }
                Some(Expr::Path(_) | Expr::Lit(_)) => {}
                _ => {
                    if self.tails_pass_temporaries() {
                        self.extract_in_block_tail(&mut b.block, fx, false);
                    }
                    *pure_so_far = false
                }
            },
            // A labelled block a `break` may leave before its tail: the same, with temporaries
            // that exist on some paths only.
            Expr::Block(b) if self.tails_pass_temporaries() => {
                self.extract_in_block_tail(&mut b.block, fx, true);
                *pure_so_far = false
            }
            // The same in unsafe code: what is bound from it is written in `unsafe { }` again
            // (`push` wraps what it writes at an `unsafe_depth`).
            Expr::Unsafe(u) if self.tails_pass_temporaries() => match tail_only_mut(&mut u.block) {
                Some(tail) => {
                    self.unsafe_depth += 1;
                    self.extract_in(tail, pure_so_far, fx);
                    self.unsafe_depth -= 1;
                }
                None => {
                    self.extract_in_block_tail(&mut u.block, fx, false);
                    *pure_so_far = false
                }
            },
            // std's macros whose expansion evaluates their arguments in the enclosing statement
            // (`vec![D::new().get()]`, `matches!(…)`, `assert_eq!(…)`): as a call's.
            Expr::Macro(m) => {
                let name = crate::syntax::macros::macro_name(&m.mac);
                if let Some(mut args) = crate::syntax::macros::expression_macro_args(&m.mac)
                    .filter(|_| crate::syntax::macros::passes_temporaries(&name))
                {
                    let mut operands = args.exprs_mut();
                    operands.truncate(crate::syntax::macros::eager_arguments(&name));
                    self.extract_operands(operands, pure_so_far, fx);
                    let values: Vec<_> = args.exprs().iter().map(|e| e.to_token_stream()).collect();
                    m.mac.tokens = args.rebuild(&values);
                }
                *pure_so_far = false;
            }
            // A `match` keeps its scrutinee's temporaries to the end of the enclosing
            // statement; its arms run code.
            Expr::Match(m) => {
                self.extract_in(&mut m.expr, pure_so_far, fx);
                *pure_so_far = false;
            }
            // `e?` may return early: what follows it is not evaluated first.
            Expr::Try(t) => {
                self.extract_in(&mut t.expr, pure_so_far, fx);
                *pure_so_far = false;
            }
            Expr::Path(_) | Expr::Lit(_) => {}
            _ => *pure_so_far = false,
        }
    }

    /// Operands evaluated in order (a call's arguments, a binary operation's sides): when one
    /// runs code (a call) and a later one has temporaries, its value is computed into a hidden
    /// local first, so that the later temporaries can be made next without running before it
    /// (`D::new(1).get() + f(D::new(2).get())`).
    fn extract_operands(
        &mut self,
        items: Vec<&mut Expr>,
        pure_so_far: &mut bool,
        fx: &mut Effects,
    ) {
        let later_temporaries: Vec<bool> = (0..items.len())
            .map(|i| items[i + 1..].iter().any(|e| self.has_temporaries(e)))
            .collect();
        for (x, later) in items.into_iter().zip(later_temporaries) {
            self.extract_in(x, pure_so_far, fx);
            if !*pure_so_far && later && !super::expr::is_place(x) {
                self.computed_first(x, fx);
                *pure_so_far = true;
            }
        }
    }

    /// Computes `x`, code that ran, into a hidden local now, and refers to it by name: what
    /// comes after may then make its temporaries first without running before it.
    fn computed_first(&mut self, x: &mut Expr, fx: &mut Effects) {
        if let Some(InBlock { stmts, .. }) = &mut self.in_block_temporaries {
            // Inside a block's statements: a local of the block.
            let name = crate::syntax::names::hidden(&format!("__operand_{}", stmts.len()));
            stmts.push(match self.unsafe_depth {
                0 => syn::parse_quote!(let #name = #x;),
                _ => syn::parse_quote!(let #name = unsafe { #x };),
            });
            *x = syn::parse_quote!(#name);
            return;
        }
        let value = self.verbatim_expr(x);
        let v = self.hoist(value, "tmp");
        fx.merge(&v.effects);
        *x = syn::parse2(v.tokens).expect("a name is an expression");
    }

    /// Before edition 2024, the temporaries of the tail of a block with statements
    /// (`{ let a = …; D::new().get() }`) live to the end of the enclosing statement: in a
    /// verbatim operand, they are declared before it (`let mut __tmp;`) and assigned in the
    /// block, after its statements (`{ let a = …; __tmp = D::new(); __tmp.get() }`).
    ///
    /// When a `break` may leave the block (or an enclosing one) before its tail, its
    /// temporaries exist on some paths only: their locals hold a `Flagged` (see
    /// `Lowerer::bind_temporary`).
    fn extract_in_block_tail(&mut self, block: &mut syn::Block, fx: &mut Effects, breakable: bool) {
        let Some((syn::Stmt::Expr(tail, None), _)) = block.stmts.split_last_mut() else {
            return;
        };
        if !self.has_temporaries(tail) {
            return;
        }
        let flagged = breakable
            || self
                .in_block_temporaries
                .as_ref()
                .is_some_and(|b| b.flagged);
        let outer = self.in_block_temporaries.replace(InBlock {
            stmts: Vec::new(),
            flagged,
        });
        let mut pure_so_far = true;
        self.extract_in(tail, &mut pure_so_far, fx);
        let inner = std::mem::replace(&mut self.in_block_temporaries, outer);
        let assigns = inner.map(|b| b.stmts).unwrap_or_default();
        let at = block.stmts.len() - 1;
        block.stmts.splice(at..at, assigns);
    }

    /// Whether an rvalue is made from a borrow of a local of the coroutine: a call's result
    /// or an aggregate given `&x` (`pick(&v).0`, `Some(&m).unwrap().0`, `(&v, k).0`). Kept to
    /// the end of its statement, across a yield there, rustc accepts such a temporary only if it
    /// holds no borrow of the local or has nothing to drop; one that holds the borrow is the
    /// common case (an accessor, an option or tuple of references), and keeping it for a drop
    /// would make the state borrow itself, so it is taken to have nothing to drop.
    fn lent_a_local(&self, e: &Expr) -> bool {
        let lent = |a: &Expr| match a {
            Expr::Reference(r) => match &*r.expr {
                Expr::Path(p) => p
                    .path
                    .get_ident()
                    .is_some_and(|i| i != "self" && self.resolve(&i.to_string()).is_some()),
                _ => false,
            },
            _ => false,
        };
        match e {
            Expr::Call(c) => c.args.iter().any(lent),
            Expr::MethodCall(m) => m.args.iter().any(lent) || self.lent_a_local(&m.receiver),
            Expr::Tuple(t) => t.elems.iter().any(lent),
            Expr::Array(a) => a.elems.iter().any(lent),
            Expr::Struct(st) => st.fields.iter().any(|f| lent(&f.expr)),
            Expr::Paren(p) => self.lent_a_local(&p.expr),
            _ => false,
        }
    }

    /// A place position holding an rvalue: the rvalue becomes a hidden local.
    fn extract_place(
        &mut self,
        place: &mut Expr,
        pure_so_far: &mut bool,
        fx: &mut Effects,
        consumed: bool,
    ) {
        if !*pure_so_far {
            return;
        }
        if let Expr::Paren(p) = place {
            // `(make()).id()`: the parenthesised rvalue is the temporary.
            return self.extract_place(&mut p.expr, pure_so_far, fx, consumed);
        }
        if !is_rvalue(place) {
            self.extract_in(place, pure_so_far, fx);
            return;
        }
        // Whether it has nothing to drop, read before its own temporaries are named.
        let trivial_drop =
            crate::syntax::guess::trivially_dropped(place) || self.lent_a_local(place);
        // Its own leading temporaries first (`make().part().id()`).
        let mut inner = Effects::default();
        self.extract_in(place, pure_so_far, &mut inner);
        *pure_so_far = true;
        let mut op = self.verbatim_expr(place);
        op.effects.merge(&inner);
        let bound = match &mut self.in_block_temporaries {
            // Inside a block's statements: declared before the operand, assigned in the block.
            Some(InBlock { flagged, .. }) => {
                let flagged = *flagged;
                let t = self.declare_temporary(flagged);
                let name = self.ir.locals[t].name.clone();
                fx.merge(&op.effects);
                // Read only after it is assigned.
                fx.exposed = Some(fx.read().clone());
                fx.assigns.insert(t);
                let krate = self.krate;
                let value = match flagged {
                    true => quote::quote!(#krate::__private::Flagged::new(#op)),
                    false => op.to_token_stream(),
                };
                let assign: syn::Stmt = if self.unsafe_depth > 0 {
                    syn::parse_quote!(#name = unsafe { #value };)
                } else {
                    syn::parse_quote!(#name = #value;)
                };
                if let Some(InBlock { stmts, .. }) = &mut self.in_block_temporaries {
                    stmts.push(assign);
                }
                super::tail_temps::Bound::of(t, name, flagged, consumed, krate)
            }
            None => self.bind_temporary(op, consumed),
        };
        let t = bound.local;
        self.ir.locals[t].trivial_drop = trivial_drop;
        fx.uses.insert(t);
        if bound.moved {
            fx.moves.insert(t);
        }
        *place = syn::parse2(bound.tokens).expect("a temporary's use is an expression");
    }
}

impl Lowerer<'_> {
    /// Whether the temporaries of a block's tail expression live on to the end of the enclosing
    /// statement (before edition 2024), so that a block made only of its tail expression
    /// (`{ D::new().get() }`) keeps them as the tail alone would.
    pub(super) fn tails_pass_temporaries(&self) -> bool {
        self.edition == crate::edition::Edition::Before2024
    }

    /// Whether an expression starts with a temporary that [`Lowerer::extract_temporaries`]
    /// would bind to a local (`Noisy::new().id()`, `make().field`).
    pub fn has_temporaries(&self, e: &Expr) -> bool {
        has_temporaries(e, self.tails_pass_temporaries())
    }
}

/// The tail expression of a block that holds nothing else (`{ e }`).
pub fn tail_only(block: &syn::Block) -> Option<&Expr> {
    match block.stmts.as_slice() {
        [syn::Stmt::Expr(e, None)] => Some(e),
        _ => None,
    }
}

/// A block's tail expression.
fn tail_of(block: &syn::Block) -> Option<&Expr> {
    match block.stmts.last() {
        Some(syn::Stmt::Expr(e, None)) => Some(e),
        _ => None,
    }
}

fn tail_only_mut(block: &mut syn::Block) -> Option<&mut Expr> {
    match block.stmts.as_mut_slice() {
        [syn::Stmt::Expr(e, None)] => Some(e),
        _ => None,
    }
}

/// The tail expression of a block that holds nothing else but items (`{ fn f() {} e }`).
fn tail_after_items_mut(block: &mut syn::Block) -> Option<&mut Expr> {
    match block.stmts.split_last_mut() {
        Some((syn::Stmt::Expr(e, None), items))
            if items.iter().all(|s| matches!(s, syn::Stmt::Item(_))) =>
        {
            Some(e)
        }
        _ => None,
    }
}

/// See [`Lowerer::has_temporaries`]; `tails` says whether a block's tail passes its
/// temporaries on.
fn has_temporaries(e: &Expr, tails: bool) -> bool {
    let has = |e: &Expr| has_temporaries(e, tails);
    match e {
        // Before 2024 a block's tail passes its temporaries on, after its statements too.
        Expr::Block(b) if tails => tail_of(&b.block).is_some_and(has),
        Expr::Unsafe(u) if tails => tail_of(&u.block).is_some_and(has),
        Expr::MethodCall(m) => is_rvalue(&m.receiver) || has(&m.receiver) || m.args.iter().any(has),
        Expr::Field(f) => is_rvalue(&f.base) || has(&f.base),
        Expr::Index(i) => is_rvalue(&i.expr) || has(&i.expr) || has(&i.index),
        Expr::Reference(r) => is_rvalue(&r.expr) || has(&r.expr),
        Expr::Paren(p) => has(&p.expr),
        Expr::Cast(c) => has(&c.expr),
        Expr::Unary(u) => has(&u.expr),
        Expr::Binary(b) => has(&b.left) || has(&b.right),
        Expr::Call(c) => c.args.iter().any(has),
        Expr::Try(t) => has(&t.expr),
        Expr::Tuple(t) => t.elems.iter().any(has),
        Expr::Array(a) => a.elems.iter().any(has),
        Expr::Range(r) => r.start.as_deref().is_some_and(has) || r.end.as_deref().is_some_and(has),
        Expr::Repeat(r) => has(&r.expr),
        Expr::Group(g) => has(&g.expr),
        Expr::Match(m) => has(&m.expr),
        Expr::Struct(st) => {
            st.fields.iter().any(|f| has(&f.expr)) || st.rest.as_deref().is_some_and(has)
        }
        Expr::Macro(m) => {
            let name = crate::syntax::macros::macro_name(&m.mac);
            crate::syntax::macros::passes_temporaries(&name)
                && crate::syntax::macros::expression_macro_args(&m.mac).is_some_and(|args| {
                    let eager = crate::syntax::macros::eager_arguments(&name);
                    args.exprs().into_iter().take(eager).any(has)
                })
        }
        _ => false,
    }
}

fn is_rvalue(e: &Expr) -> bool {
    match super::expr::peel(e) {
        Expr::Call(_)
        | Expr::MethodCall(_)
        | Expr::Macro(_)
        | Expr::Struct(_)
        | Expr::Tuple(_)
        | Expr::Array(_)
        | Expr::Unsafe(_) => true,
        // A block's value (`({ n }).wrapping_add(…)`); a labelled one may `break` with it.
        Expr::Block(b) => label_unused(b),
        _ => false,
    }
}

/// Whether a block has no label, or one that nothing inside it breaks to (`'b: { e }` is `{ e }`).
pub(super) fn label_unused(b: &syn::ExprBlock) -> bool {
    b.label.as_ref().is_none_or(|l| {
        let label = l.name.to_string();
        // Conservative: `'b1` also matches inside `'b10`.
        !b.block.to_token_stream().to_string().contains(&label)
    })
}
