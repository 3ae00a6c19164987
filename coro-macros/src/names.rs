//! Names the generated code introduces, and helpers to find the names the user's code binds.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::{Ident, Pat};

/// A name for generated locals and labels: mixed-site hygiene keeps the user's code from seeing
/// it, so a user's own `state` or `arg` never clashes with ours.
pub fn hidden(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

/// Whether `name` appears as an identifier anywhere in `tokens`.
pub fn mentions(tokens: &TokenStream, name: &str) -> bool {
    tokens.clone().into_iter().any(|tt| match tt {
        TokenTree::Ident(i) => i == name,
        TokenTree::Group(g) => mentions(&g.stream(), name),
        _ => false,
    })
}

/// The first of `candidates` that the user's tokens never mention (for the state enum's name,
/// which, being an item, is not hygienic).
pub fn unused_name(tokens: &TokenStream, candidates: &[&str]) -> Ident {
    let name = candidates
        .iter()
        .find(|c| !mentions(tokens, c))
        .copied()
        .unwrap_or("__CoroState");
    Ident::new(name, Span::call_site())
}

/// A binding a pattern introduces.
pub struct Binding {
    pub ident: Ident,
    pub mutable: bool,
}

/// The bindings of a pattern, in source order. An identifier pattern binds when it is written in
/// lower case (or with `mut`, `ref` or `@`): `None` and `MAX` are constants and unit variants.
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
    fn walk(pat: &Pat) -> bool {
        match pat {
            Pat::Ident(p) => {
                let name = p.ident.to_string();
                let lower = name.starts_with(|c: char| c.is_lowercase());
                (p.by_ref.is_none() && (lower || p.mutability.is_some()))
                    || p.subpat.as_ref().is_some_and(|(_, s)| walk(s))
            }
            Pat::Or(p) => p.cases.iter().any(walk),
            Pat::Paren(p) => walk(&p.pat),
            Pat::Reference(_) => false,
            Pat::Slice(p) => p.elems.iter().any(walk),
            Pat::Struct(p) => p.fields.iter().any(|f| walk(&f.pat)),
            Pat::Tuple(p) => p.elems.iter().any(walk),
            Pat::TupleStruct(p) => p.elems.iter().any(walk),
            Pat::Type(p) => walk(&p.pat),
            _ => false,
        }
    }
    walk(pat)
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
}
