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
            rename_inner_bindings(&tokens, shape, &avoid).unwrap_or((tokens, HashMap::default()));
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
        let krate = self.krate;
        let kept = |l: &LocalId| self.live.flagged.contains(l);
        self.substituted(tokens, shape, cx, kept, |t, shape, names| flagged(t, shape, names, krate), |name| format!(
            "#[coro::coroutine] keeps `{name}` with a drop flag (it may be moved on some paths before a suspension point), and cannot follow its uses in this code (a macro it cannot read, or a string that may capture the name); move it on every path, or pass it to the macro through a `let`"
        ))
    }

    /// Rewrites the uses of `&mut` parameters kept as pointers (see `reborrow`) as the places
    /// they name.
    fn pointer_uses(&self, tokens: TokenStream, shape: Shape, cx: &mut ArmCtx) -> TokenStream {
        if self.pointers.is_empty() {
            return tokens;
        }
        // `reborrow` keeps a parameter as a pointer only where every use can be read.
        let kept = |l: &LocalId| self.pointers.contains(l);
        self.substituted(tokens, shape, cx, kept, through_pointer, |name| format!(
            "#[coro::coroutine] cannot follow the uses of `{name}` in this code (a macro it cannot read, or a string that may capture the name); pass it to the macro through a `let`"
        ))
    }

    /// Rewrites with `rewrite` the uses of the locals of `kept` in scope here; where it cannot,
    /// reports `why` (given the local's name) on the code.
    fn substituted(
        &self,
        tokens: TokenStream,
        shape: Shape,
        cx: &mut ArmCtx,
        kept: impl Fn(&LocalId) -> bool,
        rewrite: impl Fn(&TokenStream, Shape, &HashSet<String>) -> Option<TokenStream>,
        why: impl Fn(&str) -> String,
    ) -> TokenStream {
        let names = innermost_names(cx, kept);
        if names.is_empty() {
            return tokens;
        }
        match rewrite(&tokens, shape, &names) {
            Some(t) => t,
            None => {
                let name = names.iter().next().cloned().unwrap_or_default();
                let span = tokens
                    .clone()
                    .into_iter()
                    .next()
                    .map_or_else(proc_macro2::Span::call_site, |t| t.span());
                cx.errors.push(syn::Error::new(span, why(&name)));
                tokens
            }
        }
    }
}

/// The names of the locals in scope that `pick` selects, each only where it is the innermost
/// local of that spelling (the latest declared): a name refers to that one.
fn innermost_names(cx: &ArmCtx, pick: impl Fn(&LocalId) -> bool) -> HashSet<String> {
    let mut innermost: HashMap<&str, LocalId> = HashMap::default();
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
