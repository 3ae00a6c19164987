//! Large machines: how a state change is written (an assignment, or `__private::store`) and,
//! in the largest, the variants grouped in nested enums, so that type checking a `State::…`
//! path does not instantiate one parameter per saved local of the whole body
//! (`bench/compile_time.py`; measured in the commit that introduced it).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::Emit;
use crate::ir::BlockId;
use crate::syntax::names::hidden;

impl Emit<'_> {
    /// The group of block `b`'s variant in a large machine (see `GROUP_ABOVE_BLOCKS`).
    pub(super) fn group_of(&self, b: BlockId) -> Option<usize> {
        (self.ir.blocks.len() > GROUP_ABOVE_BLOCKS).then_some(b / GROUP_SPAN)
    }

    /// The path of block `b`'s variant followed by `fields` (`{ … }`, if any): `State::Name`,
    /// or `State::Group(Group::Name)` in a large machine.
    pub(super) fn variant_path(&self, b: BlockId, fields: Option<TokenStream>) -> TokenStream {
        let (state_enum, name) = (&self.state_enum, &self.ir.blocks[b].name);
        match self.group_of(b) {
            Some(g) => {
                let group = group_name(g);
                quote!(#state_enum::#group(#group::#name #fields))
            }
            None => quote!(#state_enum::#name #fields),
        }
    }

    /// Writes `next` into the state, which holds `Poisoned` here.
    pub(super) fn store(&self, guarded: bool, next: TokenStream) -> TokenStream {
        if self.ir.blocks.len() > ASSIGN_ABOVE_BLOCKS {
            let var = self.state_var();
            if guarded {
                quote!(*#var = #next)
            } else {
                quote!(#var = #next)
            }
        } else {
            let (krate, state) = (self.krate, self.state(guarded));
            quote!(#krate::__private::store(#state, #next))
        }
    }
}

/// Machines of more blocks than this write their transitions as assignments (`state = next`,
/// which drops the `Poisoned` the slot holds) rather than `__private::store`: that is a generic
/// call fewer to type check and to compile at each transition (`bench/compile_time.py`,
/// 216 yields: `cargo check` 12% fewer instructions; 108 yields: a debug build 11% fewer).
/// Small machines keep `store`, which saves the drop check at run time.
const ASSIGN_ABOVE_BLOCKS: usize = 128;

/// Machines of more blocks than this group their variants in nested enums, one per span of
/// `GROUP_SPAN` blocks, each generic only in the locals its own variants hold: the state is
/// `State<Group0<…>, Group1<…>, …>`, and each `State::…` path instantiates the groups' parameters
/// instead of one per saved local (216 yields: 148 type parameters, `cargo check` 27% fewer
/// instructions with the assignments above; smaller machines gained nothing and their debug
/// builds lost a little, and the state grows by a discriminant).
const GROUP_ABOVE_BLOCKS: usize = 384;
const GROUP_SPAN: usize = 64;

/// The name of the nested enum of group `g` (see `GROUP_ABOVE_BLOCKS`).
pub(super) fn group_name(g: usize) -> Ident {
    hidden(&format!("__CoroGroup{g}"))
}
