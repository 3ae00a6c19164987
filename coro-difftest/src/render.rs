//! Rendering a [`Program`] in the `#[coro::coroutine]` form and in rustc's native form.

use crate::ast::*;

/// Which of the two forms to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `#[coro::coroutine]` fns with `yield_!` / `yield_from!` (stable).
    Coro,
    /// Nightly `#[coroutine]` closures with `yield`, delegation written out by hand.
    Native,
}

const IND: &str = "    ";

fn fill(tmpl: &str, kids: &[Node], form: Form, indent: usize) -> String {
    let mut out = String::new();
    let mut chars = tmpl.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '@' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
            let mut n = 0usize;
            while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                n = n * 10 + d as usize;
                chars.next();
            }
            out.push_str(&node(&kids[n], form, indent));
        } else if c == '\n' {
            out.push('\n');
            out.push_str(&IND.repeat(indent));
        } else {
            out.push(c);
        }
    }
    out
}

fn node(n: &Node, form: Form, indent: usize) -> String {
    match n {
        Node::E(e) => expr(e, form, indent),
        Node::B(b) => block(b, form, indent),
        Node::F(f) => co_fn(f, form)
            .trim_end()
            .replace('\n', &format!("\n{}", IND.repeat(indent))),
    }
}

/// Renders an expression.
pub fn expr(e: &Expr, form: Form, indent: usize) -> String {
    match &e.kind {
        ExprKind::T(t, kids) => fill(t, kids, form, indent),
        ExprKind::Yield(v) => match form {
            Form::Coro => format!("yield_!({})", expr(v, form, indent)),
            Form::Native => format!("(yield {})", expr(v, form, indent)),
        },
        ExprKind::YieldFrom(sub, arg) => delegate(
            &format!("sub{sub}({})", expr(arg, form, indent)),
            form,
            indent,
        ),
        ExprKind::SubCall(sub, arg) => format!("sub{sub}({})", expr(arg, form, indent)),
        ExprKind::Delegate(c) => delegate(&expr(c, form, indent), form, indent),
    }
}

/// `yield_from!(call)`, or in the native form the delegation loop (prime with
/// `Default::default()`, then pass each resume argument on).
fn delegate(call: &str, form: Form, indent: usize) -> String {
    match form {
        Form::Coro => format!("yield_from!({call})"),
        Form::Native => {
            let i1 = IND.repeat(indent + 1);
            let i2 = IND.repeat(indent + 2);
            let i3 = IND.repeat(indent + 3);
            let i0 = IND.repeat(indent);
            format!(
                "{{\n{i1}let mut __d = {call};\n{i1}let mut __a: i64 = ::core::default::Default::default();\n{i1}loop {{\n{i2}match ::core::pin::Pin::new(&mut __d).resume(__a) {{\n{i3}CoroutineState::Yielded(__y) => __a = yield __y,\n{i3}CoroutineState::Complete(__r) => break __r,\n{i2}}}\n{i1}}}\n{i0}}}"
            )
        }
    }
}

/// Renders a block at an indentation level (its braces at `indent`).
pub fn block(b: &Block, form: Form, indent: usize) -> String {
    let mut out = String::from("{\n");
    body_lines(b, form, indent + 1, &mut out);
    out.push_str(&IND.repeat(indent));
    out.push('}');
    out
}

fn body_lines(b: &Block, form: Form, indent: usize, out: &mut String) {
    for s in &b.stmts {
        out.push_str(&IND.repeat(indent));
        out.push_str(&fill(&s.tmpl, &s.kids, form, indent));
        out.push('\n');
    }
    if let Some(t) = &b.tail {
        out.push_str(&IND.repeat(indent));
        out.push_str(&expr(t, form, indent));
        out.push('\n');
    }
}

/// Renders one coroutine fn (a method when it has a receiver; the caller wraps it in `impl S`).
pub fn co_fn(f: &CoFn, form: Form) -> String {
    let borrows = f.receiver.is_some() || f.params.iter().any(|(_, t)| t.starts_with('&'));
    let lt = |t: &str| match (form, t.strip_prefix('&')) {
        (Form::Native, Some(rest)) => format!("&'a {rest}"),
        _ => t.to_string(),
    };
    let mut params: Vec<String> = f.receiver.iter().map(|r| lt(r)).collect();
    params.extend(f.params.iter().map(|(n, t)| format!("{n}: {}", lt(t))));
    let params = params.join(", ");
    let vis = if f.nested { "" } else { "pub " };
    let mut out = String::new();
    match form {
        Form::Coro => {
            out.push_str("#[coro::coroutine(yield = i64, resume = i64)]\n");
            out.push_str(&format!("{vis}fn {}({params}) -> {} {{\n", f.name, f.ret));
            body_lines(&f.body, form, 1, &mut out);
            out.push_str("}\n");
        }
        Form::Native => {
            let (generics, bound) = if borrows { ("<'a>", " + 'a") } else { ("", "") };
            out.push_str(&format!(
                "{vis}fn {}{generics}({params}) -> impl Coroutine<i64, Yield = i64, Return = {}> + Unpin{bound} {{\n",
                f.name, f.ret
            ));
            out.push_str(&format!(
                "    #[coroutine]\n    move |_arg0: i64| -> {} {{\n",
                f.ret
            ));
            // The parameters move in as locals, and are dropped after the body's tail
            // temporaries, as a fn's are (before 2024 those outlive the body's own locals).
            for (n, _) in &f.params {
                out.push_str(&format!("        let {n} = {n};\n"));
            }
            out.push_str("        let __body = {\n");
            body_lines(&f.body, form, 3, &mut out);
            out.push_str("        };\n        __body\n    }\n}\n");
        }
    }
    out
}

/// The struct whose `&self` / `&mut self` methods are generated (one per program module).
pub const STRUCT_S: &str = "#[derive(Debug)]
pub struct S {
    pub items: Vec<i64>,
    pub buf: Vec<i64>,
    pub ls: [L; 2],
    pub n: i64,
}

impl S {
    pub fn new(k: i64) -> S {
        S { items: vec![k, 2, 3], buf: vec![4, k + 5], ls: [L::new(70), L::new(71)], n: 0 }
    }
    pub fn total(&self) -> i64 {
        self.buf.iter().fold(self.n, |a, b| a.wrapping_add(*b))
    }
}
";

/// Which sub-coroutines a program uses (directly or through other subs).
pub fn used_subs(p: &Program) -> Vec<usize> {
    fn expr(e: &Expr, out: &mut Vec<usize>) {
        match &e.kind {
            ExprKind::T(_, kids) => kids.iter().for_each(|k| node(k, out)),
            ExprKind::Yield(v) | ExprKind::Delegate(v) => expr(v, out),
            ExprKind::YieldFrom(s, a) | ExprKind::SubCall(s, a) => {
                if !out.contains(s) {
                    out.push(*s);
                }
                expr(a, out);
            }
        }
    }
    fn node(n: &Node, out: &mut Vec<usize>) {
        match n {
            Node::E(e) => expr(e, out),
            Node::B(b) => block(b, out),
            Node::F(f) => block(&f.body, out),
        }
    }
    fn block(b: &Block, out: &mut Vec<usize>) {
        for s in &b.stmts {
            s.kids.iter().for_each(|k| node(k, out));
        }
        if let Some(t) = &b.tail {
            expr(t, out);
        }
    }
    let mut out = Vec::new();
    block(&p.main.body, &mut out);
    let mut i = 0;
    while i < out.len() {
        if let Some(s) = p.subs.get(out[i]) {
            block(&s.body, &mut out);
        }
        i += 1;
    }
    out.sort_unstable();
    out
}

/// Renders a program as a module of the generated crate: the coroutines and `pub fn run()`,
/// which drives the main one and returns its trace.
pub fn module(p: &Program, form: Form) -> String {
    let mut out = String::from("#![allow(warnings)]\nuse crate::prelude::*;\n\n");
    for s in used_subs(p) {
        if let Some(f) = p.subs.get(s) {
            out.push_str(&co_fn(f, form));
            out.push('\n');
        }
    }
    if p.main.receiver.is_some() {
        out.push_str(STRUCT_S);
        out.push_str("\nimpl S {\n    ");
        out.push_str(
            co_fn(&p.main, form)
                .trim_end()
                .replace('\n', "\n    ")
                .as_str(),
        );
        out.push_str("\n}\n");
    } else {
        out.push_str(&co_fn(&p.main, form));
    }
    let drive = format!(
        "drive(|| {}({}), &{:?}, {})",
        p.callee, p.call_args, p.resumes, p.stop
    );
    if p.pre.is_empty() && p.post.is_empty() {
        out.push_str(&format!("\npub fn run() -> String {{\n    {drive}\n}}\n"));
    } else {
        let post = if p.post.is_empty() {
            "t".to_string()
        } else {
            format!("t + &{}", p.post)
        };
        out.push_str(&format!(
            "\npub fn run() -> String {{\n    {}\n    let t = {drive};\n    {post}\n}}\n",
            p.pre
        ));
    }
    out
}

/// The program as a reader sees it: the `#[coro::coroutine]` form, with the driver's
/// settings in a comment.
pub fn show(p: &Program) -> String {
    let mut out = format!(
        "// seed {}; driver: resumes {:?}, drops the coroutine after {} resumes\n",
        p.seed, p.resumes, p.stop
    );
    out.push_str(&pretty(&module(p, Form::Coro)));
    out
}

/// Formats Rust source with `rustfmt` when it is installed; returns it unchanged otherwise.
pub fn pretty(src: &str) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return src.to_string();
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(src.as_bytes());
    }
    match child.wait_with_output() {
        Ok(out) if out.status.success() && !out.stdout.is_empty() => {
            String::from_utf8_lossy(&out.stdout).into_owned()
        }
        _ => src.to_string(),
    }
}
