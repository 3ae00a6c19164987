//! Jump threading: whether a jump may be replaced by the code of its target, read on in the
//! same arm, and, for an arm that reads its fields in place, taking them out of the state
//! first when the target's code needs to own them.

use super::*;
use crate::ir::walk::{assigned_in, bound_names_in, closes_in, may_make_closures, moves_in};

impl<'a> Emit<'a> {
    /// Whether a jump to `target` can be replaced by the target's code, here: only when that
    /// changes nothing observable. The target is not a state of its own (`real`), not already
    /// on this path (that would be a loop without a suspension point), and exactly the locals
    /// it keeps are alive here under their own names, besides locals that have nothing left to
    /// drop (known `Copy`, or still in scope there though dead and maybe moved). Its code may
    /// only close scopes whose Rust block is open here.
    pub(super) fn can_splice(&self, target: BlockId, cx: &ArmCtx) -> bool {
        // A state's own block is read in place only by an arm running a cycle (see `cycle`).
        let cut = cx.plan.is_cut(target) && !self.cycling(cx);
        if cx.splice_budget == 0 || cx.path.contains(&target) || cut {
            return false;
        }
        let block = &self.ir.blocks[target];
        if may_make_closures(self.ir, block.code) {
            // Each copy of a closure expression has a type of its own, so two copies could not
            // be stored in the same field.
            return false;
        }
        let fields = &self.live.fields[target];
        let alive_named = |l: &LocalId| {
            let n = self.ir.locals[*l].text();
            cx.names.text(l) == Some(n) && cx.names.texts().all(|(o, s)| o == l || n != s)
        };
        if !fields.iter().all(alive_named) {
            return false;
        }
        let extras_harmless = cx.names.keys().all(|l| {
            fields.contains(l)
                || self.ir.locals[*l].copy
                || (block.visible.contains(l)
                    && !cx.in_place.as_ref().is_some_and(|ip| ip.fields.contains(l)))
        });
        if !extras_harmless {
            return false;
        }
        let converts = self.needs_ownership(target, cx);
        if converts && !self.can_take_ownership(cx) {
            return false;
        }
        // Taking ownership gives the arm's own scopes Rust blocks that spliced code can close.
        let field_scopes: HashSet<ScopeId> = if converts {
            self.ir.blocks[cx.block].scopes.iter().copied().collect()
        } else {
            HashSet::default()
        };
        let closes_open = closes_in(self.ir, block.code)
            .iter()
            .filter(|s| block.scopes.contains(s))
            .all(|s| {
                cx.closable.contains(s)
                    || field_scopes.contains(s)
                    || self.can_close_in_place(*s, cx)
            });
        if !closes_open {
            return false;
        }
        assigned_in(self.ir, block.code)
            .iter()
            .all(|l| !block.visible.contains(l) || fields.contains(l) || cx.names.contains_key(l))
    }

    /// Whether threading `target` into an in-place arm needs the arm to own its fields first:
    /// the target's code moves one, binds its name again, or closes its scope.
    pub(super) fn needs_ownership(&self, target: BlockId, cx: &ArmCtx) -> bool {
        let Some(ip) = &cx.in_place else {
            return false;
        };
        let code = self.ir.blocks[target].code;
        let (moved, rebound, closed) = (
            moves_in(self.ir, code),
            bound_names_in(self.ir, code),
            closes_in(self.ir, code),
        );
        // In a cycle, a field with nothing to drop may see its scope close, and be bound again
        // (the same local, not another of its name), in place.
        let cycling = self.cycling(cx);
        let rebinds_itself = |l: LocalId| {
            cycling
                && self.trivially_in_place(l)
                && super::cycle::bound_locals_in(self.ir, code)
                    .iter()
                    .all(|b| *b == l || self.ir.locals[*b].text() != self.ir.locals[l].text())
        };
        ip.fields.iter().any(|l| {
            let local = &self.ir.locals[*l];
            (moved.contains(l) && !local.copy)
                || (closed.contains(&local.scope)
                    && !(cycling && self.can_close_in_place(local.scope, cx)))
                || (rebound.contains(local.text())
                    && ip.names.contains(local.text())
                    && !rebinds_itself(*l))
        }) || ip.names.iter().any(|n| {
            rebound.contains(n) && !ip.fields.iter().any(|l| self.ir.locals[*l].text() == n)
        })
    }

    /// Whether an in-place arm can take its fields out of the state here: no Rust block of its
    /// own is open (the fields' scopes are outside them), and no local the arm declared is
    /// alive with something to drop (it would be dropped after the older fields).
    pub(super) fn can_take_ownership(&self, cx: &ArmCtx) -> bool {
        let Some(ip) = &cx.in_place else {
            return false;
        };
        cx.closable.is_empty()
            && cx
                .names
                .keys()
                .all(|l| ip.fields.contains(l) || self.ir.locals[*l].copy)
    }

    /// Takes an in-place arm's fields out of the state (which becomes `Poisoned` until the
    /// next state is stored) as owned locals under their own names, then writes the code of
    /// `target` with them: the scopes that code may close get Rust blocks of their own, as in
    /// an arm that owns its fields from the start.
    pub(super) fn take_ownership_and_splice(
        &self,
        target: BlockId,
        value: Option<&Operand>,
        cursor: &mut Cursor<'a>,
        cx: &mut ArmCtx,
    ) -> TokenStream {
        if cx.cycle.as_ref().is_some_and(|c| c.depth > 0) {
            // The fields would be owned on this path only, inside a branch of the cycle.
            cx.cycle_failed = true;
        }
        let out_of_slot: HashSet<LocalId> = cx
            .in_place
            .as_ref()
            .map(|ip| {
                ip.fields
                    .iter()
                    .copied()
                    .filter(|l| self.out_of_slot(*l, cx))
                    .collect()
            })
            .unwrap_or_default();
        let ip = cx.in_place.take().expect("an in-place arm");
        let block = &self.ir.blocks[cx.block];
        let (state, state_enum) = (self.state(cx.guarded), &self.state_enum);
        let moved = |l: &LocalId| hidden(&format!("__moved_{}", self.ir.locals[*l].field));
        let pattern = ip.fields.iter().map(|l| {
            let (f, m) = (&self.ir.locals[*l].field, moved(l));
            if out_of_slot.contains(l) {
                // Its slot holds a value nothing reads again, with nothing to drop.
                return quote!(#f: _);
            }
            quote!(#f: #m)
        });
        let pattern = self.variant_path(cx.block, Some(quote!({ #(#pattern,)* })));
        let mut out = quote! {
            let #pattern = ::core::mem::replace(#state, #state_enum::Poisoned) else {
                ::core::unreachable!()
            };
        };
        let closing = self.closes_reachable(cx.plan, target);
        let first = block
            .scopes
            .iter()
            .position(|s| closing.contains(s))
            .unwrap_or(block.scopes.len());
        let mut nested: HashMap<ScopeId, Vec<TokenStream>> = HashMap::default();
        for l in ip.fields.iter().filter(|l| !out_of_slot.contains(l)) {
            let local = &self.ir.locals[*l];
            let (n, m, from) = (&local.name, self.binding_mutability(*l), moved(l));
            let binding = quote!(let #m #n = #from;);
            cx.names.insert(*l, n.clone());
            if block.scopes[first..].contains(&local.scope) {
                nested.entry(local.scope).or_default().push(binding);
            } else {
                out.extend(binding);
            }
        }
        let param = match (value, self.ir.blocks[target].param) {
            // Bound again after the fields, so that it is dropped before them.
            (None, Some(p)) if cx.names.contains_key(&p) => {
                let (n, m) = (
                    &self.ir.locals[p].name,
                    mutability(self.ir.locals[p].mutable),
                );
                quote!(let #m #n = #n;)
            }
            _ => self.bind_param(target, value, cx),
        };
        self.enter_splice(target, cursor, cx);
        if first < block.scopes.len() {
            out.extend(self.scope_blocks(
                &block.scopes,
                first,
                &closing,
                &nested,
                &param,
                cursor,
                cx,
            ));
        } else {
            out.extend(param);
        }
        out
    }

    /// The scopes that code run by this block's arm may close: its own code's, and that of the
    /// blocks its jumps may be threaded into (an over-approximation: a scope given a Rust
    /// block of its own that nothing closes simply ends with the arm).
    pub(super) fn closes_reachable(&self, plan: &Plan, b: BlockId) -> HashSet<ScopeId> {
        let mut seen = vec![false; plan.jumps.len()];
        seen[b] = true;
        let mut todo = vec![b];
        let mut out = HashSet::default();
        while let Some(x) = todo.pop() {
            out.extend(plan.closes[x].iter().copied());
            for &t in &plan.jumps[x] {
                if !plan.is_cut(t) && !std::mem::replace(&mut seen[t], true) {
                    todo.push(t);
                }
            }
        }
        out
    }
}

/// How many jumps one arm may thread (each copies the target's code into the arm).
const SPLICE_BUDGET: usize = 24;

/// How many jumps all the arms together may thread, so that the code copies stay linear in the
/// body: a body with many suspension points gets fewer per arm (at least two), and compiles in
/// time proportional to its size (`bench/compile_time.py`; 108 yields: a debug build 1.04 s
/// with 24 per arm, 0.61 s with 2). Small machines, where threading pays, keep the full budget.
const TOTAL_SPLICE_BUDGET: usize = 288;

/// The splice budget of each arm of a machine with `arms` arms.
pub(super) fn arm_splice_budget(arms: usize) -> usize {
    (TOTAL_SPLICE_BUDGET / arms.max(1)).clamp(2, SPLICE_BUDGET)
}
