//! The code a cursor reads into an arm: nodes in order, the terminators that end them
//! (transitions that store the next state, yields, returns), branches, and the jumps threaded
//! into the arm.

use super::*;
use crate::ir::walk::{bound_in_branch, branch_jump_targets};
use quote::quote_spanned;

impl<'a> Emit<'a> {
    /// Writes nodes until the end of the code or a `Close` (left for the caller).
    ///
    /// Jumps are threaded where that changes nothing observable (`can_splice`): a jump that
    /// ends the code is replaced by the target's code, read on by the same cursor (so that a
    /// `Close` there ends a Rust block opened here), and a branch whose arms jump to the same
    /// block becomes `'label: { branch }` with `break 'label value` in those arms, followed by
    /// the target's code. Only suspension points, and blocks some path loops back to without
    /// suspending, remain states of their own.
    pub(super) fn seq(&self, cursor: &mut Cursor<'a>, cx: &mut ArmCtx) -> TokenStream {
        let mut out = TokenStream::new();
        while let Some(node) = cursor.peek() {
            match node {
                Node::Close(s, value) => {
                    if self.cycling(cx) && self.close_in_place(*s, value, cx) {
                        cursor.index += 1;
                        continue;
                    }
                    break;
                }
                Node::Open(s) => {
                    cursor.index += 1;
                    cx.closable.insert(*s);
                    if let Some(c) = &mut cx.cycle {
                        c.opened.insert(*s);
                    }
                    let body = self.seq(cursor, cx);
                    out.extend(self.close(*s, body, cursor, cx));
                }
                Node::Stmt(op) => {
                    cursor.index += 1;
                    out.extend(self.operand(op, Shape::Stmt, cx));
                }
                Node::Let {
                    pat,
                    init,
                    els,
                    binds,
                } => {
                    cursor.index += 1;
                    out.extend(self.let_node(pat, init, els, binds, cursor, cx));
                }
                Node::Term(Term::Jump { target, value })
                    if !cx.labels.iter().any(|(t, ..)| t == target)
                        && self.can_splice(*target, cx) =>
                {
                    let target = *target;
                    if self.needs_ownership(target, cx) {
                        out.extend(self.take_ownership_and_splice(
                            target,
                            value.as_ref(),
                            cursor,
                            cx,
                        ));
                    } else {
                        out.extend(self.bind_param(target, value.as_ref(), cx));
                        self.enter_splice(target, cursor, cx);
                    }
                }
                Node::Term(Term::Branch(br)) => {
                    cursor.index += 1;
                    // The target's code is written after the branch, where the names bound
                    // inside the branch are gone: it may not keep one of those locals (a
                    // loop's binding bound again inside would be read as its old value).
                    let bound = bound_in_branch(self.ir, br);
                    let hoisted = branch_jump_targets(self.ir, br)
                        .into_iter()
                        .filter(|t| !cx.labels.iter().any(|(l, ..)| l == t))
                        .filter(|t| !cx.plan.fields[*t].iter().any(|l| bound.contains(l)))
                        .find(|t| self.can_splice(*t, cx));
                    let Some(target) = hoisted else {
                        out.extend(self.branch(br, cx));
                        continue;
                    };
                    cx.label_count += 1;
                    let label = syn::Lifetime::new(
                        &format!("'__then{}", cx.label_count),
                        Span::mixed_site(),
                    );
                    cx.labels.push((target, label.clone(), cx.aliased.len()));
                    let branch = self.branch(br, cx);
                    cx.labels.pop();
                    let converts = self.needs_ownership(target, cx);
                    match self.ir.blocks[target].param {
                        Some(p) => {
                            let n = &self.ir.locals[p].name;
                            let m = mutability(self.ir.locals[p].mutable);
                            out.extend(quote!(let #m #n = #label: { #branch };));
                            cx.names.insert(p, n.clone());
                        }
                        None => out.extend(quote!(#label: { #branch })),
                    }
                    if converts {
                        out.extend(self.take_ownership_and_splice(target, None, cursor, cx));
                    } else {
                        self.enter_splice(target, cursor, cx);
                    }
                }
                Node::Term(t) => {
                    cursor.index += 1;
                    out.extend(self.term(t, cx));
                }
            }
        }
        out
    }

    /// Moves the cursor on to the code of `target`, which now runs in this arm.
    pub(super) fn enter_splice(&self, target: BlockId, cursor: &mut Cursor<'a>, cx: &mut ArmCtx) {
        if cx.plan.is_cut(target) {
            if let Some(c) = &mut cx.cycle {
                c.spliced_cut = true;
            }
        }
        // A splice the arm must make (the code after a hoisted `break`) may come when the
        // budget is spent: the budget bounds the optional ones only.
        cx.splice_budget = cx.splice_budget.saturating_sub(1);
        cx.path.push(target);
        *cursor = Cursor::new(self.ir, self.ir.blocks[target].code);
    }

    /// `let param = value;` for a jump threaded into a join or an exit that takes a value (the
    /// value of an `if`, a `match` or a `break`); a value nobody takes is evaluated and dropped.
    pub(super) fn bind_param(
        &self,
        target: BlockId,
        value: Option<&Operand>,
        cx: &mut ArmCtx,
    ) -> TokenStream {
        let Some(op) = value else {
            return quote!();
        };
        let t = self.operand(op, Shape::Expr, cx);
        match self.ir.blocks[target].param {
            Some(p) => {
                let n = &self.ir.locals[p].name;
                let m = mutability(self.ir.locals[p].mutable);
                cx.names.insert(p, n.clone());
                quote!(let #m #n = #t;)
            }
            None => quote!(::core::mem::drop(#t);),
        }
    }

    pub(super) fn term(&self, term: &Term, cx: &mut ArmCtx) -> TokenStream {
        let krate = self.krate;
        let state_enum = &self.state_enum;
        match term {
            Term::Jump { target, value } if cx.labels.iter().any(|(t, ..)| t == target) => {
                // Leave the branch for the target's code, written after it.
                let (_, label, outside) = cx
                    .labels
                    .iter()
                    .rev()
                    .find(|(t, ..)| t == target)
                    .expect("a label")
                    .clone();
                // Locals moved to a hidden name inside the labelled branch die with its
                // blocks, yet the arm goes on after it.
                let moved_inside: Vec<LocalId> = cx.aliased[outside.min(cx.aliased.len())..]
                    .iter()
                    .filter(|(old, _, scope, _)| {
                        !self.ir.locals[*old].copy && self.ir.locals[*old].scope != *scope
                    })
                    .map(|(_, shadower, ..)| *shadower)
                    .collect();
                for shadower in moved_inside {
                    self.rename_instead_of_alias(shadower, cx);
                }
                match (self.ir.blocks[*target].param, value) {
                    (Some(_), Some(op)) => {
                        let t = self.operand(op, Shape::Expr, cx);
                        quote!(break #label #t)
                    }
                    (_, Some(op)) => {
                        let t = self.operand(op, Shape::Expr, cx);
                        quote!({ ::core::mem::drop(#t); break #label; })
                    }
                    (_, None) => quote!(break #label),
                }
            }
            Term::Jump { target, value } => {
                if let Some(back) = self.cycle_back_edge(*target, value, cx) {
                    return back;
                }
                let has_param = self.ir.blocks[*target].param.is_some();
                let label = self.label();
                let v = hidden("__jump_value");
                let (eval, param) = match value {
                    Some(op) if has_param => {
                        let t = self.operand(op, Shape::Expr, cx);
                        (quote!(let #v = #t;), Some(v.to_token_stream()))
                    }
                    Some(op) => {
                        let t = self.operand(op, Shape::Expr, cx);
                        (quote!(::core::mem::drop(#t);), None)
                    }
                    None => (quote!(), None),
                };
                cx.dispatches = true;
                if cx.in_place.is_some() && *target == cx.block && !has_param {
                    if self.any_out_of_slot(cx) {
                        self.cycle_fails(cx);
                    }
                    return quote!({ #eval continue #label; });
                }
                cx.transitions.push(*target);
                let saved = cx.names.clone();
                let leave = self.leave_in_place(Some(*target), cx);
                let next = self.construct(*target, param, cx);
                cx.names = saved;
                let store = self.store(cx.guarded, next);
                quote!({ #eval #leave #store; continue #label; })
            }
            Term::Yield { value, resume } => {
                cx.transitions.push(*resume);
                let y = hidden("__yield_value");
                let t = self.operand(value, Shape::Expr, cx);
                if cx.in_place.is_some() {
                    if *resume == cx.block {
                        if self.any_out_of_slot(cx) {
                            self.cycle_fails(cx);
                        }
                        // Resumed where it is: the fields are already in place.
                        let leave = self.leave(cx.guarded, quote!(::core::option::Option::Some(#krate::CoroutineState::Yielded(#y))));
                        return quote!({
                            let #y = #t;
                            #leave;
                        });
                    }
                    let saved = cx.names.clone();
                    let leave = self.leave_in_place(Some(*resume), cx);
                    let next = self.construct(*resume, None, cx);
                    cx.names = saved;
                    let out = self.leave(
                        cx.guarded,
                        quote!(::core::option::Option::Some(#krate::CoroutineState::Yielded(#y))),
                    );
                    let store = self.store(cx.guarded, next);
                    return quote!({
                        let #y = #t;
                        #leave
                        #store;
                        #out;
                    });
                }
                let next = self.construct(*resume, None, cx);
                let saved = &cx.plan.fields[*resume];
                if value.effects.embedded.is_empty()
                    && !value.effects.uses.iter().any(|l| saved.contains(l))
                    && cannot_panic(&t)
                {
                    // The value is a plain name or literal the state does not take: no need for
                    // a temporary (a value that may panic is computed before the state is
                    // stored, so that a panic leaves the coroutine poisoned).
                    let out = self.leave(
                        cx.guarded,
                        quote!(::core::option::Option::Some(#krate::CoroutineState::Yielded(#t))),
                    );
                    let store = self.store(cx.guarded, next);
                    return quote!({
                        #store;
                        #out;
                    });
                }
                let out = self.leave(
                    cx.guarded,
                    quote!(::core::option::Option::Some(#krate::CoroutineState::Yielded(#y))),
                );
                let store = self.store(cx.guarded, next);
                quote!({
                    let #y = #t;
                    #store;
                    #out;
                })
            }
            Term::Return(value) => {
                let r = hidden("__return_value");
                let t = self.operand(value, Shape::Expr, cx);
                if cx.in_place.is_some() {
                    // Leave the arm first, so the locals it declared are dropped before the ones
                    // the variant holds (newest first); the step then overwrites the variant.
                    let finish = self.finish_label();
                    cx.finishes = true;
                    return quote!({
                        let #r = #t;
                        break #finish #r;
                    });
                }
                let out = self.leave(
                    cx.guarded,
                    quote!(::core::option::Option::Some(#krate::CoroutineState::Complete(#r))),
                );
                let complete = self.store(cx.guarded, quote!(#state_enum::Complete));
                quote!({
                    let #r = #t;
                    #complete;
                    #out;
                })
            }
            Term::Branch(br) => self.branch(br, cx),
        }
    }

    /// An `if` or a `match` whose arms lead to different places.
    pub(super) fn branch(&self, br: &Branch, cx: &mut ArmCtx) -> TokenStream {
        // A binding of an arm (a `match` or `for` pattern, an `if let`) that shadows a local a
        // state may still need takes a hidden name, as a shadowing `let` does.
        for arm in &br.arms {
            for &b in &arm.binds {
                self.rename_arm_binding_if_shadowing(b, cx);
            }
        }
        let head = match br.kind {
            // An `if let`'s bindings are made by its condition: renamed first, so that the
            // renaming of the bindings around the exits embedded in it sees the new names.
            BranchKind::If => {
                let renamed = Operand {
                    tokens: self.rename_condition_bindings(
                        br.head.tokens.clone(),
                        &br.arms[0].binds,
                        cx,
                    ),
                    effects: br.head.effects.clone(),
                };
                self.operand(&renamed, Shape::IfHead, cx)
            }
            BranchKind::Match => self.operand(&br.head, Shape::Expr, cx),
        };
        let mut arms = Vec::new();
        for arm in &br.arms {
            let saved = cx.names.clone();
            // Each arm is a path of its own, in a Rust block of its own.
            let saved_path = cx.path.clone();
            let saved_closable = std::mem::take(&mut cx.closable);
            let saved_aliased = cx.aliased.clone();
            let saved_cycle = cx.cycle.clone();
            let saved_in_place = cx.in_place.clone();
            if let Some(c) = &mut cx.cycle {
                c.depth += 1;
            }
            for &b in &arm.binds {
                let spelled = self.arm_binding_spelling(b, cx);
                cx.names.insert(b, spelled);
            }
            self.cycle_rebind(&arm.binds, cx);
            // The guard sees the arm's bindings.
            let guard = arm.guard.as_ref().map(|g| self.operand(g, Shape::Expr, cx));
            // A binding with a drop flag of its own holds its value in a `Flagged` from here.
            let krate = self.krate;
            let mut body: TokenStream = arm
                .binds
                .iter()
                .filter(|b| self.live.flagged.contains(b))
                .map(|b| {
                    let n = &cx.names[b];
                    quote!(let mut #n = #krate::__private::Flagged::new(#n);)
                })
                .collect();
            let mut cursor = Cursor::new(self.ir, arm.code);
            body.extend(self.seq(&mut cursor, cx));
            cx.path = saved_path;
            cx.closable = saved_closable;
            cx.aliased = saved_aliased;
            cx.names = saved;
            if saved_cycle.is_some() {
                // What an arm closed or bound in place is its own path's.
                let used = cx.cycle.as_ref().is_some_and(|c| c.used);
                let spliced_cut = cx.cycle.as_ref().is_some_and(|c| c.spliced_cut);
                cx.cycle = saved_cycle.clone();
                if let Some(c) = &mut cx.cycle {
                    c.used |= used;
                    c.spliced_cut |= spliced_cut;
                }
                cx.in_place = saved_in_place;
            }
            let pat = match br.kind {
                BranchKind::If => arm.pat.clone(),
                BranchKind::Match => self.rename_arm_pattern(&arm.pat, &arm.binds, cx),
            };
            let pat = match guard {
                Some(g) => quote!(#pat if #g),
                None => pat,
            };
            arms.push((pat, body));
        }
        let span = br.span;
        match br.kind {
            BranchKind::If => {
                let (then, els) = (&arms[0].1, &arms[1].1);
                quote_spanned!(span=> if #head { #then } else { #els })
            }
            BranchKind::Match => {
                let arms = arms.iter().map(|(p, b)| quote!(#p => { #b }));
                quote_spanned!(span=> match #head { #(#arms)* })
            }
        }
    }

    /// `Variant { field: local, … }` for a transition to `target`.
    /// The saved locals are read with `at`'s location (the yield, or the loop or join jumped to),
    /// so that an error about moving one into the state (it is still borrowed) points there.
    pub(super) fn construct(
        &self,
        target: BlockId,
        param_value: Option<TokenStream>,
        cx: &mut ArmCtx,
    ) -> TokenStream {
        let at = self.ir.blocks[target].span;
        let located = |n: &Ident| {
            let mut v = n.clone();
            v.set_span(n.span().located_at(at));
            v
        };
        let block = &self.ir.blocks[target];
        let mut fields = Vec::new();
        let plan = cx.plan;
        for &l in &plan.fields[target] {
            let local = &self.ir.locals[l];
            let f = &local.field;
            if Some(l) == block.param {
                let v = param_value.clone().unwrap_or_else(|| quote!(()));
                fields.push(quote!(#f: #v));
                continue;
            }
            let spelled_as_field = cx.names.text(&l).is_some_and(|n| *f == n);
            match cx.names.get(&l).map(located) {
                Some(n) if spelled_as_field => fields.push(quote!(#n)),
                Some(n) => fields.push(quote!(#f: #n)),
                // Moved out on every path to here: its flag is down.
                None if self.live.flagged.contains(&l)
                    && !cx.hidden_by.iter().any(|(old, ..)| *old == l) =>
                {
                    let krate = self.krate;
                    fields.push(quote!(#f: #krate::__private::Flagged::moved()));
                }
                None if self.rename_shadower_of(l, cx) => {
                    cx.rename_and_retry = true;
                    fields.push(quote!(#f: ::core::unreachable!()));
                }
                None => {
                    cx.errors.push(syn::Error::new(
                        local.span,
                        format!(
                            "#[coro::coroutine] cannot keep `{}` across this point: it is shadowed by another binding of the same name where the coroutine suspends; rename one of them",
                            local.name
                        ),
                    ));
                    fields.push(quote!(#f: ::core::unreachable!()));
                }
            }
        }
        self.variant_path(
            target,
            (!fields.is_empty()).then(|| quote!({ #(#fields,)* })),
        )
    }

    /// Leaving an in-place arm for another variant: move its fields out of the state (which
    /// becomes `Poisoned` until the next state is stored), under hidden names the next state is
    /// built from. Nothing to do in an arm that owns its fields.
    pub(super) fn leave_in_place(&self, target: Option<BlockId>, cx: &mut ArmCtx) -> TokenStream {
        let Some(ip) = cx.in_place.clone() else {
            return quote!();
        };
        // Fields the next state does not keep are dropped here; if locals the arm declared are
        // still alive, they would be dropped after them, out of the source's order: give up on
        // in place for this arm.
        let kept: HashSet<LocalId> = target
            .map(|t| cx.plan.fields[t].iter().copied().collect())
            .unwrap_or_default();
        let leftover = ip.fields.iter().any(|l| !kept.contains(l));
        let stack_alive = cx.names.keys().any(|l| !ip.fields.contains(l));
        if leftover && stack_alive {
            cx.failed = true;
        }
        let state = self.state(cx.guarded);
        let state_enum = &self.state_enum;
        let bindings = ip.fields.iter().map(|l| {
            let f = &self.ir.locals[*l].field;
            if self.out_of_slot(*l, cx) {
                // Its slot holds a value nothing reads again, with nothing to drop.
                return quote!(#f: _);
            }
            let moved = hidden(&format!("__moved_{f}"));
            cx.names.insert(*l, moved.clone());
            quote!(#f: #moved)
        });
        let bindings: Vec<TokenStream> = bindings.collect();
        let pattern = self.variant_path(cx.block, Some(quote!({ #(#bindings,)* })));
        quote! {
            let #pattern = ::core::mem::replace(#state, #state_enum::Poisoned) else {
                ::core::unreachable!()
            };
        }
    }
}

/// A single identifier or literal: evaluating it cannot panic.
fn cannot_panic(t: &TokenStream) -> bool {
    let mut it = t.clone().into_iter();
    matches!(
        (it.next(), it.next()),
        (
            Some(proc_macro2::TokenTree::Ident(_) | proc_macro2::TokenTree::Literal(_)),
            None
        )
    )
}
