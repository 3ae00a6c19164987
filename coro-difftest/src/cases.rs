//! Hand-written programs, checked through the same harness as generated ones: the minimal
//! programs of `FINDINGS.md` live in `findings/*.txt` and are re-run with
//! `cargo run -p coro-difftest --release -- --check coro-difftest/findings/issue19.txt`.
//!
//! A case file is a list of cases. Each starts with `=== NAME`, then optional `key: value`
//! lines, then `---` and the body of the main coroutine in the `#[coro::coroutine]` form (its
//! last line is the tail expression):
//!
//! ```text
//! === for-shadow
//! ---
//! let x = 100;
//! for x in 3..5 {
//!     yield_!(x);
//! }
//! x
//! ```
//!
//! `yield_!(e)` and `yield_from!(c)` in the body (and in `sub0:` / `nested:`) become the
//! yields and delegations of the two forms; `SUB(a)` is a call of `sub0` as a value. Keys:
//! `params:` (default `p: i64`), `receiver:` (`&self` / `&mut self`: a method of
//! [`crate::render::STRUCT_S`]), `ret:` (default `i64`), `pre:`, `callee:` (default `prog`),
//! `args:` (default `3`), `post:` (see [`Program`]), `resumes:` (default `1, 2, …, 8`),
//! `sub0:` (the body of `fn sub0(q: i64) -> i64`, `\n` for line breaks), `nested:` (the body of
//! a coroutine `fn co(q: i64) -> i64` declared first in the main body).

use crate::ast::*;

/// Turns `yield_!(…)`, `yield_from!(…)` and `SUB(…)` in a text into template children.
fn convert(text: &str) -> (String, Vec<Node>) {
    let mut out = String::new();
    let mut kids = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let tag = ["yield_!(", "yield_from!(", "SUB("]
            .into_iter()
            .find(|t| rest.starts_with(t));
        let Some(tag) = tag else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
            continue;
        };
        let start = i + tag.len();
        let mut depth = 1;
        let mut j = start;
        for (k, c) in text[start..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                j = start + k;
                break;
            }
        }
        let (t, k) = convert(&text[start..j]);
        let inner = Expr::t(Ty::I64, t, k);
        out.push_str(&format!("@{}", kids.len()));
        let kind = match tag {
            "yield_!(" => ExprKind::Yield(Box::new(inner)),
            "yield_from!(" => ExprKind::Delegate(Box::new(inner)),
            _ => ExprKind::SubCall(0, Box::new(inner)),
        };
        kids.push(Node::E(Expr {
            ty: Ty::I64,
            kind,
            tags: vec![],
        }));
        i = j + 1;
    }
    (out, kids)
}

fn body(text: &str) -> Block {
    let (t, k) = convert(text);
    Block {
        stmts: vec![Stmt::new(t, k)],
        tail: None,
    }
}

/// Parses a case file into named programs.
///
/// ```
/// let cases = coro_difftest::cases::parse("=== a\nargs: 5\n---\nyield_!(p);\np\n").unwrap();
/// assert_eq!(cases[0].0, "a");
/// assert_eq!(cases[0].1.call_args, "5");
/// ```
pub fn parse(src: &str) -> Result<Vec<(String, Program)>, String> {
    let mut out = Vec::new();
    for (n, case) in src.split("=== ").skip(1).enumerate() {
        let (head, text) = case
            .split_once("\n---\n")
            .ok_or_else(|| format!("case {n}: no `---` line"))?;
        let mut lines = head.lines();
        let name = lines.next().unwrap_or("").trim().to_string();
        let mut f = CoFn {
            name: "prog".into(),
            ret: "i64".into(),
            params: vec![("p".into(), "i64".into())],
            ..CoFn::default()
        };
        let mut p = Program {
            seed: n as u64,
            subs: vec![],
            main: f.clone(),
            call_args: "3".into(),
            pre: String::new(),
            callee: "prog".into(),
            post: String::new(),
            resumes: (1..=8).collect(),
            stop: 8,
            extra_tags: vec![],
        };
        let mut nested = None;
        for l in lines.filter(|l| !l.trim().is_empty()) {
            let (k, v) = l
                .split_once(": ")
                .ok_or_else(|| format!("{name}: not `key: value`: {l}"))?;
            let sub = |name: &str, nested: bool| CoFn {
                name: name.into(),
                ret: "i64".into(),
                params: vec![("q".into(), "i64".into())],
                body: body(&v.replace("\\n", "\n")),
                nested,
                ..CoFn::default()
            };
            match k {
                "params" => {
                    f.params = v
                        .split(", ")
                        .filter(|s| !s.is_empty())
                        .map(|s| {
                            let (a, b) = s.split_once(": ").unwrap_or((s, "i64"));
                            (a.to_string(), b.to_string())
                        })
                        .collect()
                }
                "receiver" => f.receiver = Some(v.to_string()),
                "ret" => f.ret = v.to_string(),
                "pre" => p.pre = v.to_string(),
                "callee" => p.callee = v.to_string(),
                "args" => p.call_args = v.to_string(),
                "post" => p.post = v.to_string(),
                "resumes" => {
                    p.resumes = v
                        .split(',')
                        .map(|x| x.trim().parse().map_err(|e| format!("{name}: {e}")))
                        .collect::<Result<_, _>>()?;
                    p.stop = p.resumes.len();
                }
                "sub0" => p.subs = vec![sub("sub0", false)],
                "nested" => nested = Some(sub("co", true)),
                _ => return Err(format!("{name}: unknown key `{k}`")),
            }
        }
        let mut b = body(text.trim_end());
        if let Some(c) = nested {
            b.stmts
                .insert(0, Stmt::new("@0", vec![Node::F(Box::new(c))]));
        }
        f.body = b;
        p.main = f;
        out.push((name, p));
    }
    Ok(out)
}
