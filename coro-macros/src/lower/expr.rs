//! Lowering expressions that contain a yield.
//!
//! Rust evaluates operands left to right. When a later operand yields, an earlier one must be
//! computed before the yield: it is stored in a temporary (`__tmpN`) that the state saves. Places
//! (`x`, `x.field`, `&x`, literals) are left where they are instead: a borrow cannot be saved
//! across a yield, and reading a place later gives the same value, since nothing else can change a
//! coroutine's locals while it is suspended, unless a later operand of the same expression does
//! (`[v, { v += yield_!(x); v }]`): such a place is copied early. Yield-free operands bind their
//! temporaries (`D::new().get()`) to hidden locals of the statement's scope, since the value they
//! are part of may be stored before the statement ends.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::Expr;

use super::assign::{assigned_local, is_compound_assign};
use super::{Lowerer, Want};
use crate::ir::*;
use crate::syntax::detect::{expr_yields, yield_kind, YieldKind};
use crate::syntax::names::is_a_name;

impl Lowerer<'_> {
    /// Lowers an expression; returns the operand holding its value, or `None` when control
    /// never comes back (a `return`, `break`, …).
    pub fn lower_expr(&mut self, e: &Expr, want: Want) -> Option<Operand> {
        if !expr_yields(e) {
            let op = if self.keeps_temporaries() && self.has_temporaries(e) {
                // Its temporaries outlive a later yield or the block's locals (see
                // `tail_temps`).
                self.extract_temporaries(e)
            } else {
                self.verbatim_expr(e)
            };
            let stmt = syn::Stmt::Expr(e.clone(), Some(Default::default()));
            if crate::syntax::detect::stmt_diverges(&stmt) {
                // `return x`, `break`, `panic!()`: control does not come back.
                self.push(Node::Stmt(Operand {
                    tokens: quote!(#op;),
                    effects: op.effects,
                }));
                self.cursor = None;
                return None;
            }
            return Some(op);
        }
        match e {
            Expr::Macro(m) => match yield_kind(&m.mac) {
                Some(YieldKind::Yield) => self.lower_yield(m, want),
                Some(YieldKind::YieldFrom) => self.lower_yield_from(m, want),
                None => self.lower_expression_macro(m),
            },
            Expr::Paren(p) => self.lower_expr(&p.expr, want),
            Expr::Group(g) => self.lower_expr(&g.expr, want),
            Expr::Block(b) => {
                if let Some(label) = b.label.as_ref().filter(|_| !super::temps::label_unused(b)) {
                    self.lower_labeled_block(label, &b.block, want)
                } else if let Some(tail) = super::temps::tail_only(&b.block)
                    .filter(|t| self.tails_pass_temporaries() && !is_place(t))
                {
                    // `{ e }` is `e` for its temporaries (see `tails_pass_temporaries`); `{ x }`
                    // is not `x` (it moves it).
                    self.lower_expr(tail, want)
                } else {
                    self.lower_block(&b.block, want)
                }
            }
            // A tail's temporaries made in a branch exist on some paths only.
            Expr::If(i) => self.in_branch(|l| l.lower_if(i, want)),
            Expr::Match(m) => self.in_branch(|l| l.lower_match(m, want)),
            Expr::Loop(l) => self.lower_loop(l, want),
            Expr::While(w) => self.lower_while(w),
            Expr::ForLoop(f) => self.lower_for(f),
            Expr::Return(r) => self.lower_return(r),
            Expr::Break(b) => self.lower_break(b),
            Expr::Try(t) => self.lower_try(t),
            Expr::Binary(b) => self.lower_binary(b),
            Expr::Unary(u) => {
                let v = self.lower_expr(&u.expr, Want::Value)?;
                let op = &u.op;
                Some(self.derived(quote!(#op #v), &[&v]))
            }
            Expr::Cast(c) => {
                let v = self.lower_expr(&c.expr, Want::Value)?;
                let ty = &c.ty;
                Some(self.derived(quote!((#v as #ty)), &[&v]))
            }
            Expr::Reference(r) => {
                let v = self.lower_expr(&r.expr, Want::Value)?;
                let m = &r.mutability;
                Some(self.derived(quote!(&#m #v), &[&v]))
            }
            Expr::Field(f) => {
                let v = self.lower_expr(&f.base, Want::Value)?;
                let v = self.keep_temporary(v, &f.base, false);
                let member = &f.member;
                Some(self.derived(quote!(#v.#member), &[&v]))
            }
            Expr::Call(c) => {
                let mut items: Vec<&Expr> = vec![&c.func];
                items.extend(c.args.iter());
                let ops = self.lower_operands(&items, Passing::FirstInPlace)?;
                let (func, args) = ops.split_first().expect("func");
                let refs: Vec<&Operand> = ops.iter().collect();
                Some(self.derived(quote!(#func(#(#args),*)), &refs))
            }
            Expr::MethodCall(m) => {
                let mut items: Vec<&Expr> = vec![&m.receiver];
                items.extend(m.args.iter());
                let mut ops = self.lower_operands(&items, Passing::FirstInPlace)?;
                let consumes = crate::syntax::guess::consumes_receiver(&m.method.to_string());
                if consumes && !expr_yields(&m.receiver) {
                    // A receiver kept in place (a local) is still moved by a consuming method
                    // (`d.add(yield_!(x))`): what it moves is what reading it as a value moves.
                    let moved = self.verbatim_expr(&m.receiver).effects.moves;
                    ops[0].effects.moves.extend(moved);
                }
                if expr_yields(&m.receiver) {
                    // A temporary receiver lives to the end of the statement, past later yields.
                    let method = m.method.to_string();
                    ops[0] = self.keep_temporary(
                        ops[0].clone(),
                        &m.receiver,
                        crate::syntax::guess::consumes_receiver(&method),
                    );
                }
                let (recv, args) = ops.split_first().expect("receiver");
                let method = &m.method;
                let turbofish = &m.turbofish;
                let refs: Vec<&Operand> = ops.iter().collect();
                Some(self.derived(quote!(#recv.#method #turbofish(#(#args),*)), &refs))
            }
            Expr::Tuple(t) => {
                let items: Vec<&Expr> = t.elems.iter().collect();
                let ops = self.lower_operands(&items, Passing::ByValue)?;
                let refs: Vec<&Operand> = ops.iter().collect();
                let tokens = if ops.len() == 1 {
                    quote!((#(#ops,)*))
                } else {
                    quote!((#(#ops),*))
                };
                Some(self.derived(tokens, &refs))
            }
            Expr::Array(a) => {
                let items: Vec<&Expr> = a.elems.iter().collect();
                let ops = self.lower_operands(&items, Passing::ByValue)?;
                let refs: Vec<&Operand> = ops.iter().collect();
                Some(self.derived(quote!([#(#ops),*]), &refs))
            }
            Expr::Repeat(r) => {
                let v = self.lower_expr(&r.expr, Want::Value)?;
                let len = &r.len;
                Some(self.derived(quote!([#v; #len]), &[&v]))
            }
            Expr::Index(i) => {
                let ops = self.lower_operands(&[&i.expr, &i.index], Passing::FirstInPlace)?;
                let (a, b) = (&ops[0], &ops[1]);
                Some(self.derived(quote!(#a[#b]), &[a, b]))
            }
            Expr::Range(r) => {
                let mut items = Vec::new();
                if let Some(s) = &r.start {
                    items.push(&**s);
                }
                if let Some(e) = &r.end {
                    items.push(&**e);
                }
                let ops = self.lower_operands(&items, Passing::ByValue)?;
                let limits = &r.limits;
                let mut it = ops.iter();
                let start = r.start.as_ref().map(|_| it.next().expect("start"));
                let end = r.end.as_ref().map(|_| it.next().expect("end"));
                let refs: Vec<&Operand> = ops.iter().collect();
                Some(self.derived(quote!((#start #limits #end)), &refs))
            }
            Expr::Struct(s) => {
                let mut items: Vec<&Expr> = s.fields.iter().map(|f| &f.expr).collect();
                if let Some(rest) = &s.rest {
                    items.push(rest);
                }
                let ops = self.lower_operands(&items, Passing::ByValue)?;
                let path = &s.path;
                let qself = &s.qself;
                if qself.is_some() {
                    self.error(s.span(), "a yield inside a struct literal with a qualified path is not supported: bind the yielded value to a local first");
                    return None;
                }
                let fields = s.fields.iter().zip(&ops).map(|(f, op)| {
                    let member = &f.member;
                    quote!(#member: #op)
                });
                let rest = s.rest.as_ref().map(|_| {
                    let op = ops.last().expect("rest operand");
                    quote!(.. #op)
                });
                let refs: Vec<&Operand> = ops.iter().collect();
                Some(self.derived(quote!(#path { #(#fields,)* #rest }), &refs))
            }
            Expr::Assign(a) => {
                // The assigned value is evaluated before the place (its temporaries live
                // past the place's yields).
                let v = if expr_yields(&a.left) {
                    self.with_yield_following(|l| l.lower_expr(&a.right, Want::Value))?
                } else {
                    self.lower_expr(&a.right, Want::Value)?
                };
                let v = self.hoist_if_needed(v);
                let left = self.lower_place(&a.left)?;
                let op = match assigned_local(&a.left, self) {
                    // `x = v` overwrites `x` without reading it.
                    Some(x) => {
                        let mut op = self.derived(quote!(#left = #v), &[&v]);
                        op.effects.assigns.insert(x);
                        op
                    }
                    None => self.derived(quote!(#left = #v), &[&left, &v]),
                };
                self.push(Node::Stmt(Operand {
                    tokens: quote!(#op;),
                    effects: op.effects,
                }));
                Some(super::plain(quote!(())))
            }
            Expr::Let(l) => {
                self.error(
                    l.span(),
                    "`let` with a yield is only supported as the condition of `if` or `while`",
                );
                None
            }
            Expr::Unsafe(u) => {
                self.unsafe_depth += 1;
                let v = match super::temps::tail_only(&u.block) {
                    // As for `{ e }`, in unsafe code.
                    Some(tail) if self.tails_pass_temporaries() && !is_place(tail) => {
                        // Its value is the user's code too: in `unsafe { }` again.
                        self.lower_expr(tail, want).map(|v| Operand {
                            tokens: quote!(unsafe { #v }),
                            effects: v.effects,
                        })
                    }
                    _ => self.lower_block(&u.block, want),
                };
                self.unsafe_depth -= 1;
                v
            }
            other => {
                self.error(
                    other.span(),
                    "`yield_!` is not supported inside this kind of expression: bind the yielded value to a local with `let` first",
                );
                None
            }
        }
    }

    /// Lowers operands in order. Operands before the last one that yields are evaluated into
    /// temporaries first, unless they are places (see the module docs) that no later operand
    /// changes. `passing` says which operands Rust uses in place and which it moves.
    pub fn lower_operands(&mut self, items: &[&Expr], passing: Passing) -> Option<Vec<Operand>> {
        let first_by_ref = passing == Passing::FirstInPlace;
        let last_yield = items.iter().rposition(|e| expr_yields(e));
        let mut ops = Vec::with_capacity(items.len());
        for (i, e) in items.iter().enumerate() {
            let before_a_yield = last_yield.is_some_and(|l| i < l);
            if expr_yields(e) {
                let v = if before_a_yield {
                    let v = self.with_yield_following(|l| l.lower_expr(e, Want::Value))?;
                    self.hoist_if_needed(v)
                } else {
                    self.lower_expr(e, Want::Value)?
                };
                ops.push(v);
            } else if before_a_yield && !is_place(e) {
                // Its temporaries live to the end of the statement, past the yield.
                let v = self.extract_temporaries(e);
                ops.push(self.hoist(v, "tmp"));
            } else if is_place(e) {
                let changed_later = before_a_yield
                    && !(first_by_ref && i == 0)
                    && place_root(e).is_some_and(|root| {
                        items[i + 1..].iter().any(|later| may_change(later, &root))
                    });
                if changed_later {
                    // `[v, { v += yield_!(x); 0 }]`: `v` is read before the later operand
                    // changes it.
                    let v = self.verbatim_expr(e);
                    ops.push(self.hoist(v, "tmp"));
                } else if passing.by_value(i) {
                    // Kept in place until the expression runs, which then moves it.
                    ops.push(self.verbatim_expr(e));
                } else {
                    ops.push(self.verbatim_place(e));
                }
            } else if ops.iter().all(|o: &Operand| is_a_name(&o.tokens)) {
                // Its temporaries belong to the statement even when what it is part of is
                // stored before the statement ends (`(yield_!(a), D::new().get()).0` as a
                // receiver, or before a later yield): they become hidden locals of the
                // statement's scope. Only when the operands before it are already computed:
                // binding a temporary now must not run it before the rest of an earlier
                // operand (`opt(yield_!(a))? == D::new().get()`).
                ops.push(self.extract_temporaries(e));
            } else if self.has_temporaries(e) {
                // Its temporaries belong to the statement (or outlive the block's locals, see
                // `tail_temps`) even when what it is part of is stored before the statement
                // ends: the operands before it that run code are computed first (places and
                // constants stay: nothing here can change them), then they are made hidden
                // locals.
                for j in 0..i {
                    if !is_place(items[j]) {
                        ops[j] = self.hoist_if_needed(ops[j].clone());
                    }
                }
                ops.push(self.extract_temporaries(e));
            } else {
                ops.push(self.verbatim_expr(e));
            }
        }
        Some(ops)
    }

    /// An rvalue in a place position (`make(yield_!(x)).id()`): Rust keeps it to the end of the
    /// statement, so it becomes a hidden local of the statement's scope. A consumed one moves.
    fn keep_temporary(&mut self, v: Operand, source: &Expr, consumed: bool) -> Operand {
        let rvalue = matches!(
            peel(source),
            Expr::Call(_) | Expr::MethodCall(_) | Expr::Struct(_) | Expr::Tuple(_) | Expr::Array(_)
        );
        if !rvalue || is_a_name(&v.tokens) {
            return v;
        }
        let bound = self.bind_temporary(v, consumed);
        let mut op = self.local_operand(bound.local);
        op.tokens = bound.tokens;
        if !bound.moved {
            op.effects.moves.remove(&bound.local);
        }
        op
    }

    /// One of std's expression macros with a yield in its arguments (`println!("{}",
    /// yield_!(x))`, `vec![a, yield_!(b)]`, `assert_eq!(yield_!(x), 3)`): its arguments are
    /// lowered in order as a call's are, and the macro is written again with their values.
    fn lower_expression_macro(&mut self, m: &syn::ExprMacro) -> Option<Operand> {
        let name = crate::syntax::macros::macro_name(&m.mac);
        if !crate::syntax::macros::ends_temporaries(&name) {
            return self.lower_macro_call(m, &name);
        }
        // Its expansion is a block with a statement of its own (`format!`'s `let res = …;`):
        // the arguments' temporaries are dropped when it returns, as in a condition.
        let result = self.temp("value", false);
        self.open_statement_scope(result);
        let v = self.lower_macro_call(m, &name);
        if !self.alive() {
            self.env.pop();
            return None;
        }
        self.close_scope(v);
        Some(self.local_operand(result))
    }

    fn lower_macro_call(&mut self, m: &syn::ExprMacro, name: &str) -> Option<Operand> {
        let Some(args) = crate::syntax::macros::expression_macro_args(&m.mac) else {
            self.error(m.span(), "internal: a yielding macro that is not yield_!");
            return None;
        };
        let exprs = args.exprs();
        let passing = if crate::syntax::guess::borrows_arguments(name) {
            Passing::ByRef
        } else {
            Passing::ByValue
        };
        // An assertion's message is evaluated only when it fails: it stays in the macro.
        let eager = crate::syntax::macros::eager_arguments(name).min(exprs.len());
        let lazy_yields = exprs[eager..].iter().any(|e| expr_yields(e));
        let mut ops = if lazy_yields {
            self.lower_operands(&exprs, passing)?
        } else {
            self.lower_operands(&exprs[..eager], passing)?
        };
        if !lazy_yields {
            ops.extend(exprs[eager..].iter().map(|e| self.verbatim_expr(e)));
        }
        let values: Vec<TokenStream> = ops.iter().map(|o| o.tokens.clone()).collect();
        let (path, bang) = (&m.mac.path, &m.mac.bang_token);
        let inner = args.rebuild(&values);
        let tokens = match m.mac.delimiter {
            syn::MacroDelimiter::Paren(_) => quote!(#path #bang (#inner)),
            syn::MacroDelimiter::Brace(_) => quote!(#path #bang {#inner}),
            syn::MacroDelimiter::Bracket(_) => quote!(#path #bang [#inner]),
        };
        let refs: Vec<&Operand> = ops.iter().collect();
        let mut op = self.derived(tokens, &refs);
        // A format string reads the names it captures (`"{a}"`).
        for e in &exprs {
            if let Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = e
            {
                for name in crate::syntax::scope::format_captures(&s.value()) {
                    if let Some(l) = self.resolve(&name) {
                        op.effects.uses.insert(l);
                        if let Some(exposed) = &mut op.effects.exposed {
                            exposed.insert(l);
                        }
                    }
                }
            }
        }
        // Formatting and assertions only borrow their arguments.
        if crate::syntax::guess::borrows_arguments(name) {
            for o in &ops {
                for l in &o.effects.uses {
                    if !o.tokens.is_empty() && is_a_name(&o.tokens) {
                        op.effects.moves.remove(l);
                    }
                }
            }
        }
        Some(op)
    }

    /// Temporaries and block parameters are already computed; anything else is stored now.
    pub(super) fn hoist_if_needed(&mut self, v: Operand) -> Operand {
        if is_a_name(&v.tokens) {
            v
        } else {
            self.hoist(v, "tmp")
        }
    }

    /// An operand built from others: its effects are theirs.
    pub(super) fn derived(&self, tokens: TokenStream, parts: &[&Operand]) -> Operand {
        let mut effects = Effects::default();
        for (i, p) in parts.iter().enumerate() {
            effects.merge(&p.effects);
            // Moved by one part and used by a later one (`[x, yield_!(0) ^ x]`): it is `Copy`,
            // which a drop flag must not follow.
            for q in &parts[i + 1..] {
                effects
                    .unflaggable
                    .extend(p.effects.moves.intersection(&q.effects.uses).copied());
            }
        }
        Operand { tokens, effects }
    }

    fn lower_binary(&mut self, b: &syn::ExprBinary) -> Option<Operand> {
        use syn::BinOp::*;
        match b.op {
            And(_) | Or(_) if expr_yields(&b.right) => self.lower_short_circuit(b),
            // Each operand of `&&`/`||` is a temporary scope: the left one's temporaries are
            // dropped before the right one runs (the right one, written as it is, keeps
            // rustc's rule).
            And(_) | Or(_) if expr_yields(&b.left) => {
                let l = self.lower_in_temporary_scope(&b.left)?;
                let r = self.verbatim_expr(&b.right);
                let r = may_not_run(r);
                let op = &b.op;
                Some(self.derived(quote!((#l #op #r)), &[&l, &r]))
            }
            _ if is_compound_assign(&b.op) => self.lower_compound_assign(b),
            _ => {
                let passing = match b.op {
                    Eq(_) | Ne(_) | Lt(_) | Le(_) | Gt(_) | Ge(_) => Passing::ByRef,
                    _ => Passing::ByValue,
                };
                let mut ops = self.lower_operands(&[&b.left, &b.right], passing)?;
                if matches!(b.op, And(_) | Or(_)) {
                    ops[1] = may_not_run(ops[1].clone());
                }
                let (l, r) = (&ops[0], &ops[1]);
                let op = &b.op;
                Some(self.derived(quote!((#l #op #r)), &[l, r]))
            }
        }
    }
}

/// The right side of `&&`/`||`, which may not run: what it moves or assigns, it may, not
/// surely does.
fn may_not_run(mut op: Operand) -> Operand {
    op.effects.sure_moves.clear();
    let assigns = std::mem::take(&mut op.effects.assigns);
    op.effects.may_assign.extend(assigns);
    op
}

pub(super) fn peel(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => peel(&p.expr),
        Expr::Group(g) => peel(&g.expr),
        other => other,
    }
}

/// Expressions that name a place (or a constant) and can be evaluated later with the same
/// result: paths, field accesses, borrows of places, literals.
pub fn is_place(e: &Expr) -> bool {
    match e {
        Expr::Path(_) | Expr::Lit(_) => true,
        Expr::Field(f) => is_place(&f.base),
        Expr::Reference(r) => is_place(&r.expr),
        Expr::Paren(p) => is_place(&p.expr),
        Expr::Index(i) => is_place(&i.expr) && matches!(&*i.index, Expr::Lit(_) | Expr::Path(_)),
        _ => false,
    }
}

/// The local a place reads (`x` in `x`, `x.f`, `x[0]`); `None` for a reference or a literal,
/// which are never copied early (a borrow cannot be kept across a yield).
fn place_root(e: &Expr) -> Option<String> {
    match e {
        Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            Some(p.path.segments[0].ident.to_string())
        }
        Expr::Field(f) => place_root(&f.base),
        Expr::Index(i) => place_root(&i.expr),
        Expr::Paren(p) => place_root(&p.expr),
        _ => None,
    }
}

/// Whether `e` may change the local `root`: assigns it or part of it, borrows it mutably, or
/// calls a method on it (which may take `&mut self`). Syntactic and conservative.
fn may_change(e: &Expr, root: &str) -> bool {
    use syn::visit::Visit;
    struct Finder<'a> {
        root: &'a str,
        found: bool,
    }
    impl Finder<'_> {
        fn hits(&self, place: &Expr) -> bool {
            place_root(place).is_some_and(|r| r == self.root)
        }
    }
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_expr(&mut self, e: &'ast Expr) {
            match e {
                Expr::Assign(a) if self.hits(&a.left) => self.found = true,
                Expr::Binary(b) if is_compound_assign(&b.op) && self.hits(&b.left) => {
                    self.found = true
                }
                Expr::Reference(r) if r.mutability.is_some() && self.hits(&r.expr) => {
                    self.found = true
                }
                Expr::MethodCall(m) if self.hits(&m.receiver) => self.found = true,
                _ => {}
            }
            syn::visit::visit_expr(self, e);
        }
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            // The operands of `yield_!`/`yield_from!` are code of the body too.
            if yield_kind(mac).is_some() {
                if let Ok(arg) = mac.parse_body::<Expr>() {
                    self.visit_expr(&arg);
                }
            }
        }
    }
    let mut f = Finder { root, found: false };
    f.visit_expr(e);
    f.found
}

/// How an expression takes its operands: which it uses in place, which it moves.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Passing {
    /// All by value: array and tuple elements, struct fields, a range's ends, arithmetic.
    ByValue,
    /// The first in place (a callee, a receiver, an indexed base), the others by value.
    FirstInPlace,
    /// All by reference: comparisons, the arguments of a macro that borrows them (`println!`).
    ByRef,
}

impl Passing {
    /// Whether the operand at `index` is moved (if it is not `Copy`).
    fn by_value(self, index: usize) -> bool {
        match self {
            Passing::ByValue => true,
            Passing::FirstInPlace => index > 0,
            Passing::ByRef => false,
        }
    }
}
