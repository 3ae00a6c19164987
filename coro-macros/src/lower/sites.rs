//! Where the body binds the locals the lowering declares, for the type-discovery pass
//! (`crate::discovery`): patterns and items are numbered by their place in a pre-order walk of the
//! body, which the pass walks again.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::ir::LocalId;

/// Binding sites by the address of their pattern in the body being lowered.
#[derive(Default)]
pub(super) struct SitesByAddress {
    pub(super) pats: HashMap<*const syn::Pat, Vec<LocalId>>,
    pub(super) for_iters: HashMap<*const syn::Pat, LocalId>,
    pub(super) hoisted: HashSet<*const syn::Item>,
    pub(super) op_assigns: HashMap<String, usize>,
}

/// Where the body binds the locals the lowering declared, for the type-discovery pass: each
/// pattern is numbered by its place in a pre-order walk of the body (`syn::visit`), which the
/// pass walks again. Patterns the lowering made itself (and those in `yield_!`'s arguments) are
/// not in the body and have no site.
#[derive(Default)]
pub struct Sites {
    /// The locals each pattern binds, in `pattern_bindings` order.
    pub pats: HashMap<usize, Vec<LocalId>>,
    /// The iterator local of each `for` loop, by the number of its pattern.
    pub for_iters: HashMap<usize, LocalId>,
    /// The items hoisted out of the body (those of code kept as it is stay where they are), by
    /// their number in a pre-order walk of the body's items.
    pub hoisted_items: HashSet<usize>,
    /// The compound assignments whose evaluation order the step asks the types for (see
    /// `lower::assign`), by [`op_assign_key`], to the index of their pair of `PhantomData`s in
    /// `__coro_probe`.
    pub op_assigns: HashMap<String, usize>,
}

/// Numbers every item of the body in the order `syn::visit` reaches them.
pub(super) fn item_numbers(body: &syn::Block) -> HashMap<*const syn::Item, usize> {
    struct Numbers(HashMap<*const syn::Item, usize>);
    impl<'ast> syn::visit::Visit<'ast> for Numbers {
        fn visit_item(&mut self, i: &'ast syn::Item) {
            let n = self.0.len();
            self.0.insert(i as *const syn::Item, n);
            syn::visit::visit_item(self, i);
        }
    }
    let mut n = Numbers(HashMap::default());
    syn::visit::Visit::visit_block(&mut n, body);
    n.0
}

/// Numbers every pattern of the body in the order `syn::visit` reaches them.
pub(super) fn pattern_numbers(body: &syn::Block) -> HashMap<*const syn::Pat, usize> {
    struct Numbers(HashMap<*const syn::Pat, usize>);
    impl<'ast> syn::visit::Visit<'ast> for Numbers {
        fn visit_pat(&mut self, p: &'ast syn::Pat) {
            let n = self.0.len();
            self.0.insert(p as *const syn::Pat, n);
            syn::visit::visit_pat(self, p);
        }
    }
    let mut n = Numbers(HashMap::default());
    syn::visit::Visit::visit_block(&mut n, body);
    n.0
}

/// A compound assignment's key: its operator's span, the same in every copy of the user's
/// tokens (the lowering re-parses some code: a desugared `while let`, the arguments of std's
/// expression macros), and distinct for each source assignment.
pub fn op_assign_key(b: &syn::ExprBinary) -> String {
    format!("{:?}", syn::spanned::Spanned::span(&b.op))
}

/// The keys of the body's compound assignments, also those in the arguments of std's
/// expression macros, that the type-discovery pass will see; one that occurs twice (tokens
/// without a place of their own) is left out.
pub(super) fn op_assign_keys(body: &syn::Block) -> HashSet<String> {
    struct Keys(HashMap<String, usize>);
    impl<'ast> syn::visit::Visit<'ast> for Keys {
        fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
            if super::assign::is_compound_assign(&b.op) {
                *self.0.entry(op_assign_key(b)).or_default() += 1;
            }
            syn::visit::visit_expr_binary(self, b);
        }
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            if let Some(args) = crate::syntax::macros::expression_macro_args(mac) {
                for e in args.exprs() {
                    self.visit_expr(e);
                }
            } else if crate::syntax::detect::yield_kind(mac).is_some() {
                // `yield_!(e)` / `yield_from!(c)`: the pass reads `e` as code too.
                if let Ok(e) = mac.parse_body::<syn::Expr>() {
                    self.visit_expr(&e);
                }
            }
        }
    }
    let mut k = Keys(HashMap::default());
    syn::visit::Visit::visit_block(&mut k, body);
    k.0.into_iter()
        .filter(|(_, n)| *n == 1)
        .map(|(key, _)| key)
        .collect()
}
