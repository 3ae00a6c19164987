//! `let`s that shadow a local a state still needs. The outer local must stay reachable under
//! some name wherever the arm may store a state: the shadowing binding is renamed (the outer
//! local keeps its place, so its drop order is the source's), or the outer local is copied or
//! moved to a hidden name, or Rust's own scoping brings it back when the inner scope closes.
//! What is renamed lives in the plan ([`Renames`]); a rename found while writing an arm makes
//! the arm be written again (see `write_arms`).

use super::*;
use crate::syntax::substitute::{rename_arm_bindings, rename_bindings, rename_condition_bindings};

impl<'a> Emit<'a> {
    /// `let pat = init else { els };`, keeping what it shadows reachable for the states that
    /// still need it: a binding that shadows a non-`Copy` local a state may keep is renamed (so
    /// that local stays where it is); otherwise the old local is copied or moved to a hidden
    /// name, or left to Rust's own scoping when the shadowing scope closes in this arm.
    pub(super) fn let_node(
        &self,
        pat: &TokenStream,
        init: &Option<Operand>,
        els: &Option<Operand>,
        binds: &[LocalId],
        cursor: &Cursor<'a>,
        cx: &mut ArmCtx,
    ) -> TokenStream {
        let mut out = TokenStream::new();
        // A `let x = v` with its own drop flag holds `v` in a `Flagged`; the bindings of a
        // `let P = v else { … }` are wrapped once bound (see the end).
        let flagged = els.is_none() && matches!(binds, [b] if self.live.flagged.contains(b));
        let krate = self.krate;
        let init = init.as_ref().map(|i| {
            let t = self.operand(i, Shape::Expr, cx);
            // A local with its own drop flag holds its value in a `Flagged`.
            let t = if flagged {
                quote!(#krate::__private::Flagged::new(#t))
            } else {
                t
            };
            // `let P = <…}> else { … }` is not Rust: an initialiser that ends with a block (an
            // `if`, a `match`, a block the lowering wrote) is parenthesised before an `else`.
            let ends_with_brace = t.clone().into_iter().last().is_some_and(|tt| {
                matches!(tt, proc_macro2::TokenTree::Group(g) if g.delimiter() == proc_macro2::Delimiter::Brace)
            });
            if els.is_some() && ends_with_brace {
                quote!(= (#t))
            } else {
                quote!(= #t)
            }
        });
        let els = els.as_ref().map(|e| {
            let t = self.operand(e, Shape::Expr, cx);
            // The `else` block as written: wrapping it again would make rustc warn about
            // braces the user did not write.
            if is_brace_block(&t) {
                quote!(else #t)
            } else {
                quote!(else { #t })
            }
        });
        // A new binding that shadows a tracked local: keep the old one reachable
        // under a hidden name, in case a later transition must save it. The
        // initialiser may read the old one, so it is evaluated first.
        let mut aliases = TokenStream::new();
        let at_this_let = (cursor.code, cursor.index - 1);
        let no_locals = Default::default();
        let moved_here = self
            .live
            .moved_before_let
            .get(&at_this_let)
            .unwrap_or(&no_locals);
        let live_after = self
            .live
            .live_after_let
            .get(&at_this_let)
            .unwrap_or(&no_locals);
        // What a state may still keep: not moved out (or read by value and used
        // again, so copied).
        let kept = |old: LocalId| {
            self.may_be_saved_later(old)
                && (!moved_here.contains(&old)
                    || live_after.contains(&old)
                    || self.live.flagged.contains(&old))
        };
        // A binding that shadows a non-`Copy` local a state may still keep is
        // renamed, so that local stays where it is (moving it to a hidden name
        // would change its drop order).
        for &b in binds {
            let name = self.ir.locals[b].text().to_string();
            let shadows_kept = cx
                .names
                .texts()
                .any(|(l, n)| *l != b && n == name && !self.ir.locals[*l].copy && kept(*l));
            if shadows_kept
                && cx.in_place.is_none()
                && !self.ir.locals[b].hidden
                && !cx.renames.alias_only.contains(&b)
                && cx.renames.renamed.insert(b)
            {
                cx.renames.preferred.insert(b);
            }
        }
        // A binding marked for renaming takes a hidden name instead: what it
        // shadows keeps its own (see `construct`).
        let renames: HashMap<String, Ident> = binds
            .iter()
            .filter(|b| cx.renames.renamed.contains(b))
            .map(|&b| {
                (
                    self.ir.locals[b].text().to_string(),
                    renamed_name(self.ir, b),
                )
            })
            .collect();
        cx.let_bound.extend(binds.iter().copied());
        for &b in binds {
            let name = self.ir.locals[b].text().to_string();
            if renames.contains_key(&name) {
                continue;
            }
            let shadowed: Vec<LocalId> = cx
                .names
                .texts()
                .filter(|(l, n)| **l != b && *n == name)
                .map(|(l, _)| *l)
                .collect();
            // Moving the old binding to a hidden name is only safe if it is not
            // needed under its own name again in this arm: it is shadowed in its
            // own scope, or the arm leaves before the shadowing scope closes.
            let scope = self.ir.locals[b].scope;
            let leaves_first = cursor.nodes[cursor.index..]
                .iter()
                .find_map(|n| match n {
                    Node::Close(s, _) if *s == scope => Some(false),
                    Node::Term(_) => Some(true),
                    _ => None,
                })
                .unwrap_or(true);
            for old in shadowed {
                let same_scope = self.ir.locals[old].scope == scope;
                // A local already moved out has nothing left to keep (one read by
                // value but used again later was copied, not moved).
                // A `Copy` local can always be copied to a hidden name: the
                // original stays usable once the shadowing scope closes.
                if (same_scope || leaves_first || self.ir.locals[old].copy) && kept(old) {
                    let alias = hidden(&format!("__shadowed_{}", self.ir.locals[old].field));
                    let current = cx.names[&old].clone();
                    aliases.extend(quote!(let #alias = #current;));
                    cx.names.insert(old, alias);
                    cx.aliased.push((old, b, scope, current));
                } else {
                    // Shadowed by an inner scope: unreachable by name until that
                    // scope closes (Rust's own scoping brings it back then).
                    let current = cx.names.remove(&old);
                    if let Some(n) = current {
                        cx.hidden_by.push((old, b, n));
                    }
                }
            }
        }
        let init = if aliases.is_empty() {
            init
        } else {
            let value = hidden("__let_value");
            match init {
                Some(i) => {
                    out.extend(quote!(let #value #i;));
                    Some(quote!(= #value))
                }
                None => None,
            }
        };
        out.extend(aliases);
        let pat = if renames.is_empty() {
            pat.clone()
        } else {
            rename_bindings(pat, &renames).unwrap_or_else(|| pat.clone())
        };
        let pat = if flagged {
            flagged_pattern(&pat, krate)
        } else {
            pat
        };
        out.extend(quote!(let #pat #init #els;));
        for &b in binds {
            let spelled = match renames.get(self.ir.locals[b].text()) {
                Some(hidden) => hidden.clone(),
                None => self.ir.locals[b].name.clone(),
            };
            // A declaration without a value, or one whose flag is down (a tail temporary made on
            // some paths only), is taken out again if the arm never names it.
            if init
                .as_ref()
                .is_none_or(|i| super::prune::is_flag_down(&i.to_token_stream()))
            {
                cx.tentative.push(spelled.clone());
            }
            if !flagged && self.live.flagged.contains(&b) {
                out.extend(quote!(let mut #spelled = #krate::__private::Flagged::new(#spelled);));
            }
            cx.names.insert(b, spelled);
        }
        self.cycle_rebind(binds, cx);
        out
    }

    /// When `l` is unreachable because a `let` of this arm shadows it from an inner scope, marks
    /// that binding for renaming (the arm is then written again) and says so.
    pub(super) fn rename_shadower_of(&self, l: LocalId, cx: &mut ArmCtx) -> bool {
        let Some(&(_, shadower, _)) = cx.hidden_by.iter().rev().find(|(old, ..)| *old == l) else {
            return false;
        };
        // An in-place arm falls back to owning its fields first.
        cx.in_place.is_none() && self.mark_for_renaming(shadower, cx)
    }

    /// Marks a `let` binding of this arm for renaming; says whether that is new. The lowering's
    /// own bindings are not renamed.
    pub(super) fn mark_for_renaming(&self, shadower: LocalId, cx: &mut ArmCtx) -> bool {
        !self.ir.locals[shadower].hidden
            && cx.let_bound.contains(&shadower)
            && cx.renames.renamed.insert(shadower)
    }

    /// A non-`Copy` local was moved to a hidden name for a shadowing `let` on the assumption that
    /// the arm leaves before the shadower's scope closes, and it does not: writes the arm again
    /// with the shadower renamed (or, in an in-place arm, owning its fields first).
    pub(super) fn rename_instead_of_alias(&self, shadower: LocalId, cx: &mut ArmCtx) {
        if cx.in_place.is_some() {
            cx.failed = true;
        } else if self.mark_for_renaming(shadower, cx) {
            cx.rename_and_retry = true;
        }
    }

    /// Whether any state saves this local (so a shadowed binding must stay reachable).
    pub(super) fn may_be_saved_later(&self, l: LocalId) -> bool {
        self.live.fields.iter().any(|f| f.contains(&l))
    }

    /// The user names that refer, at this point of the arm, to a binding written under a hidden
    /// name (see `Emit::renamed`), with that name.
    pub(super) fn renamed_here(&self, cx: &ArmCtx) -> HashMap<String, Ident> {
        let mut out: HashMap<String, Ident> = self
            .renamed_lets_here(cx)
            .into_iter()
            .map(|(n, (_, hidden))| (n, hidden))
            .collect();
        for renames in &cx.jump_renames {
            out.extend(renames.iter().map(|(n, i)| (n.clone(), i.clone())));
        }
        out
    }

    /// The user's code here uses renamed `let`s whose uses cannot all be renamed: if each was
    /// renamed only by preference, the arm is written again with them left alone (what they
    /// shadow is moved to a hidden name instead); says whether it will be.
    pub(super) fn fall_back_to_aliases(&self, cx: &mut ArmCtx) -> bool {
        let lets: Vec<LocalId> = self
            .renamed_lets_here(cx)
            .into_values()
            .map(|(l, _)| l)
            .collect();
        if lets.is_empty() || !lets.iter().all(|l| cx.renames.preferred.contains(l)) {
            return false;
        }
        for l in lets {
            cx.renames.renamed.remove(&l);
            cx.renames.preferred.remove(&l);
            cx.renames.alias_only.insert(l);
        }
        cx.rename_and_retry = true;
        true
    }

    /// The user names that refer, at this point of the arm, to a renamed `let` (spelled under its
    /// hidden name here), with that local and name.
    pub(super) fn renamed_lets_here(&self, cx: &ArmCtx) -> HashMap<String, (LocalId, Ident)> {
        let renamed = &cx.renames.renamed;
        if renamed.is_empty() {
            return HashMap::default();
        }
        // The user's code sees the newest binding of each name that is in scope.
        let mut newest: HashMap<String, LocalId> = HashMap::default();
        for &l in cx.names.keys() {
            let name = self.ir.locals[l].text().to_string();
            let e = newest.entry(name).or_insert(l);
            *e = (*e).max(l);
        }
        newest
            .into_iter()
            .filter(|(_, l)| renamed.contains(l))
            .map(|(name, l)| (name, (l, renamed_name(self.ir, l))))
            // Only where it is spelled so: an arm that starts in its scope binds it by its name.
            .filter(|(_, (l, hidden))| *hidden == cx.names.text(l).unwrap_or_default())
            .collect()
    }

    /// Marks a binding of a branch arm for renaming when it shadows a local that a state may
    /// still need (an in-place arm first falls back to owning its fields).
    pub(super) fn rename_arm_binding_if_shadowing(&self, b: LocalId, cx: &mut ArmCtx) {
        let local = &self.ir.locals[b];
        if local.hidden || cx.renames.renamed.contains(&b) {
            return;
        }
        let name = local.text().to_string();
        let shadows_kept = cx
            .names
            .texts()
            .any(|(l, n)| *l != b && n == name && self.may_be_saved_later(*l));
        if !shadows_kept {
            return;
        }
        if cx.in_place.is_some() {
            cx.failed = true;
        } else {
            cx.renames.renamed.insert(b);
        }
    }

    /// How an arm's binding is spelled: its hidden name when renamed.
    pub(super) fn arm_binding_spelling(&self, b: LocalId, cx: &ArmCtx) -> Ident {
        if cx.renames.renamed.contains(&b) {
            renamed_name(self.ir, b)
        } else {
            self.ir.locals[b].name.clone()
        }
    }

    /// The renamed ones among `binds`, by their user name.
    fn renamed_among(&self, binds: &[LocalId], cx: &ArmCtx) -> HashMap<String, Ident> {
        binds
            .iter()
            .filter(|b| cx.renames.renamed.contains(b))
            .map(|&b| {
                (
                    self.ir.locals[b].text().to_string(),
                    renamed_name(self.ir, b),
                )
            })
            .collect()
    }

    /// A `match` arm's pattern with its renamed bindings.
    pub(super) fn rename_arm_pattern(
        &self,
        pat: &TokenStream,
        binds: &[LocalId],
        cx: &mut ArmCtx,
    ) -> TokenStream {
        let renames = self.renamed_among(binds, cx);
        if renames.is_empty() {
            return pat.clone();
        }
        match rename_arm_bindings(pat, &renames) {
            Some(p) => p,
            None => {
                self.cannot_rename(pat, &renames, cx);
                pat.clone()
            }
        }
    }

    /// An `if` condition with the bindings its `let`s make renamed where they are.
    pub(super) fn rename_condition_bindings(
        &self,
        head: TokenStream,
        binds: &[LocalId],
        cx: &mut ArmCtx,
    ) -> TokenStream {
        let renames = self.renamed_among(binds, cx);
        if renames.is_empty() {
            return head;
        }
        match rename_condition_bindings(&head, &renames) {
            Some(h) => h,
            None => {
                self.cannot_rename(&head, &renames, cx);
                head
            }
        }
    }

    fn cannot_rename(&self, at: &TokenStream, renames: &HashMap<String, Ident>, cx: &mut ArmCtx) {
        let name = renames.keys().next().cloned().unwrap_or_default();
        let span = at
            .clone()
            .into_iter()
            .next()
            .map_or_else(Span::call_site, |t| t.span());
        cx.errors.push(syn::Error::new(
            span,
            format!(
                "#[coro::coroutine] cannot keep the outer `{name}` across a suspension point while this binding of `{name}` shadows it, and cannot rename the binding here; rename one of them"
            ),
        ));
    }
}

/// Whether tokens are one `{ … }` group.
fn is_brace_block(t: &TokenStream) -> bool {
    let mut it = t.clone().into_iter();
    matches!(
        (it.next(), it.next()),
        (Some(proc_macro2::TokenTree::Group(g)), None) if g.delimiter() == proc_macro2::Delimiter::Brace
    )
}

/// `mut x` / `mut x: Flagged<T>` for the plain pattern `x` / `mut x` / `x: T` of a local with
/// its own drop flag (see `liveness::flagged`).
fn flagged_pattern(pat: &TokenStream, krate: &syn::Path) -> TokenStream {
    let Ok(syn::Stmt::Local(local)) = syn::parse2(quote!(let #pat;)) else {
        return pat.clone();
    };
    match local.pat {
        syn::Pat::Ident(p) => {
            let n = &p.ident;
            quote!(mut #n)
        }
        syn::Pat::Type(t) => match &*t.pat {
            syn::Pat::Ident(p) => {
                let (n, ty) = (&p.ident, &t.ty);
                quote!(mut #n: #krate::__private::Flagged<#ty>)
            }
            _ => pat.clone(),
        },
        _ => pat.clone(),
    }
}
