//! Stage 5: the layout of the state machine, decided as a plain value before any token is
//! written (rustc's coroutine transform makes the same cut: `layout.rs`, then the rewrite).
//!
//! A [`Plan`] says which blocks are states, which arms may keep their fields in place, the order
//! of each variant's fields and their type parameters, and which shadowing `let`s are written
//! under a hidden name. The emitter writes what the plan says. Two facts only show while arms
//! are written: a jump that cannot be threaded makes its target a state of its own, and a
//! shadowing `let` whose outer local a state still needs must be renamed. They flow back through
//! [`Plan::learn`] and [`Renames`], in one loop (`emit::Emit::write_arms`), until the plan
//! settles.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use proc_macro2::Ident;
use quote::format_ident;

use crate::ir::walk::{
    all_jump_targets, assigned_in, bound_names_in, closes_in, jump_targets, moves_in, yields_to,
};
use crate::ir::*;
use crate::liveness::Liveness;

pub struct Plan {
    /// Whether each block is a state of its own: a suspension point, the start, or a block in
    /// `cut`.
    state: Vec<bool>,
    /// Blocks that must stay states though they are not suspension points: some jump cannot be
    /// threaded into them (every jump to them stores the state and dispatches again).
    cut: HashSet<BlockId>,
    /// The saved locals of each block in field order: innermost scope first, latest first, so
    /// that dropping a suspended coroutine drops them as leaving their scopes would. A join's or
    /// an exit's parameter is the newest of all.
    pub fields: Vec<Vec<LocalId>>,
    /// Whether each block's arm may read its fields in place (see `in_place_eligible`).
    eligible: Vec<bool>,
    /// Whether some arm dispatches again (`continue '__dispatch`): the step then loops.
    pub dispatches: bool,
    /// Whether some in-place arm completes through the `'__finish` label.
    pub finishes: bool,
    /// The shadowing `let`s written under a hidden name.
    pub renames: Renames,
    /// Each block's code: the scopes it closes, and the blocks it may jump to (embedded jumps
    /// included). Read by every arm that may thread into the block, so computed once.
    pub closes: Vec<HashSet<ScopeId>>,
    pub jumps: Vec<Vec<BlockId>>,
    /// The locals each block's code assigns as a whole (`assigned_in`), for the same reason.
    pub assigns: Vec<HashSet<LocalId>>,
}

/// `let` bindings written under a hidden name because they shadow, in an inner scope, a local
/// that a state must save while that scope is open.
#[derive(Clone, Default)]
pub struct Renames {
    pub renamed: HashSet<LocalId>,
    /// Of `renamed`, those renamed by preference (a non-`Copy` local they shadow stays in place,
    /// so its drop order is the source's) rather than of necessity: if their uses cannot be
    /// renamed, they fall back to `alias_only`.
    pub preferred: HashSet<LocalId>,
    /// Shadowing `let`s whose uses could not be renamed: what they shadow is moved to a hidden
    /// name instead.
    pub alias_only: HashSet<LocalId>,
}

/// What writing every arm once found out.
#[derive(Default)]
pub struct Discovered {
    /// The targets of transitions (jumps that store a state and dispatch again).
    pub transitions: HashSet<BlockId>,
    pub dispatches: bool,
    pub finishes: bool,
}

/// One variant of the state enum: its block, and each field with its type parameter.
pub struct Variant {
    pub block: BlockId,
    pub fields: Vec<(LocalId, Ident)>,
}

impl Plan {
    /// The first plan: suspension points are states, and so are the heads of loops that may
    /// run around without suspending and the joins typed by the values jumped in with.
    pub fn new(ir: &Ir, live: &Liveness) -> Plan {
        let n = ir.blocks.len();
        let fields: Vec<Vec<LocalId>> = (0..n).map(|b| field_order(ir, live, b)).collect();
        let mut state: Vec<bool> = ir
            .blocks
            .iter()
            .map(|b| {
                matches!(
                    b.kind,
                    BlockKind::Start | BlockKind::AfterYield | BlockKind::AfterYieldFrom
                )
            })
            .collect();
        let mut cut = loop_heads_without_yield(ir);
        cut.extend(joins_typed_by_their_values(ir));
        for &b in &cut {
            state[b] = true;
        }
        let eligible = (0..n)
            .map(|b| in_place_eligible(ir, &fields, &live.flagged, b))
            .collect();
        let closes = ir.blocks.iter().map(|b| closes_in(ir, b.code)).collect();
        let jumps = ir
            .blocks
            .iter()
            .map(|b| all_jump_targets(ir, b.code))
            .collect();
        let assigns = ir.blocks.iter().map(|b| assigned_in(ir, b.code)).collect();
        Plan {
            closes,
            jumps,
            assigns,
            state,
            cut,
            fields,
            eligible,
            dispatches: false,
            finishes: false,
            renames: Renames::default(),
        }
    }

    /// Whether a block is a state for want of threading (see `cut`): no jump may be replaced by
    /// its code.
    pub fn is_cut(&self, b: BlockId) -> bool {
        self.cut.contains(&b)
    }

    /// Locals assigned as a whole anywhere an arm starting at `block` may run before it
    /// suspends: the block's code and the code of every block it may jump to without a yield.
    pub fn assigned_before_suspending(&self, block: BlockId) -> HashSet<LocalId> {
        let mut out = HashSet::default();
        let mut seen = vec![false; self.jumps.len()];
        seen[block] = true;
        let mut todo = vec![block];
        while let Some(b) = todo.pop() {
            out.extend(self.assigns[b].iter().copied());
            for &t in &self.jumps[b] {
                if !std::mem::replace(&mut seen[t], true) {
                    todo.push(t);
                }
            }
        }
        out
    }

    /// How many states there are.
    pub fn state_count(&self) -> usize {
        self.state.iter().filter(|s| **s).count()
    }

    /// The states, in the order the blocks were created (which follows the source).
    pub fn states(&self) -> Vec<BlockId> {
        (0..self.state.len()).filter(|b| self.state[*b]).collect()
    }

    /// Whether a state's arm may read its fields in place: none of them is moved out, dropped at
    /// a scope's end, or shadowed in this arm, and a resume comes back to this same variant.
    pub fn in_place_eligible(&self, b: BlockId) -> bool {
        self.eligible[b]
    }

    /// Whether any arm may read its fields in place (the step then runs under a guard that
    /// poisons the state if it unwinds, since the state is not replaced by `Poisoned` while such
    /// an arm runs).
    pub fn any_in_place(&self) -> bool {
        (0..self.state.len()).any(|b| self.state[b] && self.eligible[b])
    }

    /// Takes in what a pass over the arms found; says whether the plan is settled (no new
    /// state, and whether the step loops did not change), so that the arms written are final.
    pub fn learn(&mut self, found: Discovered) -> bool {
        let new: Vec<BlockId> = found
            .transitions
            .into_iter()
            .filter(|b| !self.state[*b])
            .collect();
        let settled = new.is_empty() && found.dispatches == self.dispatches;
        for b in new {
            self.state[b] = true;
            self.cut.insert(b);
        }
        self.dispatches = found.dispatches;
        self.finishes = found.finishes;
        settled
    }

    /// The variants of the state enum, one per state in creation order, each field with its
    /// type parameter. A local has one type wherever it is saved, so it has one parameter,
    /// shared by every variant that holds it (one per field per variant made type checking
    /// grow as n^2.5: research/compile-time.md).
    pub fn variants(&self) -> Vec<Variant> {
        let params = self.type_params();
        self.states()
            .into_iter()
            .map(|block| Variant {
                block,
                fields: self.fields[block]
                    .iter()
                    .map(|&l| (l, format_ident!("T{}", params[&l])))
                    .collect(),
            })
            .collect()
    }

    /// Each saved local's type parameter (`T{n}`), numbered in the order the states first hold
    /// them.
    pub fn type_params(&self) -> HashMap<LocalId, usize> {
        let mut params = HashMap::default();
        for block in self.states() {
            for &l in &self.fields[block] {
                let next = params.len();
                params.entry(l).or_insert(next);
            }
        }
        params
    }
}

fn field_order(ir: &Ir, live: &Liveness, b: BlockId) -> Vec<LocalId> {
    let block = &ir.blocks[b];
    let mut f: Vec<LocalId> = live.fields[b].iter().rev().copied().collect();
    if let Some(p) = block.param {
        if matches!(block.kind, BlockKind::Join | BlockKind::LoopExit) {
            f.insert(0, p);
        }
    }
    f
}

/// The blocks that must stay states because some path runs from them back to them without
/// suspending (a loop whose body does not always yield): the first block of each such cycle in
/// creation order, which is the head of the outermost loop, is cut first, then whatever cycles
/// remain.
fn loop_heads_without_yield(ir: &Ir) -> HashSet<BlockId> {
    let n = ir.blocks.len();
    let edges: Vec<Vec<BlockId>> = (0..n)
        .map(|b| all_jump_targets(ir, ir.blocks[b].code))
        .collect();
    let mut cut = HashSet::default();
    for v in 0..n {
        // Does `v` reach itself through blocks not cut yet?
        let mut seen = vec![false; n];
        let mut todo: Vec<BlockId> = edges[v].clone();
        let mut cyclic = false;
        while let Some(x) = todo.pop() {
            if x == v {
                cyclic = true;
                break;
            }
            if cut.contains(&x) || std::mem::replace(&mut seen[x], true) {
                continue;
            }
            todo.extend(edges[x].iter().copied());
        }
        if cyclic {
            cut.insert(v);
        }
    }
    cut
}

/// Blocks whose parameter's type is inferred from the values jumped in with (the value of an
/// `if`, a `match`, a `break`) and that are reached from the code of several blocks: threaded,
/// each arm would bind its own copy of the parameter, and a copy that only ever receives `8`
/// could not tell `8.wrapping_add(5)`'s integer type. As a state, the field unifies the values
/// of every arm, as rustc does for the whole body.
fn joins_typed_by_their_values(ir: &Ir) -> HashSet<BlockId> {
    let mut sources: HashMap<BlockId, HashSet<BlockId>> = HashMap::default();
    for (b, block) in ir.blocks.iter().enumerate() {
        for t in all_jump_targets(ir, block.code) {
            sources.entry(t).or_default().insert(b);
        }
    }
    sources
        .into_iter()
        .filter(|(t, from)| {
            from.len() > 1 && ir.blocks[*t].param.is_some_and(|p| !ir.locals[p].typed)
        })
        .map(|(t, _)| t)
        .collect()
}

/// Whether an arm may read its fields in place: none of them is moved out, dropped at a scope's
/// end, shadowed in this arm (those need to be owned by the arm), or kept with its own drop flag.
fn in_place_eligible(
    ir: &Ir,
    fields: &[Vec<LocalId>],
    flagged: &crate::liveness::Set,
    b: BlockId,
) -> bool {
    let block = &ir.blocks[b];
    let fields = &fields[b];
    if fields.is_empty() || block.kind == BlockKind::Start {
        return false;
    }
    let closing = closes_in(ir, block.code);
    let moved = moves_in(ir, block.code);
    // A field's name bound again in this arm would make `x` ambiguous for the rewrite.
    let rebound = bound_names_in(ir, block.code);
    let owned_elsewhere = |code: CodeId| {
        let (moved, rebound) = (moves_in(ir, code), bound_names_in(ir, code));
        fields.iter().any(|l| {
            let local = &ir.locals[*l];
            (moved.contains(l) && !local.copy) || rebound.contains(local.text())
        })
    };
    let keeps_fields = fields.iter().all(|l| {
        let local = &ir.locals[*l];
        (!moved.contains(l) || local.copy)
            && !flagged.contains(l)
            && !closing.contains(&local.scope)
            && !rebound.contains(local.text())
    });
    // It only pays when the resume comes back to this same variant (a loop around a yield):
    // leaving for another variant moves the fields out anyway.
    let comes_back = yields_to(ir, block.code, b)
        || jump_targets(ir, block.code).into_iter().any(|t| {
            t < b && yields_to(ir, ir.blocks[t].code, b) && !owned_elsewhere(ir.blocks[t].code)
        });
    keeps_fields && comes_back && !shadows_a_name(ir, block)
}

/// Whether two of the locals visible in a block (its parameter included) have the same name.
fn shadows_a_name(ir: &Ir, block: &crate::ir::Block) -> bool {
    let mut names: Vec<&str> = block
        .visible
        .iter()
        .chain(block.param.iter())
        .map(|&l| ir.locals[l].text())
        .collect();
    names.sort_unstable();
    names.windows(2).any(|w| w[0] == w[1])
}

/// The arms in an order where every state comes after the arms that make it, as far as loops
/// allow (reverse postorder from the start): the compiler type-checks the arms in that order,
/// and a method call on a field needs the field's type settled by then (`Join1 { value: 8 }`
/// from one arm and `Join1 { value: p }` from another, before `value.wrapping_add(5)`). The
/// creation order of the blocks breaks ties, and orders what the start does not reach.
///
/// `arms` holds each arm's block and the blocks it makes (its transitions); the result indexes
/// into it.
pub fn arm_order(arms: &[(BlockId, Vec<BlockId>)]) -> Vec<usize> {
    let index: HashMap<BlockId, usize> = arms.iter().enumerate().map(|(i, a)| (a.0, i)).collect();
    let mut seen = vec![false; arms.len()];
    let mut postorder = Vec::new();
    // Iterative depth-first search: (arm, next edge to follow).
    let mut stack = vec![(0usize, 0usize)];
    seen[0] = true;
    while let Some((a, e)) = stack.pop() {
        let edges: Vec<usize> = arms[a]
            .1
            .iter()
            .filter_map(|t| index.get(t).copied())
            .collect();
        if let Some(&next) = edges.get(e) {
            stack.push((a, e + 1));
            if !std::mem::replace(&mut seen[next], true) {
                stack.push((next, 0));
            }
        } else {
            postorder.push(a);
        }
    }
    let mut order: Vec<usize> = postorder.into_iter().rev().collect();
    order.extend((0..arms.len()).filter(|i| !seen[*i]));
    order
}
