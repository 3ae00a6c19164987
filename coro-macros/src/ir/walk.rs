//! One traversal of the IR, and the queries the later stages ask of it.
//!
//! [`walk`] visits a code list in source order: each node, the operands it holds, the
//! terminator, and the arms of a branch (its guard, then its code). Whether it also enters the
//! exits embedded in verbatim code (`return`, `?`, `break` written inside an operand) is the
//! caller's choice, since some questions are about what the block itself does and others about
//! everything its arm may run. Every query below is a few lines on top of it.

use rustc_hash::FxHashSet as HashSet;

use proc_macro2::{TokenStream, TokenTree};

use super::{Arm, BlockId, CodeId, Ir, LocalId, Node, Operand, ScopeId, Term};

/// What [`walk`] reaches, in source order.
pub enum Visit<'ir> {
    Node(&'ir Node),
    /// An operand, after the node that holds it and before the exits embedded in it.
    Operand(&'ir Operand),
    /// A terminator, after its operands (so a jump's value comes before its target).
    Term(&'ir Term),
    /// A branch arm, before its guard and its code.
    Arm(&'ir Arm),
}

/// Whether a walk enters the exits embedded in operands.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Embedded {
    Enter,
    Skip,
}

/// Visits `code` and the code of its branches in source order.
pub fn walk<'ir>(ir: &'ir Ir, code: CodeId, embedded: Embedded, f: &mut impl FnMut(Visit<'ir>)) {
    for node in &ir.codes[code] {
        f(Visit::Node(node));
        match node {
            Node::Open(_) | Node::Close(_, None) => {}
            Node::Stmt(op) | Node::Close(_, Some(op)) => operand(ir, op, embedded, f),
            Node::Let { init, els, .. } => {
                for op in init.iter().chain(els.iter()) {
                    operand(ir, op, embedded, f);
                }
            }
            Node::Term(t) => term(ir, t, embedded, f),
        }
    }
}

fn operand<'ir>(ir: &'ir Ir, op: &'ir Operand, embedded: Embedded, f: &mut impl FnMut(Visit<'ir>)) {
    f(Visit::Operand(op));
    if embedded == Embedded::Enter {
        for &e in &op.effects.embedded {
            term(ir, &ir.embedded[e], embedded, f);
        }
    }
}

fn term<'ir>(ir: &'ir Ir, t: &'ir Term, embedded: Embedded, f: &mut impl FnMut(Visit<'ir>)) {
    match t {
        Term::Jump { value: None, .. } => {}
        Term::Jump { value: Some(v), .. } | Term::Return(v) | Term::Yield { value: v, .. } => {
            operand(ir, v, embedded, f)
        }
        Term::Branch(_) => {}
    }
    f(Visit::Term(t));
    if let Term::Branch(br) = t {
        operand(ir, &br.head, embedded, f);
        for arm in &br.arms {
            f(Visit::Arm(arm));
            if let Some(g) = &arm.guard {
                operand(ir, g, embedded, f);
            }
            walk(ir, arm.code, embedded, f);
        }
    }
}

/// The scopes that have a `Close` node in this code (or its branches).
pub fn closes_in(ir: &Ir, code: CodeId) -> HashSet<ScopeId> {
    let mut out = HashSet::default();
    walk(ir, code, Embedded::Skip, &mut |v| {
        if let Visit::Node(Node::Close(s, _)) = v {
            out.insert(*s);
        }
    });
    out
}

/// Whether this code yields with `block` as the place to resume.
pub fn yields_to(ir: &Ir, code: CodeId, block: BlockId) -> bool {
    let mut found = false;
    walk(ir, code, Embedded::Skip, &mut |v| {
        found |= matches!(v, Visit::Term(Term::Yield { resume, .. }) if *resume == block);
    });
    found
}

/// The blocks this code jumps to (not counting jumps embedded in verbatim code).
pub fn jump_targets(ir: &Ir, code: CodeId) -> Vec<BlockId> {
    let mut out = Vec::new();
    walk(ir, code, Embedded::Skip, &mut |v| {
        if let Visit::Term(Term::Jump { target, .. }) = v {
            out.push(*target);
        }
    });
    out
}

/// Every block this code may jump to, through its branches and the jumps embedded in its
/// expressions (`break`, `continue`, `?`), each once, in the order they first appear.
pub fn all_jump_targets(ir: &Ir, code: CodeId) -> Vec<BlockId> {
    let mut out = Vec::new();
    walk(ir, code, Embedded::Enter, &mut |v| {
        if let Visit::Term(Term::Jump { target, .. }) = v {
            if !out.contains(target) {
                out.push(*target);
            }
        }
    });
    out
}

/// The blocks a branch (its head, guards and arms) may jump to, as [`all_jump_targets`].
pub fn branch_jump_targets(ir: &Ir, br: &super::Branch) -> Vec<BlockId> {
    let mut out = Vec::new();
    let mut add = |v: Visit| {
        if let Visit::Term(Term::Jump { target, .. }) = v {
            if !out.contains(target) {
                out.push(*target);
            }
        }
    };
    operand(ir, &br.head, Embedded::Enter, &mut add);
    for arm in &br.arms {
        if let Some(g) = &arm.guard {
            operand(ir, g, Embedded::Enter, &mut add);
        }
        walk(ir, arm.code, Embedded::Enter, &mut add);
    }
    out
}

/// The names bound by `let`s and branch patterns in this code.
pub fn bound_names_in(ir: &Ir, code: CodeId) -> HashSet<String> {
    let mut out = HashSet::default();
    walk(ir, code, Embedded::Skip, &mut |v| {
        let binds = match v {
            Visit::Node(Node::Let { binds, .. }) => binds,
            Visit::Arm(arm) => &arm.binds,
            _ => return,
        };
        out.extend(binds.iter().map(|l| ir.locals[*l].text().to_string()));
    });
    out
}

/// The locals bound by a branch: its arms' patterns and the `let`s in their code, also in
/// nested branches. A loop's binding is bound again on each pass, so a jump out of the branch
/// sees a new value of it.
pub fn bound_in_branch(ir: &Ir, br: &super::Branch) -> HashSet<LocalId> {
    let mut out = HashSet::default();
    for arm in &br.arms {
        out.extend(arm.binds.iter().copied());
        walk(ir, arm.code, Embedded::Skip, &mut |v| match v {
            Visit::Node(Node::Let { binds, .. }) => out.extend(binds.iter().copied()),
            Visit::Arm(arm) => out.extend(arm.binds.iter().copied()),
            _ => {}
        });
    }
    out
}

/// Locals possibly moved somewhere in this code (an operand's moves count those of the exits
/// embedded in it).
pub fn moves_in(ir: &Ir, code: CodeId) -> HashSet<LocalId> {
    let mut out = HashSet::default();
    walk(ir, code, Embedded::Skip, &mut |v| {
        if let Visit::Operand(op) = v {
            out.extend(op.effects.moves.iter().copied());
        }
    });
    out
}

/// Locals assigned as a whole somewhere in this code: in its statements, `let` initialisers and
/// `else` blocks, scope values, terminator values and branches, and the exits embedded in them.
pub fn assigned_in(ir: &Ir, code: CodeId) -> HashSet<LocalId> {
    let mut out = HashSet::default();
    walk(ir, code, Embedded::Enter, &mut |v| {
        if let Visit::Operand(op) = v {
            out.extend(op.effects.assigns.iter().copied());
            out.extend(op.effects.may_assign.iter().copied());
        }
    });
    out
}

/// Whether code may contain a closure or an `async` block (by its tokens: any `|`, `move` or
/// `async`, so `a | b` counts too).
pub fn may_make_closures(ir: &Ir, code: CodeId) -> bool {
    fn tokens(t: &TokenStream) -> bool {
        t.clone().into_iter().any(|tt| match tt {
            TokenTree::Punct(p) => p.as_char() == '|',
            TokenTree::Ident(i) => i == "move" || i == "async",
            TokenTree::Group(g) => tokens(&g.stream()),
            TokenTree::Literal(_) => false,
        })
    }
    let mut found = false;
    walk(ir, code, Embedded::Skip, &mut |v| {
        found |= match v {
            Visit::Operand(op) => tokens(&op.tokens),
            Visit::Arm(arm) => tokens(&arm.pat),
            Visit::Node(_) | Visit::Term(_) => false,
        };
    });
    found
}
