//! Rewrites yield-free code that the lowering keeps verbatim, so it still means the same inside
//! the step closure:
//!
//! - `return e` and `e?` complete the coroutine instead of returning from the closure;
//! - `break` / `continue` that leave a loop the lowering split into blocks become jumps;
//! - `self` becomes the local that holds the receiver.
//!
//! Control flow that leaves the code is replaced by a placeholder `__coro_jump!(n)`; the emitter
//! substitutes the jump once it knows which locals the target state saves. Closures, async
//! blocks and nested items keep their own `return`, `?` and loops.

use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Token};

use crate::syntax::names::hidden;

/// An exit out of verbatim code, by what it leaves to.
pub enum Exit {
    /// Complete the coroutine with this value.
    Return(TokenStream),
    /// Leave the split loop or labelled block at this index of the loop stack.
    Break {
        target: usize,
        value: Option<TokenStream>,
    },
    /// Start the next iteration of the split loop at this index.
    Continue { target: usize },
}

/// A loop (or labelled block) the lowering split, as the rewriter needs to know it.
pub struct LoopLabel {
    pub label: Option<String>,
    pub is_loop: bool,
}

pub struct Rewriter<'a> {
    krate: &'a syn::Path,
    loops: &'a [LoopLabel],
    self_alias: Option<&'a Ident>,
    /// Index of the first exit this rewriter records, in the whole body's list of exits.
    base: usize,
    pub exits: Vec<Exit>,
    /// Loops entered inside the verbatim code: an unlabelled `break` belongs to them.
    native_loops: usize,
    native_labels: Vec<String>,
}

impl<'a> Rewriter<'a> {
    pub fn new(
        krate: &'a syn::Path,
        loops: &'a [LoopLabel],
        self_alias: Option<&'a Ident>,
        base: usize,
    ) -> Self {
        Rewriter {
            krate,
            loops,
            self_alias,
            base,
            exits: Vec::new(),
            native_loops: 0,
            native_labels: Vec::new(),
        }
    }

    fn placeholder(&mut self, exit: Exit, span: Span) -> Expr {
        let index = self.base + self.exits.len();
        self.exits.push(exit);
        let lit = proc_macro2::Literal::usize_unsuffixed(index);
        syn::parse2(quote_spanned!(span=> __coro_jump!(#lit))).expect("placeholder parses")
    }

    fn target(&self, label: Option<&syn::Lifetime>, for_continue: bool) -> Option<usize> {
        match label {
            Some(l) => {
                let name = l.ident.to_string();
                if self.native_labels.contains(&name) {
                    return None;
                }
                self.loops
                    .iter()
                    .rposition(|t| t.label.as_deref() == Some(name.as_str()))
            }
            None if self.native_loops > 0 => None,
            None => {
                let _ = for_continue;
                self.loops.iter().rposition(|t| t.is_loop)
            }
        }
    }

    fn with_native<R>(
        &mut self,
        label: Option<&syn::Label>,
        is_loop: bool,
        f: impl FnOnce(&mut Self) -> R,
    ) -> R {
        if is_loop {
            self.native_loops += 1;
        }
        if let Some(l) = label {
            self.native_labels.push(l.name.ident.to_string());
        }
        let r = f(self);
        if label.is_some() {
            self.native_labels.pop();
        }
        if is_loop {
            self.native_loops -= 1;
        }
        r
    }
}

impl VisitMut for Rewriter<'_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        match e {
            Expr::Closure(_) | Expr::Async(_) => {
                if let Some(alias) = self.self_alias {
                    SelfRenamer { alias }.visit_expr_mut(e);
                }
            }
            Expr::Return(r) => {
                if let Some(v) = &mut r.expr {
                    self.visit_expr_mut(v);
                }
                let value = match &r.expr {
                    Some(v) => v.to_token_stream(),
                    None => quote!(()),
                };
                let span = r.return_token.span;
                *e = self.placeholder(Exit::Return(value), span);
            }
            Expr::Try(t) => {
                self.visit_expr_mut(&mut t.expr);
                let krate = self.krate;
                let (ok, residual) = (hidden("__ok"), hidden("__residual"));
                let span = t.question_token.span;
                let ret = quote!(#krate::__private::FromResidual::from_residual(#residual));
                let jump = self.placeholder(Exit::Return(ret), span);
                let inner = &t.expr;
                *e = syn::parse2(quote_spanned! {span=>
                    match #krate::__private::Try::branch(#inner) {
                        ::core::ops::ControlFlow::Continue(#ok) => #ok,
                        ::core::ops::ControlFlow::Break(#residual) => #jump,
                    }
                })
                .expect("`?` lowering parses");
            }
            Expr::Break(b) => {
                if let Some(v) = &mut b.expr {
                    self.visit_expr_mut(v);
                }
                if let Some(target) = self.target(b.label.as_ref(), false) {
                    let value = b.expr.as_ref().map(|v| v.to_token_stream());
                    let span = b.break_token.span;
                    *e = self.placeholder(Exit::Break { target, value }, span);
                }
            }
            Expr::Continue(c) => {
                if let Some(target) = self.target(c.label.as_ref(), true) {
                    let span = c.continue_token.span;
                    *e = self.placeholder(Exit::Continue { target }, span);
                }
            }
            Expr::Loop(l) => {
                let label = l.label.clone();
                self.with_native(label.as_ref(), true, |s| {
                    visit_mut::visit_expr_loop_mut(s, l)
                });
            }
            Expr::While(w) => {
                let label = w.label.clone();
                self.visit_expr_mut(&mut w.cond);
                self.with_native(label.as_ref(), true, |s| s.visit_block_mut(&mut w.body));
            }
            Expr::ForLoop(f) => {
                let label = f.label.clone();
                self.visit_expr_mut(&mut f.expr);
                self.with_native(label.as_ref(), true, |s| s.visit_block_mut(&mut f.body));
            }
            Expr::Block(b) if b.label.is_some() => {
                let label = b.label.clone();
                self.with_native(label.as_ref(), false, |s| s.visit_block_mut(&mut b.block));
            }
            Expr::Path(p) if p.qself.is_none() && p.path.is_ident("self") => {
                if let Some(alias) = self.self_alias {
                    let alias = Ident::new(&alias.to_string(), p.path.segments[0].ident.span());
                    *e = syn::parse_quote!(#alias);
                }
            }
            _ => visit_mut::visit_expr_mut(self, e),
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        let parsed = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated);
        match parsed {
            Ok(mut args) => {
                for a in args.iter_mut() {
                    self.visit_expr_mut(a);
                }
                mac.tokens = args.to_token_stream();
            }
            Err(_) => {
                if let Some(alias) = self.self_alias {
                    mac.tokens = rename_self_tokens(mac.tokens.clone(), alias);
                }
            }
        }
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {
        // A nested item has its own `self`, `return` and loops.
    }
}

/// Renames `self` to the receiver's local inside closures and async blocks, whose control flow
/// is their own.
struct SelfRenamer<'a> {
    alias: &'a Ident,
}

impl VisitMut for SelfRenamer<'_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::Path(p) = e {
            if p.qself.is_none() && p.path.is_ident("self") {
                let alias = Ident::new(&self.alias.to_string(), p.path.segments[0].ident.span());
                *e = syn::parse_quote!(#alias);
                return;
            }
        }
        visit_mut::visit_expr_mut(self, e);
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        // Arguments read as expressions keep their nested items (with a `self` of their own)
        // as they are; other input is renamed token by token.
        match mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
            Ok(mut args) => {
                for a in args.iter_mut() {
                    self.visit_expr_mut(a);
                }
                mac.tokens = args.to_token_stream();
            }
            Err(_) => mac.tokens = rename_self_tokens(mac.tokens.clone(), self.alias),
        }
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// Renames `self` in a block of code to the receiver's local, leaving the nested items (with a
/// `self` of their own) alone.
pub fn rename_self_in_block(body: TokenStream, alias: &Ident) -> TokenStream {
    match syn::parse2::<syn::Block>(body.clone()) {
        Ok(mut block) => {
            SelfRenamer { alias }.visit_block_mut(&mut block);
            block.into_token_stream()
        }
        Err(_) => rename_self_tokens(body, alias),
    }
}

/// Renames `self` tokens (not `self::path`) inside a macro's input.
pub fn rename_self_tokens(tokens: TokenStream, alias: &Ident) -> TokenStream {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(tts.len());
    for (i, tt) in tts.iter().enumerate() {
        match tt {
            TokenTree::Ident(id) if id == "self" => {
                let path_follows =
                    matches!(tts.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':');
                if path_follows {
                    out.push(tt.clone());
                } else {
                    out.push(TokenTree::Ident(Ident::new(&alias.to_string(), id.span())));
                }
            }
            TokenTree::Group(g) => {
                let mut ng = Group::new(g.delimiter(), rename_self_tokens(g.stream(), alias));
                ng.set_span(g.span());
                out.push(TokenTree::Group(ng));
            }
            _ => out.push(tt.clone()),
        }
    }
    out.into_iter().collect()
}

/// The indices of the `__coro_jump!(n)` placeholders in `tokens` (a `return` whose value holds
/// a `?`, say).
pub fn placeholders_in(tokens: &TokenStream) -> Vec<usize> {
    let mut found = Vec::new();
    let mut record = |n: usize| {
        found.push(n);
        TokenStream::new()
    };
    substitute_jumps(tokens.clone(), &mut record);
    found
}

/// Replaces every `__coro_jump!(n)` in `tokens` with `jump(n)`.
pub fn substitute_jumps(
    tokens: TokenStream,
    jump: &mut dyn FnMut(usize) -> TokenStream,
) -> TokenStream {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out: Vec<TokenTree> = Vec::with_capacity(tts.len());
    let mut i = 0;
    while i < tts.len() {
        if let (TokenTree::Ident(id), Some(TokenTree::Punct(bang)), Some(TokenTree::Group(g))) =
            (&tts[i], tts.get(i + 1), tts.get(i + 2))
        {
            if id == "__coro_jump"
                && bang.as_char() == '!'
                && g.delimiter() == Delimiter::Parenthesis
            {
                if let Ok(n) = g.stream().to_string().trim().parse::<usize>() {
                    let code = jump(n);
                    out.push(TokenTree::Group(Group::new(Delimiter::Brace, code)));
                    i += 3;
                    continue;
                }
            }
        }
        match &tts[i] {
            TokenTree::Group(g) => {
                let mut ng = Group::new(g.delimiter(), substitute_jumps(g.stream(), jump));
                ng.set_span(g.span());
                out.push(TokenTree::Group(ng));
            }
            tt => out.push(tt.clone()),
        }
        i += 1;
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(src: &str, loops: &[LoopLabel]) -> (String, usize) {
        let krate: syn::Path = syn::parse_quote!(::coro);
        let alias = Ident::new("__self", Span::call_site());
        let mut r = Rewriter::new(&krate, loops, Some(&alias), 0);
        let mut stmt: syn::Stmt = syn::parse_str(src).unwrap();
        r.visit_stmt_mut(&mut stmt);
        (stmt.to_token_stream().to_string(), r.exits.len())
    }

    #[test]
    fn return_becomes_a_jump() {
        let (s, n) = rewrite("if x { return 5; }", &[]);
        assert_eq!(n, 1);
        assert!(s.contains("__coro_jump ! (0)"), "{s}");
    }

    #[test]
    fn closures_keep_their_return() {
        let (s, n) = rewrite("let f = |x| { return self.y; };", &[]);
        assert_eq!(n, 0);
        assert!(s.contains("return __self . y"), "{s}");
    }

    #[test]
    fn breaks_out_of_split_loops_only() {
        let loops = [LoopLabel {
            label: Some("outer".into()),
            is_loop: true,
        }];
        let (s, n) = rewrite(
            "for i in v { if i > 3 { break 'outer; } if i > 2 { break; } }",
            &loops,
        );
        assert_eq!(n, 1, "{s}");
        assert!(s.contains("break ;"), "{s}");
        let (_, n) = rewrite("if c { break; }", &loops);
        assert_eq!(n, 1);
    }
}
