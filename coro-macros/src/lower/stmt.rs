//! Lowering statements and blocks.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::spanned::Spanned;
use syn::{Block, Expr, Local, Pat, Stmt};

use super::{plain, Lowerer, Want};
use crate::ir::*;
use crate::syntax::detect::{block_yields, expr_yields, stmt_diverges, yield_kind};
use crate::syntax::guess::{
    borrowing_method, keeps_borrow, owned_annotation, primitive_type, trivially_dropped,
    visibly_copy, visibly_owned,
};
use crate::syntax::scope::pattern_bindings;

impl Lowerer<'_> {
    /// Lowers the statements of a block into the current scope; returns the block's value (the
    /// tail expression, or `()`), or `None` when control never reaches the end.
    pub fn lower_stmts(
        &mut self,
        stmts: &[Stmt],
        want: Want,
        tail_home: Option<super::tail_temps::TailHome>,
    ) -> Option<Operand> {
        let tail_index = match stmts.last() {
            Some(Stmt::Expr(_, None)) => Some(stmts.len() - 1),
            _ => None,
        };
        for (i, stmt) in stmts.iter().enumerate() {
            if !self.alive() {
                // Unreachable code after a `return` or `break`: nothing to emit.
                break;
            }
            if Some(i) == tail_index {
                let Stmt::Expr(e, None) = stmt else {
                    unreachable!()
                };
                return self.with_tail_home(tail_home, |l| l.lower_expr(e, want));
            }
            self.lower_stmt(stmt);
        }
        if !self.alive() {
            return None;
        }
        Some(plain(quote!(())))
    }

    /// Lowers `{ stmts }` as a scope of its own; its value is returned as an operand.
    pub fn lower_block(&mut self, block: &Block, want: Want) -> Option<Operand> {
        if !block_yields(block) {
            let e = Expr::Block(syn::ExprBlock {
                attrs: vec![],
                label: None,
                block: block.clone(),
            });
            let op = self.verbatim_expr(&e);
            if want == Want::Discard {
                // Run it now, as a statement of its own.
                self.discard(op);
                if block.stmts.last().is_some_and(stmt_diverges) {
                    self.cursor = None;
                    return None;
                }
                return Some(plain(quote!(())));
            }
            return Some(op);
        }
        let loop_body = std::mem::take(&mut self.loop_body_tail);
        let tail_home = self.tail_home_for_new_block();
        let result = match want {
            Want::Value => Some(self.temp("block", false)),
            Want::Discard => None,
        };
        self.open_scope(result);
        let value = self.lower_stmts(&block.stmts, want, tail_home);
        if !self.alive() {
            // The scope's end is never reached; its Rust block is closed by the emitter.
            self.env.pop();
            return None;
        }
        let value = match want {
            Want::Value => value,
            // A loop body's tail is unit: left as the block's tail, its temporaries are
            // dropped after the block's locals, as rustc drops them before 2024.
            Want::Discard if loop_body && self.tails_pass_temporaries() => value,
            // The same for a block whose value is dropped (`'b: { let d = …; if let … = f(&D(1))
            // {} }`): its tail, written as is, keeps its temporaries past the block's locals as
            // the block's tail, whatever its type.
            Want::Discard
                if self.tails_pass_temporaries()
                    && matches!(block.stmts.last(), Some(Stmt::Expr(t, None))
                        if !expr_yields(t) && self.tail_makes_temporaries(t)) =>
            {
                value.map(|v| self.derived(quote!(match #v { _ => () }), &[&v]))
            }
            Want::Discard => {
                if let Some(v) = value {
                    if !is_unit_tokens(&v.tokens) {
                        self.push(Node::Stmt(Operand {
                            tokens: quote!(#v;),
                            effects: v.effects.clone(),
                        }));
                    }
                }
                None
            }
        };
        self.close_scope(value);
        Some(match result {
            Some(r) => self.local_operand(r),
            None => plain(quote!(())),
        })
    }

    /// Whether a tail written as is makes temporaries that live to the end of the enclosing
    /// statement before 2024: its own, or an `if let` or `match` scrutinee computed by a call.
    fn tail_makes_temporaries(&self, tail: &Expr) -> bool {
        let computed = |e: &Expr| {
            self.has_temporaries(e)
                || matches!(super::expr::peel(e), Expr::Call(_) | Expr::MethodCall(_))
        };
        match tail {
            Expr::If(i) => matches!(&*i.cond, Expr::Let(l) if computed(&l.expr)),
            Expr::Match(m) => computed(&m.expr),
            t => self.has_temporaries(t),
        }
    }

    pub fn lower_stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Item(item) => {
                self.note_hoisted(item);
                // Code lowered twice (a compound assignment's two orders) declares its items
                // once; so do identical items of different blocks, hoisted side by side.
                let tokens = item.to_token_stream().to_string();
                if self.hoisted_tokens.insert(tokens) {
                    self.hoisted.push(item.clone());
                }
            }
            Stmt::Local(local) => self.lower_let(local),
            Stmt::Macro(m)
                if yield_kind(&m.mac).is_some() || crate::syntax::detect::stmt_yields(stmt) =>
            {
                let e = Expr::Macro(syn::ExprMacro {
                    attrs: m.attrs.clone(),
                    mac: m.mac.clone(),
                });
                self.lower_expr_stmt(&e, true);
            }
            Stmt::Expr(e, semi) if expr_yields(e) => self.lower_expr_stmt(e, semi.is_some()),
            _ => {
                let op = self.verbatim_stmt(stmt);
                self.push(Node::Stmt(op));
                if stmt_diverges(stmt) {
                    // `return`, `break`, `panic!()`…: what follows is unreachable.
                    self.cursor = None;
                }
            }
        }
    }

    /// An expression statement that contains a yield.
    fn lower_expr_stmt(&mut self, e: &Expr, _semi: bool) {
        // Before 2024 a block's tail temporaries live to the end of the statement: it gets a
        // scope of its own for them.
        let tail_temporaries = matches!(e, Expr::Block(_)) && self.tails_pass_temporaries();
        // So does an `if let` whose scrutinee yields: its temporaries live to the statement's
        // end, not to the end of the enclosing block.
        let scrutinee_temporaries =
            matches!(e, Expr::If(i) if matches!(&*i.cond, Expr::Let(l) if expr_yields(&l.expr)));
        if is_control_flow(e) && !tail_temporaries && !scrutinee_temporaries {
            // Its own scopes hold its temporaries; its value, if any, is dropped.
            if let Some(v) = self.lower_expr(e, Want::Discard) {
                self.discard(v);
            }
            return;
        }
        // Temporaries live to the end of the statement: a scope of their own.
        self.open_scope(None);
        self.make_statement_home();
        if let Some(v) = self.lower_expr(e, Want::Discard) {
            self.discard(v);
        }
        if self.alive() {
            self.close_scope(None);
        } else {
            self.env.pop();
        }
    }

    pub fn discard(&mut self, v: Operand) {
        if !is_unit_tokens(&v.tokens) {
            let tokens = v.tokens.clone();
            self.push(Node::Stmt(Operand {
                tokens: quote!(#tokens;),
                effects: v.effects,
            }));
        }
    }

    fn lower_let(&mut self, local: &Local) {
        let init_yields = local.init.as_ref().is_some_and(|i| expr_yields(&i.expr));
        let else_yields = local
            .init
            .as_ref()
            .and_then(|i| i.diverge.as_ref())
            .is_some_and(|(_, e)| expr_yields(e));
        let pat = &local.pat;

        if !init_yields && !else_yields {
            // Verbatim `let`: compute effects before the new names are in scope.
            let (init, els) = match &local.init {
                Some(i) => {
                    let init = self.verbatim_expr(&i.expr);
                    let els = i.diverge.as_ref().map(|(_, e)| self.verbatim_expr(e));
                    (Some(init), els)
                }
                None => (None, None),
            };
            // A type written on the `let` that cannot hold a borrow settles it.
            let annotated_owned = matches!(pat, Pat::Type(t) if owned_annotation(&t.ty));
            let borrows = local
                .init
                .as_ref()
                .filter(|_| !annotated_owned)
                .and_then(|i| self.borrowed_local(&i.expr));
            let owned = local.init.as_ref().is_some_and(|i| visibly_owned(&i.expr));
            let copy = match pat {
                Pat::Type(t) => primitive_type(&t.ty),
                _ => local.init.as_ref().is_some_and(|i| visibly_copy(&i.expr)),
            };
            let trivial_drop = local
                .init
                .as_ref()
                .is_some_and(|i| trivially_dropped(&i.expr));
            let plain = init.is_some() && els.is_none() && is_plain_pattern(pat);
            let binds = self.bind_pattern(pat, init.is_none());
            if let [single] = binds.as_slice() {
                self.ir.locals[*single].plain = plain;
                self.ir.locals[*single].not_a_number = local
                    .init
                    .as_ref()
                    .is_some_and(|i| crate::syntax::guess::visibly_not_a_number(&i.expr));
                self.ir.locals[*single].borrows = borrows;
                self.ir.locals[*single].owned = owned;
                self.ir.locals[*single].copy = copy;
                self.ir.locals[*single].trivial_drop = trivial_drop;
            }
            if els.is_some() {
                // `let Some(x) = v else { … };`: a name bound by value may keep a drop flag
                // of its own, wrapped once bound (see `Emit::let_node`).
                self.mark_plain_bindings(pat, &binds);
            }
            self.push(Node::Let {
                pat: pat_tokens(pat),
                init,
                els,
                binds,
            });
            return;
        }

        let Some(init) = local.init.as_ref() else {
            return;
        };

        // `let x = yield_!(v);`: the block after the yield takes `x` itself as its parameter.
        if let (Pat::Ident(p), Expr::Macro(m), None) = (pat, &*init.expr, &init.diverge) {
            let direct = p.subpat.is_none()
                && p.by_ref.is_none()
                && yield_kind(&m.mac) == Some(crate::syntax::detect::YieldKind::Yield)
                && m.mac
                    .parse_body::<Expr>()
                    .is_ok_and(|v| !expr_yields(&v) && !self.has_temporaries(&v));
            if direct {
                self.lower_yield_into(m, p);
                return;
            }
        }

        // The initialiser yields: evaluate it in a scope of its own (its temporaries end with
        // the statement), then bind. A bare `yield_!`/`yield_from!` makes no temporaries.
        let bare_yield = matches!(&*init.expr, Expr::Macro(m) if yield_kind(&m.mac) == Some(crate::syntax::detect::YieldKind::Yield))
            && match &*init.expr {
                Expr::Macro(m) => {
                    m.mac.tokens.is_empty()
                        || m.mac
                            .parse_body::<Expr>()
                            .is_ok_and(|v| !expr_yields(&v) && !self.has_temporaries(&v))
                }
                _ => false,
            };
        let value = if init_yields && bare_yield {
            match self.lower_expr(&init.expr, Want::Value) {
                Some(v) => v,
                None => return,
            }
        } else if init_yields {
            let result = self.temp("init", false);
            self.open_statement_scope(result);
            let v = self.lower_expr(&init.expr, Want::Value);
            match v {
                Some(v) => {
                    self.close_scope(Some(v));
                    self.local_operand(result)
                }
                None => {
                    self.env.pop();
                    return;
                }
            }
        } else {
            self.verbatim_expr(&init.expr)
        };

        match &init.diverge {
            None => {
                let binds = self.bind_pattern(pat, false);
                if let [single] = binds.as_slice() {
                    self.ir.locals[*single].plain = is_plain_pattern(pat);
                    // What the initialiser's spelling shows, as for a `let` that does not
                    // yield (`D::new(4, { yield_!(p); 7 })` is not a number, seed 644245094705).
                    self.ir.locals[*single].not_a_number =
                        crate::syntax::guess::visibly_not_a_number(&init.expr);
                }
                self.push(Node::Let {
                    pat: pat_tokens(pat),
                    init: Some(value),
                    els: None,
                    binds,
                });
            }
            Some((_, els)) if !else_yields => {
                let els = self.verbatim_expr(els);
                let binds = self.bind_pattern(pat, false);
                self.mark_plain_bindings(pat, &binds);
                self.push(Node::Let {
                    pat: pat_tokens(pat),
                    init: Some(value),
                    els: Some(els),
                    binds,
                });
            }
            Some((_, els)) => {
                // The initialiser's temporaries are dropped before the `else` block runs: a
                // value that is not a place is computed by a statement of its own first.
                let value = if super::expr::is_place(&init.expr) {
                    value
                } else {
                    self.hoist_if_needed(value)
                };
                self.lower_let_else(pat, value, els)
            }
        }
    }

    /// `let P = v else { …yield… };` as `match v { P => join with the bindings, _ => else }`.
    fn lower_let_else(&mut self, pat: &syn::Pat, value: Operand, els: &Expr) {
        let names = pattern_bindings(pat);
        let tuple_param = self.temp("bound", false);
        let span = els.span();
        let join = self.new_block(BlockKind::Join, Some(tuple_param), span);

        let code = self.cursor.expect("alive");
        let mut arms = Vec::new();
        // Arm 1: the pattern matched; carry its bindings to the join block as a tuple.
        self.enter_arm_scope();
        let arm_code = self.ir.new_code();
        self.cursor = Some(arm_code);
        // The arm's pattern binds the names (known to the emitter, which renames them where
        // they shadow a local a state keeps); the tuple reads them.
        let arm_binds = self.bind_pattern(pat, false);
        let idents: Vec<_> = names.iter().map(|b| b.ident.clone()).collect();
        let tuple: Expr = syn::parse_quote!((#(#idents,)*));
        let carried = self.verbatim_expr(&tuple);
        self.terminate(Term::Jump {
            target: join,
            value: Some(carried),
        });
        self.env.pop();
        arms.push(Arm {
            guard: None,
            pat: pat_tokens(pat),
            binds: arm_binds,
            code: arm_code,
        });
        // Arm 2: the else block, which must diverge.
        self.enter_arm_scope();
        let arm_code = self.ir.new_code();
        self.cursor = Some(arm_code);
        if let Some(v) = self.lower_expr(els, Want::Discard) {
            self.discard(v);
            if self.alive() {
                self.push(Node::Stmt(plain(
                    quote!(::core::unreachable!("`let … else` must diverge");),
                )));
                self.terminate(Term::Return(plain(quote!(::core::unreachable!()))));
            }
        }
        self.env.pop();
        arms.push(Arm {
            guard: None,
            pat: quote!(_),
            binds: vec![],
            code: arm_code,
        });
        self.cursor = Some(code);
        self.terminate(Term::Branch(Branch {
            span: proc_macro2::Span::call_site(),
            kind: BranchKind::Match,
            head: value,
            arms,
        }));

        self.switch_to(join);
        let binds = self.bind_pattern(&strip_to_idents(pat), false);
        let param = self.local_operand(tuple_param);
        let pat_tokens = {
            let pats = names.iter().map(|b| {
                let id = &b.ident;
                if b.mutable {
                    quote!(mut #id)
                } else {
                    quote!(#id)
                }
            });
            quote!((#(#pats,)*))
        };
        self.push(Node::Let {
            pat: pat_tokens,
            init: Some(param),
            els: None,
            binds,
        });
    }

    /// Declares the bindings of a pattern in the current scope.
    pub fn bind_pattern(&mut self, pat: &syn::Pat, deferred: bool) -> Vec<LocalId> {
        let ids: Vec<LocalId> = pattern_bindings(pat)
            .into_iter()
            .map(|b| {
                let id = self.declare(b.ident, b.mutable, false);
                self.ir.locals[id].deferred = deferred;
                id
            })
            .collect();
        self.sites.pats.insert(pat as *const syn::Pat, ids.clone());
        ids
    }

    /// Marks the bindings of an arm's pattern (a `match` arm, `if let`, a `for` pattern) that
    /// bind a name by value (`x`, `mut x`, not `ref x` nor `x @ …`) as plain: each may keep a
    /// drop flag of its own, wrapped where the arm starts (see `liveness::flagged`).
    pub fn mark_plain_bindings(&mut self, pat: &syn::Pat, binds: &[LocalId]) {
        struct ByValue(Vec<String>);
        impl<'ast> syn::visit::Visit<'ast> for ByValue {
            fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
                if p.by_ref.is_none() && p.subpat.is_none() {
                    self.0.push(p.ident.to_string());
                }
            }
            fn visit_expr(&mut self, _: &'ast syn::Expr) {}
        }
        let mut v = ByValue(Vec::new());
        syn::visit::Visit::visit_pat(&mut v, pat);
        for &b in binds {
            if v.0.iter().any(|n| n == self.ir.locals[b].text()) {
                self.ir.locals[b].plain = true;
            }
        }
    }

    /// Notes an item hoisted out of the body.
    pub fn note_hoisted(&mut self, item: &syn::Item) {
        self.sites.hoisted.insert(item as *const syn::Item);
    }

    /// Notes the iterator local of the `for` loop whose pattern this is.
    pub fn note_for_iterator(&mut self, pat: &syn::Pat, iter: LocalId) {
        self.sites.for_iters.insert(pat as *const syn::Pat, iter);
    }

    /// The local of this coroutine that a value surely borrows, when that is visible in the
    /// syntax: `&x` (any local), or `&x.field`, `&x[i]`, `x.iter()`, `x.name.chars().rev()`
    /// on a local known to own its value. A borrowing method counts only when every method after
    /// it is an adapter that keeps the borrow (`v.iter().map(…)`): `v.iter().sum()` or
    /// `line.split(',').count()` may hold none. A projection through a reference (a `&T`
    /// parameter, `&*p`) borrows what it points to, not the local: that is rustc's to judge.
    pub fn borrowed_local(&self, e: &Expr) -> Option<LocalId> {
        let mut base = e;
        // Walk down a method chain to its first call, outermost method first.
        let mut methods: Vec<String> = Vec::new();
        while let Expr::MethodCall(m) = base {
            methods.push(m.method.to_string());
            base = &m.receiver;
        }
        let by_method = !methods.is_empty();
        if let Some((first, later)) = methods.split_last() {
            if !borrowing_method(first) || !later.iter().all(|m| keeps_borrow(m)) {
                return None;
            }
        } else if let Expr::Reference(r) = base {
            base = &r.expr;
        } else {
            return None;
        }
        let mut projected = false;
        loop {
            match base {
                Expr::Field(f) => {
                    base = &f.base;
                    projected = true;
                }
                Expr::Index(i) => {
                    base = &i.expr;
                    projected = true;
                }
                Expr::Paren(p) => base = &p.expr,
                _ => break,
            }
        }
        let local = match base {
            Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                self.resolve(&p.path.segments[0].ident.to_string())?
            }
            _ => return None,
        };
        // Through a method or a projection, only a local known to own its value is borrowed
        // itself; `text.split(…)` on a `&str` parameter borrows what `text` points to.
        if (by_method || projected) && !self.ir.locals[local].owned {
            return None;
        }
        Some(local)
    }
}

/// `if`, `match`, loops and blocks: statements whose value is usually `()`.
pub fn is_control_flow(e: &Expr) -> bool {
    matches!(
        e,
        Expr::If(_)
            | Expr::Match(_)
            | Expr::Loop(_)
            | Expr::While(_)
            | Expr::ForLoop(_)
            | Expr::Block(_)
    )
}

pub fn is_unit_tokens(t: &TokenStream) -> bool {
    t.to_string().replace(' ', "") == "()"
}

fn pat_tokens(pat: &syn::Pat) -> TokenStream {
    pat.to_token_stream()
}

/// The bindings of a pattern as a pattern of plain identifiers (for the `let … else` join).
fn strip_to_idents(pat: &syn::Pat) -> syn::Pat {
    let names = pattern_bindings(pat);
    let pats = names.iter().map(|b| {
        let id = &b.ident;
        if b.mutable {
            quote!(mut #id)
        } else {
            quote!(#id)
        }
    });
    syn::parse_quote!((#(#pats,)*))
}

/// `x`, `mut x`, `x: T`: a pattern that binds one name to the whole value.
fn is_plain_pattern(pat: &Pat) -> bool {
    match pat {
        Pat::Ident(p) => p.by_ref.is_none() && p.subpat.is_none(),
        Pat::Type(t) => is_plain_pattern(&t.pat),
        _ => false,
    }
}
