//! Declarations without a value that an arm turns out not to need.
//!
//! A local declared without a value (`let x;`, or the hidden local of a tail's temporary) may
//! be assigned by code this arm writes (its own, or code threaded into it) or only by a later
//! state's arm. Which code an arm writes is known only once it is written, and a declaration
//! nothing assigns has no type rustc can infer (E0282). So such declarations are written, and
//! afterwards the ones whose name the arm never uses again are taken out: an uninitialised
//! local nobody names has nothing to drop, so removing it changes nothing.

use std::collections::HashMap;

use proc_macro2::{Group, TokenStream, TokenTree};
use syn::Ident;

/// Removes `let NAME;` / `let mut NAME;` for each of `names` that `tokens` mention nowhere
/// else.
pub fn unused_declarations(tokens: TokenStream, names: &[Ident]) -> TokenStream {
    if names.is_empty() {
        return tokens;
    }
    let mut counts: HashMap<String, usize> = names.iter().map(|n| (n.to_string(), 0)).collect();
    count(&tokens, &mut counts);
    let unused: Vec<String> = counts
        .into_iter()
        .filter(|(_, c)| *c == 1)
        .map(|(n, _)| n)
        .collect();
    if unused.is_empty() {
        return tokens;
    }
    remove(tokens, &unused)
}

fn count(tokens: &TokenStream, counts: &mut HashMap<String, usize>) {
    for tt in tokens.clone() {
        match tt {
            TokenTree::Ident(i) => {
                if let Some(c) = counts.get_mut(&i.to_string()) {
                    *c += 1;
                }
            }
            TokenTree::Group(g) => count(&g.stream(), counts),
            _ => {}
        }
    }
}

fn remove(tokens: TokenStream, unused: &[String]) -> TokenStream {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    let mut i = 0;
    while i < trees.len() {
        if let Some(len) = declaration_at(&trees[i..], unused) {
            i += len;
            continue;
        }
        match &trees[i] {
            TokenTree::Group(g) => {
                let mut new = Group::new(g.delimiter(), remove(g.stream(), unused));
                new.set_span(g.span());
                out.push(TokenTree::Group(new));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out.into_iter().collect()
}

/// The length of `let [mut] NAME ;` at the start of `trees`, for a `NAME` in `unused`.
fn declaration_at(trees: &[TokenTree], unused: &[String]) -> Option<usize> {
    let is_ident = |t: &TokenTree, s: &str| matches!(t, TokenTree::Ident(i) if i == s);
    if !trees.first().is_some_and(|t| is_ident(t, "let")) {
        return None;
    }
    let name_at = if trees.get(1).is_some_and(|t| is_ident(t, "mut")) {
        2
    } else {
        1
    };
    let TokenTree::Ident(name) = trees.get(name_at)? else {
        return None;
    };
    if !unused.contains(&name.to_string()) {
        return None;
    }
    match trees.get(name_at + 1)? {
        TokenTree::Punct(p) if p.as_char() == ';' => Some(name_at + 2),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn ident(s: &str) -> Ident {
        Ident::new(s, proc_macro2::Span::call_site())
    }

    #[test]
    fn removes_only_declarations_nothing_else_names() {
        let tokens = quote! {
            let mut __tmp; let x; { let y; y = 1; f(y); } let mut z; g();
        };
        let out = unused_declarations(tokens, &[ident("__tmp"), ident("y"), ident("z")]);
        assert_eq!(
            out.to_string(),
            quote!(let x; { let y; y = 1; f(y); } g();).to_string()
        );
    }

    #[test]
    fn keeps_a_declaration_named_again_inside_a_group() {
        let tokens = quote!(let mut __tmp; let __v = { __tmp = D::new(); __tmp.get() };);
        let out = unused_declarations(tokens.clone(), &[ident("__tmp")]);
        assert_eq!(out.to_string(), tokens.to_string());
    }
}
