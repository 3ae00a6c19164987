//! The type-discovery pass: the body once more as plain code, in a closure that is never called,
//! telling the compiler each saved local's type before any state is built.
//!
//! Each `State::X { .. }` the step closure builds brings in every type parameter of the state
//! enum, and a parameter is known only once a variant holding it has been built earlier in
//! check order; until then every construction leaves obligations pending, which rustc re-scans
//! at every call: type checking grew as n^2.5 with the body (research/compile-time.md). Here the
//! body comes first, as the user wrote it (`yield_!(e)` read as a call giving the resume type,
//! `yield_from!(c)` as one giving `c`'s return type), with a *witness* after each binding of a
//! saved local that ties its type to its parameter: when the step closure is checked, every
//! parameter is a known type and each construction is settled at once. The closure is never
//! called, so no code is generated for it.
//!
//! A witness is left out where the two copies of the code would not have the same type: a
//! value made with a closure or an `async` block (each copy has a type of its own), and a `let`
//! without a value. Items declared in the body are left out (the hoisted ones are in scope).
//! Rustc reports an error in the user's code once: the two copies' diagnostics are identical,
//! and rustc emits identical diagnostics once.

use rustc_hash::FxHashMap as HashMap;

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::{quote, ToTokens};
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Stmt, Type};

use crate::ir::{Ir, LocalId};
use crate::lower::Sites;
use crate::syntax::detect::{yield_kind, YieldKind};
use crate::syntax::macros::expression_macro_args;
use crate::syntax::scope::pattern_bindings;

pub struct Discovery<'a> {
    pub ir: &'a Ir,
    pub sites: &'a Sites,
    /// Each saved local's type parameter, by its position in the `tys` tuple.
    pub params: &'a HashMap<LocalId, usize>,
    /// The tuple of `PhantomData`s, one per type parameter of the state enum.
    pub tys: &'a Ident,
    pub krate: &'a syn::Path,
    pub yield_ty: &'a Type,
    pub resume_ty: &'a Type,
}

impl Discovery<'_> {
    /// The body rewritten as the pass's plain code, with its witnesses.
    pub fn body(&self, body: &syn::Block) -> TokenStream {
        let mut block = body.clone();
        let mut pass = Pass {
            d: self,
            next_pattern: 0,
            condition_sites: Vec::new(),
            next_item: 0,
        };
        pass.visit_block_mut(&mut block);
        // A yield's resume argument has the resume type: witnessed by type.
        let mut by_type = TokenStream::new();
        let (krate, tys, a) = (self.krate, self.tys, self.resume_ty);
        for block in &self.ir.blocks {
            if let (crate::ir::BlockKind::AfterYield, Some(p)) = (block.kind, block.param) {
                if let Some(k) = self.params.get(&p) {
                    let k = syn::Index::from(*k);
                    by_type.extend(quote!(#krate::__private::witness_type(&#tys.#k, ::core::marker::PhantomData::<#a>);));
                }
            }
        }
        let stmts = &block.stmts;
        let tap =
            (!self.sites.op_assigns.is_empty()).then(|| quote!(use #krate::__private::Tap as _;));
        quote!({ #tap #by_type #(#stmts)* })
    }

    /// A compound assignment whose order the step asks the types for (see `lower::assign`),
    /// as `match tap(&probe.v, value) { v => *place.__coro_tap(&probe.p) op= v }`: the two
    /// types tied to the probe. The value comes first, as in both of the step's orders (the
    /// place-first one computes only the indices before the value, and borrows the place once
    /// the value is there, as rustc's two-phase borrow of an overloaded operator's place lets
    /// the value read the place's root); a `match` keeps the value's temporaries to the end,
    /// as the statement would (`s += &format!(…)`).
    fn tap_probe(&self, e: &mut Expr) {
        let Expr::Binary(b) = e else {
            return;
        };
        let Some(&k) = self.sites.op_assigns.get(&crate::lower::op_assign_key(b)) else {
            return;
        };
        let (krate, probe) = (self.krate, crate::syntax::names::hidden("__coro_probe"));
        let (p, v) = (syn::Index::from(2 * k), syn::Index::from(2 * k + 1));
        let (left, op, right) = (&b.left, &b.op, &b.right);
        let value = crate::syntax::names::hidden("__coro_tapped");
        if let Ok(tapped) = syn::parse2(quote!(
            match #krate::__private::tap(&#probe.#v, #right) {
                #value => *(#left).__coro_tap(&#probe.#p) #op #value,
            }
        )) {
            *e = tapped;
        }
    }

    /// `witness(&tys.k, &name);` for each saved local this pattern site binds.
    fn witnesses(&self, site: usize, pat: &syn::Pat) -> Vec<Stmt> {
        let Some(ids) = self.sites.pats.get(&site) else {
            return Vec::new();
        };
        let (krate, tys) = (self.krate, self.tys);
        pattern_bindings(pat)
            .iter()
            .zip(ids)
            .filter_map(|(b, id)| {
                let k = syn::Index::from(*self.params.get(id)?);
                let name = &b.ident;
                Some(syn::parse_quote!(#krate::__private::witness(&#tys.#k, &#name);))
            })
            .collect()
    }
}

struct Pass<'d, 'a> {
    d: &'d Discovery<'a>,
    /// The number of the next pattern in a pre-order walk (as `lower::pattern_numbers`).
    next_pattern: usize,
    /// The `let`s of the `if`/`while` conditions being read: (site, pattern, witnessable).
    condition_sites: Vec<(usize, syn::Pat, bool)>,
    /// The number of the next item in a pre-order walk (as `lower::item_numbers`).
    next_item: usize,
}

impl Pass<'_, '_> {
    /// The expression a yield or a delegation stands for in the pass.
    fn replace_yield(&self, mac: &syn::Macro, kind: YieldKind) -> Expr {
        let (krate, a, y) = (self.d.krate, self.d.resume_ty, self.d.yield_ty);
        let mut arg: Expr = if mac.tokens.is_empty() {
            syn::parse_quote!(())
        } else {
            match mac.parse_body() {
                Ok(e) => e,
                Err(_) => return syn::parse_quote!(::core::unreachable!()),
            }
        };
        Yields(self).visit_expr_mut(&mut arg);
        // In parentheses: after `break 'label`, a path starting with `::` would read as a
        // labelled expression (`'label: …`).
        match kind {
            YieldKind::Yield => syn::parse_quote!((#krate::__private::resumed::<#a, #y>(#arg))),
            YieldKind::YieldFrom => {
                syn::parse_quote!((#krate::__private::delegated::<#a, _>(#arg)))
            }
        }
    }
}

/// Replaces the yields nested in a yield's argument, numbering nothing (the lowering's own
/// patterns in there have no site).
struct Yields<'p, 'd, 'a>(&'p Pass<'d, 'a>);

impl VisitMut for Yields<'_, '_, '_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::Macro(m) = e {
            if let Some(kind) = yield_kind(&m.mac) {
                *e = self.0.replace_yield(&m.mac, kind);
                return;
            }
        }
        visit_mut::visit_expr_mut(self, e);
        if matches!(e, Expr::Binary(b) if crate::lower::is_compound_assign(&b.op)) {
            self.0.d.tap_probe(e);
        }
    }

    fn visit_stmt_mut(&mut self, s: &mut Stmt) {
        if let Stmt::Macro(m) = s {
            if let Some(kind) = yield_kind(&m.mac) {
                *s = Stmt::Expr(self.0.replace_yield(&m.mac, kind), Some(Default::default()));
                return;
            }
        }
        visit_mut::visit_stmt_mut(self, s);
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        replace_in_macro_args(self.0, mac);
    }
}

/// The yields in the arguments of one of std's expression macros (`println!("{}", yield_!(x))`).
fn replace_in_macro_args(pass: &Pass, mac: &mut syn::Macro) {
    let Some(args) = expression_macro_args(mac) else {
        return;
    };
    let values: Vec<TokenStream> = args
        .exprs()
        .into_iter()
        .map(|e| {
            let mut e = e.clone();
            Yields(pass).visit_expr_mut(&mut e);
            e.into_token_stream()
        })
        .collect();
    mac.tokens = args.rebuild(&values);
}

/// Whether tokens may make a closure or an `async` block (any `|`, `move` or `async`).
fn may_make_closures(t: &TokenStream) -> bool {
    t.clone().into_iter().any(|tt| match tt {
        TokenTree::Punct(p) => p.as_char() == '|',
        TokenTree::Ident(i) => i == "move" || i == "async",
        TokenTree::Group(g) => may_make_closures(&g.stream()),
        TokenTree::Literal(_) => false,
    })
}

impl VisitMut for Pass<'_, '_> {
    fn visit_pat_mut(&mut self, p: &mut syn::Pat) {
        self.next_pattern += 1;
        visit_mut::visit_pat_mut(self, p);
    }

    fn visit_item_mut(&mut self, i: &mut syn::Item) {
        self.next_item += 1;
        visit_mut::visit_item_mut(self, i);
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        // Not numbered: `lower::pattern_numbers` does not read macro arguments either.
        replace_in_macro_args(self, mac);
    }

    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        let mut out = Vec::with_capacity(b.stmts.len());
        for mut s in std::mem::take(&mut b.stmts) {
            let site = self.next_pattern;
            let item = self.next_item;
            self.visit_stmt_mut(&mut s);
            match &s {
                // Numbered, then left out if hoisted: the hoisted copy is in scope (a copy
                // here would be another type).
                Stmt::Item(_) if self.d.sites.hoisted_items.contains(&item) => continue,
                Stmt::Local(l) => {
                    let witnessed = l
                        .init
                        .as_ref()
                        .is_some_and(|i| !may_make_closures(&i.expr.to_token_stream()));
                    let witnesses = if witnessed {
                        self.d.witnesses(site, &l.pat)
                    } else {
                        Vec::new()
                    };
                    out.push(s);
                    out.extend(witnesses);
                }
                _ => out.push(s),
            }
        }
        b.stmts = out;
    }

    fn visit_stmt_mut(&mut self, s: &mut Stmt) {
        if let Stmt::Macro(m) = s {
            if let Some(kind) = yield_kind(&m.mac) {
                let e = self.replace_yield(&m.mac, kind);
                *s = Stmt::Expr(e, Some(Default::default()));
                return;
            }
        }
        visit_mut::visit_stmt_mut(self, s);
    }

    fn visit_expr_mut(&mut self, e: &mut Expr) {
        match e {
            Expr::Macro(m) => match yield_kind(&m.mac) {
                Some(kind) => *e = self.replace_yield(&m.mac, kind),
                None => replace_in_macro_args(self, &mut m.mac),
            },
            Expr::ForLoop(f) => {
                let site = self.next_pattern;
                visit_mut::visit_expr_for_loop_mut(self, f);
                let witnessed = !may_make_closures(&f.expr.to_token_stream());
                let mut witnesses = if witnessed {
                    self.d.witnesses(site, &f.pat)
                } else {
                    Vec::new()
                };
                let iter = self
                    .d
                    .sites
                    .for_iters
                    .get(&site)
                    .and_then(|id| self.d.params.get(id))
                    .filter(|_| witnessed);
                if iter.is_none() && witnesses.is_empty() {
                    return;
                }
                witnesses.append(&mut f.body.stmts);
                f.body.stmts = witnesses;
                if let Some(k) = iter {
                    // Written as its desugaring, so that the iterator has a name to witness.
                    let (krate, tys, k) = (self.d.krate, self.d.tys, syn::Index::from(*k));
                    let (pat, iterable) = (&f.pat, &f.expr);
                    let it = crate::syntax::names::hidden("__coro_iter");
                    // Built around the loop's own label and body rather than printed and parsed
                    // again: the body may be most of the coroutine.
                    let head = syn::parse2::<syn::Block>(quote!({
                        let mut #it = ::core::iter::IntoIterator::into_iter(#iterable);
                        #krate::__private::witness(&#tys.#k, &#it);
                    }));
                    let looped = syn::parse2::<syn::ExprWhile>(quote!(
                        while let ::core::option::Option::Some(#pat) = ::core::iter::Iterator::next(&mut #it) {}
                    ));
                    // (Kept as a `for` without the iterator's witness should it not parse: the
                    // pass only speeds type checking up.)
                    let (Ok(head), Ok(mut looped)) = (head, looped) else {
                        return;
                    };
                    looped.label = f.label.take();
                    looped.body = std::mem::replace(&mut f.body, syn::parse_quote!({}));
                    let mut stmts = head.stmts;
                    stmts.push(syn::Stmt::Expr(Expr::While(looped), None));
                    *e = block_expr(stmts);
                }
            }
            Expr::Match(m) => {
                self.visit_expr_mut(&mut m.expr);
                let witnessed = !may_make_closures(&m.expr.to_token_stream());
                for arm in m.arms.iter_mut() {
                    let site = self.next_pattern;
                    visit_mut::visit_arm_mut(self, arm);
                    let witnesses = if witnessed {
                        self.d.witnesses(site, &arm.pat)
                    } else {
                        Vec::new()
                    };
                    if !witnesses.is_empty() {
                        let body = std::mem::replace(&mut *arm.body, Expr::Verbatim(quote!()));
                        let mut stmts = witnesses;
                        stmts.push(Stmt::Expr(body, None));
                        *arm.body = block_expr(stmts);
                    }
                }
            }
            Expr::If(i) => {
                let mark = self.condition_sites.len();
                self.visit_expr_mut(&mut i.cond);
                let sites: Vec<_> = self.condition_sites.drain(mark..).collect();
                self.visit_block_mut(&mut i.then_branch);
                if let Some((_, els)) = &mut i.else_branch {
                    self.visit_expr_mut(els);
                }
                self.witness_condition(sites, &mut i.then_branch);
            }
            Expr::While(w) => {
                let mark = self.condition_sites.len();
                self.visit_expr_mut(&mut w.cond);
                let sites: Vec<_> = self.condition_sites.drain(mark..).collect();
                self.visit_block_mut(&mut w.body);
                self.witness_condition(sites, &mut w.body);
            }
            Expr::Let(l) => {
                let site = self.next_pattern;
                visit_mut::visit_expr_let_mut(self, l);
                let witnessed = !may_make_closures(&l.expr.to_token_stream());
                self.condition_sites
                    .push((site, (*l.pat).clone(), witnessed));
            }
            Expr::Binary(b) if crate::lower::is_compound_assign(&b.op) => {
                visit_mut::visit_expr_binary_mut(self, b);
                self.d.tap_probe(e);
            }
            _ => visit_mut::visit_expr_mut(self, e),
        }
    }
}

impl Pass<'_, '_> {
    /// Witnesses, at the start of the then-block or loop body, the locals its condition binds.
    fn witness_condition(&self, sites: Vec<(usize, syn::Pat, bool)>, block: &mut syn::Block) {
        let mut witnesses: Vec<Stmt> = sites
            .iter()
            .filter(|(_, _, witnessed)| *witnessed)
            .flat_map(|(site, pat, _)| self.d.witnesses(*site, pat))
            .collect();
        if !witnesses.is_empty() {
            witnesses.append(&mut block.stmts);
            block.stmts = witnesses;
        }
    }
}

/// `{ stmts }` as an expression, built rather than printed and parsed again.
fn block_expr(stmts: Vec<Stmt>) -> Expr {
    Expr::Block(syn::ExprBlock {
        attrs: Vec::new(),
        label: None,
        block: syn::Block {
            brace_token: Default::default(),
            stmts,
        },
    })
}
