//! The user's code as an arm writes it: renamed bindings, locals with drop flags, parameters kept
//! as pointers, fields read in place (`(*x)`), and
//! the exits embedded in it (`return`, `?`, `break`) written as transitions.

use super::*;
use crate::rewrite::substitute_jumps;
use crate::syntax::substitute::{deref, flagged, rename, rename_inner_bindings, through_pointer};

impl<'a> Emit<'a> {
    pub(super) fn operand(&self, op: &Operand, shape: Shape, cx: &mut ArmCtx) -> TokenStream {
        let renamed = self.renamed_here(cx);
        let tokens = if renamed.is_empty() {
            op.tokens.clone()
        } else {
            match rename(&op.tokens, shape, &renamed) {
                Some(t) => t,
                None if self.fall_back_to_aliases(cx) => op.tokens.clone(),
                None => {
                    let name = renamed.keys().next().cloned().unwrap_or_default();
                    cx.errors.push(syn::Error::new(
                        op.tokens.clone().into_iter().next().map_or_else(proc_macro2::Span::call_site, |t| t.span()),
                        format!(
                            "#[coro::coroutine] cannot keep the outer `{name}` across a suspension point while an inner `{name}` shadows it: this code uses the inner one in a way the macro cannot rename (a format string that captures it, or a macro it cannot read); rename one of them"
                        ),
                    ));
                    op.tokens.clone()
                }
            }
        };
        let tokens = self.flagged_uses(tokens, shape, cx);
        let tokens = self.pointer_uses(tokens, shape, cx);
        let tokens = match &cx.in_place {
            Some(ip) => match deref(&tokens, shape, &ip.names) {
                Some(t) => t,
                None => {
                    cx.failed = true;
                    tokens
                }
            },
            None => tokens,
        };
        if op.effects.embedded.is_empty() {
            return tokens;
        }
        // The embedded exits store states from the arm's locals by name: bindings inside this
        // code must not shadow those names where the exits are written.
        let avoid: HashSet<String> = cx.names.texts().map(|(_, n)| n.to_string()).collect();
        let (tokens, jump_renames) =
            rename_inner_bindings(&tokens, shape, &avoid).unwrap_or((tokens, HashMap::new()));
        let mut jump = |n: usize| {
            // The exit's own value sees the renamed bindings in scope where it is written.
            cx.jump_renames
                .push(jump_renames.get(&n).cloned().unwrap_or_default());
            let t = self.term(&self.ir.embedded[n], cx);
            cx.jump_renames.pop();
            t
        };
        substitute_jumps(tokens, &mut jump)
    }

    /// Rewrites the uses of the locals in scope that keep their own drop flag (see
    /// `liveness::flagged`): `take(&mut x)` where a use moves the value, `(*x)` elsewhere.
    fn flagged_uses(&self, tokens: TokenStream, shape: Shape, cx: &mut ArmCtx) -> TokenStream {
        if self.live.flagged.is_empty() {
            return tokens;
        }
        let names = innermost_names(cx, |l| self.live.flagged.contains(l));
        if names.is_empty() {
            return tokens;
        }
        match flagged(&tokens, shape, &names, self.krate) {
            Some(t) => t,
            None => {
                let name = names.iter().next().cloned().unwrap_or_default();
                cx.errors.push(syn::Error::new(
                    tokens.clone().into_iter().next().map_or_else(proc_macro2::Span::call_site, |t| t.span()),
                    format!(
                        "#[coro::coroutine] keeps `{name}` with a drop flag (it may be moved on some paths before a suspension point), and cannot follow its uses in this code (a macro it cannot read, or a string that may capture the name); move it on every path, or pass it to the macro through a `let`"
                    ),
                ));
                tokens
            }
        }
    }

    /// Rewrites the uses of `&mut` parameters kept as pointers (see `reborrow`) as the places
    /// they name.
    fn pointer_uses(&self, tokens: TokenStream, shape: Shape, cx: &mut ArmCtx) -> TokenStream {
        if self.pointers.is_empty() {
            return tokens;
        }
        let names = innermost_names(cx, |l| self.pointers.contains(l));
        if names.is_empty() {
            return tokens;
        }
        match through_pointer(&tokens, shape, &names) {
            Some(t) => t,
            None => {
                // `reborrow` keeps a parameter as a pointer only where every use can be read.
                let name = names.iter().next().cloned().unwrap_or_default();
                cx.errors.push(syn::Error::new(
                    tokens.clone().into_iter().next().map_or_else(proc_macro2::Span::call_site, |t| t.span()),
                    format!(
                        "#[coro::coroutine] cannot follow the uses of `{name}` in this code (a macro it cannot read, or a string that may capture the name); pass it to the macro through a `let`"
                    ),
                ));
                tokens
            }
        }
    }
}

/// The names of the locals in scope that `pick` selects, each only where it is the innermost
/// local of that spelling (the latest declared): a name refers to that one.
fn innermost_names(cx: &ArmCtx, pick: impl Fn(&LocalId) -> bool) -> HashSet<String> {
    let mut innermost: HashMap<&str, LocalId> = HashMap::new();
    for (&l, text) in cx.names.texts() {
        let e = innermost.entry(text).or_insert(l);
        if l > *e {
            *e = l;
        }
    }
    innermost
        .into_iter()
        .filter(|(_, l)| pick(l))
        .map(|(text, _)| text.to_string())
        .collect()
}
