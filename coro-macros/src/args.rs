//! Stage 1: the attribute's options, `yield = Y, resume = A, task, clone, boxed, crate = path`.

use proc_macro2::TokenStream;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Ident, Path, Token, Type};

/// The parsed options, with defaults filled in.
pub struct Args {
    /// The type of yielded values; `()` when not given.
    pub yield_ty: Type,
    /// The type of resume arguments; `()` when not given.
    pub resume_ty: Type,
    /// Whether `resume = …` was given at all (for error messages).
    pub resume_given: bool,
    /// Make the coroutine `Clone`.
    pub clone: bool,
    /// Where the `coro` crate is, `::coro` by default.
    pub krate: Path,
    /// A task of the runtime's loop (`task`): yields `rt::Request`s.
    pub task: bool,
    /// Return a `coro::Boxed` (`boxed`): a named type, so the fn can delegate to itself.
    pub boxed: Option<proc_macro2::Span>,
}

const KNOWN: &str =
    "expected one of `yield = Type`, `resume = Type`, `task`, `clone`, `boxed`, `crate = path`";

enum Entry {
    Typed(Ident, Type),
    Crate(Ident, Path),
    Flag(Ident),
}

impl Parse for Entry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key = Ident::parse_any(input)?;
        match key.to_string().as_str() {
            "yield" | "resume" => {
                if !input.peek(Token![=]) {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("`{key}` needs a type: write `{key} = Type`"),
                    ));
                }
                input.parse::<Token![=]>()?;
                let ty: Type = input.parse().map_err(|e| {
                    syn::Error::new(e.span(), format!("`{key} = …` needs a type here: {e}"))
                })?;
                Ok(Entry::Typed(key, ty))
            }
            "crate" => {
                if !input.peek(Token![=]) {
                    return Err(syn::Error::new(
                        key.span(),
                        "`crate` needs a path: write `crate = ::coro` (or `crate = \"::coro\"`)",
                    ));
                }
                input.parse::<Token![=]>()?;
                let path = if input.peek(syn::LitStr) {
                    let lit: syn::LitStr = input.parse()?;
                    lit.parse_with(Path::parse_mod_style)?
                } else {
                    Path::parse_mod_style(input)?
                };
                Ok(Entry::Crate(key, path))
            }
            "clone" | "task" | "boxed" => {
                if input.peek(Token![=]) {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("`{key}` is a flag and takes no value: write `{key}`"),
                    ));
                }
                Ok(Entry::Flag(key))
            }
            other => Err(syn::Error::new(
                key.span(),
                format!("unknown option `{other}` for #[coro::coroutine]: {KNOWN}"),
            )),
        }
    }
}

/// Parses the attribute's argument tokens.
pub fn parse(tokens: TokenStream) -> syn::Result<Args> {
    let entries = Punctuated::<Entry, Token![,]>::parse_terminated.parse2(tokens)?;
    let unit: Type = syn::parse_quote!(());
    let mut args = Args {
        yield_ty: unit.clone(),
        resume_ty: unit,
        resume_given: false,
        clone: false,
        task: false,
        boxed: None,
        krate: syn::parse_quote!(::coro),
    };
    let mut seen: Vec<String> = Vec::new();
    let mut task = None;
    for entry in entries {
        let key = match &entry {
            Entry::Typed(k, _) | Entry::Crate(k, _) | Entry::Flag(k) => k.clone(),
        };
        let name = key.to_string();
        if seen.contains(&name) {
            return Err(syn::Error::new(
                key.span(),
                format!("option `{name}` is given twice; keep one"),
            ));
        }
        seen.push(name.clone());
        match entry {
            Entry::Typed(_, ty) if name == "yield" => args.yield_ty = ty,
            Entry::Typed(_, ty) => {
                args.resume_ty = ty;
                args.resume_given = true;
            }
            Entry::Crate(_, path) => args.krate = path,
            Entry::Flag(_) if name == "clone" => args.clone = true,
            Entry::Flag(k) if name == "boxed" => args.boxed = Some(k.span()),
            Entry::Flag(_) => task = Some(key),
        }
    }
    if let Some(key) = task {
        // A task of the runtime's loop: it yields requests and is resumed with replies.
        if let Some(clash) = seen.iter().find(|s| *s == "yield" || *s == "resume") {
            return Err(syn::Error::new(
                key.span(),
                format!("`task` sets the yield and resume types itself: remove `{clash} = …`"),
            ));
        }
        let krate = &args.krate;
        args.yield_ty = syn::parse_quote!(#krate::rt::Request);
        args.resume_ty = syn::parse_quote!(#krate::rt::Reply);
        args.resume_given = true;
        args.task = true;
    }
    if let (Some(span), true) = (args.boxed, args.clone) {
        return Err(syn::Error::new(
            span,
            "a `boxed` coroutine cannot be `clone`: the box holds a trait object; drop one of the two options",
        ));
    }
    Ok(args)
}

/// Whether a type is the unit type `()`.
pub fn is_unit(ty: &Type) -> bool {
    match ty {
        Type::Tuple(t) => t.elems.is_empty(),
        Type::Paren(p) => is_unit(&p.elem),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn err(tokens: TokenStream) -> String {
        match parse(tokens) {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn defaults_are_unit() {
        let a = parse(quote!()).unwrap();
        assert!(is_unit(&a.yield_ty) && is_unit(&a.resume_ty));
        assert!(!a.clone && !a.resume_given);
    }

    #[test]
    fn parses_every_option() {
        let a = parse(quote!(yield = u64, resume = Option<u8>, clone, crate = ::my::coro)).unwrap();
        let y = &a.yield_ty;
        assert_eq!(quote!(#y).to_string(), "u64");
        assert!(a.clone && a.resume_given);
        let k = &a.krate;
        assert_eq!(quote!(#k).to_string(), ":: my :: coro");
    }

    #[test]
    fn task_means_the_runtime_request_and_reply() {
        let a = parse(quote!(task, crate = crate)).unwrap();
        let (y, r) = (&a.yield_ty, &a.resume_ty);
        assert_eq!(quote!(#y).to_string(), "crate :: rt :: Request");
        assert_eq!(quote!(#r).to_string(), "crate :: rt :: Reply");
    }

    #[test]
    fn rejects_bad_options() {
        assert!(err(quote!(yeild = u8)).contains("unknown option `yeild`"));
        assert!(err(quote!(yield)).contains("write `yield = Type`"));
        assert!(err(quote!(clone = true)).contains("takes no value"));
        assert!(err(quote!(task, yield = u8)).contains("remove `yield = …`"));
        assert!(err(quote!(yield = u8, yield = u8)).contains("given twice"));
    }
}
