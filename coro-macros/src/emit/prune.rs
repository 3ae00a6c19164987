//! Declarations without a value that an arm turns out not to need.
//!
//! A local declared without a value (`let x;`, or the hidden local of a tail's temporary) may
//! be assigned by code this arm writes (its own, or code threaded into it) or only by a later
//! state's arm. Which code an arm writes is known only once it is written, and a declaration
//! nothing assigns has no type rustc can infer (E0282). So such declarations are written, and
//! afterwards the ones whose name the rest of their block never uses are taken out: an uninitialised
//! local nobody names has nothing to drop, so removing it changes nothing.

use proc_macro2::{Group, TokenStream, TokenTree};
use syn::Ident;

/// Removes `let NAME;` / `let mut NAME;` (or `let mut NAME = …::Flagged::moved();`) for each of `names` that the rest of its block does
/// not mention (a declaration is seen only after it, in its own block: the same code threaded
/// twice into one arm declares the name twice, each judged on its own).
pub fn unused_declarations(tokens: TokenStream, names: &[Ident]) -> TokenStream {
    if names.is_empty() {
        return tokens;
    }
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    remove(tokens, &names)
}

/// Whether `init` is `…::Flagged::moved()`: a flagged local that holds nothing yet.
pub fn is_flag_down(init: &TokenStream) -> bool {
    let is_ident = |t: &TokenTree, s: &str| matches!(t, TokenTree::Ident(i) if i == s);
    let trees: Vec<TokenTree> = init.clone().into_iter().collect();
    // `… Flagged : : moved ()`
    trees.len() >= 5
        && is_ident(&trees[trees.len() - 5], "Flagged")
        && is_ident(&trees[trees.len() - 2], "moved")
        && matches!(&trees[trees.len() - 1], TokenTree::Group(g) if g.stream().is_empty())
}

fn mentioned(trees: &[TokenTree], name: &str) -> bool {
    trees.iter().any(|tt| match tt {
        TokenTree::Ident(i) => i == name,
        TokenTree::Group(g) => mentioned(&g.stream().into_iter().collect::<Vec<_>>(), name),
        _ => false,
    })
}

fn remove(tokens: TokenStream, names: &[String]) -> TokenStream {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    let mut i = 0;
    while i < trees.len() {
        if let Some((len, name)) = declaration_at(&trees[i..], names) {
            if !mentioned(&trees[i + len..], &name) {
                i += len;
                continue;
            }
        }
        match &trees[i] {
            TokenTree::Group(g) => {
                let mut new = Group::new(g.delimiter(), remove(g.stream(), names));
                new.set_span(g.span());
                out.push(TokenTree::Group(new));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out.into_iter().collect()
}

/// The length of `let [mut] NAME ;` at the start of `trees`, for a `NAME` in `names`, and
/// the name.
fn declaration_at(trees: &[TokenTree], names: &[String]) -> Option<(usize, String)> {
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
    let name = name.to_string();
    if !names.contains(&name) {
        return None;
    }
    match trees.get(name_at + 1)? {
        TokenTree::Punct(p) if p.as_char() == ';' => Some((name_at + 2, name)),
        // `let mut x = …::Flagged::moved();`: a flagged local whose flag is down.
        TokenTree::Punct(p) if p.as_char() == '=' => {
            let end = name_at
                + 2
                + trees[name_at + 2..]
                    .iter()
                    .position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ';'))?;
            let init: TokenStream = trees[name_at + 2..end].iter().cloned().collect();
            is_flag_down(&init).then_some((end + 1, name))
        }
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
    fn judges_each_copy_of_a_declaration_by_the_rest_of_its_own_block() {
        let tokens = quote!({ let mut __tmp; } { let mut __tmp; __tmp = 1; f(__tmp); });
        let out = unused_declarations(tokens, &[ident("__tmp")]);
        assert_eq!(
            out.to_string(),
            quote!({} { let mut __tmp; __tmp = 1; f(__tmp); }).to_string()
        );
    }

    #[test]
    fn removes_an_unnamed_flagged_local_whose_flag_is_down() {
        let tokens = quote! {
            let mut x = ::coro::__private::Flagged::moved(); let mut y = ::coro::__private::Flagged::moved(); f(y);
        };
        let out = unused_declarations(tokens, &[ident("x"), ident("y")]);
        assert_eq!(
            out.to_string(),
            quote!(let mut y = ::coro::__private::Flagged::moved(); f(y);).to_string()
        );
    }

    #[test]
    fn keeps_a_declaration_named_again_inside_a_group() {
        let tokens = quote!(let mut __tmp; let __v = { __tmp = D::new(); __tmp.get() };);
        let out = unused_declarations(tokens.clone(), &[ident("__tmp")]);
        assert_eq!(out.to_string(), tokens.to_string());
    }
}
