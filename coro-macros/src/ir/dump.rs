//! A plain-text dump of the IR, for the stage tests: one line per node, the code of a branch's
//! arms indented under it, locals written `name#id`.

use std::fmt::Write;

use super::*;

pub fn dump(ir: &Ir) -> String {
    let mut out = String::new();
    for (b, block) in ir.blocks.iter().enumerate() {
        let param = block
            .param
            .map(|p| format!(" ({})", local(ir, p)))
            .unwrap_or_default();
        let visible: Vec<String> = block.visible.iter().map(|&l| local(ir, l)).collect();
        let _ = writeln!(
            out,
            "b{b} {}{param}: scopes {:?}, visible [{}]",
            block.name,
            block.scopes,
            visible.join(", ")
        );
        code(ir, block.code, 1, &mut out);
    }
    for (n, t) in ir.embedded.iter().enumerate() {
        let _ = writeln!(out, "embedded {n}: {}", term(t));
    }
    out
}

fn local(ir: &Ir, l: LocalId) -> String {
    format!("{}#{l}", ir.locals[l].name)
}

fn code(ir: &Ir, code_id: CodeId, depth: usize, out: &mut String) {
    let pad = "    ".repeat(depth);
    for node in &ir.codes[code_id] {
        let line = match node {
            Node::Open(s) => format!("open s{s}"),
            Node::Close(s, None) => format!("close s{s}"),
            Node::Close(s, Some(v)) => format!("close s{s} = {}", v.tokens),
            Node::Stmt(op) => op.tokens.to_string(),
            Node::Let {
                pat,
                init,
                els,
                binds,
            } => {
                let binds: Vec<String> = binds.iter().map(|&l| local(ir, l)).collect();
                let init = init
                    .as_ref()
                    .map(|i| format!(" = {}", i.tokens))
                    .unwrap_or_default();
                let els = els
                    .as_ref()
                    .map(|e| format!(" else {}", e.tokens))
                    .unwrap_or_default();
                format!("let {pat}{init}{els}; binds [{}]", binds.join(", "))
            }
            Node::Term(Term::Branch(br)) => {
                let _ = writeln!(
                    out,
                    "{pad}{} {}",
                    if br.kind == BranchKind::If {
                        "if"
                    } else {
                        "match"
                    },
                    br.head.tokens
                );
                for arm in &br.arms {
                    let guard = arm
                        .guard
                        .as_ref()
                        .map(|g| format!(" if {}", g.tokens))
                        .unwrap_or_default();
                    let binds: Vec<String> = arm.binds.iter().map(|&l| local(ir, l)).collect();
                    let _ = writeln!(out, "{pad}  arm {}{guard} [{}]", arm.pat, binds.join(", "));
                    code(ir, arm.code, depth + 1, out);
                }
                continue;
            }
            Node::Term(t) => term(t),
        };
        let _ = writeln!(out, "{pad}{line}");
    }
}

/// An embedded exit or a terminator that is not a branch.
fn term(t: &Term) -> String {
    match t {
        Term::Jump { target, value } => match value {
            Some(v) => format!("jump b{target} with {}", v.tokens),
            None => format!("jump b{target}"),
        },
        Term::Yield { value, resume } => format!("yield {} then b{resume}", value.tokens),
        Term::Return(v) => format!("return {}", v.tokens),
        Term::Branch(br) => format!("branch on {}", br.head.tokens),
    }
}
