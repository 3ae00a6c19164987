//! The uses in a macro's arguments: parsed as expressions where the macro takes them (with
//! the macro's rule for whether it borrows or takes them, and a formatting macro's inline
//! captures), read token by token where it does not.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use rustc_hash::FxHashSet as HashSet;
use syn::Expr;

use super::{Collector, Ctx};
use crate::ir::LocalId;
use crate::syntax::guess::borrows_arguments;
use crate::syntax::scope::{format_captures, format_string_index};

/// The by-value uses of tracked locals in the arguments of a macro named `name` (see
/// [`move_sites`]), by the rule the effects follow for that macro.
pub fn macro_move_sites(
    name: &str,
    args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
    resolve: &dyn Fn(&str) -> Option<LocalId>,
) -> HashSet<*const Expr> {
    let mut c = Collector::new(resolve);
    c.move_sites = Some(HashSet::default());
    c.macro_args(name, args.iter());
    c.move_sites.unwrap_or_default()
}

/// How a macro uses its arguments: by reference for those known to borrow them (`println!`,
/// `assert_eq!`, `matches!`…), by value otherwise.
fn macro_ctx(name: &str) -> Ctx {
    if borrows_arguments(name) {
        Ctx::Place
    } else {
        Ctx::Value
    }
}

impl Collector<'_> {
    pub(super) fn mac(&mut self, mac: &syn::Macro) {
        let name = crate::syntax::macros::macro_name(mac);
        let parsed = mac
            .parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated);
        match parsed {
            Ok(args) => {
                // The drop-flag rewrite reads them the same way (`macro_move_sites`), in its own
                // parse: sites in this one are addresses freed on return, which a later parse
                // may reuse (seed 648540061924: a read was taken for a move).
                let sites = self.move_sites.take();
                self.macro_args(&name, args.iter());
                self.move_sites = sites;
                // Inline format arguments: `println!("{x}")` reads `x`.
                self.format_strings(&mac.tokens);
            }
            Err(_) => self.tokens(&mac.tokens, Ctx::Place),
        }
    }

    /// The arguments of a macro that takes expressions; a formatting macro's named argument
    /// (`x = value`) is a value passed like the others, not an assignment.
    pub(super) fn macro_args<'e>(&mut self, name: &str, args: impl Iterator<Item = &'e Expr>) {
        let ctx = macro_ctx(name);
        let formats = format_string_index(name).is_some();
        for a in args {
            match a {
                Expr::Assign(named) if formats && Self::single_ident(&named.left).is_some() => {
                    self.expr(&named.right, ctx)
                }
                a => self.expr(a, ctx),
            }
        }
    }

    pub(super) fn tokens(&mut self, tokens: &TokenStream, ctx: Ctx) {
        let mut prev_was_dot = false;
        for tt in tokens.clone() {
            match &tt {
                TokenTree::Ident(i) if !prev_was_dot => self.unreadable_name(&i.to_string(), ctx),
                TokenTree::Group(g) => self.tokens(&g.stream(), ctx),
                TokenTree::Literal(_) => self.format_strings(&TokenStream::from(tt.clone())),
                _ => {}
            }
            prev_was_dot = matches!(&tt, TokenTree::Punct(p) if p.as_char() == '.');
        }
    }

    fn format_strings(&mut self, tokens: &TokenStream) {
        for tt in tokens.clone() {
            match tt {
                TokenTree::Literal(lit) => {
                    if let Ok(syn::Lit::Str(s)) = syn::parse2::<syn::Lit>(lit.into_token_stream()) {
                        for name in format_captures(&s.value()) {
                            self.unreadable_name(&name, Ctx::Place);
                        }
                    }
                }
                TokenTree::Group(g) => self.format_strings(&g.stream()),
                _ => {}
            }
        }
    }
}
