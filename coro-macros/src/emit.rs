//! Stage 4b: write the state machine.
//!
//! One generic enum of states, one variant per block holding exactly the locals the block saves
//! (each field its own type parameter, inferred from the step closure that constructs it), and a
//! `move` closure that matches on the state: one arm per block.

use std::collections::{HashMap, HashSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::Type;

use crate::ir::*;
use crate::liveness::Liveness;
use crate::names::hidden;
use crate::rewrite::substitute_jumps;
use crate::substitute::{deref, rename, rename_bindings, rename_inner_bindings, Shape};

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
    /// `field: expr` pairs that build the start state, in the outer fn.
    pub start_values: Vec<(LocalId, TokenStream)>,
    /// Set when an in-place arm completes through the `'__finish` label.
    pub finish_used: std::cell::Cell<bool>,
    /// Blocks other than suspension points that are states of their own: every jump to them
    /// stores the state and dispatches again (see `emit`).
    pub real: std::cell::RefCell<HashSet<BlockId>>,
    /// Set when some arm dispatches again (`continue '__dispatch`).
    pub dispatches: std::cell::Cell<bool>,
    /// `let` bindings written under a hidden name because they shadow, in an inner scope, a
    /// local that a state must save while that scope is open (see `construct`).
    pub renamed: std::cell::RefCell<HashSet<LocalId>>,
    /// Of `renamed`, those renamed by preference (a non-`Copy` local they shadow stays in place,
    /// so its drop order is the source's) rather than of necessity: if their uses cannot be
    /// renamed, they fall back to `alias_only`.
    pub preferred_renames: std::cell::RefCell<HashSet<LocalId>>,
    /// Shadowing `let`s whose uses could not be renamed: what they shadow is moved to a hidden
    /// name instead.
    pub alias_only: std::cell::RefCell<HashSet<LocalId>>,
}

/// Everything that varies while one arm is written.
struct ArmCtx {
    /// How each local is spelled at the current point of the arm (only those in scope).
    names: HashMap<LocalId, TokenStream>,
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
    hidden_by: Vec<(LocalId, LocalId, TokenStream)>,
    /// Locals copied or moved to a hidden name when a binding shadowed them: (old, the
    /// shadower, the shadower's scope, old's spelling before). The hidden name is declared in
    /// that scope's Rust block, so it is gone when the block closes, and the old spelling is
    /// back.
    aliased: Vec<(LocalId, LocalId, ScopeId, TokenStream)>,
    /// Set when the arm reads its variant's fields in place.
    in_place: Option<InPlace>,
    /// An in-place rewrite failed: the arm is written again, moving its fields out.
    failed: bool,
    /// Locals bound by a `let` in this arm, which may be renamed (see `Emit::renamed`).
    let_bound: HashSet<LocalId>,
    /// A state needed a local hidden by a `let` that can be renamed: write the arm again.
    rename_and_retry: bool,
    /// While an exit embedded in user code is written: the bindings renamed around it (see
    /// `substitute::JumpRenames`), innermost last.
    jump_renames: Vec<HashMap<String, Ident>>,
}

/// One arm as written, and what it needs from the rest of the step.
struct ArmOut {
    tokens: TokenStream,
    errors: Vec<syn::Error>,
    /// An in-place rewrite failed: write the arm again, moving its fields out.
    failed: bool,
    /// A shadowing `let` was marked for renaming: write the arm again.
    rename_and_retry: bool,
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
    pub fn state(&self) -> Ident {
        hidden("__state")
    }

    fn arg(&self) -> Ident {
        hidden("__arg")
    }

    fn label(&self) -> syn::Lifetime {
        syn::Lifetime::new("'__dispatch", Span::mixed_site())
    }

    fn finish_label(&self) -> syn::Lifetime {
        syn::Lifetime::new("'__finish", Span::mixed_site())
    }

    /// Whether the resume argument needs a slot: the dispatch loops, and its type may not be
    /// `Copy` (moving a `Copy` value inside the loop is fine).
    fn arg_needs_slot(&self) -> bool {
        self.dispatches.get() && !surely_copy(self.resume_ty)
    }

    /// The resume argument, moved out of the closure's parameter (or of its slot when the
    /// dispatch loops).
    fn take_arg(&self) -> TokenStream {
        let arg = self.arg();
        if self.arg_needs_slot() {
            let krate = self.krate;
            quote!(#krate::__private::take_arg(&mut #arg))
        } else {
            arg.into_token_stream()
        }
    }

    /// The saved locals of a block in field order: innermost scope first, latest first, so that
    /// dropping a suspended coroutine drops them as leaving their scopes would. A join's or an
    /// exit's parameter is the newest of all.
    fn fields(&self, b: BlockId) -> Vec<LocalId> {
        let block = &self.ir.blocks[b];
        let mut f: Vec<LocalId> = self.live.fields[b].iter().rev().copied().collect();
        if let Some(p) = block.param {
            if matches!(block.kind, BlockKind::Join | BlockKind::LoopExit) {
                f.insert(0, p);
            }
        }
        f
    }

    pub fn emit(&self) -> syn::Result<(TokenStream, TokenStream)> {
        let state_enum = &self.state_enum;
        let krate = self.krate;
        let state = self.state();
        let arg = self.arg();

        // Arms in the order the blocks were created, which follows the source: every variant
        // is constructed (fixing its type parameters) before an arm binds its fields. Blocks
        // start out threaded into the arms that jump to them; one that some jump cannot be
        // threaded into becomes a state of its own, and the arms are written again until no
        // new one appears (then once more if whether the step loops changed).
        *self.real.borrow_mut() = self.loop_heads_without_yield();
        self.real
            .borrow_mut()
            .extend(self.joins_typed_by_their_values());
        let (arms, errors) = loop {
            let mut errors = Vec::new();
            let mut arms = Vec::new();
            let mut wanted = HashSet::new();
            let (mut dispatches, mut finishes) = (false, false);
            for b in (0..self.ir.blocks.len()).filter(|b| self.is_state(*b)) {
                let out = self.arm(b);
                arms.push((b, out.tokens, out.transitions.clone()));
                errors.extend(out.errors);
                wanted.extend(out.transitions);
                dispatches |= out.dispatches;
                finishes |= out.finishes;
            }
            let new: Vec<BlockId> = wanted.into_iter().filter(|b| !self.is_state(*b)).collect();
            let settled = new.is_empty() && dispatches == self.dispatches.get();
            self.real.borrow_mut().extend(new);
            self.dispatches.set(dispatches);
            self.finish_used.set(finishes);
            if settled {
                break (constructed_first(arms), errors);
            }
        };
        if let Some(e) = errors.into_iter().reduce(|mut e, other| {
            e.combine(other);
            e
        }) {
            return Err(e);
        }

        let mut type_params = Vec::new();
        let mut variants = Vec::new();
        for (b, block) in self.ir.blocks.iter().enumerate() {
            if !self.is_state(b) {
                continue;
            }
            let name = &block.name;
            let fields: Vec<TokenStream> = self
                .fields(b)
                .into_iter()
                .map(|l| {
                    let t = format_ident!("T{}", type_params.len());
                    type_params.push(t.clone());
                    let f = &self.ir.locals[l].field;
                    quote!(#f: #t)
                })
                .collect();
            if fields.is_empty() {
                variants.push(quote!(#name));
            } else {
                variants.push(quote!(#name { #(#fields,)* }));
            }
        }
        let generics = if type_params.is_empty() {
            quote!()
        } else {
            quote!(<#(#type_params),*>)
        };
        let derive = if self.clone {
            quote!(#[derive(Clone)])
        } else {
            quote!()
        };
        let enum_def = quote! {
            #[allow(dead_code, non_camel_case_types, clippy::large_enum_variant)]
            #derive
            enum #state_enum #generics {
                #(#variants,)*
                Complete,
                Poisoned,
            }
        };

        let start_fields = self.start_values.iter().map(|(l, v)| {
            let f = &self.ir.locals[*l].field;
            if *f == v.to_string() {
                quote!(#f)
            } else {
                quote!(#f: #v)
            }
        });
        let start_name = &self.ir.blocks[0].name;
        let init = quote! {
            let mut #state = #state_enum::#start_name { #(#start_fields,)* };
        };

        let y = self.yield_ty;
        let a = self.resume_ty;
        let r = &self.return_ty;
        let dispatch = if self.any_in_place() {
            quote! {
                match &mut #state {
                    #(#arms)*
                    #state_enum::Complete => {
                        return ::core::option::Option::None;
                    }
                    #state_enum::Poisoned => #krate::__private::resumed_after_panic(),
                }
            }
        } else {
            quote! {
                match ::core::mem::replace(&mut #state, #state_enum::Poisoned) {
                    #(#arms)*
                    #state_enum::Complete => {
                        #krate::__private::store(&mut #state, #state_enum::Complete);
                        return ::core::option::Option::None;
                    }
                    #state_enum::Poisoned => #krate::__private::resumed_after_panic(),
                }
            }
        };
        let body = if self.dispatches.get() {
            // The arms a resume starts at take the argument out of its slot: moving it directly
            // inside the loop would not compile for a resume type that is not `Copy`.
            let label = self.label();
            let slot = if self.arg_needs_slot() {
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
        // coroutines do) and poison it: the step runs under `catch_unwind`, and a panic replaces
        // the state with `Poisoned` (dropping what it held) before unwinding on.
        let body = if self.finish_used.get() {
            // An in-place arm completes by breaking out with the return value: its own locals
            // are dropped on the way out, then the variant (with the older locals) is replaced.
            let (finish, done) = (self.finish_label(), hidden("__completed"));
            quote! {
                let #done = #finish: { #body };
                #state = #state_enum::Complete;
                return ::core::option::Option::Some(#krate::CoroutineState::Complete(#done));
            }
        } else {
            body
        };
        let body = if self.any_in_place() {
            let result = hidden("__step");
            let payload = hidden("__panic");
            quote! {
                let #result = #krate::__private::catch_unwind(#krate::__private::AssertUnwindSafe(|| { #body }));
                match #result {
                    ::core::result::Result::Ok(r) => r,
                    ::core::result::Result::Err(#payload) => {
                        #state = #state_enum::Poisoned;
                        #krate::__private::resume_unwind(#payload)
                    }
                }
            }
        } else {
            body
        };
        let closure = quote! {
            #krate::Gen::new(move |#arg: #a| -> ::core::option::Option<#krate::CoroutineState<#y, #r>> {
                #body
            })
        };
        Ok((quote!(#enum_def #init), closure))
    }

    /// The match arm of one block.
    fn arm(&self, b: BlockId) -> ArmOut {
        let mut in_place = self.in_place_eligible(b);
        // Each retry renames one more binding (or gives up on in-place reads), so this ends.
        loop {
            let arm = self.arm_in(b, in_place);
            if arm.rename_and_retry {
                continue;
            }
            if arm.failed && in_place {
                in_place = false;
                continue;
            }
            return arm;
        }
    }

    /// The blocks that must stay states because some path runs from them back to them without
    /// suspending (a loop whose body does not always yield): the first block of each such
    /// cycle in creation order, which is the head of the outermost loop, is cut first, then
    /// whatever cycles remain.
    fn loop_heads_without_yield(&self) -> HashSet<BlockId> {
        let n = self.ir.blocks.len();
        let edges: Vec<Vec<BlockId>> = (0..n)
            .map(|b| all_jump_targets(self.ir, self.ir.blocks[b].code))
            .collect();
        let mut cut = HashSet::new();
        for v in 0..n {
            // Does `v` reach itself through blocks not cut yet?
            let mut seen = vec![false; n];
            let mut todo: Vec<BlockId> = edges[v].clone();
            let mut cyclic = false;
            while let Some(x) = todo.pop() {
                if x == v {
                    cyclic = true;
                    break;
                }
                if cut.contains(&x) || std::mem::replace(&mut seen[x], true) {
                    continue;
                }
                todo.extend(edges[x].iter().copied());
            }
            if cyclic {
                cut.insert(v);
            }
        }
        cut
    }

    /// Blocks whose parameter's type is inferred from the values jumped in with (the value of
    /// an `if`, a `match`, a `break`) and that are reached from the code of several blocks:
    /// threaded, each arm would bind its own copy of the parameter, and a copy that only ever
    /// receives `8` could not tell `8.wrapping_add(5)`'s integer type. As a state, the field
    /// unifies the values of every arm, as rustc does for the whole body.
    fn joins_typed_by_their_values(&self) -> HashSet<BlockId> {
        let mut sources: HashMap<BlockId, HashSet<BlockId>> = HashMap::new();
        for (b, block) in self.ir.blocks.iter().enumerate() {
            for t in all_jump_targets(self.ir, block.code) {
                sources.entry(t).or_default().insert(b);
            }
        }
        sources
            .into_iter()
            .filter(|(t, from)| {
                from.len() > 1
                    && self.ir.blocks[*t]
                        .param
                        .is_some_and(|p| !self.ir.locals[p].typed)
            })
            .map(|(t, _)| t)
            .collect()
    }

    /// Whether a block is a state of its own: a suspension point, the start, or a block that
    /// some jump cannot be threaded into.
    fn is_state(&self, b: BlockId) -> bool {
        matches!(
            self.ir.blocks[b].kind,
            BlockKind::Start | BlockKind::AfterYield | BlockKind::AfterYieldFrom
        ) || self.real.borrow().contains(&b)
    }

    /// Whether an arm may read its fields in place: none of them is moved out, dropped at a
    /// scope's end, or shadowed in this arm (those need to be owned by the arm).
    fn in_place_eligible(&self, b: BlockId) -> bool {
        let block = &self.ir.blocks[b];
        let fields = self.fields(b);
        if fields.is_empty() || block.kind == BlockKind::Start {
            return false;
        }
        let closing = closes_in(self.ir, block.code);
        let moved = moves_in(self.ir, block.code);
        let mut names = HashSet::new();
        for &l in block.visible.iter().chain(block.param.iter()) {
            if !names.insert(self.ir.locals[l].name.to_string()) {
                return false; // a shadowed name
            }
        }
        // A field's name bound again in this arm would make `x` ambiguous for the rewrite.
        let rebound = bound_names_in(self.ir, block.code);
        let owned_elsewhere = |code: CodeId| {
            let (moved, rebound) = (moves_in(self.ir, code), bound_names_in(self.ir, code));
            fields.iter().any(|l| {
                let local = &self.ir.locals[*l];
                (moved.contains(l) && !local.copy) || rebound.contains(&local.name.to_string())
            })
        };
        let keeps_fields = fields.iter().all(|l| {
            let local = &self.ir.locals[*l];
            (!moved.contains(l) || local.copy)
                && !closing.contains(&local.scope)
                && !rebound.contains(&local.name.to_string())
        });
        // It only pays when the resume comes back to this same variant (a loop around a yield):
        // leaving for another variant moves the fields out anyway.
        let comes_back = yields_to(self.ir, block.code, b)
            || jump_targets(self.ir, block.code).into_iter().any(|t| {
                t < b
                    && yields_to(self.ir, self.ir.blocks[t].code, b)
                    && !owned_elsewhere(self.ir.blocks[t].code)
            });
        keeps_fields && comes_back
    }

    /// Whether any arm may read its fields in place (the step then keeps a poison flag, since
    /// the state is not replaced by `Poisoned` while such an arm runs).
    fn any_in_place(&self) -> bool {
        (0..self.ir.blocks.len()).any(|b| self.is_state(b) && self.in_place_eligible(b))
    }

    fn arm_in(&self, b: BlockId, in_place: bool) -> ArmOut {
        let block = &self.ir.blocks[b];
        let state_enum = &self.state_enum;
        let name = &block.name;
        let mut cursor = Cursor::new(self.ir, block.code);
        let mut cx = ArmCtx {
            names: HashMap::new(),
            errors: Vec::new(),
            block: b,
            splice_budget: SPLICE_BUDGET,
            path: vec![b],
            labels: Vec::new(),
            closable: HashSet::new(),
            transitions: Vec::new(),
            label_count: 0,
            dispatches: false,
            finishes: false,
            reexposed: HashSet::new(),
            reexpose_at: HashMap::new(),
            hidden_by: Vec::new(),
            aliased: Vec::new(),
            in_place: None,
            failed: false,
            let_bound: HashSet::new(),
            rename_and_retry: false,
            jump_renames: Vec::new(),
        };

        // Scopes that may close within this arm (in its code or in code spliced into it) get
        // Rust blocks of their own; the locals of the others are bound directly by the arm's
        // pattern.
        let closing: HashSet<ScopeId> = if in_place {
            closes_in(self.ir, block.code)
        } else {
            self.closes_reachable(b)
        };
        let first_closing = block
            .scopes
            .iter()
            .position(|s| closing.contains(s))
            .unwrap_or(block.scopes.len());
        let fields = self.fields(b);
        let param = block.param;

        // Which user names are shadowed at the block's start: only the newest binding of a name
        // may be bound under it.
        let mut newest: HashMap<String, LocalId> = HashMap::new();
        for &l in block.visible.iter().chain(param.iter()) {
            newest.insert(self.ir.locals[l].name.to_string(), l);
        }

        // A shadowed local whose shadower's scope closes in this arm becomes reachable again
        // there: it is declared under its own name in its place (uninitialised) and assigned
        // from its hidden name when the shadower's scope closes, so the drop order stays the
        // source's.
        // The binding that shadows `l` directly (the next one of its name): when its scope
        // closes, `l` is visible again, unless both share a scope (then `l` never is).
        let shadower_of = |l: LocalId| {
            let name = &self.ir.locals[l].name;
            block
                .visible
                .iter()
                .chain(param.iter())
                .copied()
                .filter(|&o| o > l && self.ir.locals[o].name == *name)
                .min()
        };
        let mut reexposed: HashSet<LocalId> = HashSet::new();
        for &l in &fields {
            let local = &self.ir.locals[l];
            let Some(shadower) = shadower_of(l) else {
                continue;
            };
            let inner = self.ir.locals[shadower].scope;
            if inner != local.scope && block.scopes[first_closing..].contains(&inner) {
                reexposed.insert(l);
            }
        }
        let flat_by_let = !reexposed.is_empty();

        // Bound in declaration order, so that whatever Rust drops at the end of the arm is dropped
        // latest first, as at the end of the source's scopes.
        let mut pattern = Vec::new();
        let mut flat_bindings = Vec::new();
        let mut nested_bindings: HashMap<ScopeId, Vec<TokenStream>> = HashMap::new();
        if in_place {
            let mut names = HashSet::new();
            for &l in fields.iter().rev() {
                let local = &self.ir.locals[l];
                let (field, n) = (&local.field, &local.name);
                if field == n {
                    pattern.push(quote!(#field));
                } else {
                    pattern.push(quote!(#field: #n));
                }
                names.insert(n.to_string());
                cx.names.insert(l, n.to_token_stream());
            }
            cx.in_place = Some(InPlace {
                names,
                fields: fields.iter().rev().copied().collect(),
            });
        }
        for &l in fields.iter().rev().filter(|_| !in_place) {
            let local = &self.ir.locals[l];
            let field = &local.field;
            let shadowed = newest.get(&local.name.to_string()) != Some(&l);
            let in_nested = block.scopes[first_closing..].contains(&local.scope);
            let spelled: TokenStream = if shadowed {
                hidden(&format!("__shadowed_{field}")).into_token_stream()
            } else {
                local.name.to_token_stream()
            };
            let m = if local.mutable { quote!(mut) } else { quote!() };
            if in_nested || flat_by_let {
                let temp = hidden(&format!("__saved_{field}"));
                pattern.push(quote!(#field: #temp));
                let mut lets = TokenStream::new();
                if reexposed.contains(&l) {
                    let n = &local.name;
                    lets.extend(quote!(let #m #n;));
                }
                lets.extend(quote!(let #m #spelled = #temp;));
                if in_nested {
                    nested_bindings.entry(local.scope).or_default().push(lets);
                } else {
                    flat_bindings.push(lets);
                }
            } else if *field == spelled.to_string() {
                pattern.push(quote!(#m #field));
            } else {
                pattern.push(quote!(#field: #m #spelled));
            }
            cx.names.insert(l, spelled);
        }
        cx.reexposed = reexposed;
        // Every field bound under a hidden name because an inner-scope binding shadows it gets
        // its name back when that binding's scope closes in this arm.
        for &l in &fields {
            let local = &self.ir.locals[l];
            if let Some(shadower) = shadower_of(l) {
                let inner = self.ir.locals[shadower].scope;
                if inner != local.scope {
                    cx.reexpose_at.insert(l, inner);
                }
            }
        }

        // Deferred locals assigned in this block (`let x; … x = 1;`) need a declaration here.
        let assigned = assigned_in(self.ir, block.code);
        let mut deferred_decls: HashMap<ScopeId, Vec<TokenStream>> = HashMap::new();
        for &l in &block.visible {
            let local = &self.ir.locals[l];
            if !fields.contains(&l) && assigned.contains(&l) {
                let n = &local.name;
                let m = if local.mutable { quote!(mut) } else { quote!() };
                deferred_decls
                    .entry(local.scope)
                    .or_default()
                    .push(quote!(let #m #n;));
                cx.names.insert(l, n.to_token_stream());
            }
        }

        let arg = self.take_arg();
        let param_binding = match (block.kind, param) {
            (BlockKind::AfterYield | BlockKind::AfterYieldFrom, Some(p)) => {
                let n = &self.ir.locals[p].name;
                cx.names.insert(p, n.to_token_stream());
                let m = if self.ir.locals[p].mutable {
                    quote!(mut)
                } else {
                    quote!()
                };
                quote!(let #m #n = #arg;)
            }
            (BlockKind::Start | BlockKind::AfterYield, None) => quote!(::core::mem::drop(#arg);),
            _ => quote!(),
        };

        let mut body = TokenStream::new();
        body.extend(flat_bindings);
        for s in &block.scopes[..first_closing] {
            if let Some(d) = deferred_decls.get(s) {
                body.extend(d.iter().cloned());
            }
        }
        if first_closing < block.scopes.len() {
            let mut bindings = nested_bindings;
            for (scope, decls) in &deferred_decls {
                bindings
                    .entry(*scope)
                    .or_default()
                    .extend(decls.iter().cloned());
            }
            body.extend(self.scope_blocks(
                &block.scopes,
                first_closing,
                &closing,
                &bindings,
                &param_binding,
                &mut cursor,
                &mut cx,
            ));
        } else {
            body.extend(param_binding.clone());
        }
        body.extend(self.seq(&mut cursor, &mut cx));

        let pattern = if pattern.is_empty() {
            quote!(#state_enum::#name)
        } else {
            quote!(#state_enum::#name { #(#pattern,)* })
        };
        let arm = if in_place || !self.any_in_place() {
            // In place: the pattern binds `&mut` fields of `&mut state`. Without any arm in
            // place, the whole state is matched by value (`match mem::replace(…)`).
            quote! {
                #[allow(unused_mut, unused_variables)]
                #pattern => { #body }
            }
        } else {
            // Take the variant out, leaving `Poisoned`, and own its fields.
            let state = self.state();
            quote! {
                #[allow(unused_mut, unused_variables)]
                #state_enum::#name { .. } => {
                    let #pattern = ::core::mem::replace(&mut #state, #state_enum::Poisoned) else {
                        ::core::unreachable!()
                    };
                    #body
                }
            }
        };
        ArmOut {
            tokens: arm,
            errors: cx.errors,
            failed: cx.failed,
            rename_and_retry: cx.rename_and_retry,
            transitions: cx.transitions,
            dispatches: cx.dispatches,
            finishes: cx.finishes,
        }
    }

    /// Rust blocks for the scopes `scopes[j..]` that the arm's code may close, each binding
    /// its locals, the innermost holding the code read from the cursor up to their `Close`s.
    /// The locals of a scope nothing here closes (a branch arm's, which ends with a jump) are
    /// bound in the enclosing block.
    #[allow(clippy::too_many_arguments)]
    fn scope_blocks(
        &self,
        scopes: &[ScopeId],
        j: usize,
        closing: &HashSet<ScopeId>,
        bindings: &HashMap<ScopeId, Vec<TokenStream>>,
        param: &TokenStream,
        cursor: &mut Cursor<'a>,
        cx: &mut ArmCtx,
    ) -> TokenStream {
        let scope = scopes[j];
        let opens = closing.contains(&scope);
        if opens {
            cx.closable.insert(scope);
        }
        let mut body = TokenStream::new();
        if let Some(b) = bindings.get(&scope) {
            body.extend(b.iter().cloned());
        }
        if j + 1 < scopes.len() {
            body.extend(self.scope_blocks(scopes, j + 1, closing, bindings, param, cursor, cx));
        } else {
            body.extend(param.clone());
        }
        body.extend(self.seq(cursor, cx));
        if opens {
            self.close(scope, body, cursor, cx)
        } else {
            body
        }
    }

    /// Wraps a scope's code in a Rust block, consuming its `Close` node if there is one.
    fn close(
        &self,
        scope: ScopeId,
        mut body: TokenStream,
        cursor: &mut Cursor<'a>,
        cx: &mut ArmCtx,
    ) -> TokenStream {
        cx.closable.remove(&scope);
        match cursor.peek() {
            Some(Node::Close(s, value)) if *s == scope => {
                cursor.index += 1;
                if let Some(v) = value {
                    if v.tokens.to_string().replace(' ', "") != "()" {
                        body.extend(self.operand(v, Shape::Expr, cx));
                    }
                }
                // Its locals are gone once the Rust block closes; what they shadowed is back.
                for l in &self.ir.scopes[scope].locals {
                    cx.names.remove(l);
                }
                let closed = &self.ir.scopes[scope].locals;
                let (back, still): (Vec<_>, Vec<_>) = cx
                    .hidden_by
                    .drain(..)
                    .partition(|(_, shadower, _)| closed.contains(shadower));
                cx.hidden_by = still;
                for (old, _, spelled) in back {
                    cx.names.insert(old, spelled);
                }
                let (back, still): (Vec<_>, Vec<_>) =
                    cx.aliased.drain(..).partition(|(_, _, s, _)| *s == scope);
                cx.aliased = still;
                for (old, shadower, _, spelled) in back.into_iter().rev() {
                    if !self.ir.locals[old].copy && self.ir.locals[old].scope != scope {
                        // The alias took the value and dies with this block, but the arm goes
                        // on past it (a threaded jump): rename the shadower instead.
                        self.rename_instead_of_alias(shadower, cx);
                    }
                    if cx.names.contains_key(&old) {
                        cx.names.insert(old, spelled);
                    }
                }
                let after = self.reexpose(scope, cx);
                let block = match self.ir.scopes[scope].result {
                    Some(r) => {
                        let n = &self.ir.locals[r].name;
                        cx.names.insert(r, n.to_token_stream());
                        quote!(let #n = { #body };)
                    }
                    // A scope that declares nothing needs no block of its own.
                    None if self.ir.scopes[scope].locals.is_empty() => body,
                    None => quote!({ #body }),
                };
                quote!(#block #after)
            }
            _ => quote!({ #body }),
        }
    }

    /// Writes nodes until the end of the code or a `Close` (left for the caller).
    ///
    /// Jumps are threaded where that changes nothing observable (`can_splice`): a jump that
    /// ends the code is replaced by the target's code, read on by the same cursor (so that a
    /// `Close` there ends a Rust block opened here), and a branch whose arms jump to the same
    /// block becomes `'label: { branch }` with `break 'label value` in those arms, followed by
    /// the target's code. Only suspension points, and blocks some path loops back to without
    /// suspending, remain states of their own.
    fn seq(&self, cursor: &mut Cursor<'a>, cx: &mut ArmCtx) -> TokenStream {
        let mut out = TokenStream::new();
        while let Some(node) = cursor.peek() {
            match node {
                Node::Close(..) => break,
                Node::Open(s) => {
                    cursor.index += 1;
                    cx.closable.insert(*s);
                    let body = self.seq(cursor, cx);
                    out.extend(self.close(*s, body, cursor, cx));
                }
                Node::Stmt(op) => {
                    cursor.index += 1;
                    out.extend(self.operand(op, Shape::Stmt, cx));
                }
                Node::Let {
                    pat,
                    init,
                    els,
                    binds,
                } => {
                    cursor.index += 1;
                    let init = init.as_ref().map(|i| {
                        let t = self.operand(i, Shape::Expr, cx);
                        quote!(= #t)
                    });
                    let els = els.as_ref().map(|e| {
                        let t = self.operand(e, Shape::Expr, cx);
                        quote!(else { #t })
                    });
                    // A new binding that shadows a tracked local: keep the old one reachable
                    // under a hidden name, in case a later transition must save it. The
                    // initialiser may read the old one, so it is evaluated first.
                    let mut aliases = TokenStream::new();
                    let at_this_let = (cursor.code, cursor.index - 1);
                    let no_locals = Default::default();
                    let moved_here = self
                        .live
                        .moved_before_let
                        .get(&at_this_let)
                        .unwrap_or(&no_locals);
                    let live_after = self
                        .live
                        .live_after_let
                        .get(&at_this_let)
                        .unwrap_or(&no_locals);
                    // What a state may still keep: not moved out (or read by value and used
                    // again, so copied).
                    let kept = |old: LocalId| {
                        self.may_be_saved_later(old)
                            && (!moved_here.contains(&old) || live_after.contains(&old))
                    };
                    // A binding that shadows a non-`Copy` local a state may still keep is
                    // renamed, so that local stays where it is (moving it to a hidden name
                    // would change its drop order).
                    for &b in binds {
                        let name = self.ir.locals[b].name.to_string();
                        let shadows_kept = cx.names.iter().any(|(l, n)| {
                            *l != b && n.to_string() == name && !self.ir.locals[*l].copy && kept(*l)
                        });
                        if shadows_kept
                            && cx.in_place.is_none()
                            && !self.ir.locals[b].hidden
                            && !self.alias_only.borrow().contains(&b)
                            && self.renamed.borrow_mut().insert(b)
                        {
                            self.preferred_renames.borrow_mut().insert(b);
                        }
                    }
                    // A binding marked for renaming takes a hidden name instead: what it
                    // shadows keeps its own (see `construct`).
                    let renames: HashMap<String, Ident> = binds
                        .iter()
                        .filter(|b| self.renamed.borrow().contains(b))
                        .map(|&b| (self.ir.locals[b].name.to_string(), renamed_name(self.ir, b)))
                        .collect();
                    cx.let_bound.extend(binds.iter().copied());
                    for &b in binds {
                        let name = self.ir.locals[b].name.to_string();
                        if renames.contains_key(&name) {
                            continue;
                        }
                        let shadowed: Vec<LocalId> = cx
                            .names
                            .iter()
                            .filter(|(l, n)| **l != b && n.to_string() == name)
                            .map(|(l, _)| *l)
                            .collect();
                        // Moving the old binding to a hidden name is only safe if it is not
                        // needed under its own name again in this arm: it is shadowed in its
                        // own scope, or the arm leaves before the shadowing scope closes.
                        let scope = self.ir.locals[b].scope;
                        let leaves_first = cursor.nodes[cursor.index..]
                            .iter()
                            .find_map(|n| match n {
                                Node::Close(s, _) if *s == scope => Some(false),
                                Node::Term(_) => Some(true),
                                _ => None,
                            })
                            .unwrap_or(true);
                        for old in shadowed {
                            let same_scope = self.ir.locals[old].scope == scope;
                            // A local already moved out has nothing left to keep (one read by
                            // value but used again later was copied, not moved).
                            // A `Copy` local can always be copied to a hidden name: the
                            // original stays usable once the shadowing scope closes.
                            if (same_scope || leaves_first || self.ir.locals[old].copy) && kept(old)
                            {
                                let alias =
                                    hidden(&format!("__shadowed_{}", self.ir.locals[old].field));
                                let current = cx.names[&old].clone();
                                aliases.extend(quote!(let #alias = #current;));
                                cx.names.insert(old, alias.into_token_stream());
                                cx.aliased.push((old, b, scope, current));
                            } else {
                                // Shadowed by an inner scope: unreachable by name until that
                                // scope closes (Rust's own scoping brings it back then).
                                let current = cx.names.remove(&old);
                                if let Some(n) = current {
                                    cx.hidden_by.push((old, b, n));
                                }
                            }
                        }
                    }
                    let init = if aliases.is_empty() {
                        init
                    } else {
                        let value = hidden("__let_value");
                        match init {
                            Some(i) => {
                                out.extend(quote!(let #value #i;));
                                Some(quote!(= #value))
                            }
                            None => None,
                        }
                    };
                    out.extend(aliases);
                    let pat = if renames.is_empty() {
                        pat.clone()
                    } else {
                        rename_bindings(pat, &renames).unwrap_or_else(|| pat.clone())
                    };
                    out.extend(quote!(let #pat #init #els;));
                    for &b in binds {
                        let spelled = match renames.get(&self.ir.locals[b].name.to_string()) {
                            Some(hidden) => hidden.to_token_stream(),
                            None => self.ir.locals[b].name.to_token_stream(),
                        };
                        cx.names.insert(b, spelled);
                    }
                }
                Node::Term(Term::Jump { target, value })
                    if !cx.labels.iter().any(|(t, ..)| t == target)
                        && self.can_splice(*target, cx) =>
                {
                    let target = *target;
                    if self.needs_ownership(target, cx) {
                        out.extend(self.take_ownership_and_splice(
                            target,
                            value.as_ref(),
                            cursor,
                            cx,
                        ));
                    } else {
                        out.extend(self.bind_param(target, value.as_ref(), cx));
                        self.enter_splice(target, cursor, cx);
                    }
                }
                Node::Term(Term::Branch(br)) => {
                    cursor.index += 1;
                    let hoisted = branch_jump_targets(self.ir, br)
                        .into_iter()
                        .filter(|t| !cx.labels.iter().any(|(l, ..)| l == t))
                        .find(|t| self.can_splice(*t, cx));
                    let Some(target) = hoisted else {
                        out.extend(self.branch(br, cx));
                        continue;
                    };
                    cx.label_count += 1;
                    let label = syn::Lifetime::new(
                        &format!("'__then{}", cx.label_count),
                        Span::mixed_site(),
                    );
                    cx.labels.push((target, label.clone(), cx.aliased.len()));
                    let branch = self.branch(br, cx);
                    cx.labels.pop();
                    let converts = self.needs_ownership(target, cx);
                    match self.ir.blocks[target].param {
                        Some(p) => {
                            let n = &self.ir.locals[p].name;
                            let m = mutability(self.ir.locals[p].mutable);
                            out.extend(quote!(let #m #n = #label: { #branch };));
                            cx.names.insert(p, n.to_token_stream());
                        }
                        None => out.extend(quote!(#label: { #branch })),
                    }
                    if converts {
                        out.extend(self.take_ownership_and_splice(target, None, cursor, cx));
                    } else {
                        self.enter_splice(target, cursor, cx);
                    }
                }
                Node::Term(t) => {
                    cursor.index += 1;
                    out.extend(self.term(t, cx));
                }
            }
        }
        out
    }

    /// Moves the cursor on to the code of `target`, which now runs in this arm.
    fn enter_splice(&self, target: BlockId, cursor: &mut Cursor<'a>, cx: &mut ArmCtx) {
        cx.splice_budget -= 1;
        cx.path.push(target);
        *cursor = Cursor::new(self.ir, self.ir.blocks[target].code);
    }

    /// `let param = value;` for a jump threaded into a join or an exit that takes a value (the
    /// value of an `if`, a `match` or a `break`); a value nobody takes is evaluated and dropped.
    fn bind_param(&self, target: BlockId, value: Option<&Operand>, cx: &mut ArmCtx) -> TokenStream {
        let Some(op) = value else {
            return quote!();
        };
        let t = self.operand(op, Shape::Expr, cx);
        match self.ir.blocks[target].param {
            Some(p) => {
                let n = &self.ir.locals[p].name;
                let m = mutability(self.ir.locals[p].mutable);
                cx.names.insert(p, n.to_token_stream());
                quote!(let #m #n = #t;)
            }
            None => quote!(::core::mem::drop(#t);),
        }
    }

    /// Locals kept under a hidden name while shadowed get their own name back once nothing
    /// alive shadows them.
    fn reexpose(&self, closed: ScopeId, cx: &mut ArmCtx) -> TokenStream {
        let mut out = TokenStream::new();
        let due: Vec<LocalId> = cx
            .reexpose_at
            .iter()
            .filter(|(_, s)| **s == closed)
            .map(|(l, _)| *l)
            .collect();
        for l in due {
            cx.reexpose_at.remove(&l);
            let Some(alias) = cx.names.get(&l).cloned() else {
                continue;
            };
            let local = &self.ir.locals[l];
            let n = &local.name;
            if cx.reexposed.remove(&l) {
                out.extend(quote!(#n = #alias;));
            } else {
                let m = if local.mutable { quote!(mut) } else { quote!() };
                out.extend(quote!(let #m #n = #alias;));
            }
            cx.names.insert(l, n.to_token_stream());
        }
        out
    }

    /// When `l` is unreachable because a `let` of this arm shadows it from an inner scope, marks
    /// that binding for renaming (the arm is then written again) and says so.
    fn rename_shadower_of(&self, l: LocalId, cx: &ArmCtx) -> bool {
        let Some(&(_, shadower, _)) = cx.hidden_by.iter().rev().find(|(old, ..)| *old == l) else {
            return false;
        };
        // An in-place arm falls back to owning its fields first.
        cx.in_place.is_none() && self.mark_for_renaming(shadower, cx)
    }

    /// Marks a `let` binding of this arm for renaming; says whether that is new. The lowering's
    /// own bindings are not renamed.
    fn mark_for_renaming(&self, shadower: LocalId, cx: &ArmCtx) -> bool {
        !self.ir.locals[shadower].hidden
            && cx.let_bound.contains(&shadower)
            && self.renamed.borrow_mut().insert(shadower)
    }

    /// A non-`Copy` local was moved to a hidden name for a shadowing `let` on the assumption that
    /// the arm leaves before the shadower's scope closes, and it does not: writes the arm again
    /// with the shadower renamed (or, in an in-place arm, owning its fields first).
    fn rename_instead_of_alias(&self, shadower: LocalId, cx: &mut ArmCtx) {
        if cx.in_place.is_some() {
            cx.failed = true;
        } else if self.mark_for_renaming(shadower, cx) {
            cx.rename_and_retry = true;
        }
    }

    /// Whether any state saves this local (so a shadowed binding must stay reachable).
    fn may_be_saved_later(&self, l: LocalId) -> bool {
        self.live.fields.iter().any(|f| f.contains(&l))
    }

    fn operand(&self, op: &Operand, shape: Shape, cx: &mut ArmCtx) -> TokenStream {
        let renamed = self.renamed_here(cx);
        let tokens = if renamed.is_empty() {
            op.tokens.clone()
        } else {
            match rename(&op.tokens, shape, &renamed) {
                Some(t) => t,
                None if self.fall_back_to_aliases(cx) => op.tokens.clone(),
                None => {
                    let name = renamed.keys().next().cloned().unwrap_or_default();
                    cx.errors.push(syn::Error::new(
                        op.tokens.clone().into_iter().next().map_or_else(proc_macro2::Span::call_site, |t| t.span()),
                        format!(
                            "#[coro::coroutine] cannot keep the outer `{name}` across a suspension point while an inner `{name}` shadows it: this code uses the inner one in a way the macro cannot rename (a format string that captures it, or a macro it cannot read); rename one of them"
                        ),
                    ));
                    op.tokens.clone()
                }
            }
        };
        let tokens = match &cx.in_place {
            Some(ip) => match deref(&tokens, shape, &ip.names) {
                Some(t) => t,
                None => {
                    cx.failed = true;
                    tokens
                }
            },
            None => tokens,
        };
        if op.effects.embedded.is_empty() {
            return tokens;
        }
        // The embedded exits store states from the arm's locals by name: bindings inside this
        // code must not shadow those names where the exits are written.
        let avoid: HashSet<String> = cx.names.values().map(|n| n.to_string()).collect();
        let (tokens, jump_renames) =
            rename_inner_bindings(&tokens, shape, &avoid).unwrap_or((tokens, HashMap::new()));
        let mut jump = |n: usize| {
            // The exit's own value sees the renamed bindings in scope where it is written.
            cx.jump_renames
                .push(jump_renames.get(&n).cloned().unwrap_or_default());
            let t = self.term(&self.ir.embedded[n], cx);
            cx.jump_renames.pop();
            t
        };
        substitute_jumps(tokens, &mut jump)
    }

    /// The user names that refer, at this point of the arm, to a binding written under a hidden
    /// name (see `Emit::renamed`), with that name.
    fn renamed_here(&self, cx: &ArmCtx) -> HashMap<String, Ident> {
        let mut out: HashMap<String, Ident> = self
            .renamed_lets_here(cx)
            .into_iter()
            .map(|(n, (_, hidden))| (n, hidden))
            .collect();
        for renames in &cx.jump_renames {
            out.extend(renames.iter().map(|(n, i)| (n.clone(), i.clone())));
        }
        out
    }

    /// The user's code here uses renamed `let`s whose uses cannot all be renamed: if each was
    /// renamed only by preference, the arm is written again with them left alone (what they
    /// shadow is moved to a hidden name instead); says whether it will be.
    fn fall_back_to_aliases(&self, cx: &mut ArmCtx) -> bool {
        let lets: Vec<LocalId> = self
            .renamed_lets_here(cx)
            .into_values()
            .map(|(l, _)| l)
            .collect();
        let preferred = self.preferred_renames.borrow().clone();
        if lets.is_empty() || !lets.iter().all(|l| preferred.contains(l)) {
            return false;
        }
        for l in lets {
            self.renamed.borrow_mut().remove(&l);
            self.preferred_renames.borrow_mut().remove(&l);
            self.alias_only.borrow_mut().insert(l);
        }
        cx.rename_and_retry = true;
        true
    }

    /// The user names that refer, at this point of the arm, to a renamed `let` (spelled under its
    /// hidden name here), with that local and name.
    fn renamed_lets_here(&self, cx: &ArmCtx) -> HashMap<String, (LocalId, Ident)> {
        let renamed = self.renamed.borrow();
        if renamed.is_empty() {
            return HashMap::new();
        }
        // The user's code sees the newest binding of each name that is in scope.
        let mut newest: HashMap<String, LocalId> = HashMap::new();
        for &l in cx.names.keys() {
            let name = self.ir.locals[l].name.to_string();
            let e = newest.entry(name).or_insert(l);
            *e = (*e).max(l);
        }
        newest
            .into_iter()
            .filter(|(_, l)| renamed.contains(l))
            .map(|(name, l)| (name, (l, renamed_name(self.ir, l))))
            // Only where it is spelled so: an arm that starts in its scope binds it by its name.
            .filter(|(_, (l, hidden))| *hidden == cx.names[l].to_string())
            .collect()
    }

    /// Leaving an in-place arm for another variant: move its fields out of the state (which
    /// becomes `Poisoned` until the next state is stored), under hidden names the next state is
    /// built from. Nothing to do in an arm that owns its fields.
    fn leave_in_place(&self, target: Option<BlockId>, cx: &mut ArmCtx) -> TokenStream {
        let Some(ip) = cx.in_place.clone() else {
            return quote!();
        };
        // Fields the next state does not keep are dropped here; if locals the arm declared are
        // still alive, they would be dropped after them, out of the source's order: give up on
        // in place for this arm.
        let kept: HashSet<LocalId> = target
            .map(|t| self.fields(t).into_iter().collect())
            .unwrap_or_default();
        let leftover = ip.fields.iter().any(|l| !kept.contains(l));
        let stack_alive = cx.names.keys().any(|l| !ip.fields.contains(l));
        if leftover && stack_alive {
            cx.failed = true;
        }
        let state = self.state();
        let state_enum = &self.state_enum;
        let name = &self.ir.blocks[cx.block].name;
        let bindings = ip.fields.iter().map(|l| {
            let f = &self.ir.locals[*l].field;
            let moved = hidden(&format!("__moved_{f}"));
            cx.names.insert(*l, moved.to_token_stream());
            quote!(#f: #moved)
        });
        let bindings: Vec<TokenStream> = bindings.collect();
        quote! {
            let #state_enum::#name { #(#bindings,)* } = ::core::mem::replace(&mut #state, #state_enum::Poisoned) else {
                ::core::unreachable!()
            };
        }
    }

    /// Whether a jump to `target` can be replaced by the target's code, here: only when that
    /// changes nothing observable. The target is not a state of its own (`real`), not already
    /// on this path (that would be a loop without a suspension point), and exactly the locals
    /// it keeps are alive here under their own names, besides locals that have nothing left to
    /// drop (known `Copy`, or still in scope there though dead and maybe moved). Its code may
    /// only close scopes whose Rust block is open here.
    fn can_splice(&self, target: BlockId, cx: &ArmCtx) -> bool {
        if cx.splice_budget == 0
            || cx.path.contains(&target)
            || self.real.borrow().contains(&target)
        {
            return false;
        }
        let block = &self.ir.blocks[target];
        if may_make_closures(self.ir, block.code) {
            // Each copy of a closure expression has a type of its own, so two copies could not
            // be stored in the same field.
            return false;
        }
        let fields = &self.live.fields[target];
        let alive_named = |l: &LocalId| {
            let n = &self.ir.locals[*l].name;
            cx.names.get(l).is_some_and(|s| *n == s.to_string())
                && cx.names.iter().all(|(o, s)| o == l || *n != s.to_string())
        };
        if !fields.iter().all(alive_named) {
            return false;
        }
        let extras_harmless = cx.names.keys().all(|l| {
            fields.contains(l)
                || self.ir.locals[*l].copy
                || (block.visible.contains(l)
                    && !cx.in_place.as_ref().is_some_and(|ip| ip.fields.contains(l)))
        });
        if !extras_harmless {
            return false;
        }
        let converts = self.needs_ownership(target, cx);
        if converts && !self.can_take_ownership(cx) {
            return false;
        }
        // Taking ownership gives the arm's own scopes Rust blocks that spliced code can close.
        let field_scopes: HashSet<ScopeId> = if converts {
            self.ir.blocks[cx.block].scopes.iter().copied().collect()
        } else {
            HashSet::new()
        };
        let closes_open = closes_in(self.ir, block.code)
            .iter()
            .filter(|s| block.scopes.contains(s))
            .all(|s| cx.closable.contains(s) || field_scopes.contains(s));
        if !closes_open {
            return false;
        }
        assigned_in(self.ir, block.code)
            .iter()
            .all(|l| !block.visible.contains(l) || fields.contains(l) || cx.names.contains_key(l))
    }

    /// Whether threading `target` into an in-place arm needs the arm to own its fields first:
    /// the target's code moves one, binds its name again, or closes its scope.
    fn needs_ownership(&self, target: BlockId, cx: &ArmCtx) -> bool {
        let Some(ip) = &cx.in_place else {
            return false;
        };
        let code = self.ir.blocks[target].code;
        let (moved, rebound, closed) = (
            moves_in(self.ir, code),
            bound_names_in(self.ir, code),
            closes_in(self.ir, code),
        );
        ip.fields.iter().any(|l| {
            let local = &self.ir.locals[*l];
            (moved.contains(l) && !local.copy) || closed.contains(&local.scope)
        }) || ip.names.iter().any(|n| rebound.contains(n))
    }

    /// Whether an in-place arm can take its fields out of the state here: no Rust block of its
    /// own is open (the fields' scopes are outside them), and no local the arm declared is
    /// alive with something to drop (it would be dropped after the older fields).
    fn can_take_ownership(&self, cx: &ArmCtx) -> bool {
        let Some(ip) = &cx.in_place else {
            return false;
        };
        cx.closable.is_empty()
            && cx
                .names
                .keys()
                .all(|l| ip.fields.contains(l) || self.ir.locals[*l].copy)
    }

    /// Takes an in-place arm's fields out of the state (which becomes `Poisoned` until the
    /// next state is stored) as owned locals under their own names, then writes the code of
    /// `target` with them: the scopes that code may close get Rust blocks of their own, as in
    /// an arm that owns its fields from the start.
    fn take_ownership_and_splice(
        &self,
        target: BlockId,
        value: Option<&Operand>,
        cursor: &mut Cursor<'a>,
        cx: &mut ArmCtx,
    ) -> TokenStream {
        let ip = cx.in_place.take().expect("an in-place arm");
        let block = &self.ir.blocks[cx.block];
        let (state, state_enum, name) = (self.state(), &self.state_enum, &block.name);
        let moved = |l: &LocalId| hidden(&format!("__moved_{}", self.ir.locals[*l].field));
        let pattern = ip.fields.iter().map(|l| {
            let (f, m) = (&self.ir.locals[*l].field, moved(l));
            quote!(#f: #m)
        });
        let mut out = quote! {
            let #state_enum::#name { #(#pattern,)* } = ::core::mem::replace(&mut #state, #state_enum::Poisoned) else {
                ::core::unreachable!()
            };
        };
        let closing = self.closes_reachable(target);
        let first = block
            .scopes
            .iter()
            .position(|s| closing.contains(s))
            .unwrap_or(block.scopes.len());
        let mut nested: HashMap<ScopeId, Vec<TokenStream>> = HashMap::new();
        for l in &ip.fields {
            let local = &self.ir.locals[*l];
            let (n, m, from) = (&local.name, mutability(local.mutable), moved(l));
            let binding = quote!(let #m #n = #from;);
            cx.names.insert(*l, n.to_token_stream());
            if block.scopes[first..].contains(&local.scope) {
                nested.entry(local.scope).or_default().push(binding);
            } else {
                out.extend(binding);
            }
        }
        let param = match (value, self.ir.blocks[target].param) {
            // Bound again after the fields, so that it is dropped before them.
            (None, Some(p)) if cx.names.contains_key(&p) => {
                let (n, m) = (
                    &self.ir.locals[p].name,
                    mutability(self.ir.locals[p].mutable),
                );
                quote!(let #m #n = #n;)
            }
            _ => self.bind_param(target, value, cx),
        };
        self.enter_splice(target, cursor, cx);
        if first < block.scopes.len() {
            out.extend(self.scope_blocks(
                &block.scopes,
                first,
                &closing,
                &nested,
                &param,
                cursor,
                cx,
            ));
        } else {
            out.extend(param);
        }
        out
    }

    /// The scopes that code run by this block's arm may close: its own code's, and that of the
    /// blocks its jumps may be threaded into (an over-approximation: a scope given a Rust
    /// block of its own that nothing closes simply ends with the arm).
    fn closes_reachable(&self, b: BlockId) -> HashSet<ScopeId> {
        let real = self.real.borrow();
        let mut seen = HashSet::from([b]);
        let mut todo = vec![b];
        let mut out = HashSet::new();
        while let Some(x) = todo.pop() {
            let code = self.ir.blocks[x].code;
            out.extend(closes_in(self.ir, code));
            for t in all_jump_targets(self.ir, code) {
                if !real.contains(&t) && seen.insert(t) {
                    todo.push(t);
                }
            }
        }
        out
    }

    /// `Variant { field: local, … }` for a transition to `target`.
    fn construct(
        &self,
        target: BlockId,
        param_value: Option<TokenStream>,
        cx: &mut ArmCtx,
    ) -> TokenStream {
        let state_enum = &self.state_enum;
        let block = &self.ir.blocks[target];
        let name = &block.name;
        let mut fields = Vec::new();
        for l in self.fields(target) {
            let local = &self.ir.locals[l];
            let f = &local.field;
            if Some(l) == block.param {
                let v = param_value.clone().unwrap_or_else(|| quote!(()));
                fields.push(quote!(#f: #v));
                continue;
            }
            match cx.names.get(&l) {
                Some(n) if *f == n.to_string() => fields.push(quote!(#f)),
                Some(n) => fields.push(quote!(#f: #n)),
                None if self.rename_shadower_of(l, cx) => {
                    cx.rename_and_retry = true;
                    fields.push(quote!(#f: ::core::unreachable!()));
                }
                None => {
                    cx.errors.push(syn::Error::new(
                        local.span,
                        format!(
                            "#[coro::coroutine] cannot keep `{}` across this point: it is shadowed by another binding of the same name where the coroutine suspends; rename one of them",
                            local.name
                        ),
                    ));
                    fields.push(quote!(#f: ::core::unreachable!()));
                }
            }
        }
        if fields.is_empty() {
            quote!(#state_enum::#name)
        } else {
            quote!(#state_enum::#name { #(#fields,)* })
        }
    }

    fn term(&self, term: &Term, cx: &mut ArmCtx) -> TokenStream {
        let state = self.state();
        let krate = self.krate;
        let state_enum = &self.state_enum;
        match term {
            Term::Jump { target, value } if cx.labels.iter().any(|(t, ..)| t == target) => {
                // Leave the branch for the target's code, written after it.
                let (_, label, outside) = cx
                    .labels
                    .iter()
                    .rev()
                    .find(|(t, ..)| t == target)
                    .expect("a label")
                    .clone();
                // Locals moved to a hidden name inside the labelled branch die with its
                // blocks, yet the arm goes on after it.
                let moved_inside: Vec<LocalId> = cx.aliased[outside.min(cx.aliased.len())..]
                    .iter()
                    .filter(|(old, _, scope, _)| {
                        !self.ir.locals[*old].copy && self.ir.locals[*old].scope != *scope
                    })
                    .map(|(_, shadower, ..)| *shadower)
                    .collect();
                for shadower in moved_inside {
                    self.rename_instead_of_alias(shadower, cx);
                }
                match (self.ir.blocks[*target].param, value) {
                    (Some(_), Some(op)) => {
                        let t = self.operand(op, Shape::Expr, cx);
                        quote!(break #label #t)
                    }
                    (_, Some(op)) => {
                        let t = self.operand(op, Shape::Expr, cx);
                        quote!({ ::core::mem::drop(#t); break #label; })
                    }
                    (_, None) => quote!(break #label),
                }
            }
            Term::Jump { target, value } => {
                let has_param = self.ir.blocks[*target].param.is_some();
                let label = self.label();
                let v = hidden("__jump_value");
                let (eval, param) = match value {
                    Some(op) if has_param => {
                        let t = self.operand(op, Shape::Expr, cx);
                        (quote!(let #v = #t;), Some(v.to_token_stream()))
                    }
                    Some(op) => {
                        let t = self.operand(op, Shape::Expr, cx);
                        (quote!(::core::mem::drop(#t);), None)
                    }
                    None => (quote!(), None),
                };
                cx.dispatches = true;
                if cx.in_place.is_some() && *target == cx.block && !has_param {
                    return quote!({ #eval continue #label; });
                }
                cx.transitions.push(*target);
                let saved = cx.names.clone();
                let leave = self.leave_in_place(Some(*target), cx);
                let next = self.construct(*target, param, cx);
                cx.names = saved;
                quote!({ #eval #leave #krate::__private::store(&mut #state, #next); continue #label; })
            }
            Term::Yield { value, resume } => {
                cx.transitions.push(*resume);
                let y = hidden("__yield_value");
                let t = self.operand(value, Shape::Expr, cx);
                if cx.in_place.is_some() {
                    if *resume == cx.block {
                        // Resumed where it is: the fields are already in place.
                        return quote!({
                            let #y = #t;
                            return ::core::option::Option::Some(#krate::CoroutineState::Yielded(#y));
                        });
                    }
                    let saved = cx.names.clone();
                    let leave = self.leave_in_place(Some(*resume), cx);
                    let next = self.construct(*resume, None, cx);
                    cx.names = saved;
                    return quote!({
                        let #y = #t;
                        #leave
                        #krate::__private::store(&mut #state, #next);
                        return ::core::option::Option::Some(#krate::CoroutineState::Yielded(#y));
                    });
                }
                let next = self.construct(*resume, None, cx);
                let saved = self.fields(*resume);
                if value.effects.embedded.is_empty()
                    && !value.effects.uses.iter().any(|l| saved.contains(l))
                    && cannot_panic(&t)
                {
                    // The value is a plain name or literal the state does not take: no need for
                    // a temporary (a value that may panic is computed before the state is
                    // stored, so that a panic leaves the coroutine poisoned).
                    return quote!({
                        #krate::__private::store(&mut #state, #next);
                        return ::core::option::Option::Some(#krate::CoroutineState::Yielded(#t));
                    });
                }
                quote!({
                    let #y = #t;
                    #krate::__private::store(&mut #state, #next);
                    return ::core::option::Option::Some(#krate::CoroutineState::Yielded(#y));
                })
            }
            Term::Return(value) => {
                let r = hidden("__return_value");
                let t = self.operand(value, Shape::Expr, cx);
                if cx.in_place.is_some() {
                    // Leave the arm first, so the locals it declared are dropped before the ones
                    // the variant holds (newest first); the step then overwrites the variant.
                    let finish = self.finish_label();
                    cx.finishes = true;
                    return quote!({
                        let #r = #t;
                        break #finish #r;
                    });
                }
                quote!({
                    let #r = #t;
                    #krate::__private::store(&mut #state, #state_enum::Complete);
                    return ::core::option::Option::Some(#krate::CoroutineState::Complete(#r));
                })
            }
            Term::Branch(br) => self.branch(br, cx),
        }
    }

    /// An `if` or a `match` whose arms lead to different places.
    fn branch(&self, br: &Branch, cx: &mut ArmCtx) -> TokenStream {
        let head = self.operand(
            &br.head,
            if br.kind == BranchKind::If {
                Shape::IfHead
            } else {
                Shape::Expr
            },
            cx,
        );
        let mut arms = Vec::new();
        for arm in &br.arms {
            let saved = cx.names.clone();
            // Each arm is a path of its own, in a Rust block of its own.
            let saved_path = cx.path.clone();
            let saved_closable = std::mem::take(&mut cx.closable);
            let saved_aliased = cx.aliased.clone();
            for &b in &arm.binds {
                cx.names.insert(b, self.ir.locals[b].name.to_token_stream());
            }
            let mut cursor = Cursor::new(self.ir, arm.code);
            let body = self.seq(&mut cursor, cx);
            cx.path = saved_path;
            cx.closable = saved_closable;
            cx.aliased = saved_aliased;
            cx.names = saved;
            let pat = &arm.pat;
            let pat = match &arm.guard {
                Some(g) => {
                    let g = self.operand(g, Shape::Expr, cx);
                    quote!(#pat if #g)
                }
                None => pat.clone(),
            };
            arms.push((pat, body));
        }
        let span = br.span;
        match br.kind {
            BranchKind::If => {
                let (then, els) = (&arms[0].1, &arms[1].1);
                quote_spanned!(span=> if #head { #then } else { #els })
            }
            BranchKind::Match => {
                let arms = arms.iter().map(|(p, b)| quote!(#p => { #b }));
                quote_spanned!(span=> match #head { #(#arms)* })
            }
        }
    }
}

/// A single identifier or literal: evaluating it cannot panic.
fn cannot_panic(t: &TokenStream) -> bool {
    let mut it = t.clone().into_iter();
    matches!(
        (it.next(), it.next()),
        (
            Some(proc_macro2::TokenTree::Ident(_) | proc_macro2::TokenTree::Literal(_)),
            None
        )
    )
}

/// Whether a type is `Copy` by its spelling alone: `()`, primitives, shared references, and
/// tuples and arrays of those.
fn surely_copy(ty: &Type) -> bool {
    match ty {
        Type::Tuple(t) => t.elems.iter().all(surely_copy),
        Type::Array(a) => surely_copy(&a.elem),
        Type::Paren(p) => surely_copy(&p.elem),
        Type::Reference(r) => r.mutability.is_none(),
        Type::Path(p) if p.qself.is_none() => p.path.get_ident().is_some_and(|i| {
            matches!(
                i.to_string().as_str(),
                "u8" | "u16"
                    | "u32"
                    | "u64"
                    | "u128"
                    | "usize"
                    | "i8"
                    | "i16"
                    | "i32"
                    | "i64"
                    | "i128"
                    | "isize"
                    | "f32"
                    | "f64"
                    | "bool"
                    | "char"
            )
        }),
        _ => false,
    }
}

/// The scopes that have a `Close` node in this code (or its branches).
fn closes_in(ir: &Ir, code: CodeId) -> HashSet<ScopeId> {
    let mut out = HashSet::new();
    for node in &ir.codes[code] {
        match node {
            Node::Close(s, _) => {
                out.insert(*s);
            }
            Node::Term(Term::Branch(br)) => {
                for arm in &br.arms {
                    out.extend(closes_in(ir, arm.code));
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether this code yields with `block` as the place to resume.
fn yields_to(ir: &Ir, code: CodeId, block: BlockId) -> bool {
    ir.codes[code].iter().any(|node| match node {
        Node::Term(Term::Yield { resume, .. }) => *resume == block,
        Node::Term(Term::Branch(br)) => br.arms.iter().any(|a| yields_to(ir, a.code, block)),
        _ => false,
    })
}

/// The blocks this code jumps to (not counting jumps embedded in verbatim code).
fn jump_targets(ir: &Ir, code: CodeId) -> Vec<BlockId> {
    let mut out = Vec::new();
    for node in &ir.codes[code] {
        match node {
            Node::Term(Term::Jump { target, .. }) => out.push(*target),
            Node::Term(Term::Branch(br)) => {
                for a in &br.arms {
                    out.extend(jump_targets(ir, a.code));
                }
            }
            _ => {}
        }
    }
    out
}

/// The names bound by `let`s and branch patterns in this code.
fn bound_names_in(ir: &Ir, code: CodeId) -> HashSet<String> {
    let mut out = HashSet::new();
    for node in &ir.codes[code] {
        match node {
            Node::Let { binds, .. } => {
                out.extend(binds.iter().map(|l| ir.locals[*l].name.to_string()))
            }
            Node::Term(Term::Branch(br)) => {
                for arm in &br.arms {
                    out.extend(arm.binds.iter().map(|l| ir.locals[*l].name.to_string()));
                    out.extend(bound_names_in(ir, arm.code));
                }
            }
            _ => {}
        }
    }
    out
}

/// Locals possibly moved somewhere in this code (its embedded exits included).
fn moves_in(ir: &Ir, code: CodeId) -> HashSet<LocalId> {
    let mut out = HashSet::new();
    let mut nested = HashSet::new();
    let mut add = |op: &Operand| out.extend(op.effects.moves.iter().copied());
    for node in &ir.codes[code] {
        match node {
            Node::Stmt(op) => add(op),
            Node::Let { init, els, .. } => {
                init.iter().chain(els.iter()).for_each(&mut add);
            }
            Node::Close(_, Some(v)) => add(v),
            Node::Close(_, None) | Node::Open(_) => {}
            Node::Term(t) => match t {
                Term::Jump { value: Some(v), .. } | Term::Return(v) => add(v),
                Term::Jump { value: None, .. } => {}
                Term::Yield { value, .. } => add(value),
                Term::Branch(br) => {
                    add(&br.head);
                    for arm in &br.arms {
                        nested.extend(moves_in(ir, arm.code));
                    }
                }
            },
        }
    }
    out.extend(nested);
    out
}

/// Locals assigned as a whole somewhere in this code: in its statements, `let` initialisers and
/// `else` blocks, scope values, terminator values and branches, and the exits embedded in them.
fn assigned_in(ir: &Ir, code: CodeId) -> HashSet<LocalId> {
    fn add(ir: &Ir, op: &Operand, out: &mut HashSet<LocalId>) {
        out.extend(op.effects.assigns.iter().copied());
        out.extend(op.effects.may_assign.iter().copied());
        for &e in &op.effects.embedded {
            term(ir, &ir.embedded[e], out);
        }
    }
    fn term(ir: &Ir, t: &Term, out: &mut HashSet<LocalId>) {
        match t {
            Term::Jump { value: Some(v), .. } | Term::Return(v) => add(ir, v, out),
            Term::Jump { value: None, .. } => {}
            Term::Yield { value, .. } => add(ir, value, out),
            Term::Branch(br) => {
                add(ir, &br.head, out);
                for arm in &br.arms {
                    out.extend(assigned_in(ir, arm.code));
                }
            }
        }
    }
    let mut out = HashSet::new();
    for node in &ir.codes[code] {
        match node {
            Node::Stmt(op) | Node::Close(_, Some(op)) => add(ir, op, &mut out),
            Node::Let { init, els, .. } => {
                for op in init.iter().chain(els.iter()) {
                    add(ir, op, &mut out);
                }
            }
            Node::Close(_, None) | Node::Open(_) => {}
            Node::Term(t) => term(ir, t, &mut out),
        }
    }
    out
}

/// The hidden name of a `let` binding written under another name (see `Emit::renamed`).
fn renamed_name(ir: &Ir, l: LocalId) -> Ident {
    hidden(&format!("__renamed_{}", ir.locals[l].field))
}

/// How many jumps one arm may thread (each copies the target's code into the arm).
const SPLICE_BUDGET: usize = 24;

fn mutability(mutable: bool) -> TokenStream {
    if mutable {
        quote!(mut)
    } else {
        quote!()
    }
}

/// Every block this code may jump to, through its branches and the jumps embedded in its
/// expressions (`break`, `continue`, `?`), in the order they appear.
fn all_jump_targets(ir: &Ir, code: CodeId) -> Vec<BlockId> {
    let mut out = Vec::new();
    collect_jumps(ir, code, &mut out);
    out
}

/// The blocks the arms of a branch (and its head and guards) may jump to.
fn branch_jump_targets(ir: &Ir, br: &Branch) -> Vec<BlockId> {
    let mut out = Vec::new();
    embedded_jumps(ir, &br.head, &mut out);
    for arm in &br.arms {
        if let Some(g) = &arm.guard {
            embedded_jumps(ir, g, &mut out);
        }
        collect_jumps(ir, arm.code, &mut out);
    }
    out
}

fn collect_jumps(ir: &Ir, code: CodeId, out: &mut Vec<BlockId>) {
    for node in &ir.codes[code] {
        match node {
            Node::Stmt(op) | Node::Close(_, Some(op)) => embedded_jumps(ir, op, out),
            Node::Let { init, els, .. } => {
                for op in init.iter().chain(els.iter()) {
                    embedded_jumps(ir, op, out);
                }
            }
            Node::Close(_, None) | Node::Open(_) => {}
            Node::Term(t) => term_jumps(ir, t, out),
        }
    }
}

fn term_jumps(ir: &Ir, t: &Term, out: &mut Vec<BlockId>) {
    match t {
        Term::Jump { target, value } => {
            if let Some(v) = value {
                embedded_jumps(ir, v, out);
            }
            if !out.contains(target) {
                out.push(*target);
            }
        }
        Term::Yield { value, .. } | Term::Return(value) => embedded_jumps(ir, value, out),
        Term::Branch(br) => {
            for t in branch_jump_targets(ir, br) {
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
    }
}

fn embedded_jumps(ir: &Ir, op: &Operand, out: &mut Vec<BlockId>) {
    for &e in &op.effects.embedded {
        term_jumps(ir, &ir.embedded[e], out);
    }
}

/// Whether code may contain a closure or an `async` block (by its tokens: any `|`, `move` or
/// `async`, so `a | b` counts too).
fn may_make_closures(ir: &Ir, code: CodeId) -> bool {
    fn tokens(t: &TokenStream) -> bool {
        t.clone().into_iter().any(|tt| match tt {
            proc_macro2::TokenTree::Punct(p) => p.as_char() == '|',
            proc_macro2::TokenTree::Ident(i) => i == "move" || i == "async",
            proc_macro2::TokenTree::Group(g) => tokens(&g.stream()),
            proc_macro2::TokenTree::Literal(_) => false,
        })
    }
    let op = |o: &Operand| tokens(&o.tokens);
    ir.codes[code].iter().any(|node| match node {
        Node::Stmt(o) | Node::Close(_, Some(o)) => op(o),
        Node::Let { init, els, .. } => init.iter().chain(els.iter()).any(op),
        Node::Close(_, None) | Node::Open(_) => false,
        Node::Term(Term::Jump { value, .. }) => value.iter().any(op),
        Node::Term(Term::Yield { value, .. } | Term::Return(value)) => op(value),
        Node::Term(Term::Branch(br)) => {
            op(&br.head)
                || br.arms.iter().any(|a| {
                    a.guard.iter().any(op) || tokens(&a.pat) || may_make_closures(ir, a.code)
                })
        }
    })
}

/// The arms in an order where every state comes after the arms that make it, as far as loops
/// allow (reverse postorder from the start): the compiler type-checks the arms in that order, and
/// a method call on a field needs the field's type settled by then (`Join1 { value: 8 }` from
/// one arm and `Join1 { value: p }` from another, before `value.wrapping_add(5)`). The creation
/// order of the blocks breaks ties, and orders what the start does not reach.
fn constructed_first(arms: Vec<(BlockId, TokenStream, Vec<BlockId>)>) -> Vec<TokenStream> {
    let index: HashMap<BlockId, usize> = arms.iter().enumerate().map(|(i, a)| (a.0, i)).collect();
    let mut seen = vec![false; arms.len()];
    let mut postorder = Vec::new();
    // Iterative depth-first search: (arm, next edge to follow).
    let mut stack = vec![(0usize, 0usize)];
    seen[0] = true;
    while let Some((a, e)) = stack.pop() {
        let edges: Vec<usize> = arms[a]
            .2
            .iter()
            .filter_map(|t| index.get(t).copied())
            .collect();
        if let Some(&next) = edges.get(e) {
            stack.push((a, e + 1));
            if !std::mem::replace(&mut seen[next], true) {
                stack.push((next, 0));
            }
        } else {
            postorder.push(a);
        }
    }
    let mut order: Vec<usize> = postorder.into_iter().rev().collect();
    order.extend((0..arms.len()).filter(|i| !seen[*i]));
    let mut slots: Vec<Option<TokenStream>> = arms.into_iter().map(|a| Some(a.1)).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}
