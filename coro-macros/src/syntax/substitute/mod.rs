//! Scope-aware substitution in the user's code, for three rewrites:
//!
//! - *reading saved locals in place* ([`deref`]): in an arm that leaves its variant's fields
//!   where they are, each saved local is a `&mut` binding into the state, so the user's uses of
//!   it become `(*x)`;
//! - *renaming a shadowing binding* ([`rename`], [`rename_bindings`]): when a `let` in an inner
//!   scope shadows a local that a state must still save while that scope is open, the inner
//!   binding gets a hidden name (and its uses with it), so the outer one stays reachable;
//! - *renaming the bindings inside a piece of code* ([`rename_inner_bindings`]) that shadow the
//!   arm's locals, so that exits written into that code (which store a state from those locals)
//!   reach the arm's locals.
//!
//! A name rebound inside the code (a `let`, a closure parameter, a match arm's pattern) is the
//! user's new binding, not the substituted one. Code the rewrite cannot see into (a macro whose
//! input is not a list of expressions; when renaming, also a format string that may capture the
//! name) makes it fail, and the caller falls back to a simpler form of the arm.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Ident, Pat, Token};

use crate::syntax::scope::{format_captures, format_string_index, Scopes};

mod pointer;
mod rename;
pub use pointer::through_pointer;
use rename::rename_pattern;
pub use rename::{
    rename, rename_arm_bindings, rename_bindings, rename_condition_bindings, rename_inner_bindings,
    JumpRenames,
};

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
    let map: HashMap<String, Replacement> = names
        .iter()
        .map(|n| (n.clone(), Replacement::Deref))
        .collect();
    if map.is_empty() || !mentions_any(tokens, &map) {
        return Some(tokens.clone());
    }
    Substitute::new(&map, Fresh::None, false).run(tokens, shape)
}

/// Rewrites the uses of locals that keep their own drop flag (see `liveness::flagged`): a use
/// that moves the value becomes `take(&mut x)`, any other `(*x)`. Which uses move is decided by
/// the rules of `uses`, the ones the analysis followed. `None` when the code cannot be rewritten
/// safely.
pub fn flagged(
    tokens: &TokenStream,
    shape: Shape,
    names: &HashSet<String>,
    krate: &syn::Path,
) -> Option<TokenStream> {
    let map: HashMap<String, Replacement> = names
        .iter()
        .map(|n| (n.clone(), Replacement::Flagged(krate.clone())))
        .collect();
    if map.is_empty() || !mentions_any(tokens, &map) {
        return Some(tokens.clone());
    }
    Substitute::new(&map, Fresh::None, true).run(tokens, shape)
}

/// What a use of a substituted name becomes.
enum Replacement {
    /// `(*x)`, with the use's own identifier (and so its hygiene).
    Deref,
    /// Another name.
    Name(Ident),
    /// A local with its own drop flag: `take(&mut x)` where the use moves it, `(*x)` elsewhere.
    /// Holds the path to the `coro` crate.
    Flagged(syn::Path),
    /// A `&mut` parameter kept as a pointer: the place it names (see [`through_pointer`]).
    Pointer,
}

fn mentions_any<V>(tokens: &TokenStream, names: &HashMap<String, V>) -> bool {
    tokens.clone().into_iter().any(|tt| match tt {
        TokenTree::Ident(i) => names.contains_key(&i.to_string()),
        TokenTree::Group(g) => mentions_any(&g.stream(), names),
        TokenTree::Literal(l) => {
            let s = l.to_string();
            names.keys().any(|n| s.contains(n.as_str()))
        }
        _ => false,
    })
}

/// Which bindings made inside the rewritten code get a new name.
#[derive(Clone, Copy)]
enum Fresh<'a> {
    /// None: they are the user's, and their uses are left alone.
    None,
    /// Those of these names, each a fresh hidden name (`__inner_x_1`).
    Counted(&'a HashSet<String>),
    /// Those named here, each the name given.
    Given(&'a HashMap<String, Ident>),
}

struct Substitute<'a> {
    /// What uses of names bound outside the code become.
    map: &'a HashMap<String, Replacement>,
    /// Which bindings inside the code get new names.
    fresh: Fresh<'a>,
    /// The bindings of the code in scope: the user's own (`None`, uses left alone) or renamed
    /// (`Some(new name)`).
    scopes: Scopes<Option<Ident>>,
    /// Whether a string literal in a macro that mentions a rewritten name makes the rewrite
    /// fail (it may be a format string capturing the name, which the rewrite cannot reach).
    captures_fail: bool,
    fresh_count: usize,
    /// See [`JumpRenames`].
    jump_renames: JumpRenames,
    failed: bool,
    /// The path expressions of the parsed code that move a flagged local (see [`flagged`]).
    move_sites: HashSet<*const Expr>,
}

impl<'a> Substitute<'a> {
    fn new(map: &'a HashMap<String, Replacement>, fresh: Fresh<'a>, captures_fail: bool) -> Self {
        Substitute {
            map,
            fresh,
            scopes: Scopes::default(),
            captures_fail,
            fresh_count: 0,
            jump_renames: HashMap::default(),
            failed: false,
            move_sites: HashSet::default(),
        }
    }

    /// Notes which uses in the arguments of a macro move a flagged local.
    fn find_macro_moves(&mut self, name: &str, args: &Punctuated<Expr, Token![,]>) {
        let flagged = self.flagged_names();
        if !flagged.is_empty() {
            let resolve = |n: &str| flagged.iter().position(|f| *f == n);
            let sites = crate::syntax::uses::macro_move_sites(name, args, &resolve);
            self.move_sites.extend(sites);
        }
    }

    /// The path to the `coro` crate, when `target` (an assignment's left side) names a local
    /// with its own drop flag here.
    fn flagged_target(&self, target: &Expr) -> Option<syn::Path> {
        let Expr::Path(p) = target else { return None };
        let name = p.path.get_ident()?.to_string();
        if self.scopes.lookup(&name).is_some() {
            return None;
        }
        match self.map.get(&name)? {
            Replacement::Flagged(krate) => Some(krate.clone()),
            _ => None,
        }
    }

    /// The names rewritten as locals with their own drop flag.
    fn flagged_names(&self) -> Vec<String> {
        self.map
            .iter()
            .filter(|(_, r)| matches!(r, Replacement::Flagged(_)))
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// Notes which uses in `code` move a flagged local.
    fn find_moves(&mut self, code: crate::syntax::uses::Code<'_>) {
        let flagged = self.flagged_names();
        if !flagged.is_empty() {
            let resolve = |n: &str| flagged.iter().position(|f| *f == n);
            self.move_sites = crate::syntax::uses::move_sites(code, &resolve);
        }
    }

    fn run(&mut self, tokens: &TokenStream, shape: Shape) -> Option<TokenStream> {
        let out = match shape {
            Shape::Expr => {
                let mut e: Expr = syn::parse2(tokens.clone()).ok()?;
                self.find_moves(crate::syntax::uses::Code::Expr(&e));
                self.visit_expr_mut(&mut e);
                e.into_token_stream()
            }
            Shape::Stmt => {
                let mut block: syn::Block = syn::parse2(quote::quote!({ #tokens })).ok()?;
                self.find_moves(crate::syntax::uses::Code::Stmts(&block.stmts));
                let stmts = &mut block.stmts;
                for s in stmts.iter_mut() {
                    match s {
                        // The statements are the arm's own: their `let`s bind there.
                        syn::Stmt::Local(l) => {
                            self.visit_local_init(l);
                            self.bind_as_is(&l.pat);
                        }
                        s => self.visit_stmt_mut(s),
                    }
                }
                let mut out = TokenStream::new();
                for s in stmts.iter() {
                    s.to_tokens(&mut out);
                }
                out
            }
            Shape::IfHead => {
                let mut e: syn::ExprIf = syn::parse2(quote::quote!(if #tokens {})).ok()?;
                self.find_moves(crate::syntax::uses::Code::Expr(&e.cond));
                self.visit_expr_mut(&mut e.cond);
                e.cond.into_token_stream()
            }
        };
        if self.failed {
            None
        } else {
            Some(out)
        }
    }

    /// What a use of `name` becomes here, if anything.
    /// `site` is the path expression being replaced, if it is one.
    fn replacement(&self, name: &str, ident: &Ident, site: Option<*const Expr>) -> Option<Expr> {
        match self.scopes.lookup(name) {
            Some(Some(fresh)) => Some(syn::parse_quote!(#fresh)),
            Some(None) => None,
            // Written with the use's own span: an expression whose tokens come from the macro
            // has the macro crate's edition, which refuses a `let` chain around it in edition
            // 2024 (`if a && let Some(x) = (*o)`).
            None => match self.map.get(name)? {
                Replacement::Deref => Some(syn::parse_quote_spanned!(ident.span()=> (*#ident))),
                Replacement::Name(to) => Some(syn::parse_quote!(#to)),
                Replacement::Pointer => {
                    Some(syn::parse_quote_spanned!(ident.span()=> (&mut *#ident.as_ptr())))
                }
                Replacement::Flagged(krate) => {
                    if site.is_some_and(|s| self.move_sites.contains(&s)) {
                        let krate = respanned(krate.to_token_stream(), ident.span());
                        Some(
                            syn::parse_quote_spanned!(ident.span()=> #krate::__private::take(&mut #ident)),
                        )
                    } else {
                        Some(syn::parse_quote_spanned!(ident.span()=> (*#ident)))
                    }
                }
            },
        }
    }

    /// Brings the bindings of `pat` into scope, renaming those that need a fresh name.
    fn bind(&mut self, pat: &mut Pat) {
        let mut renames = HashMap::default();
        let (fresh, count) = (self.fresh, &mut self.fresh_count);
        self.scopes.bind(pat, |b| {
            let name = b.ident.to_string();
            let new = match fresh {
                Fresh::None => return None,
                Fresh::Counted(names) if names.contains(&name) => {
                    *count += 1;
                    Ident::new(
                        &format!("__inner_{name}_{count}"),
                        proc_macro2::Span::mixed_site(),
                    )
                }
                Fresh::Given(given) if given.contains_key(&name) => given[&name].clone(),
                Fresh::Counted(_) | Fresh::Given(_) => return None,
            };
            renames.insert(name, new.clone());
            Some(new)
        });
        if !renames.is_empty() {
            rename_pattern(pat, &renames);
        }
    }

    /// Brings the bindings of `pat` into scope under their own names.
    fn bind_as_is(&mut self, pat: &Pat) {
        self.scopes.bind(pat, |_| None);
    }

    fn visit_local_init(&mut self, l: &mut syn::Local) {
        if let Some(init) = &mut l.init {
            self.visit_expr_mut(&mut init.expr);
            if let Some((_, els)) = &mut init.diverge {
                self.visit_expr_mut(els);
            }
        }
    }

    /// The names a use of which this rewrite would change here.
    fn rewritten_names(&self) -> HashMap<String, ()> {
        let mut out: HashMap<String, ()> = self
            .map
            .keys()
            .filter(|n| !self.scopes.binds(n))
            .map(|n| (n.clone(), ()))
            .collect();
        for (n, fresh) in self.scopes.iter() {
            if fresh.is_some() {
                out.insert(n.clone(), ());
            }
        }
        out
    }
}

impl VisitMut for Substitute<'_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if self.pointer_use(e) {
            return;
        }
        match e {
            Expr::Path(p)
                if p.qself.is_none()
                    && p.path.segments.len() == 1
                    && p.path.segments[0].arguments.is_none() =>
            {
                let ident = p.path.segments[0].ident.clone();
                let site = Some(&*e as *const Expr);
                if let Some(r) = self.replacement(&ident.to_string(), &ident, site) {
                    *e = r;
                }
            }
            // `x = v` on a local with its own drop flag sets a new flag: the old value (if the
            // flag is up) is dropped by the assignment, after `v`, as Rust does.
            Expr::Assign(a) if self.flagged_target(&a.left).is_some() => {
                let krate = self.flagged_target(&a.left).expect("checked");
                self.visit_expr_mut(&mut a.right);
                let right = &a.right;
                *a.right = syn::parse_quote!(#krate::__private::Flagged::new(#right));
            }
            Expr::Closure(c) => {
                let mark = self.scopes.mark();
                c.inputs.iter_mut().for_each(|p| self.bind(p));
                self.visit_expr_mut(&mut c.body);
                self.scopes.reset(mark);
            }
            Expr::Block(b) => self.visit_block_mut(&mut b.block),
            Expr::ForLoop(f) => {
                self.visit_expr_mut(&mut f.expr);
                let mark = self.scopes.mark();
                self.bind(&mut f.pat);
                self.visit_block_mut(&mut f.body);
                self.scopes.reset(mark);
            }
            Expr::If(i) => {
                // The condition's `let`s bind where they stand (see `Expr::Let`), up to the
                // end of the then-block.
                let mark = self.scopes.mark();
                self.visit_expr_mut(&mut i.cond);
                self.visit_block_mut(&mut i.then_branch);
                self.scopes.reset(mark);
                if let Some((_, els)) = &mut i.else_branch {
                    self.visit_expr_mut(els);
                }
            }
            Expr::While(w) => {
                let mark = self.scopes.mark();
                self.visit_expr_mut(&mut w.cond);
                self.visit_block_mut(&mut w.body);
                self.scopes.reset(mark);
            }
            Expr::Match(m) => {
                self.visit_expr_mut(&mut m.expr);
                for arm in m.arms.iter_mut() {
                    let mark = self.scopes.mark();
                    self.bind(&mut arm.pat);
                    if let Some((_, g)) = &mut arm.guard {
                        self.visit_expr_mut(g);
                    }
                    self.visit_expr_mut(&mut arm.body);
                    self.scopes.reset(mark);
                }
            }
            Expr::Let(l) => {
                // A condition's `let` (also in a chain): its pattern binds for the rest of the
                // condition and the then-block or loop body, up to the enclosing `if`/`while`'s
                // mark.
                self.visit_expr_mut(&mut l.expr);
                self.bind(&mut l.pat);
            }
            Expr::Struct(s) => {
                for f in s.fields.iter_mut() {
                    let shorthand = f.colon_token.is_none();
                    let before = f.expr.to_token_stream().to_string();
                    self.visit_expr_mut(&mut f.expr);
                    if shorthand && f.expr.to_token_stream().to_string() != before {
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
        let mark = self.scopes.mark();
        for s in b.stmts.iter_mut() {
            self.visit_stmt_mut(s);
        }
        self.scopes.reset(mark);
    }

    fn visit_local_mut(&mut self, l: &mut syn::Local) {
        self.visit_local_init(l);
        self.bind(&mut l.pat);
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        if mac.path.is_ident("__coro_jump") {
            if let Ok(n) = mac.parse_body::<syn::LitInt>() {
                let mut active: HashMap<String, Ident> = HashMap::default();
                let mut seen = HashSet::default();
                for (name, fresh) in self.scopes.iter().rev() {
                    if seen.insert(name.clone()) {
                        if let Some(f) = fresh {
                            active.insert(name.clone(), f.clone());
                        }
                    }
                }
                if let Ok(n) = n.base10_parse::<usize>() {
                    self.jump_renames.insert(n, active);
                }
            }
            return;
        }
        let rewritten = self.rewritten_names();
        let name = mac.path.segments.last().map(|s| s.ident.to_string());
        let format_at = name.as_deref().and_then(format_string_index);
        match mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
            Ok(mut args) => {
                // The sites are addresses in this parse of the arguments, freed once they are
                // written back: forgotten then, so that a later parse reusing the memory does
                // not take them for its own (seed 648540061924: a read became a `take`).
                let outer_sites = self.move_sites.clone();
                self.find_macro_moves(name.as_deref().unwrap_or_default(), &args);
                // A format string's inline captures (`"{x}"`) of a rewritten name are written
                // out as named arguments (`x = __renamed_x`) in std's formatting macros; in
                // another macro, or in a string that is not the format string, they cannot be
                // reached.
                let named: HashSet<String> = args
                    .iter()
                    .filter_map(named_argument)
                    .map(|i| i.to_string())
                    .collect();
                let mut captured = Vec::new();
                for (i, a) in args.iter().enumerate() {
                    let Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(l),
                        ..
                    }) = a
                    else {
                        continue;
                    };
                    for n in format_captures(&l.value()) {
                        if !rewritten.contains_key(&n) || named.contains(&n) {
                            continue;
                        }
                        if Some(i) == format_at {
                            if !captured.contains(&n) {
                                captured.push(n);
                            }
                        } else if self.captures_fail {
                            self.failed = true;
                        }
                    }
                }
                for a in args.iter_mut() {
                    let is_named = format_at.is_some() && named_argument(a).is_some();
                    match a {
                        // `name = value` names an argument: only the value is code.
                        Expr::Assign(assign) if is_named => self.visit_expr_mut(&mut assign.right),
                        a => self.visit_expr_mut(a),
                    }
                }
                if self.captures_fail {
                    for n in captured {
                        let ident = Ident::new(&n, mac.path.segments[0].ident.span());
                        if let Some(value) = self.replacement(&n, &ident, None) {
                            args.push(syn::parse_quote!(#ident = #value));
                        }
                    }
                }
                mac.tokens = args.to_token_stream();
                self.move_sites = outer_sites;
            }
            Err(_) => {
                // Cannot tell what the macro does with a rewritten name: give up.
                if mentions_any(&mac.tokens, &rewritten) {
                    self.failed = true;
                }
            }
        }
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// `tokens` with every span set to `span`.
fn respanned(tokens: TokenStream, span: proc_macro2::Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut t| {
            if let TokenTree::Group(g) = &t {
                let mut inner = proc_macro2::Group::new(g.delimiter(), respanned(g.stream(), span));
                inner.set_span(span);
                t = TokenTree::Group(inner);
            } else {
                t.set_span(span);
            }
            t
        })
        .collect()
}

/// The name of a formatting macro's named argument (`x = value`).
fn named_argument(a: &Expr) -> Option<&Ident> {
    match a {
        Expr::Assign(assign) => match &*assign.left {
            Expr::Path(p) if p.qself.is_none() => p.path.get_ident(),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests;
