//! Stage 4a: which locals each state saves.
//!
//! Two classic data-flow analyses over the blocks:
//!
//! - *liveness* (backward): a local is live where a later use may read it;
//! - *maybe-moved* (forward): a local may be moved out (or not yet initialised) where some path
//!   from its declaration moves it without assigning it again.
//!
//! A block's state saves the locals in scope there that are live, or that may still own a value
//! to drop later (not maybe-moved, and not known to be `Copy`): dropping a suspended coroutine
//! then drops exactly what its source would drop at the end of those scopes.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap as HashMap;

use crate::bits::Bits;
use crate::ir::*;

pub type Set = BTreeSet<LocalId>;

pub struct Liveness {
    /// The saved locals of each block, in declaration order.
    pub fields: Vec<Vec<LocalId>>,
    /// For each `Let` node (code, index): the locals that may be moved out just before it.
    pub moved_before_let: LetSets,
    /// For each `Let` node (code, index): the locals live just after it.
    pub live_after_let: LetSets,
    /// The locals that keep a drop flag of their own (see [`flagged`]).
    pub flagged: Set,
}

/// A set of locals for each `Let` node, by (code, index).
pub type LetSets = rustc_hash::FxHashMap<(CodeId, usize), Set>;

pub fn analyse(ir: &Ir) -> Liveness {
    let n = ir.blocks.len();
    let mut live_in = vec![Set::new(); n];
    loop {
        let mut changed = false;
        for b in (0..n).rev() {
            let mut live = live_code(ir, ir.blocks[b].code, &live_in, &mut None);
            if let Some(p) = ir.blocks[b].param {
                live.remove(&p);
            }
            if live != live_in[b] {
                live_in[b] = live;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }

    let may = Moved::analyse(ir, false);
    let (flagged, sure) = flagged(ir, &live_in, &may);
    let moved_before_let = may.before_let();
    let moved_in = may.moved_in;

    let fields = (0..n)
        .map(|b| {
            let block = &ir.blocks[b];
            block
                .visible
                .iter()
                .copied()
                .filter(|l| {
                    // A dead local is kept only for its drop, which a `Copy` value, a `&mut`
                    // reference or a borrowing iterator has not.
                    block.kind == BlockKind::Start
                        || live_in[b].contains(l)
                        || (flagged.contains(l)
                            && !sure.as_ref().is_some_and(|s| s.moved_in[b].contains(l)))
                        || !(moved_in[b].contains(l) || ir.locals[*l].nothing_to_drop())
                })
                .collect()
        })
        .collect();
    let mut live_after_let = LetSets::default();
    for block in &ir.blocks {
        live_code(ir, block.code, &live_in, &mut Some(&mut live_after_let));
    }
    Liveness {
        fields,
        moved_before_let,
        live_after_let,
        flagged,
    }
}

/// Code with effects `fx` runs before what `live` holds: what it assigns is dead before it,
/// what it reads before assigning is live.
fn through(fx: &Effects, live: &mut Set) {
    for a in &fx.assigns {
        live.remove(a);
    }
    live.extend(fx.read().iter().copied());
}

fn embedded_live(ir: &Ir, fx: &Effects, live_in: &[Set], live: &mut Set) {
    for &e in &fx.embedded {
        live.extend(live_term(ir, &ir.embedded[e], live_in, &mut None));
    }
}

fn live_term(ir: &Ir, term: &Term, live_in: &[Set], rec: &mut Option<&mut LetSets>) -> Set {
    match term {
        Term::Jump { target, value } => {
            let mut s = live_in[*target].clone();
            if let Some(v) = value {
                through(&v.effects, &mut s);
                embedded_live(ir, &v.effects, live_in, &mut s);
            }
            s
        }
        Term::Yield { value, resume } => {
            let mut s = live_in[*resume].clone();
            through(&value.effects, &mut s);
            embedded_live(ir, &value.effects, live_in, &mut s);
            s
        }
        Term::Return(v) => {
            let mut s = Set::new();
            through(&v.effects, &mut s);
            embedded_live(ir, &v.effects, live_in, &mut s);
            s
        }
        Term::Branch(br) => {
            let mut s = Set::new();
            for arm in &br.arms {
                let mut l = live_code(ir, arm.code, live_in, rec);
                for b in &arm.binds {
                    l.remove(b);
                }
                s.extend(l);
            }
            through(&br.head.effects, &mut s);
            embedded_live(ir, &br.head.effects, live_in, &mut s);
            s
        }
    }
}

fn live_code(ir: &Ir, code: CodeId, live_in: &[Set], rec: &mut Option<&mut LetSets>) -> Set {
    let mut live = Set::new();
    for (i, node) in ir.codes[code].iter().enumerate().rev() {
        match node {
            Node::Term(t) => live = live_term(ir, t, live_in, rec),
            Node::Stmt(op) => {
                through(&op.effects, &mut live);
                embedded_live(ir, &op.effects, live_in, &mut live);
            }
            Node::Let {
                init, els, binds, ..
            } => {
                if let Some(r) = rec.as_deref_mut() {
                    r.insert((code, i), live.clone());
                }
                for b in binds {
                    live.remove(b);
                }
                for op in init.iter().chain(els.iter()) {
                    through(&op.effects, &mut live);
                    embedded_live(ir, &op.effects, live_in, &mut live);
                }
            }
            Node::Close(scope, value) => {
                if let Some(r) = ir.scopes[*scope].result {
                    live.remove(&r);
                }
                if let Some(v) = value {
                    through(&v.effects, &mut live);
                    embedded_live(ir, &v.effects, live_in, &mut live);
                }
            }
            Node::Open(_) => {}
        }
    }
    live
}

/// Which locals have a drop flag of their own: those a state may hold while they are moved out
/// on some paths to it but not on others, as rustc keeps them with its runtime drop flags. Such
/// a local lives in a `Flagged` (its value, and whether it is still there) from its `let`, and
/// the states save it on every path where it may still hold its value; its moves are written as
/// `take(&mut x)`, its other uses as `(*x)`.
///
/// Only what the rewrite surely follows is flagged: a local that owns something to drop, bound
/// by itself to a whole value, never assigned again, never used after a move of it (a use there
/// shows it is `Copy`: moving it leaves it in place), never moved where a move may run again
/// (a loop, a closure) or where the rewrite cannot reach (a macro's arguments), and not live
/// where it may have been moved. Every other local keeps the simpler rule: a state does not
/// save what may have been moved, so it is dropped at the suspension point.
///
/// Returns the flagged locals, and the surely-moved analysis when one was needed (only then is
/// it run).
fn flagged(ir: &Ir, live_in: &[Set], may: &Moved) -> (Set, Option<Moved>) {
    let mut candidates: Set = (0..ir.locals.len())
        .filter(|&l| {
            let local = &ir.locals[l];
            local.plain && !local.hidden && !local.deferred && !local.nothing_to_drop()
        })
        .filter(|l| !may.unflaggable.contains(l))
        .collect();
    // Where a candidate may be moved: it must be dead there (or it is `Copy`).
    let mut may_moved_at: Vec<(BlockId, LocalId)> = Vec::new();
    for (b, block) in ir.blocks.iter().enumerate() {
        if block.kind == BlockKind::Start {
            continue;
        }
        for l in &block.visible {
            if candidates.contains(l) && may.moved_in[b].contains(l) {
                if live_in[b].contains(l) {
                    candidates.remove(l);
                } else {
                    may_moved_at.push((b, *l));
                }
            }
        }
    }
    may_moved_at.retain(|(_, l)| candidates.contains(l));
    if may_moved_at.is_empty() {
        return (Set::new(), None);
    }
    // Needed where some path reaches the state without moving it.
    let sure = Moved::analyse(ir, true);
    let flagged = may_moved_at
        .iter()
        .filter(|(b, l)| !sure.moved_in[*b].contains(l))
        .map(|(_, l)| *l)
        .collect();
    (flagged, Some(sure))
}

/// The forward data-flow of moves: which locals may be (or, with `sure`, surely are) moved out
/// where each block starts.
struct Moved {
    sure: bool,
    /// Per block; `None` where no path reaches it yet (for `sure`: everything is moved there).
    reached: Vec<Option<Bits>>,
    moved_in: Vec<Bits>,
    /// For each `Let` node (code, index): the locals that may be moved out just before it.
    before_let: HashMap<(CodeId, usize), Bits>,
    /// Locals a drop flag cannot follow (see `Effects::unflaggable`), and those used where
    /// they may have been moved (so they are `Copy`).
    unflaggable: Set,
}

impl Moved {
    fn analyse(ir: &Ir, sure: bool) -> Moved {
        let n = ir.blocks.len();
        let mut pass = Moved {
            sure,
            reached: vec![None; n],
            moved_in: Vec::new(),
            before_let: HashMap::default(),
            unflaggable: Set::new(),
        };
        // Locals declared without a value (and the lowering's result temporaries) start
        // uninitialised, which for saving purposes is the same as moved.
        pass.reached[0] = Some(
            (0..ir.locals.len())
                .filter(|&l| ir.locals[l].deferred)
                .collect(),
        );
        loop {
            let mut changed = false;
            for b in 0..n {
                let Some(mut start) = pass.reached[b].clone() else {
                    continue;
                };
                if let Some(p) = ir.blocks[b].param {
                    start.remove(&p);
                }
                let mut out: Vec<(BlockId, Bits)> = Vec::new();
                pass.code(ir, ir.blocks[b].code, start, &mut out);
                for (target, set) in out {
                    match &mut pass.reached[target] {
                        slot @ None => {
                            *slot = Some(set);
                            changed = true;
                        }
                        Some(old) if sure => changed |= old.intersect_with(&set),
                        Some(old) => changed |= old.union_with(&set),
                    }
                }
            }
            if !changed {
                break;
            }
        }
        pass.moved_in = pass
            .reached
            .iter()
            .map(|r| r.clone().unwrap_or_default())
            .collect();
        pass
    }

    /// The locals that may be moved out just before each `let`.
    fn before_let(&self) -> LetSets {
        self.before_let
            .iter()
            .map(|(k, b)| (*k, b.iter().collect()))
            .collect()
    }

    /// The locals `fx` moves (may move, or surely moves).
    fn moves<'f>(&self, ir: &'f Ir, fx: &'f Effects) -> impl Iterator<Item = LocalId> + 'f {
        let set = if self.sure { &fx.sure_moves } else { &fx.moves };
        set.iter().copied().filter(|l| !ir.locals[*l].copy)
    }

    /// Code with effects `fx` runs where `moved` may be moved: a use of a moved local shows it
    /// is `Copy`; the exits embedded in it leave with what it moves.
    fn effects(&mut self, ir: &Ir, fx: &Effects, moved: &mut Bits, out: &mut Vec<(BlockId, Bits)>) {
        if !self.sure {
            self.unflaggable
                .extend(fx.uses.iter().filter(|l| moved.contains(l)).copied());
            self.unflaggable.extend(fx.unflaggable.iter().copied());
        }
        for &e in &fx.embedded {
            let mut m = moved.clone();
            m.extend(self.moves(ir, fx));
            match &ir.embedded[e] {
                Term::Jump { target, .. } => out.push((*target, m)),
                Term::Yield { resume, .. } => out.push((*resume, m)),
                _ => {}
            }
        }
        moved.extend(self.moves(ir, fx));
        // Assigned as a whole (`{ …; __tmp = D::new(); __tmp.get() }` in a yield's value).
        for a in &fx.assigns {
            moved.remove(a);
        }
    }

    fn code(&mut self, ir: &Ir, code: CodeId, mut moved: Bits, out: &mut Vec<(BlockId, Bits)>) {
        for (i, node) in ir.codes[code].iter().enumerate() {
            match node {
                Node::Open(_) => {}
                Node::Close(scope, value) => {
                    if let Some(v) = value {
                        self.effects(ir, &v.effects, &mut moved, out);
                    }
                    if let Some(r) = ir.scopes[*scope].result {
                        moved.remove(&r);
                    }
                }
                Node::Stmt(op) => {
                    self.effects(ir, &op.effects, &mut moved, out);
                    for a in &op.effects.assigns {
                        moved.remove(a);
                    }
                    // Moved again after the assignment, within the statement.
                    let again = op.effects.moved_after_assign.iter().copied();
                    let again: Vec<LocalId> = if self.sure {
                        again
                            .filter(|l| op.effects.sure_moves.contains(l))
                            .collect()
                    } else {
                        again.collect()
                    };
                    moved.extend(again.into_iter().filter(|l| !ir.locals[*l].copy));
                }
                Node::Let {
                    init, els, binds, ..
                } => {
                    if !self.sure {
                        self.before_let.insert((code, i), moved.clone());
                    }
                    if let Some(op) = init {
                        self.effects(ir, &op.effects, &mut moved, out);
                    }
                    // A `let … else` block diverges: what it moves is gone only on its own way out.
                    if let Some(op) = els {
                        self.effects(ir, &op.effects, &mut moved.clone(), out);
                    }
                    for b in binds {
                        if init.is_some() {
                            moved.remove(b);
                        } else {
                            moved.insert(*b);
                        }
                    }
                }
                Node::Term(term) => match term {
                    Term::Jump { target, value } => {
                        if let Some(v) = value {
                            self.effects(ir, &v.effects, &mut moved, out);
                        }
                        out.push((*target, moved.clone()));
                    }
                    Term::Yield { value, resume } => {
                        self.effects(ir, &value.effects, &mut moved, out);
                        out.push((*resume, moved.clone()));
                    }
                    Term::Return(v) => {
                        let mut m = moved.clone();
                        self.effects(ir, &v.effects, &mut m, out);
                    }
                    Term::Branch(br) => {
                        let mut m = moved.clone();
                        self.effects(ir, &br.head.effects, &mut m, out);
                        for arm in &br.arms {
                            let mut am = m.clone();
                            for b in &arm.binds {
                                am.remove(b);
                            }
                            self.code(ir, arm.code, am, out);
                        }
                    }
                },
            }
        }
    }
}
