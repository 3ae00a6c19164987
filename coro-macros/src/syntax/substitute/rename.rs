//! Renaming: uses of a renamed local, the bindings inside a piece of code that shadow the arm's
//! locals, and the bindings of a pattern (see the module above for when each is needed).

use super::*;

/// Rewrites uses of each name in `renames` to its new name; `None` when the code cannot be
/// rewritten safely (a format string may capture the name, or a macro hides its uses).
pub fn rename(
    tokens: &TokenStream,
    shape: Shape,
    renames: &HashMap<String, Ident>,
) -> Option<TokenStream> {
    let map: HashMap<String, Replacement> = renames
        .iter()
        .map(|(n, to)| (n.clone(), Replacement::Name(to.clone())))
        .collect();
    if map.is_empty() || !mentions_any(tokens, &map) {
        return Some(tokens.clone());
    }
    Substitute::new(&map, Fresh::None, true).run(tokens, shape)
}

/// The renamed bindings in scope at each `__coro_jump!(n)` placeholder, by `n`: the value an
/// exit carries (`return x`) is the user's code at that point and must be renamed the same way.
pub type JumpRenames = HashMap<usize, HashMap<String, Ident>>;

/// Gives every binding inside `tokens` whose name is in `avoid` a fresh hidden name (with its
/// uses), so that code written into `tokens` afterwards (the exits embedded in it, which store a
/// state from the arm's locals) still reaches the arm's locals by those names. The `let`s of a
/// statement list bind in the arm and are left alone. `None` when the code cannot be rewritten
/// safely.
pub fn rename_inner_bindings(
    tokens: &TokenStream,
    shape: Shape,
    avoid: &HashSet<String>,
) -> Option<(TokenStream, JumpRenames)> {
    let no_uses = HashMap::default();
    let mut v = Substitute::new(&no_uses, Fresh::Counted(avoid), true);
    let out = v.run(tokens, shape)?;
    Some((out, v.jump_renames))
}

/// Renames the bindings that the `let`s of an `if` condition make (also in a chain) and their
/// uses after them, each named in `renames` to its new name; uses of those names before the
/// `let` are left alone. `None` when the condition cannot be rewritten safely.
pub fn rename_condition_bindings(
    tokens: &TokenStream,
    renames: &HashMap<String, Ident>,
) -> Option<TokenStream> {
    let no_uses = HashMap::default();
    Substitute::new(&no_uses, Fresh::Given(renames), true).run(tokens, Shape::IfHead)
}

/// Renames the bindings of a `match` arm's pattern (or-patterns included) named in `renames`;
/// `None` if the pattern does not parse.
pub fn rename_arm_bindings(
    pat: &TokenStream,
    renames: &HashMap<String, Ident>,
) -> Option<TokenStream> {
    let mut pat =
        syn::parse::Parser::parse2(Pat::parse_multi_with_leading_vert, pat.clone()).ok()?;
    rename_pattern(&mut pat, renames);
    Some(pat.into_token_stream())
}

/// Rewrites the bindings of a `let` pattern (with its type, if any) named in `renames` to their
/// new names; `None` if the pattern does not parse.
pub fn rename_bindings(pat: &TokenStream, renames: &HashMap<String, Ident>) -> Option<TokenStream> {
    let syn::Stmt::Local(mut local) = syn::parse2(quote::quote!(let #pat;)).ok()? else {
        return None;
    };
    rename_pattern(&mut local.pat, renames);
    Some(local.pat.into_token_stream())
}

/// Renames the bindings of `pat` named in `renames`.
pub(super) fn rename_pattern(pat: &mut Pat, renames: &HashMap<String, Ident>) {
    struct Bindings<'a>(&'a HashMap<String, Ident>);
    impl VisitMut for Bindings<'_> {
        fn visit_pat_ident_mut(&mut self, p: &mut syn::PatIdent) {
            if let Some(to) = self.0.get(&p.ident.to_string()) {
                p.ident = to.clone();
            }
            visit_mut::visit_pat_ident_mut(self, p);
        }
        fn visit_field_pat_mut(&mut self, f: &mut syn::FieldPat) {
            // `S { x }` binds `x` to field `x`: renamed, it must name the field.
            if f.colon_token.is_none() {
                f.colon_token = Some(Default::default());
            }
            visit_mut::visit_field_pat_mut(self, f);
        }
        fn visit_expr_mut(&mut self, _: &mut Expr) {}
    }
    Bindings(renames).visit_pat_mut(pat);
}
