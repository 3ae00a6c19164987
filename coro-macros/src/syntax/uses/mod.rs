//! What a piece of yield-free code does to the locals the lowering tracks: which it reads,
//! which it may move out, which it overwrites.
//!
//! Types are not known to a macro, so "may move" is decided from the syntax: a local used by
//! value (a call argument, a `let` initialiser, an operand, the receiver of a consuming method
//! such as `into_iter` or `unwrap`) may be moved; a local borrowed, indexed, field-accessed or
//! used as the receiver of another method is not. The liveness analysis saves a local across a
//! yield when it is used later, or when it may still hold a value that must be dropped later.

use syn::visit::Visit;
use syn::{Expr, Pat, Stmt};

use crate::ir::{Effects, LocalId};
use crate::syntax::detect::stmt_diverges;
use crate::syntax::guess::consumes_receiver;
use crate::syntax::scope::{binds_by_value, Scopes};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// The value is used: moved if its type is not `Copy`.
    Value,
    /// The place is used without moving it: borrowed, indexed, a field read.
    Place,
}

/// Computes the effects of `expr` evaluated for its value.
pub fn of_expr(expr: &Expr, resolve: &dyn Fn(&str) -> Option<LocalId>) -> Effects {
    let mut c = Collector::new(resolve);
    c.expr(expr, Ctx::Value);
    c.fx
}

/// Computes the effects of a statement.
pub fn of_stmt(stmt: &Stmt, resolve: &dyn Fn(&str) -> Option<LocalId>) -> Effects {
    let mut c = Collector::new(resolve);
    c.stmt(stmt);
    c.fx
}

/// Computes the effects of an expression used as a place (a `match` scrutinee that binds by
/// reference, the target of `for … in &v`).
pub fn of_place(expr: &Expr, resolve: &dyn Fn(&str) -> Option<LocalId>) -> Effects {
    let mut c = Collector::new(resolve);
    c.expr(expr, Ctx::Place);
    c.fx
}

/// The code the drop-flag rewrite reads: an expression, the statements of an arm, or an `if`
/// condition (a `let` chain).
pub enum Code<'c> {
    Expr(&'c Expr),
    Stmts(&'c [Stmt]),
}

/// The uses of tracked locals in `code` that move them (by-value uses, by the same rules as
/// the effects), each the address of its path expression in `code`'s tree: the drop-flag
/// rewrite writes those as `take(&mut x)` and every other use as `(*x)`.
pub fn move_sites(
    code: Code<'_>,
    resolve: &dyn Fn(&str) -> Option<LocalId>,
) -> HashSet<*const Expr> {
    let mut c = Collector::new(resolve);
    c.move_sites = Some(HashSet::default());
    match code {
        Code::Expr(e) => c.expr(e, Ctx::Value),
        Code::Stmts(stmts) => stmts.iter().for_each(|s| c.stmt(s)),
    }
    c.move_sites.unwrap_or_default()
}

struct Collector<'a> {
    resolve: &'a dyn Fn(&str) -> Option<LocalId>,
    fx: Effects,
    /// Locals assigned earlier on the path being walked: a use of them here reads the new
    /// value, not the one the code started with.
    assigned: BTreeSet<LocalId>,
    /// How many conditionally run constructs (branches, loop bodies, closures, the right side
    /// of `&&`/`||`) enclose the expression being walked: an assignment there may not happen.
    conditional: usize,
    /// Names bound inside the code being walked (by a `let`, a pattern, a closure parameter):
    /// a use of one of them is not a use of the tracked local of that name.
    bound: Scopes<()>,
    /// Locals moved earlier on the path being walked: a use of one of them after that shows it
    /// is `Copy` (see `Effects::unflaggable`).
    moved_path: BTreeSet<LocalId>,
    /// How many constructs around the expression being walked may run it again, or keep it out
    /// of the drop-flag rewrite's reach (loop bodies, closure bodies, a macro's arguments).
    unflaggable_depth: usize,
    /// When asked for (see [`move_sites`]): the path expressions that move a tracked local.
    move_sites: Option<HashSet<*const Expr>>,
}

impl<'a> Collector<'a> {
    /// A collector for code that starts where the lowering stands: nothing assigned yet,
    /// nothing bound by the code itself.
    fn new(resolve: &'a dyn Fn(&str) -> Option<LocalId>) -> Self {
        Collector {
            resolve,
            fx: Effects {
                exposed: Some(BTreeSet::new()),
                ..Effects::default()
            },
            assigned: BTreeSet::new(),
            conditional: 0,
            bound: Scopes::default(),
            moved_path: BTreeSet::new(),
            unflaggable_depth: 0,
            move_sites: None,
        }
    }

    /// A collector for code nested in the walked code that runs apart from it (a closure's or
    /// an async block's body): it starts with what is bound here, nothing assigned.
    fn nested(&self) -> Collector<'a> {
        Collector {
            conditional: 1,
            bound: self.bound.clone(),
            unflaggable_depth: 1,
            ..Collector::new(self.resolve)
        }
    }

    /// The tracked local a name refers to here, unless the code itself rebinds the name.
    fn lookup(&self, name: &str) -> Option<LocalId> {
        if self.bound.binds(name) {
            None
        } else {
            (self.resolve)(name)
        }
    }

    /// Brings the bindings of `pat` into scope.
    fn bind(&mut self, pat: &Pat) {
        self.bound.bind(pat, |_| ());
    }

    /// A use of `name`; the tracked local it is, if any.
    fn name(&mut self, name: &str, ctx: Ctx) -> Option<LocalId> {
        let id = self.lookup(name)?;
        self.fx.uses.insert(id);
        if !self.assigned.contains(&id) {
            self.fx.exposed.get_or_insert_with(BTreeSet::new).insert(id);
        }
        if self.moved_path.contains(&id) {
            self.fx.unflaggable.insert(id);
        }
        if ctx == Ctx::Value {
            self.fx.moves.insert(id);
            if self.assigned.contains(&id) {
                self.fx.moved_after_assign.insert(id);
            }
            if self.conditional == 0 && self.unflaggable_depth == 0 {
                self.fx.sure_moves.insert(id);
            }
            self.moved_path.insert(id);
            if self.unflaggable_depth > 0 {
                self.fx.unflaggable.insert(id);
            }
        }
        Some(id)
    }

    /// A use the drop-flag rewrite cannot reach or may fail on (in tokens it cannot parse, a
    /// format string's capture).
    fn unreadable_name(&mut self, name: &str, ctx: Ctx) {
        if let Some(id) = self.name(name, ctx) {
            self.fx.unflaggable.insert(id);
        }
    }

    /// Walks code that runs again or apart (a loop body): moves in it cannot be flagged.
    fn repeated(&mut self, walk: impl FnOnce(&mut Self)) {
        self.unflaggable_depth += 1;
        walk(self);
        self.unflaggable_depth -= 1;
    }

    /// Walks the alternatives of a branch, each from the path state `before` them; afterwards
    /// a local counts as moved if some alternative moved it.
    fn alternatives<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut walk: impl FnMut(&mut Self, T),
    ) {
        let before = self.moved_path.clone();
        let mut after = before.clone();
        for item in items {
            self.moved_path = before.clone();
            walk(self, item);
            after.extend(self.moved_path.iter().copied());
        }
        self.moved_path = after;
    }

    fn single_ident(expr: &Expr) -> Option<String> {
        match expr {
            Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                Some(p.path.segments[0].ident.to_string())
            }
            Expr::Paren(p) => Self::single_ident(&p.expr),
            _ => None,
        }
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Local(l) => {
                if let Some(init) = &l.init {
                    self.expr(&init.expr, Ctx::Value);
                    if let Some((_, els)) = &init.diverge {
                        self.expr(els, Ctx::Value);
                    }
                }
                // In scope until the enclosing block ends (see `block`).
                self.bind(&l.pat);
            }
            Stmt::Expr(e, _) => self.expr(e, Ctx::Value),
            Stmt::Macro(m) => self.mac(&m.mac),
            Stmt::Item(_) => {}
        }
    }

    fn block(&mut self, block: &syn::Block) {
        let mark = self.bound.mark();
        for s in &block.stmts {
            self.stmt(s);
            if stmt_diverges(s) {
                // What follows never runs: it moves nothing (`break 'b 0; consume(d)`).
                break;
            }
        }
        self.bound.reset(mark);
    }

    fn scrutinee(&mut self, expr: &Expr, pats: &[&Pat]) {
        let ctx = if pats.iter().any(|p| binds_by_value(p)) {
            Ctx::Value
        } else {
            Ctx::Place
        };
        self.expr(expr, ctx);
    }

    fn expr(&mut self, expr: &Expr, ctx: Ctx) {
        use Ctx::*;
        match expr {
            Expr::Path(p) => {
                if p.qself.is_none() && p.path.segments.len() == 1 {
                    let name = p.path.segments[0].ident.to_string();
                    if self.name(&name, ctx).is_some() && ctx == Value {
                        if let Some(sites) = &mut self.move_sites {
                            sites.insert(expr as *const Expr);
                        }
                    }
                }
            }
            Expr::Reference(r) => self.expr(&r.expr, Place),
            Expr::Field(f) => self.expr(&f.base, Place),
            Expr::Index(i) => {
                self.expr(&i.expr, Place);
                self.expr(&i.index, Value);
            }
            Expr::MethodCall(m) => {
                let consumes = consumes_receiver(&m.method.to_string());
                self.expr(&m.receiver, if consumes { Value } else { Place });
                m.args.iter().for_each(|a| self.expr(a, Value));
                // `v.push(v.len())` compiles by a two-phase borrow of `v`, which a drop flag's
                // `(*v).push((*v).len())` (a `DerefMut` call first) does not have.
                if let Some(name) = Self::single_ident(&m.receiver) {
                    let again = |a: &Expr| {
                        crate::syntax::names::mentions(&quote::ToTokens::to_token_stream(a), &name)
                    };
                    if let Some(id) = self.lookup(&name).filter(|_| m.args.iter().any(again)) {
                        self.fx.unflaggable.insert(id);
                    }
                }
            }
            Expr::Call(c) => {
                self.expr(&c.func, Place);
                c.args.iter().for_each(|a| self.expr(a, Value));
            }
            Expr::Assign(a) => {
                self.expr(&a.right, Value);
                match Self::single_ident(&a.left).and_then(|n| self.lookup(&n)) {
                    Some(id) => {
                        if self.conditional == 0 {
                            self.fx.assigns.insert(id);
                        } else {
                            self.fx.may_assign.insert(id);
                        }
                        self.assigned.insert(id);
                        // Holds a value again: a use after this is not a use after a move.
                        self.moved_path.remove(&id);
                        if self.conditional == 0 {
                            self.fx.moved_after_assign.remove(&id);
                        }
                    }
                    None => self.expr(&a.left, Place),
                }
            }
            Expr::Binary(b) => {
                use syn::BinOp::*;
                match b.op {
                    // A built-in operator computes the value first: a local it moves and the
                    // place uses (`x |= x`) is used after its move, so `Copy`.
                    AddAssign(_) | SubAssign(_) | MulAssign(_) | DivAssign(_) | RemAssign(_)
                    | BitXorAssign(_) | BitAndAssign(_) | BitOrAssign(_) | ShlAssign(_)
                    | ShrAssign(_) => {
                        self.expr(&b.right, Value);
                        self.expr(&b.left, Place);
                    }
                    Eq(_) | Ne(_) | Lt(_) | Le(_) | Gt(_) | Ge(_) => {
                        self.expr(&b.left, Place);
                        self.expr(&b.right, Place);
                    }
                    And(_) | Or(_) => {
                        self.expr(&b.left, Value);
                        self.conditional += 1;
                        self.expr(&b.right, Value);
                        self.conditional -= 1;
                    }
                    _ => {
                        self.expr(&b.left, Value);
                        self.expr(&b.right, Value);
                    }
                }
            }
            Expr::Unary(u) => match u.op {
                syn::UnOp::Deref(_) => self.expr(&u.expr, Place),
                _ => self.expr(&u.expr, Value),
            },
            Expr::Paren(p) => self.expr(&p.expr, ctx),
            Expr::Group(g) => self.expr(&g.expr, ctx),
            Expr::Cast(c) => self.expr(&c.expr, Value),
            Expr::Macro(m) => self.mac(&m.mac),
            Expr::Closure(c) => {
                if c.capture.is_some() {
                    let mut inner = self.nested();
                    inner.fx.exposed = None;
                    c.inputs.iter().for_each(|p| inner.bind(p));
                    inner.expr(&c.body, Place);
                    self.fx.moves.extend(inner.fx.uses.iter().copied());
                    // A `move` closure takes the whole local, flag or not.
                    self.fx.unflaggable.extend(inner.fx.uses.iter().copied());
                    self.moved_path.extend(inner.fx.uses.iter().copied());
                    self.fx.merge(&inner.fx);
                } else {
                    let mark = self.bound.mark();
                    c.inputs.iter().for_each(|p| self.bind(p));
                    self.conditional += 1;
                    self.repeated(|s| s.expr(&c.body, Value));
                    self.conditional -= 1;
                    self.bound.reset(mark);
                }
            }
            // A labelled block may be left early by a `break` out of it: what follows the
            // break may not run.
            Expr::Block(b) if b.label.is_some() => {
                self.conditional += 1;
                self.block(&b.block);
                self.conditional -= 1;
            }
            Expr::Block(b) => self.block(&b.block),
            Expr::Unsafe(b) => self.block(&b.block),
            Expr::Const(b) => self.block(&b.block),
            Expr::Async(b) => {
                let mut inner = self.nested();
                inner.fx.exposed = None;
                inner.block(&b.block);
                if b.capture.is_some() {
                    self.fx.moves.extend(inner.fx.uses.iter().copied());
                    self.fx.unflaggable.extend(inner.fx.uses.iter().copied());
                    self.moved_path.extend(inner.fx.uses.iter().copied());
                }
                self.fx.merge(&inner.fx);
            }
            Expr::If(i) => {
                // The condition's `let`s bind where they stand (see `Expr::Let`), up to the
                // end of the then-block.
                let mark = self.bound.mark();
                self.expr(&i.cond, Value);
                let before = self.assigned.clone();
                self.conditional += 1;
                let branches = [Some(&i.then_branch), None];
                self.alternatives(branches, |s, then| match then {
                    Some(block) => {
                        s.block(block);
                        s.bound.reset(mark);
                        s.assigned = before.clone();
                    }
                    None => {
                        if let Some((_, e)) = &i.else_branch {
                            s.expr(e, Value);
                        }
                    }
                });
                self.conditional -= 1;
                self.assigned = before;
            }
            Expr::Let(l) => {
                self.scrutinee(&l.expr, &[&l.pat]);
                // In scope for the rest of the condition and the then-block or loop body, up to
                // the enclosing `if`/`while`'s mark.
                self.bind(&l.pat);
            }
            Expr::Match(m) => {
                let pats: Vec<&Pat> = m.arms.iter().map(|a| &a.pat).collect();
                self.scrutinee(&m.expr, &pats);
                let before = self.assigned.clone();
                self.conditional += 1;
                self.alternatives(&m.arms, |s, arm| {
                    let mark = s.bound.mark();
                    s.bind(&arm.pat);
                    if let Some((_, g)) = &arm.guard {
                        s.expr(g, Value);
                    }
                    s.expr(&arm.body, Value);
                    s.bound.reset(mark);
                    s.assigned = before.clone();
                });
                self.conditional -= 1;
            }
            Expr::While(w) => {
                // A loop body may run again before an assignment in it: nothing in it is
                // known assigned, before or after.
                let before = self.assigned.clone();
                self.assigned.clear();
                self.conditional += 1;
                let mark = self.bound.mark();
                self.repeated(|s| {
                    s.expr(&w.cond, Value);
                    s.block(&w.body);
                });
                self.bound.reset(mark);
                self.conditional -= 1;
                self.assigned = before;
            }
            Expr::ForLoop(f) => {
                self.expr(&f.expr, Value);
                let before = self.assigned.clone();
                self.assigned.clear();
                self.conditional += 1;
                let mark = self.bound.mark();
                self.bind(&f.pat);
                self.repeated(|s| s.block(&f.body));
                self.bound.reset(mark);
                self.conditional -= 1;
                self.assigned = before;
            }
            Expr::Loop(l) => {
                let before = self.assigned.clone();
                self.assigned.clear();
                // A `loop` body runs at least once, but may leave by `break` before an
                // assignment in it.
                self.conditional += 1;
                self.repeated(|s| s.block(&l.body));
                self.conditional -= 1;
                self.assigned = before;
            }
            Expr::Return(r) => {
                if let Some(e) = &r.expr {
                    self.expr(e, Value)
                }
            }
            Expr::Break(b) => {
                if let Some(e) = &b.expr {
                    self.expr(e, Value)
                }
            }
            Expr::Struct(s) => {
                s.fields.iter().for_each(|f| self.expr(&f.expr, Value));
                if let Some(rest) = &s.rest {
                    self.expr(rest, Value);
                }
            }
            Expr::Tuple(t) => t.elems.iter().for_each(|e| self.expr(e, Value)),
            Expr::Array(a) => a.elems.iter().for_each(|e| self.expr(e, Value)),
            Expr::Repeat(r) => self.expr(&r.expr, Value),
            Expr::Range(r) => {
                if let Some(s) = &r.start {
                    self.expr(s, Value)
                }
                if let Some(e) = &r.end {
                    self.expr(e, Value)
                }
            }
            Expr::Try(t) => self.expr(&t.expr, Value),
            Expr::Await(a) => self.expr(&a.base, Value),
            Expr::Yield(y) => {
                if let Some(e) = &y.expr {
                    self.expr(e, Value)
                }
            }
            Expr::TryBlock(b) => self.block(&b.block),
            Expr::Verbatim(t) => self.tokens(t, Value),
            _ => {
                // Literals, `continue`, `_` and anything newer than this code: nothing to track,
                // but walk any nested expression conservatively.
                let mut finder = IdentFinder { names: Vec::new() };
                finder.visit_expr(expr);
                for n in finder.names {
                    self.unreadable_name(&n, Value);
                }
            }
        }
    }
}

use rustc_hash::FxHashSet as HashSet;
use std::collections::BTreeSet;

/// Collects single-segment path names anywhere in an expression (the conservative fallback).
struct IdentFinder {
    names: Vec<String>,
}

impl<'ast> Visit<'ast> for IdentFinder {
    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if p.qself.is_none() && p.path.segments.len() == 1 {
            self.names.push(p.path.segments[0].ident.to_string());
        }
    }
}

mod macros;

pub use macros::macro_move_sites;

#[cfg(test)]
mod tests;
