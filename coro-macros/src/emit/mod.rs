//! Stage 6: write the state machine the [`Plan`] describes.
//!
//! One generic enum of states, one variant per state holding exactly the locals the block saves,
//! and a `move` closure that matches on the state: one arm per state. This file is the machine
//! (the enum, the step closure, and the loop that writes the arms until the plan settles); the
//! chapters of `impl Emit` each write one part of an arm and import only this file:
//!
//! - `frame`: one arm's frame: the variant's pattern, the Rust blocks of the scopes its code may
//!   close, and the names of the locals as the arm spells them;
//! - `cursor`: the code a cursor reads into an arm: nodes, terminators, branches, the
//!   transitions that store the next state;
//! - `thread`: whether a jump may be replaced by its target's code (jump threading);
//! - `shadow`: `let`s that shadow a local a state still needs (renames and hidden aliases);
//! - `operand`: the user's code, with its substitutions (renames, in-place reads, embedded
//!   exits).

mod cursor;
mod cycle;
mod discovery;
mod frame;
mod groups;
mod inline;
mod names;
mod operand;
mod prune;
mod shadow;
mod thread;

use groups::group_name;
use names::Names;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, ToTokens};
use syn::Type;

use crate::ir::*;
use crate::layout::{self, Discovered, Plan, Renames};
use crate::liveness::Liveness;
use crate::syntax::guess::surely_copy;
use crate::syntax::names::hidden;
use crate::syntax::substitute::Shape;

pub struct Emit<'a> {
    pub ir: &'a Ir,
    pub live: &'a Liveness,
    pub krate: &'a syn::Path,
    pub state_enum: Ident,
    pub yield_ty: &'a Type,
    pub resume_ty: &'a Type,
    /// The closure's return type annotation for the return value (`_` when the declared type
    /// cannot be written in a closure signature, like `impl Trait`).
    pub return_ty: TokenStream,
    pub clone: bool,
    /// What the type-discovery pass needs (see `discovery`), or `None` to write none (a
    /// parameter of `impl Trait` type, which the pass's closure cannot name).
    pub discovery: Option<DiscoveryInput<'a>>,
    /// The fn returns a `coro::Boxed` (the `boxed` option).
    pub boxed: bool,
    /// The resume type leaves a lifetime out (see `signature::Prepared::resume_any_lifetime`).
    pub resume_any_lifetime: bool,
    /// `field: expr` pairs that build the start state, in the outer fn.
    pub start_values: Vec<(LocalId, TokenStream)>,
    /// The `&mut` parameters the states keep as pointers (see `reborrow`).
    pub pointers: rustc_hash::FxHashSet<LocalId>,
    /// The span of the user's body: the scopes' Rust blocks are written with it, so that rustc
    /// reads them in the user's edition (which decides when a tail's temporaries are dropped;
    /// a block spanned by the macro would be read in the macro crate's).
    pub user_span: Span,
}

/// The body and the fn's parameters, for the type-discovery pass.
pub struct DiscoveryInput<'a> {
    pub body: &'a syn::Block,
    pub sites: &'a crate::lower::Sites,
    /// `name: Type` for each parameter of the fn (`__self: &'a Self` for a receiver).
    pub params: Vec<TokenStream>,
    /// The alias the body's `self` is renamed to.
    pub self_alias: Option<Ident>,
    /// How many compound assignments ask the types for their order (`lower::assign`).
    pub op_probes: usize,
}

/// Everything that varies while one arm is written.
struct ArmCtx<'p> {
    /// The layout being written.
    plan: &'p Plan,
    /// The plan's renames, with those this arm made (returned in [`ArmOut`]).
    renames: Renames,
    /// How each local is spelled at the current point of the arm (only those in scope).
    names: Names,
    errors: Vec<syn::Error>,
    /// The block whose arm is written.
    block: BlockId,
    /// How many more jumps may be replaced by the code they jump to (see `can_splice`).
    splice_budget: usize,
    /// The blocks whose code this path of the arm runs (its own, then those spliced in): a jump
    /// back to one of them is a loop, which stays a transition.
    path: Vec<BlockId>,
    /// Jumps hoisted out of a branch: `break 'label value` leaves the branch for the code of the
    /// target block, written after it (see `seq`); with how many `aliased` entries there were
    /// outside the label.
    labels: Vec<(BlockId, syn::Lifetime, usize)>,
    /// The scopes whose Rust block is open where the arm is being written, so that a `Close`
    /// in spliced code can end it.
    closable: HashSet<ScopeId>,
    /// The targets of transitions (jumps that store a state and dispatch again).
    transitions: Vec<BlockId>,
    /// How many labels the arm has made (for unique names).
    label_count: usize,
    /// Set when the arm dispatches again (`continue '__dispatch`).
    dispatches: bool,
    /// Set when the arm completes through the `'__finish` label.
    finishes: bool,
    /// Shadowed locals declared (uninitialised) under their own name, to be assigned when the
    /// shadowing binding's scope closes.
    reexposed: HashSet<LocalId>,
    /// Locals bound under a hidden name at the arm's start because a binding of an inner scope
    /// shadows them: they get their name back when that scope closes.
    reexpose_at: HashMap<LocalId, ScopeId>,
    /// Locals shadowed by a binding of an inner scope: (old, shadower, old's spelling),
    /// reachable again when the shadower's scope closes.
    hidden_by: Vec<(LocalId, LocalId, Ident)>,
    /// Locals copied or moved to a hidden name when a binding shadowed them: (old, the
    /// shadower, the shadower's scope, old's spelling before). The hidden name is declared in
    /// that scope's Rust block, so it is gone when the block closes, and the old spelling is
    /// back.
    aliased: Vec<(LocalId, LocalId, ScopeId, Ident)>,
    /// Set when the arm reads its variant's fields in place.
    in_place: Option<InPlace>,
    /// The step runs under the poisoning guard (see `Emit::state`).
    guarded: bool,
    /// An in-place rewrite failed: the arm is written again, moving its fields out.
    failed: bool,
    /// Locals bound by a `let` in this arm, which may be renamed (see `Emit::renamed`).
    let_bound: HashSet<LocalId>,
    /// A state needed a local hidden by a `let` that can be renamed: write the arm again.
    rename_and_retry: bool,
    /// While an exit embedded in user code is written: the bindings renamed around it (see
    /// `substitute::JumpRenames`), innermost last.
    jump_renames: Vec<HashMap<String, Ident>>,
    /// Locals declared without a value in this arm, taken out again if nothing in the arm
    /// names them (see `prune`).
    tentative: Vec<Ident>,
    /// Set while the arm is written with a yield-free cycle run in place (see `cycle`).
    cycle: Option<cycle::Cycle>,
    /// The cycle could not be written: write the arm again without it.
    cycle_failed: bool,
}

/// One arm as written, and what it needs from the rest of the step.
struct ArmOut {
    tokens: TokenStream,
    errors: Vec<syn::Error>,
    /// An in-place rewrite failed: write the arm again, moving its fields out.
    failed: bool,
    /// A shadowing `let` was marked for renaming: write the arm again.
    rename_and_retry: bool,
    /// Running a yield-free cycle in place failed: write the arm again without it.
    cycle_failed: bool,
    /// The renames as this arm left them.
    renames: Renames,
    /// The blocks it stores as the next state before dispatching again.
    transitions: Vec<BlockId>,
    dispatches: bool,
    finishes: bool,
}

/// Where an arm is being read from: a code list and a position in it. When the code ends with a
/// jump that is threaded, the cursor moves on to the code of the target block.
#[derive(Clone, Copy)]
struct Cursor<'i> {
    nodes: &'i [Node],
    index: usize,
    code: CodeId,
}

impl<'i> Cursor<'i> {
    fn new(ir: &'i Ir, code: CodeId) -> Cursor<'i> {
        Cursor {
            nodes: &ir.codes[code],
            index: 0,
            code,
        }
    }

    fn peek(&self) -> Option<&'i Node> {
        self.nodes.get(self.index)
    }
}

/// An arm that leaves its variant's fields where they are: each is a `&mut` binding into the
/// state, read as `(*x)`. Fields move only when the coroutine moves to another variant.
#[derive(Clone)]
struct InPlace {
    /// The user-visible names of the fields.
    names: HashSet<String>,
    /// The fields, in declaration order.
    fields: Vec<LocalId>,
}

impl<'a> Emit<'a> {
    /// The variable that holds the state, in the outer fn (captured by the step closure).
    pub fn state_var(&self) -> Ident {
        hidden("__state")
    }

    /// The state as the step's code reads it, a `&mut`: the variable the guarded step rebinds
    /// to the guard's reference (see `emit`), or a borrow of the captured variable.
    pub fn state(&self, guarded: bool) -> TokenStream {
        let var = self.state_var();
        if guarded {
            quote!(#var)
        } else {
            quote!(&mut #var)
        }
    }

    /// `mut` where the binding of `l` in an arm must be mutable: the user's `mut`, or a local
    /// with its own drop flag (its moves take the value out).
    fn binding_mutability(&self, l: LocalId) -> TokenStream {
        if self.ir.locals[l].mutable || self.live.flagged.contains(&l) {
            quote!(mut)
        } else {
            quote!()
        }
    }

    fn arg(&self) -> Ident {
        hidden("__arg")
    }

    fn label(&self) -> syn::Lifetime {
        syn::Lifetime::new("'__dispatch", Span::mixed_site())
    }

    /// The block of a guarded step (see `emit`), which its exits leave.
    fn step_label(&self) -> syn::Lifetime {
        syn::Lifetime::new("'__step", Span::mixed_site())
    }

    /// Leaves the step with `value`: `return` from the step closure, or in a guarded step a
    /// `break` out of its block, so that the guard is disarmed on the way out.
    fn leave(&self, guarded: bool, value: TokenStream) -> TokenStream {
        if guarded {
            let label = self.step_label();
            quote!(break #label #value)
        } else {
            quote!(return #value)
        }
    }

    fn finish_label(&self) -> syn::Lifetime {
        syn::Lifetime::new("'__finish", Span::mixed_site())
    }

    /// Whether the resume argument needs a slot: the dispatch loops, and its type may not be
    /// `Copy` (moving a `Copy` value inside the loop is fine).
    fn arg_needs_slot(&self, plan: &Plan) -> bool {
        plan.dispatches && !surely_copy(self.resume_ty)
    }

    /// The resume argument, moved out of the closure's parameter (or of its slot when the
    /// dispatch loops).
    fn take_arg(&self, plan: &Plan) -> TokenStream {
        let arg = self.arg();
        if self.arg_needs_slot(plan) {
            let krate = self.krate;
            quote!(#krate::__private::take_arg(&mut #arg))
        } else {
            arg.into_token_stream()
        }
    }

    pub fn emit(&self, plan: &mut Plan) -> syn::Result<(TokenStream, TokenStream)> {
        let state_enum = &self.state_enum;
        let krate = self.krate;
        let state_var = self.state_var();
        let arg = self.arg();

        let (arms, errors, guarded) = self.write_arms(plan);
        if let Some(e) = errors.into_iter().reduce(|mut e, other| {
            e.combine(other);
            e
        }) {
            return Err(e);
        }

        let mut type_params = Vec::new();
        let mut variants = Vec::new();
        // Large machines: the variants' groups (see `group_of`), each with its variants and the
        // type parameters they use.
        let mut groups: Vec<(usize, Vec<TokenStream>, Vec<Ident>)> = Vec::new();
        for variant in plan.variants() {
            let group = self.group_of(variant.block).map(|g| {
                if groups.last().is_none_or(|(last, ..)| *last != g) {
                    groups.push((g, Vec::new(), Vec::new()));
                }
                groups.len() - 1
            });
            let name = &self.ir.blocks[variant.block].name;
            let fields: Vec<TokenStream> = variant
                .fields
                .into_iter()
                .map(|(l, t)| {
                    let f = &self.ir.locals[l].field;
                    let field = if self.live.flagged.contains(&l) {
                        quote!(#f: #krate::__private::Flagged<#t>)
                    } else {
                        quote!(#f: #t)
                    };
                    if let Some(g) = group {
                        if !groups[g].2.contains(&t) {
                            groups[g].2.push(t.clone());
                        }
                    }
                    if !type_params.contains(&t) {
                        type_params.push(t);
                    }
                    field
                })
                .collect();
            let variant = if fields.is_empty() {
                quote!(#name)
            } else {
                quote!(#name { #(#fields,)* })
            };
            match group {
                Some(g) => groups[g].1.push(variant),
                None => variants.push(variant),
            }
        }
        let derive = if self.clone {
            quote!(#[derive(Clone)])
        } else {
            quote!()
        };
        let generics_of = |params: &[Ident]| {
            if params.is_empty() {
                quote!()
            } else {
                quote!(<#(#params),*>)
            }
        };
        let mut group_defs = Vec::new();
        // The state's type as the type-discovery pass names it.
        let local_params = type_params.clone();
        let state_ty = if groups.is_empty() {
            let generics = generics_of(&type_params);
            quote!(#state_enum #generics)
        } else {
            let mut outer = Vec::new();
            let mut group_tys = Vec::new();
            for (i, (g, group_variants, params)) in groups.iter().enumerate() {
                let (group, param) = (group_name(*g), hidden(&format!("G{i}")));
                let generics = generics_of(params);
                group_defs.push(quote! {
                    #[allow(dead_code, non_camel_case_types, clippy::large_enum_variant)]
                    #derive
                    enum #group #generics {
                        #(#group_variants,)*
                    }
                });
                variants.push(quote!(#group(#param)));
                outer.push(param);
                group_tys.push(quote!(#group #generics));
            }
            type_params = outer;
            quote!(#state_enum<#(#group_tys),*>)
        };
        let generics = generics_of(&type_params);
        let enum_def = quote! {
            #[allow(dead_code, non_camel_case_types, clippy::large_enum_variant)]
            #derive
            enum #state_enum #generics {
                #(#variants,)*
                Complete,
                Poisoned,
            }
            #(#group_defs)*
        };

        let start_fields = self.start_values.iter().map(|(l, v)| {
            let f = &self.ir.locals[*l].field;
            if self.live.flagged.contains(l) {
                quote!(#f: #krate::__private::Flagged::new(#v))
            } else if self.pointers.contains(l) {
                quote!(#f: #krate::__private::RawMut::new(#v))
            } else if *f == v.to_string() {
                quote!(#f)
            } else {
                quote!(#f: #v)
            }
        });
        let start = self.variant_path(0, Some(quote!({ #(#start_fields,)* })));
        let init = quote! {
            let mut #state_var = #start;
        };
        let init = match &self.discovery {
            Some(pass) if !local_params.is_empty() => {
                let pass = self.discovery_pass(pass, plan, &local_params, &state_ty);
                quote!(#init #pass)
            }
            _ => init,
        };

        let y = self.yield_ty;
        let a = self.resume_ty;
        let r = &self.return_ty;
        let state = self.state(guarded);
        let none = self.leave(guarded, quote!(::core::option::Option::None));
        let complete = self.store(guarded, quote!(#state_enum::Complete));
        let dispatch = if guarded {
            quote! {
                match &mut *#state {
                    #(#arms)*
                    #state_enum::Complete => {
                        #none;
                    }
                    #state_enum::Poisoned => #krate::__private::resumed_after_panic(),
                }
            }
        } else {
            quote! {
                match ::core::mem::replace(#state, #state_enum::Poisoned) {
                    #(#arms)*
                    #state_enum::Complete => {
                        #complete;
                        return ::core::option::Option::None;
                    }
                    #state_enum::Poisoned => #krate::__private::resumed_after_panic(),
                }
            }
        };
        let body = if plan.dispatches {
            // The arms a resume starts at take the argument out of its slot: moving it directly
            // inside the loop would not compile for a resume type that is not `Copy`.
            let label = self.label();
            let slot = if self.arg_needs_slot(plan) {
                quote!(let mut #arg = ::core::option::Option::Some(#arg);)
            } else {
                quote!()
            };
            quote! {
                #slot
                #label: loop { #dispatch }
            }
        } else {
            dispatch
        };
        // Arms that keep their fields in place leave the state as it is while they run. A panic
        // there must still drop the coroutine's live locals as it unwinds (as rustc's
        // coroutines do) and poison it: the step runs under a guard whose `Drop`, on the
        // unwinding path only, replaces the state with `Poisoned` (dropping what it held).
        let body = if plan.finishes {
            // An in-place arm completes by breaking out with the return value: its own locals
            // are dropped on the way out, then the variant (with the older locals) is replaced.
            let (finish, done) = (self.finish_label(), hidden("__completed"));
            let complete = self.leave(
                guarded,
                quote!(::core::option::Option::Some(#krate::CoroutineState::Complete(#done))),
            );
            quote! {
                let #done = #finish: { #body };
                *#state = #state_enum::Complete;
                #complete;
            }
        } else {
            body
        };
        let body = if guarded {
            // The step's exits break out of its block (`leave`) to where the guard is disarmed.
            let (guard, step, label) = (
                hidden("__poison_on_unwind"),
                hidden("__step"),
                self.step_label(),
            );
            quote! {
                let mut #guard = #krate::__private::PoisonOnUnwind::new(&mut #state_var, || #state_enum::Poisoned);
                #[allow(unused_labels)]
                let #step = #label: {
                    let #state_var = #guard.state();
                    #body
                };
                #guard.disarm();
                #step
            }
        } else {
            body
        };
        // A small step is inlined wherever it is resumed (see `INLINE_ALWAYS_TOKENS`).
        let inline = inline::step_attribute(&body);
        let constructor = if self.resume_any_lifetime {
            quote!(#krate::__private::gen_for_any_lifetime)
        } else {
            quote!(#krate::Gen::new)
        };
        let closure = if self.pointers.is_empty() {
            quote! {
                #constructor(#inline move |#arg: #a| -> ::core::option::Option<#krate::CoroutineState<#y, #r>> {
                    #body
                })
            }
        } else {
            // Parameters kept as pointers are used through them (see `reborrow`): the arms run
            // in an `unsafe` block. The user's code in them is checked for unsafe operations in
            // the type-discovery pass, which holds it as written; a block of the user's own here
            // is then not needed, and an implicit autoref of a place through the pointer is the
            // source's own autoref.
            let step = hidden("__step_fn");
            quote! {{
                #[allow(unused_unsafe, unknown_lints, dangerous_implicit_autorefs)]
                let #step = #constructor(#inline move |#arg: #a| -> ::core::option::Option<#krate::CoroutineState<#y, #r>> {
                    unsafe { #body }
                });
                #step
            }}
        };
        let closure = if self.boxed {
            quote!(#krate::Boxed::new(#closure))
        } else {
            closure
        };
        Ok((quote!(#enum_def #init), closure))
    }

    /// Writes the arm of every state, in the order the blocks were created (which follows the
    /// source), until the plan settles: the one place where writing feeds back into the plan.
    /// Blocks start out threaded into the arms that jump to them; one that some jump cannot be
    /// threaded into becomes a state of its own, and the arms are written again until no new
    /// one appears (then once more if whether the step loops changed). Within a pass, an arm
    /// is written again when it marked a shadowing `let` for renaming (each retry renames one
    /// more binding, so this ends) or when reading its fields in place failed.
    /// The arms, their errors, and whether they were written for a guarded step (see `emit`).
    fn write_arms(&self, plan: &mut Plan) -> (Vec<TokenStream>, Vec<syn::Error>, bool) {
        loop {
            // Fixed for this pass: the plan changes only between passes.
            let guarded = plan.any_in_place();
            let mut errors = Vec::new();
            let mut arms = Vec::new();
            let mut found = Discovered::default();
            for b in plan.states() {
                let mut in_place = plan.in_place_eligible(b);
                // An in-place arm first tries to run a yield-free cycle in place (see `cycle`).
                let mut cycle = in_place;
                let out = loop {
                    let mut out = self.arm(plan, b, in_place, guarded, cycle);
                    plan.renames = std::mem::take(&mut out.renames);
                    if out.rename_and_retry {
                        continue;
                    }
                    if out.cycle_failed && cycle {
                        cycle = false;
                        continue;
                    }
                    if out.failed && in_place {
                        in_place = false;
                        cycle = false;
                        continue;
                    }
                    break out;
                };
                arms.push((b, out.tokens, out.transitions.clone()));
                errors.extend(out.errors);
                found.transitions.extend(out.transitions);
                found.dispatches |= out.dispatches;
                found.finishes |= out.finishes;
            }
            if plan.learn(found) {
                let made: Vec<(BlockId, Vec<BlockId>)> =
                    arms.iter().map(|(b, _, t)| (*b, t.clone())).collect();
                let mut tokens: Vec<Option<TokenStream>> =
                    arms.into_iter().map(|(_, t, _)| Some(t)).collect();
                let ordered = layout::arm_order(&made)
                    .into_iter()
                    .filter_map(|i| tokens[i].take())
                    .collect();
                return (ordered, errors, guarded);
            }
        }
    }
}

/// The hidden name of a `let` binding written under another name (see [`Renames`]).
fn renamed_name(ir: &Ir, l: LocalId) -> Ident {
    hidden(&format!("__renamed_{}", ir.locals[l].field))
}

fn mutability(mutable: bool) -> TokenStream {
    if mutable {
        quote!(mut)
    } else {
        quote!()
    }
}
