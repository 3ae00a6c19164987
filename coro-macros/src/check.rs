//! Stage 2a: reject what cannot work, with an error on the offending tokens that says what to
//! do instead.

use proc_macro2::{TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Expr, ItemFn, Macro};

use crate::syntax::detect::yield_kind;

/// The attribute's item must be a fn with a body.
pub fn parse_item(item: TokenStream) -> syn::Result<ItemFn> {
    match syn::parse2::<ItemFn>(item.clone()) {
        Ok(f) => Ok(f),
        Err(e) => match syn::parse2::<syn::Item>(item.clone()) {
            Ok(syn::Item::Fn(_)) => Err(e),
            Ok(syn::Item::Verbatim(v)) if looks_like_fn_without_body(&v) => Err(syn::Error::new_spanned(
                v,
                "#[coro::coroutine] needs a fn with a body: a trait method without a default body has nothing to rewrite; put the attribute on the impl's method instead",
            )),
            Ok(other) => Err(syn::Error::new(
                item_keyword_span(&other),
                "#[coro::coroutine] can only be applied to a fn (a free fn, a method or an associated fn); write a fn whose body uses `yield_!`",
            )),
            Err(_) => Err(e),
        },
    }
}

fn looks_like_fn_without_body(tokens: &TokenStream) -> bool {
    tokens
        .clone()
        .into_iter()
        .any(|t| matches!(t, TokenTree::Ident(i) if i == "fn"))
}

fn item_keyword_span(item: &syn::Item) -> proc_macro2::Span {
    match item {
        syn::Item::Struct(s) => s.struct_token.span,
        syn::Item::Enum(e) => e.enum_token.span,
        syn::Item::Impl(i) => i.impl_token.span,
        syn::Item::Trait(t) => t.trait_token.span,
        syn::Item::Mod(m) => m.mod_token.span,
        syn::Item::Const(c) => c.const_token.span,
        syn::Item::Static(s) => s.static_token.span,
        syn::Item::Type(t) => t.type_token.span,
        syn::Item::Use(u) => u.use_token.span,
        other => other.span(),
    }
}

/// Rejects signatures and yields that cannot be lowered. Every problem found is reported.
pub fn check_fn(f: &ItemFn) -> syn::Result<()> {
    let mut errors: Vec<syn::Error> = Vec::new();
    let sig = &f.sig;
    if let Some(a) = &sig.asyncness {
        errors.push(syn::Error::new(
            a.span,
            "#[coro::coroutine] cannot be applied to an `async fn`: a coroutine is resumed by its caller with `resume`, not polled by an executor; remove `async` (and use `yield_from!` where you would `.await` another coroutine)",
        ));
    }
    if let Some(c) = &sig.constness {
        errors.push(syn::Error::new(
            c.span,
            "#[coro::coroutine] cannot be applied to a `const fn`: the coroutine it returns is built and run at run time; remove `const`",
        ));
    }
    if let Some(v) = &sig.variadic {
        errors.push(syn::Error::new(
            v.span(),
            "#[coro::coroutine] cannot be applied to a variadic fn",
        ));
    }
    let mut v = Checker {
        errors: Vec::new(),
        context: Vec::new(),
    };
    v.visit_block(&f.block);
    errors.extend(v.errors);
    match errors.into_iter().reduce(|mut a, b| {
        a.combine(b);
        a
    }) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[derive(Clone, Copy)]
enum Context {
    Closure,
    Async,
    NestedFn,
    Guard,
    Const,
}

struct Checker {
    errors: Vec<syn::Error>,
    context: Vec<Context>,
}

impl Checker {
    fn inside<T>(&mut self, c: Context, f: impl FnOnce(&mut Self) -> T) -> T {
        self.context.push(c);
        let r = f(self);
        self.context.pop();
        r
    }
}

impl<'ast> Visit<'ast> for Checker {
    fn visit_macro(&mut self, m: &'ast Macro) {
        if let Some(kind) = yield_kind(m) {
            let name = match kind {
                crate::syntax::detect::YieldKind::Yield => "yield_!",
                crate::syntax::detect::YieldKind::YieldFrom => "yield_from!",
            };
            if let Some(c) = self.context.last() {
                let msg = match c {
                    Context::Closure => format!("`{name}` cannot be used inside a closure: a closure is a separate function, which the coroutine cannot suspend. Move the `{name}` out of the closure (for example, loop over the values and yield each one from the coroutine's own body)"),
                    Context::Async => format!("`{name}` cannot be used inside an async block: the async block is a separate future, which the coroutine cannot suspend. Move the `{name}` out of it"),
                    Context::NestedFn => format!("`{name}` cannot be used inside a nested fn: only the fn marked #[coro::coroutine] is rewritten. Mark the nested fn with #[coro::coroutine] too, and delegate to it with `yield_from!`"),
                    Context::Guard => format!("`{name}` cannot be used in a match guard: yield before the `match`, bind the result with `let`, and test that in the guard"),
                    Context::Const => format!("`{name}` cannot be used in a constant context (a const item, const block or array length)"),
                };
                self.errors.push(syn::Error::new(m.path.span(), msg));
                return;
            }
            // The yielded expression may itself contain yields.
            if let Ok(e) = m.parse_body::<Expr>() {
                self.visit_expr(&e);
            }
            return;
        }
        // One of std's expression macros: its arguments are read like a call's.
        if let Some(args) = crate::syntax::macros::expression_macro_args(m) {
            for e in args.exprs() {
                self.visit_expr(e);
            }
            return;
        }
        // Another macro: the attribute cannot see into its expansion.
        if let Some(span) = find_yield_tokens(&m.tokens) {
            let name = m
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            self.errors.push(syn::Error::new(
                span,
                format!("`yield_!` cannot be used inside the arguments of `{name}!`: #[coro::coroutine] cannot see into another macro's expansion. Yield first and pass the result: `let v = yield_!(x); {name}!(…, v)`"),
            ));
        }
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        self.inside(Context::Closure, |s| syn::visit::visit_expr_closure(s, c));
    }
    fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
        self.inside(Context::Async, |s| syn::visit::visit_expr_async(s, a));
    }
    fn visit_item(&mut self, i: &'ast syn::Item) {
        // A nested `#[coro::coroutine]` fn is a coroutine of its own: its attribute rewrites it.
        if let syn::Item::Fn(f) = i {
            if f.attrs.iter().any(is_coroutine_attribute) {
                return;
            }
        }
        self.inside(Context::NestedFn, |s| syn::visit::visit_item(s, i));
    }
    fn visit_expr_const(&mut self, c: &'ast syn::ExprConst) {
        self.inside(Context::Const, |s| syn::visit::visit_expr_const(s, c));
    }
    fn visit_expr_repeat(&mut self, r: &'ast syn::ExprRepeat) {
        self.visit_expr(&r.expr);
        self.inside(Context::Const, |s| s.visit_expr(&r.len));
    }
    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        self.visit_pat(&arm.pat);
        if let Some((_, g)) = &arm.guard {
            self.inside(Context::Guard, |s| s.visit_expr(g));
        }
        self.visit_expr(&arm.body);
    }
}

/// `#[coro::coroutine]` (or the attribute re-exported under another path, `#[crate::coroutine]`).
fn is_coroutine_attribute(a: &syn::Attribute) -> bool {
    let segments = &a.path().segments;
    segments.len() > 1 && segments.last().is_some_and(|s| s.ident == "coroutine")
}

/// Finds `yield_ !` or `yield_from !` in raw tokens.
fn find_yield_tokens(tokens: &TokenStream) -> Option<proc_macro2::Span> {
    let tts: Vec<TokenTree> = tokens.clone().into_iter().collect();
    for (i, tt) in tts.iter().enumerate() {
        match tt {
            TokenTree::Ident(id) if id == "yield_" || id == "yield_from" => {
                if matches!(tts.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!') {
                    return Some(id.span());
                }
            }
            TokenTree::Group(g) => {
                if let Some(s) = find_yield_tokens(&g.stream()) {
                    return Some(s);
                }
            }
            _ => {}
        }
    }
    None
}
