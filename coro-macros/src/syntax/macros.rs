//! std's macros whose arguments are expressions (`println!`, `format!`, `write!`, `vec!`,
//! `assert!`, `assert_eq!`, `matches!`, `dbg!`…): the attribute reads their arguments, so a
//! yield there is lowered like one in a call's arguments, in order. Any other macro is opaque.

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Macro, Token};

/// The arguments of a macro the attribute can read.
pub enum MacroArgs {
    /// `print!(fmt, args…)`, `assert_eq!(a, b, fmt…)`, `vec![a, b]`, `dbg!(a, b)`: expressions
    /// (a format string is a literal; `name = value` is a named argument).
    List(Vec<Expr>),
    /// `vec![elem; n]`.
    Repeat(Expr, Expr),
    /// `matches!(e, pattern)`: only the scrutinee is an expression.
    Matches(Expr, TokenStream),
}

/// std's formatting and assertion macros: their arguments are expressions (after a format
/// string), and they only borrow them.
const FORMATTING: &[&str] = &[
    "print",
    "println",
    "eprint",
    "eprintln",
    "format",
    "format_args",
    "write",
    "writeln",
    "panic",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "unreachable",
    "todo",
    "unimplemented",
];

/// Whether a macro of this name is one of std's formatting or assertion macros.
pub fn formats_or_asserts(name: &str) -> bool {
    FORMATTING.contains(&name)
}

/// Whether a std macro's expansion is a block holding a statement of its own, which drops the
/// temporaries of the arguments when the macro returns (`format!` binds `let res = …;`, `print!`
/// and its kin call `_print(…);`), rather than at the end of the enclosing statement.
pub fn ends_temporaries(name: &str) -> bool {
    matches!(name, "format" | "print" | "println" | "eprint" | "eprintln")
}

/// Whether a std macro's expansion evaluates its arguments as operands of the enclosing
/// statement, whose end drops their temporaries: `vec!` (a call), `matches!`, `dbg!` and
/// `assert_eq!`/`assert_ne!` (a `match` on them).
pub fn passes_temporaries(name: &str) -> bool {
    matches!(name, "vec" | "matches" | "dbg" | "assert_eq" | "assert_ne")
}

/// How many of a macro's arguments are always evaluated: an assertion's message and its
/// arguments only when it fails.
pub fn eager_arguments(name: &str) -> usize {
    match name {
        "assert" | "debug_assert" => 1,
        "assert_eq" | "assert_ne" | "debug_assert_eq" | "debug_assert_ne" => 2,
        _ => usize::MAX,
    }
}

/// The macro's name: the last segment of its path (`println` for `std::println!`).
pub fn macro_name(mac: &Macro) -> String {
    mac.path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// The arguments of `mac` when it is one of std's expression macros and they parse.
pub fn expression_macro_args(mac: &Macro) -> Option<MacroArgs> {
    let name = mac.path.segments.last()?.ident.to_string();
    if name == "matches" {
        let parser = |input: ParseStream| {
            let e: Expr = input.parse()?;
            input.parse::<Token![,]>()?;
            let rest: TokenStream = input.parse()?;
            Ok(MacroArgs::Matches(e, rest))
        };
        return parser.parse2(mac.tokens.clone()).ok();
    }
    if !(formats_or_asserts(&name) || name == "vec" || name == "dbg") {
        return None;
    }
    if name == "vec" {
        let repeat = |input: ParseStream| {
            let e: Expr = input.parse()?;
            input.parse::<Token![;]>()?;
            let n: Expr = input.parse()?;
            Ok(MacroArgs::Repeat(e, n))
        };
        if let Ok(r) = repeat.parse2(mac.tokens.clone()) {
            return Some(r);
        }
    }
    let list = Punctuated::<Expr, Token![,]>::parse_terminated
        .parse2(mac.tokens.clone())
        .ok()?;
    Some(MacroArgs::List(list.into_iter().collect()))
}

impl MacroArgs {
    /// The expressions among the arguments, in order (a named argument's value).
    pub fn exprs(&self) -> Vec<&Expr> {
        match self {
            MacroArgs::List(items) => items.iter().map(value_of).collect(),
            MacroArgs::Repeat(e, n) => vec![e, n],
            MacroArgs::Matches(e, _) => vec![e],
        }
    }

    /// The expressions among the arguments, in order, to rewrite in place.
    pub fn exprs_mut(&mut self) -> Vec<&mut Expr> {
        match self {
            MacroArgs::List(items) => items.iter_mut().map(value_of_mut).collect(),
            MacroArgs::Repeat(e, n) => vec![e, n],
            MacroArgs::Matches(e, _) => vec![e],
        }
    }

    /// The macro's arguments with each expression replaced, in order, by `values`.
    pub fn rebuild(&self, values: &[TokenStream]) -> TokenStream {
        match self {
            MacroArgs::List(items) => {
                let args = items.iter().zip(values).map(|(item, v)| match item {
                    Expr::Assign(a) if named(a) => {
                        let name = &a.left;
                        quote!(#name = #v)
                    }
                    _ => v.clone(),
                });
                quote!(#(#args),*)
            }
            MacroArgs::Repeat(..) => {
                let (e, n) = (&values[0], &values[1]);
                quote!(#e; #n)
            }
            MacroArgs::Matches(_, rest) => {
                let e = &values[0];
                quote!(#e, #rest)
            }
        }
    }
}

/// `name = value` in a formatting macro names an argument.
fn named(a: &syn::ExprAssign) -> bool {
    matches!(&*a.left, Expr::Path(p) if p.path.get_ident().is_some())
}

fn value_of_mut(e: &mut Expr) -> &mut Expr {
    if matches!(e, Expr::Assign(a) if named(a)) {
        let Expr::Assign(a) = e else { unreachable!() };
        return &mut a.right;
    }
    e
}

fn value_of(e: &Expr) -> &Expr {
    match e {
        Expr::Assign(a) if named(a) => &a.right,
        other => other,
    }
}
