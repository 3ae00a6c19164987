//! Reducing a disagreeing program to a small one that still disagrees.
//!
//! Every one-step simplification of the program is a candidate: remove a statement, replace a
//! statement by the statements of one of its blocks, replace an expression by a simple value of
//! its type or by one of its sub-expressions of the same type (a yield by its operand), drop the
//! coroutine earlier. Candidates are checked in batches, smallest first, by building them all in
//! the two generated crates at once; the smallest that still disagrees in the same way (the same compile error, or any trace
//! difference) becomes
//! the new program, until no candidate does. Candidates that do not compile natively are
//! ill-typed and simply skipped.

use std::io;
use std::time::{Duration, Instant};

use crate::ast::*;
use crate::harness::{Verdict, Workspace};
use crate::render::{module, Form};

/// Applies the `k`-th one-step simplification, if there are that many.
pub fn mutate(p: &Program, k: usize) -> Option<Program> {
    let mut q = p.clone();
    let mut n = k;
    if p.stop > 1 {
        if n == 0 {
            q.stop = p.stop / 2;
            return Some(q);
        }
        n -= 1;
    }
    if p.resumes.len() > 1 && p.resumes.len() > p.stop.min(8) {
        if n == 0 {
            q.resumes.truncate((p.resumes.len() / 2).max(p.stop.min(8)));
            return Some(q);
        }
        n -= 1;
    }
    if block(&mut q.main.body, &mut n) {
        return Some(q);
    }
    for s in q.subs.iter_mut() {
        if block(&mut s.body, &mut n) {
            return Some(q);
        }
    }
    None
}

/// Counts down `n` over the mutation sites of a block; applies the one where it reaches zero.
fn block(b: &mut Block, n: &mut usize) -> bool {
    for i in 0..b.stmts.len() {
        if !b.stmts[i].fixed {
            if *n == 0 {
                b.stmts.remove(i);
                return true;
            }
            *n -= 1;
            let inner: Vec<usize> = (0..b.stmts[i].kids.len())
                .filter(|&j| matches!(b.stmts[i].kids[j], Node::B(_)))
                .collect();
            for j in inner {
                if *n == 0 {
                    let Node::B(kb) = b.stmts[i].kids[j].clone() else {
                        unreachable!()
                    };
                    let mut kb = kb;
                    kb.stmts.retain(|s| !s.fixed);
                    b.stmts.splice(i..=i, kb.stmts);
                    return true;
                }
                *n -= 1;
            }
        }
        for kid in b.stmts[i].kids.iter_mut() {
            if node(kid, n) {
                return true;
            }
        }
    }
    if let Some(t) = b.tail.as_mut() {
        if expr(t, n) {
            return true;
        }
    }
    false
}

fn node(x: &mut Node, n: &mut usize) -> bool {
    match x {
        Node::E(e) => expr(e, n),
        Node::B(b) => block(b, n),
        Node::F(f) => block(&mut f.body, n),
    }
}

fn expr(e: &mut Expr, n: &mut usize) -> bool {
    let is_leaf = matches!(&e.kind, ExprKind::T(_, kids) if kids.is_empty());
    let simplest = e.ty.simplest();
    if !(is_leaf && matches!(&e.kind, ExprKind::T(t, _) if t == simplest)) && e.ty != Ty::Unit {
        if *n == 0 {
            *e = Expr::leaf(e.ty, simplest);
            return true;
        }
        *n -= 1;
    }
    let ty = e.ty;
    let replacements: Vec<Expr> = match &e.kind {
        ExprKind::T(_, kids) => kids
            .iter()
            .filter_map(|k| match k {
                Node::E(x) if x.ty == ty => Some(x.clone()),
                Node::B(b) if b.tail.as_ref().is_some_and(|t| t.ty == ty) => {
                    Some(Expr::t(ty, "@0", vec![Node::B(b.clone())]))
                }
                _ => None,
            })
            .collect(),
        ExprKind::Yield(v) => vec![(**v).clone()],
        ExprKind::YieldFrom(_, a) => vec![(**a).clone()],
        // A coroutine value has no plain replacement of its type.
        ExprKind::SubCall(..) | ExprKind::Delegate(_) => vec![],
    };
    for r in replacements {
        if *n == 0 {
            *e = r;
            return true;
        }
        *n -= 1;
    }
    match &mut e.kind {
        ExprKind::T(_, kids) => kids.iter_mut().any(|k| node(k, n)),
        ExprKind::Yield(v) | ExprKind::Delegate(v) => expr(v, n),
        ExprKind::YieldFrom(_, a) | ExprKind::SubCall(_, a) => expr(a, n),
    }
}

/// The size by which candidates are ordered: the length of the `#[coro::coroutine]` form.
pub fn size(p: &Program) -> usize {
    module(p, Form::Coro).len()
}

fn same_kind(original: &Verdict, v: &Verdict) -> bool {
    match original {
        Verdict::CoroCompileError(_) => {
            matches!(v, Verdict::CoroCompileError(_))
                && crate::category(v) == crate::category(original)
        }
        Verdict::TraceDiffers { .. } => matches!(v, Verdict::TraceDiffers { .. }),
        _ => false,
    }
}

/// Reduces `p`, whose verdict is `verdict`, within a time budget; returns the smallest program
/// found that still disagrees in the same way, and its verdict.
pub fn reduce(
    ws: &Workspace,
    p: &Program,
    verdict: &Verdict,
    budget: Duration,
    batch: usize,
) -> io::Result<(Program, Verdict)> {
    let start = Instant::now();
    let mut best = (p.clone(), verdict.clone());
    'rounds: while start.elapsed() < budget {
        let mut cands: Vec<Program> = (0..).map_while(|k| mutate(&best.0, k)).collect();
        cands.sort_by_key(size);
        let cur = size(&best.0);
        cands.retain(|c| {
            size(c) < cur || c.stop < best.0.stop || c.resumes.len() < best.0.resumes.len()
        });
        for chunk in cands.chunks(batch.max(1)) {
            if start.elapsed() >= budget {
                break 'rounds;
            }
            let verdicts = ws.check(chunk)?;
            if let Some((c, v)) = chunk
                .iter()
                .zip(verdicts)
                .find(|(_, v)| same_kind(verdict, v))
            {
                best = (c.clone(), v);
                continue 'rounds;
            }
        }
        break;
    }
    Ok(best)
}
