//! Rust's binding rules, written once: which names a construct binds, and where they are in
//! scope. Every walker over the user's code (`uses`, `substitute`, the lowering) follows them
//! through the helpers here:
//!
//! | construct | binds | in scope in |
//! |---|---|---|
//! | `let P = e else { d };` | P | the rest of the enclosing block, not `e` or `d` |
//! | `for P in e { b }` | P | `b`, not `e` |
//! | `match e { P if g => a }` | P | `g` and `a` |
//! | `if`/`while` condition `c1 && let P = e && c2` | P | the operands after it (`c2`) and the then-block or loop body, not the `else` |
//! | closure `\|P, Q\| b` | P, Q | `b` |
//! | `{ … }` (also `unsafe`, `const`, `async`) | — | ends the scope of the `let`s in it |
//! | items (`fn`, `const`, `struct`…) | — | never entered: their bodies cannot see the fn's locals |
//! | macros | — | arguments read as expressions; a format string reads the names it captures ([`format_captures`]) |
//!
//! A pattern binds an identifier written in lower case (or with `mut`, `ref` or `@`): `None` and
//! `MAX` are constants and unit variants ([`pattern_bindings`]).
//!
//! The walkers keep the names bound inside the code they walk in a [`Scopes`] stack: a
//! construct takes a [`Scopes::mark`] before it binds and [`Scopes::reset`]s after the region
//! where its bindings are visible. The condition rule falls out of the same discipline: a
//! `let` in a condition binds where it stands (left to right, so for the operands after it), and
//! the `if`/`while` resets to its mark after the then-block or body.

use syn::{Expr, Ident, Pat};

/// A binding a pattern introduces.
pub struct Binding {
    pub ident: Ident,
    pub mutable: bool,
}

/// The bindings of a pattern, in source order. An identifier pattern binds when it is written in
/// lower case (or with `mut`, `ref` or `@`): `None` and `MAX` are constants and unit variants.
/// An or-pattern binds the same names in every case: the first case's are taken.
pub fn pattern_bindings(pat: &Pat) -> Vec<Binding> {
    let mut out = Vec::new();
    collect(pat, &mut out);
    out
}

fn collect(pat: &Pat, out: &mut Vec<Binding>) {
    match pat {
        Pat::Ident(p) => {
            let name = p.ident.to_string();
            let lower = name.starts_with(|c: char| c.is_lowercase() || c == '_');
            if lower || p.mutability.is_some() || p.by_ref.is_some() || p.subpat.is_some() {
                out.push(Binding {
                    ident: p.ident.clone(),
                    mutable: p.mutability.is_some(),
                });
            }
            if let Some((_, sub)) = &p.subpat {
                collect(sub, out);
            }
        }
        Pat::Or(p) => {
            if let Some(first) = p.cases.first() {
                collect(first, out);
            }
        }
        Pat::Paren(p) => collect(&p.pat, out),
        Pat::Reference(p) => collect(&p.pat, out),
        Pat::Slice(p) => p.elems.iter().for_each(|e| collect(e, out)),
        Pat::Struct(p) => p.fields.iter().for_each(|f| collect(&f.pat, out)),
        Pat::Tuple(p) => p.elems.iter().for_each(|e| collect(e, out)),
        Pat::TupleStruct(p) => p.elems.iter().for_each(|e| collect(e, out)),
        Pat::Type(p) => collect(&p.pat, out),
        _ => {}
    }
}

/// Whether a pattern can move out of the value it matches (binds something by value).
pub fn binds_by_value(pat: &Pat) -> bool {
    match pat {
        Pat::Ident(p) => {
            let name = p.ident.to_string();
            let lower = name.starts_with(|c: char| c.is_lowercase());
            (p.by_ref.is_none() && (lower || p.mutability.is_some()))
                || p.subpat.as_ref().is_some_and(|(_, s)| binds_by_value(s))
        }
        Pat::Or(p) => p.cases.iter().any(binds_by_value),
        Pat::Paren(p) => binds_by_value(&p.pat),
        Pat::Reference(_) => false,
        Pat::Slice(p) => p.elems.iter().any(binds_by_value),
        Pat::Struct(p) => p.fields.iter().any(|f| binds_by_value(&f.pat)),
        Pat::Tuple(p) => p.elems.iter().any(binds_by_value),
        Pat::TupleStruct(p) => p.elems.iter().any(binds_by_value),
        Pat::Type(p) => binds_by_value(&p.pat),
        _ => false,
    }
}

/// The `let` patterns of an `if`/`while` condition, also in a chain (`a && let P = e && …`):
/// what the condition binds in the then-block or body.
pub fn condition_patterns(cond: &Expr) -> Vec<&Pat> {
    match cond {
        Expr::Let(l) => vec![&l.pat],
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
            let mut pats = condition_patterns(&b.left);
            pats.extend(condition_patterns(&b.right));
            pats
        }
        _ => Vec::new(),
    }
}

/// The identifiers a format string captures: `"{x} {y:?} {{z}}"` gives `x`, `y`.
pub fn format_captures(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '{' {
            if chars.peek() == Some(&'{') {
                chars.next();
                continue;
            }
            let mut name = String::new();
            while let Some(&n) = chars.peek() {
                if n.is_alphanumeric() || n == '_' {
                    name.push(n);
                    chars.next();
                } else {
                    break;
                }
            }
            if name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
                out.push(name);
            }
        }
    }
    out
}

/// Where a std formatting macro takes its format string (the argument whose inline captures
/// `"{x}"` read names), by the macro's name; `None` for any other macro.
pub fn format_string_index(macro_name: &str) -> Option<usize> {
    match macro_name {
        "print" | "println" | "eprint" | "eprintln" | "format" | "format_args" | "panic"
        | "unreachable" | "todo" | "unimplemented" => Some(0),
        "write" | "writeln" | "assert" | "debug_assert" => Some(1),
        "assert_eq" | "assert_ne" | "debug_assert_eq" | "debug_assert_ne" => Some(2),
        _ => None,
    }
}

/// The names bound inside the code being walked, innermost last, each with what the walker
/// records of it (`()` when it only needs to know the name is taken).
#[derive(Clone)]
pub struct Scopes<T> {
    bound: Vec<(String, T)>,
}

/// A point in a [`Scopes`] stack to come back to.
#[derive(Clone, Copy)]
pub struct Mark(usize);

impl<T> Default for Scopes<T> {
    fn default() -> Self {
        Scopes { bound: Vec::new() }
    }
}

impl<T> Scopes<T> {
    pub fn mark(&self) -> Mark {
        Mark(self.bound.len())
    }

    /// Ends the scope of everything bound since `mark`.
    pub fn reset(&mut self, mark: Mark) {
        self.bound.truncate(mark.0);
    }

    /// Brings the bindings of `pat` into scope, each with `value(binding)`.
    pub fn bind(&mut self, pat: &Pat, mut value: impl FnMut(&Binding) -> T) {
        for b in pattern_bindings(pat) {
            let v = value(&b);
            self.bound.push((b.ident.to_string(), v));
        }
    }

    /// What the innermost binding of `name` recorded, if the code binds it.
    pub fn lookup(&self, name: &str) -> Option<&T> {
        self.bound
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    pub fn binds(&self, name: &str) -> bool {
        self.lookup(name).is_some()
    }

    /// Every binding in scope, outermost first (a name may appear more than once).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &(String, T)> {
        self.bound.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(src: &str) -> Vec<String> {
        let pat = syn::parse_str::<syn::Stmt>(&format!("let {src} = x;")).unwrap();
        let syn::Stmt::Local(l) = pat else {
            unreachable!()
        };
        pattern_bindings(&l.pat)
            .iter()
            .map(|b| b.ident.to_string())
            .collect()
    }

    #[test]
    fn finds_bindings_not_constants() {
        assert_eq!(names("(a, mut b, None, MAX)"), ["a", "b"]);
        assert_eq!(names("Point { x, y: ref yy, .. }"), ["x", "yy"]);
        assert_eq!(names("whole @ Some(inner)"), ["whole", "inner"]);
        assert_eq!(names("[first, .., last]"), ["first", "last"]);
    }

    #[test]
    fn a_condition_chain_binds_every_let() {
        let cond: Expr = syn::parse_str("let Some(a) = p && a > 0 && let Ok(b) = q(a)").unwrap();
        let pats: Vec<String> = condition_patterns(&cond)
            .into_iter()
            .flat_map(pattern_bindings)
            .map(|b| b.ident.to_string())
            .collect();
        assert_eq!(pats, ["a", "b"]);
        // Parentheses end a chain: `(let …)` is not a condition's `let`.
        let cond: Expr = syn::parse_str("c || d").unwrap();
        assert!(condition_patterns(&cond).is_empty());
    }

    #[test]
    fn format_strings_capture_names_not_escapes() {
        assert_eq!(format_captures("{x} {y:?} {{z}} {0} {}"), ["x", "y"]);
    }

    #[test]
    fn scopes_end_at_their_mark() {
        let mut s: Scopes<u8> = Scopes::default();
        let pat = |src: &str| {
            syn::parse_str::<syn::Stmt>(&format!("let {src} = v;")).map(|s| match s {
                syn::Stmt::Local(l) => l.pat,
                _ => unreachable!(),
            })
        };
        s.bind(&pat("x").unwrap(), |_| 1);
        let m = s.mark();
        s.bind(&pat("(x, _y)").unwrap(), |_| 2);
        assert_eq!(s.lookup("x"), Some(&2));
        s.reset(m);
        assert_eq!(s.lookup("x"), Some(&1));
        assert!(!s.binds("y"));
    }
}
