//! Yield-free cycles run as a Rust `loop` inside an arm that reads its fields in place.
//!
//! The arm of a state whose code jumps straight to a loop head (the resume point of a nested
//! `for` loop: `AfterYield1` jumps to the inner loop's head) reads that head's code in place.
//! When the inner loop ends, the path goes through the outer loop's head and back to the inner
//! head without suspending: that outer head stays a state of its own (`Plan::is_cut`), and
//! without this chapter the arm takes every field out of the state and stores them again as
//! that state, at every turn of the outer loop.
//!
//! Here the arm runs that cycle as `'__cycle: loop { … }` around the code it reads from the
//! inner head on, with the fields left in the state:
//!
//! - the scope of a field may close in place when what the field holds has nothing to drop
//!   (a `Copy` value, a reference, a `for` loop's iterator over a range): its slot keeps a
//!   value nobody reads again, overwritten when the field is bound again, so nothing is
//!   dropped out of the source's order;
//! - the cut loop head is read in place too, and a field it binds again (the outer `for`'s
//!   pattern, the inner iterator's `let`) is a fresh Rust local, written back to its slot
//!   (`*__slot_x = x`) at the jump back to the inner head, which becomes `continue '__cycle`;
//! - anything else (a field with something to drop whose scope closes, a yield or a
//!   transition while a field is out of its slot, a field taken out inside a branch) makes the
//!   arm be written again without the cycle, as before.
//!
//! The fields are bound by the arm's pattern under hidden names (`__slot_x`) and reborrowed
//! under their own at the top of each turn (`let x = &mut *__slot_x;`), so that the slots can
//! be written at the back edge while the reborrows are dead.

use super::*;

/// What an arm written with an in-place cycle tracks.
#[derive(Clone, Default)]
pub(super) struct Cycle {
    /// The block whose code starts the loop: the one the arm's own code ends by jumping to.
    pub head: Option<BlockId>,
    /// Fields whose scope closed in place: their slot holds a value with nothing to drop.
    pub closed: HashSet<LocalId>,
    /// Fields bound again as fresh Rust locals, written back to their slot at the back edge.
    pub fresh: HashSet<LocalId>,
    /// Scopes this arm opened as Rust blocks (never closed in place).
    pub opened: HashSet<ScopeId>,
    /// A back edge was written.
    pub used: bool,
    /// The code of a block that is a state of its own was read into the arm.
    pub spliced_cut: bool,
    /// How many branch arms deep the cursor is.
    pub depth: usize,
}

impl<'a> Emit<'a> {
    /// Whether a path of jumps (no yield) runs from `head` through a state of its own back to
    /// `head`: only then can an arm starting at `head` have a cycle to run in place (trying in
    /// vain would write the arm twice).
    pub(super) fn may_cycle_back(&self, plan: &Plan, head: BlockId) -> bool {
        let reach = |from: BlockId| {
            let mut seen = HashSet::from_iter([from]);
            let mut todo = vec![from];
            while let Some(x) = todo.pop() {
                for &t in &plan.jumps[x] {
                    if seen.insert(t) {
                        todo.push(t);
                    }
                }
            }
            seen
        };
        reach(head)
            .into_iter()
            .any(|c| c != head && plan.is_cut(c) && reach(c).contains(&head))
    }

    pub(super) fn cycle_label(&self) -> syn::Lifetime {
        syn::Lifetime::new("'__cycle", Span::mixed_site())
    }

    /// The hidden name an arm with a cycle binds the field of `l` to.
    pub(super) fn slot(&self, l: LocalId) -> Ident {
        hidden(&format!("__slot_{}", self.ir.locals[l].field))
    }

    /// Whether the cycle is being written and the fields are still in place.
    pub(super) fn cycling(&self, cx: &ArmCtx) -> bool {
        cx.cycle.is_some() && cx.in_place.is_some()
    }

    /// Gives up on the cycle: the arm is written again without it.
    pub(super) fn cycle_fails(&self, cx: &mut ArmCtx) {
        if cx.cycle.is_some() {
            cx.cycle_failed = true;
        }
    }

    /// Whether the value of `l` visibly has nothing to drop, so that it may be left in its slot
    /// after its scope closes and overwritten later: `Copy` or a reference (as the lowering
    /// knows), or a `for` loop's iterator over a range expression (a range iterates only over
    /// std's integers and chars: `Step` cannot be implemented on stable).
    pub(super) fn trivially_in_place(&self, l: LocalId) -> bool {
        let local = &self.ir.locals[l];
        if local.nothing_to_drop() {
            return true;
        }
        if !local.hidden {
            return false;
        }
        self.ir.codes.iter().flatten().any(|n| match n {
            Node::Let {
                binds,
                init: Some(init),
                els: None,
                ..
            } if binds.as_slice() == [l] => into_iter_of_a_range(&init.tokens),
            _ => false,
        })
    }

    /// Whether the scope `s`, which the cursor closes here, can be closed in place: no Rust
    /// block of this arm is open for it, it has no value, and the locals of it that are alive
    /// are fields still in their slots, with nothing to drop.
    pub(super) fn can_close_in_place(&self, s: ScopeId, cx: &ArmCtx) -> bool {
        let (Some(cycle), Some(ip)) = (&cx.cycle, &cx.in_place) else {
            return false;
        };
        let scope = &self.ir.scopes[s];
        !cx.closable.contains(&s)
            && !cycle.opened.contains(&s)
            && self.ir.blocks[cx.block].scopes.contains(&s)
            && scope.result.is_none()
            && scope.locals.iter().all(|l| {
                !cx.names.contains_key(l)
                    || (ip.fields.contains(l)
                        && !cycle.fresh.contains(l)
                        && cx.names.text(l) == Some(self.ir.locals[*l].text())
                        && self.trivially_in_place(*l))
            })
    }

    /// Closes `s` in place (see [`Self::can_close_in_place`]): its fields are gone by name, and
    /// a later binding of their names is a fresh local. Says whether it did.
    pub(super) fn close_in_place(
        &self,
        s: ScopeId,
        value: &Option<Operand>,
        cx: &mut ArmCtx,
    ) -> bool {
        let unit = value
            .as_ref()
            .is_none_or(|v| v.tokens.to_string().replace(' ', "") == "()");
        if !unit || !self.can_close_in_place(s, cx) {
            return false;
        }
        for &l in &self.ir.scopes[s].locals {
            if cx.names.remove(&l).is_none() {
                continue;
            }
            if let Some(ip) = &mut cx.in_place {
                ip.names.remove(self.ir.locals[l].text());
            }
            if let Some(cycle) = &mut cx.cycle {
                cycle.closed.insert(l);
            }
        }
        true
    }

    /// A binding of a field's local, in a cycle: it is a fresh Rust local from here on (its
    /// uses are no longer read through the slot), written back at the back edge. A field with
    /// something to drop still in its slot cannot be bound again in place.
    pub(super) fn cycle_rebind(&self, binds: &[LocalId], cx: &mut ArmCtx) {
        if !self.cycling(cx) {
            return;
        }
        for &b in binds {
            let ip = cx.in_place.as_ref().expect("in place");
            if !ip.fields.contains(&b) {
                continue;
            }
            let closed = cx.cycle.as_ref().is_some_and(|c| c.closed.contains(&b));
            if !closed && !self.trivially_in_place(b) {
                cx.cycle_failed = true;
                return;
            }
            if let Some(ip) = &mut cx.in_place {
                ip.names.remove(self.ir.locals[b].text());
            }
            if let Some(cycle) = &mut cx.cycle {
                cycle.fresh.insert(b);
            }
        }
    }

    /// Whether some field is out of its slot.
    pub(super) fn any_out_of_slot(&self, cx: &ArmCtx) -> bool {
        cx.cycle
            .as_ref()
            .is_some_and(|c| !c.closed.is_empty() || !c.fresh.is_empty())
    }

    /// Whether a field is out of its slot (closed, or bound again as a fresh local).
    pub(super) fn out_of_slot(&self, l: LocalId, cx: &ArmCtx) -> bool {
        cx.cycle
            .as_ref()
            .is_some_and(|c| c.closed.contains(&l) || c.fresh.contains(&l))
    }

    /// The jump back to the cycle's head: the fresh locals go back to their slots, and the loop
    /// starts its next turn. `None` where this jump is not the back edge; a back edge that
    /// cannot be written makes the arm be written again without the cycle.
    pub(super) fn cycle_back_edge(
        &self,
        target: BlockId,
        value: &Option<Operand>,
        cx: &mut ArmCtx,
    ) -> Option<TokenStream> {
        let head = cx.cycle.as_ref()?.head?;
        if target != head {
            return None;
        }
        let Some(ip) = cx.in_place.clone() else {
            cx.cycle_failed = true;
            return None;
        };
        let cycle = cx.cycle.clone().expect("a cycle");
        let ok = value.is_none()
            && self.ir.blocks[target].param.is_none()
            && cx.aliased.is_empty()
            && cx.hidden_by.is_empty()
            && cx.jump_renames.is_empty()
            && cx
                .names
                .keys()
                .all(|l| ip.fields.contains(l) || self.ir.locals[*l].copy)
            && ip.fields.iter().all(|l| {
                let own = cx.names.text(l) == Some(self.ir.locals[*l].text());
                own && (cycle.fresh.contains(l) || !cycle.closed.contains(l))
            });
        if !ok {
            cx.cycle_failed = true;
            return None;
        }
        let writes = ip
            .fields
            .iter()
            .filter(|l| cycle.fresh.contains(l))
            .map(|l| {
                let (slot, n) = (self.slot(*l), &cx.names[l]);
                quote!(*#slot = #n;)
            });
        let writes: Vec<TokenStream> = writes.collect();
        let label = self.cycle_label();
        if let Some(c) = &mut cx.cycle {
            c.used = true;
        }
        Some(quote!({ #(#writes)* continue #label; }))
    }

    /// `let x = &mut *__slot_x;` for every field, at the top of the arm and of each turn.
    pub(super) fn reborrow_slots(&self, fields: &[LocalId]) -> TokenStream {
        fields
            .iter()
            .map(|l| {
                let (slot, n) = (self.slot(*l), &self.ir.locals[*l].name);
                quote!(let #n = &mut *#slot;)
            })
            .collect()
    }
}

/// The locals bound by `let`s and branch patterns in this code.
pub(super) fn bound_locals_in(ir: &Ir, code: CodeId) -> HashSet<LocalId> {
    use crate::ir::walk::{walk, Embedded, Visit};
    let mut out = HashSet::default();
    walk(ir, code, Embedded::Skip, &mut |v| match v {
        Visit::Node(Node::Let { binds, .. }) => out.extend(binds.iter().copied()),
        Visit::Arm(arm) => out.extend(arm.binds.iter().copied()),
        _ => {}
    });
    out
}

/// `::core::iter::IntoIterator::into_iter(a..b)` (any range form), as the lowering writes a
/// `for` loop's iterator.
fn into_iter_of_a_range(tokens: &TokenStream) -> bool {
    let Ok(syn::Expr::Call(call)) = syn::parse2::<syn::Expr>(tokens.clone()) else {
        return false;
    };
    let syn::Expr::Path(f) = &*call.func else {
        return false;
    };
    let segments: Vec<String> = f
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    if segments != ["core", "iter", "IntoIterator", "into_iter"] || call.args.len() != 1 {
        return false;
    }
    let mut arg = &call.args[0];
    loop {
        match arg {
            syn::Expr::Paren(p) => arg = &p.expr,
            syn::Expr::Group(g) => arg = &g.expr,
            syn::Expr::Range(_) => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::into_iter_of_a_range;
    use quote::quote;

    #[test]
    fn a_for_loops_iterator_over_a_range() {
        assert!(into_iter_of_a_range(&quote!(
            ::core::iter::IntoIterator::into_iter(0..8u64)
        )));
        assert!(into_iter_of_a_range(&quote!(
            ::core::iter::IntoIterator::into_iter((1..=n))
        )));
        assert!(!into_iter_of_a_range(&quote!(
            ::core::iter::IntoIterator::into_iter(v)
        )));
        assert!(!into_iter_of_a_range(&quote!(into_iter(0..8))));
    }
}
