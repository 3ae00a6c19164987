//! Where the body binds the locals the lowering declares, for the type-discovery pass
//! (`crate::discovery`): patterns and items are numbered by their place in a pre-order walk of the
//! body, which the pass walks again.

use std::collections::{HashMap, HashSet};

use crate::ir::LocalId;

/// Binding sites by the address of their pattern in the body being lowered.
#[derive(Default)]
pub(super) struct SitesByAddress {
    pub(super) pats: HashMap<*const syn::Pat, Vec<LocalId>>,
    pub(super) for_iters: HashMap<*const syn::Pat, LocalId>,
    pub(super) hoisted: HashSet<*const syn::Item>,
    pub(super) op_assigns: HashMap<*const syn::ExprBinary, usize>,
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
    /// `lower::assign`): their number in a pre-order walk of the body's compound assignments,
    /// to the index of their pair of `PhantomData`s in `__coro_probe`.
    pub op_assigns: HashMap<usize, usize>,
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
    let mut n = Numbers(HashMap::new());
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
    let mut n = Numbers(HashMap::new());
    syn::visit::Visit::visit_block(&mut n, body);
    n.0
}

/// Numbers every compound assignment (`a op= b`) of the body in the order `syn::visit` reaches
/// them.
pub(super) fn op_assign_numbers(body: &syn::Block) -> HashMap<*const syn::ExprBinary, usize> {
    struct Numbers(HashMap<*const syn::ExprBinary, usize>);
    impl<'ast> syn::visit::Visit<'ast> for Numbers {
        fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
            if super::assign::is_compound_assign(&b.op) {
                let n = self.0.len();
                self.0.insert(b as *const syn::ExprBinary, n);
            }
            syn::visit::visit_expr_binary(self, b);
        }
    }
    let mut n = Numbers(HashMap::new());
    syn::visit::Visit::visit_block(&mut n, body);
    n.0
}
