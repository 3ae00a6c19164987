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

use crate::ir::*;

pub type Set = BTreeSet<LocalId>;

pub struct Liveness {
    /// The saved locals of each block, in declaration order.
    pub fields: Vec<Vec<LocalId>>,
    /// For each `Let` node (code, index): the locals that may be moved out just before it.
    pub moved_before_let: LetSets,
    /// For each `Let` node (code, index): the locals live just after it.
    pub live_after_let: LetSets,
}

/// A set of locals for each `Let` node, by (code, index).
pub type LetSets = std::collections::HashMap<(CodeId, usize), Set>;

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

    let mut moved_in = vec![Set::new(); n];
    let mut moved_before_let = std::collections::HashMap::new();
    // Locals declared without a value (and the lowering's result temporaries) start
    // uninitialised, which for saving purposes is the same as moved.
    moved_in[0] = (0..ir.locals.len())
        .filter(|&l| ir.locals[l].deferred)
        .collect();
    let mut reached = vec![false; n];
    reached[0] = true;
    loop {
        let mut changed = false;
        for b in 0..n {
            if !reached[b] {
                continue;
            }
            let mut start = moved_in[b].clone();
            if let Some(p) = ir.blocks[b].param {
                start.remove(&p);
            }
            let mut out: Vec<(BlockId, Set)> = Vec::new();
            moved_code(
                ir,
                ir.blocks[b].code,
                start,
                &mut out,
                &mut moved_before_let,
            );
            for (target, set) in out {
                let entry = &mut moved_in[target];
                let before = entry.len();
                entry.extend(set);
                if entry.len() != before || !reached[target] {
                    reached[target] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }

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
                        || !(moved_in[b].contains(l) || ir.locals[*l].nothing_to_drop())
                })
                .collect()
        })
        .collect();
    let mut live_after_let = LetSets::new();
    for block in &ir.blocks {
        live_code(ir, block.code, &live_in, &mut Some(&mut live_after_let));
    }
    Liveness {
        fields,
        moved_before_let,
        live_after_let,
    }
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
                s.extend(v.effects.uses.iter().copied());
                embedded_live(ir, &v.effects, live_in, &mut s);
            }
            s
        }
        Term::Yield { value, resume } => {
            let mut s = live_in[*resume].clone();
            s.extend(value.effects.uses.iter().copied());
            embedded_live(ir, &value.effects, live_in, &mut s);
            s
        }
        Term::Return(v) => {
            let mut s: Set = v.effects.uses.iter().copied().collect();
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
            s.extend(br.head.effects.uses.iter().copied());
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
                for a in &op.effects.assigns {
                    live.remove(a);
                }
                live.extend(op.effects.read().iter().copied());
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
                    live.extend(op.effects.uses.iter().copied());
                    embedded_live(ir, &op.effects, live_in, &mut live);
                }
            }
            Node::Close(scope, value) => {
                if let Some(r) = ir.scopes[*scope].result {
                    live.remove(&r);
                }
                if let Some(v) = value {
                    live.extend(v.effects.uses.iter().copied());
                    embedded_live(ir, &v.effects, live_in, &mut live);
                }
            }
            Node::Open(_) => {}
        }
    }
    live
}

fn embedded_moved(ir: &Ir, fx: &Effects, moved: &Set, out: &mut Vec<(BlockId, Set)>) {
    for &e in &fx.embedded {
        let mut m = moved.clone();
        m.extend(fx.moves.iter().copied().filter(|l| !ir.locals[*l].copy));
        match &ir.embedded[e] {
            Term::Jump { target, .. } => out.push((*target, m)),
            Term::Yield { resume, .. } => out.push((*resume, m)),
            _ => {}
        }
    }
}

fn moved_code(
    ir: &Ir,
    code: CodeId,
    mut moved: Set,
    out: &mut Vec<(BlockId, Set)>,
    before_let: &mut std::collections::HashMap<(CodeId, usize), Set>,
) {
    for (i, node) in ir.codes[code].iter().enumerate() {
        match node {
            Node::Open(_) => {}
            Node::Close(scope, value) => {
                if let Some(v) = value {
                    embedded_moved(ir, &v.effects, &moved, out);
                    moved.extend(
                        v.effects
                            .moves
                            .iter()
                            .copied()
                            .filter(|l| !ir.locals[*l].copy),
                    );
                }
                if let Some(r) = ir.scopes[*scope].result {
                    moved.remove(&r);
                }
            }
            Node::Stmt(op) => {
                embedded_moved(ir, &op.effects, &moved, out);
                moved.extend(
                    op.effects
                        .moves
                        .iter()
                        .copied()
                        .filter(|l| !ir.locals[*l].copy),
                );
                for a in &op.effects.assigns {
                    moved.remove(a);
                }
            }
            Node::Let {
                init, els, binds, ..
            } => {
                before_let.insert((code, i), moved.clone());
                for op in init.iter().chain(els.iter()) {
                    embedded_moved(ir, &op.effects, &moved, out);
                    moved.extend(
                        op.effects
                            .moves
                            .iter()
                            .copied()
                            .filter(|l| !ir.locals[*l].copy),
                    );
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
                        embedded_moved(ir, &v.effects, &moved, out);
                        moved.extend(
                            v.effects
                                .moves
                                .iter()
                                .copied()
                                .filter(|l| !ir.locals[*l].copy),
                        );
                    }
                    out.push((*target, moved.clone()));
                }
                Term::Yield { value, resume } => {
                    embedded_moved(ir, &value.effects, &moved, out);
                    moved.extend(
                        value
                            .effects
                            .moves
                            .iter()
                            .copied()
                            .filter(|l| !ir.locals[*l].copy),
                    );
                    out.push((*resume, moved.clone()));
                }
                Term::Return(v) => embedded_moved(ir, &v.effects, &moved, out),
                Term::Branch(br) => {
                    embedded_moved(ir, &br.head.effects, &moved, out);
                    let mut m = moved.clone();
                    m.extend(
                        br.head
                            .effects
                            .moves
                            .iter()
                            .copied()
                            .filter(|l| !ir.locals[*l].copy),
                    );
                    for arm in &br.arms {
                        let mut am = m.clone();
                        for b in &arm.binds {
                            am.remove(b);
                        }
                        moved_code(ir, arm.code, am, out, before_let);
                    }
                }
            },
        }
    }
}
