//! One arm's frame: the variant's pattern, the Rust blocks of the scopes its code may close,
//! and how the arm spells each local where it starts.

use super::thread::arm_splice_budget;
use super::*;
use crate::ir::walk::closes_in;

impl<'a> Emit<'a> {
    /// The match arm of one state, reading its fields in place or owning them.
    /// With `cycle`, an in-place arm whose code jumps straight to a loop head runs the
    /// yield-free cycles back to that head as a Rust loop (see `cycle`).
    pub(super) fn arm(
        &self,
        plan: &Plan,
        b: BlockId,
        in_place: bool,
        guarded: bool,
        cycle: bool,
    ) -> ArmOut {
        let block = &self.ir.blocks[b];
        let state_enum = &self.state_enum;
        let mut cursor = Cursor::new(self.ir, block.code);
        let mut cx = ArmCtx {
            plan,
            renames: plan.renames.clone(),
            names: Names::default(),
            errors: Vec::new(),
            block: b,
            splice_budget: arm_splice_budget(plan.state_count()),
            path: vec![b],
            labels: Vec::new(),
            closable: HashSet::default(),
            transitions: Vec::new(),
            label_count: 0,
            dispatches: false,
            finishes: false,
            reexposed: HashSet::default(),
            reexpose_at: HashMap::default(),
            hidden_by: Vec::new(),
            aliased: Vec::new(),
            in_place: None,
            guarded,
            failed: false,
            let_bound: HashSet::default(),
            rename_and_retry: false,
            jump_renames: Vec::new(),
            tentative: Vec::new(),
            cycle: None,
            cycle_failed: false,
        };

        // Scopes that may close within this arm (in its code or in code spliced into it) get
        // Rust blocks of their own; the locals of the others are bound directly by the arm's
        // pattern.
        let closing: HashSet<ScopeId> = if in_place {
            closes_in(self.ir, block.code)
        } else {
            self.closes_reachable(plan, b)
        };
        let first_closing = block
            .scopes
            .iter()
            .position(|s| closing.contains(s))
            .unwrap_or(block.scopes.len());
        let fields = &plan.fields[b];
        let param = block.param;

        // Which user names are shadowed at the block's start: only the newest binding of a name
        // may be bound under it.
        let mut newest: HashMap<String, LocalId> = HashMap::default();
        for &l in block.visible.iter().chain(param.iter()) {
            newest.insert(self.ir.locals[l].text().to_string(), l);
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
        let mut reexposed: HashSet<LocalId> = HashSet::default();
        for &l in fields {
            let local = &self.ir.locals[l];
            let Some(shadower) = shadower_of(l) else {
                continue;
            };
            let inner = self.ir.locals[shadower].scope;
            if inner != local.scope && closing.contains(&inner) {
                reexposed.insert(l);
            }
        }
        // Deferred locals this arm may assign (`let x; … x = 1;`, in its code or in code
        // threaded into it) need a declaration here, among the saved locals in declaration
        // order: one declared earlier is dropped later. Those the arm turns out not to assign
        // are taken out again (see `prune`).
        let assigned = &plan.assigns[b];
        let mut assigned_later = None;
        let deferred: Vec<LocalId> = block
            .visible
            .iter()
            .copied()
            .filter(|&l| {
                !fields.contains(&l)
                    && (assigned.contains(&l)
                        || (self.ir.locals[l].hidden
                            && self.ir.locals[l].deferred
                            && assigned_later
                                .get_or_insert_with(|| plan.assigned_before_suspending(b))
                                .contains(&l)))
            })
            .collect();
        let order = |l: LocalId| block.visible.iter().position(|&v| v == l);
        let in_flat =
            |l: LocalId| !block.scopes[first_closing..].contains(&self.ir.locals[l].scope);
        // A deferred local declared before a saved one of the flat scopes: the saved ones are
        // bound by `let`s, so that the declaration can go before them.
        let deferred_first = deferred
            .iter()
            .filter(|&&l| in_flat(l))
            .any(|&d| fields.iter().any(|&f| in_flat(f) && order(d) < order(f)));
        let flat_by_let = !reexposed.is_empty() || (deferred_first && !in_place);

        // Bound in declaration order, so that whatever Rust drops at the end of the arm is dropped
        // latest first, as at the end of the source's scopes.
        let mut pattern = Vec::new();
        // The same, binding the fields to their slots (an arm with a cycle).
        let mut slot_pattern = Vec::new();
        let mut flat_bindings: Vec<(Option<usize>, TokenStream)> = Vec::new();
        let mut nested_bindings: HashMap<ScopeId, Vec<(Option<usize>, TokenStream)>> =
            HashMap::default();
        if in_place {
            let mut names = HashSet::default();
            for &l in fields.iter().rev() {
                let local = &self.ir.locals[l];
                let (field, n) = (&local.field, &local.name);
                if field == n {
                    pattern.push(quote!(#field));
                } else {
                    pattern.push(quote!(#field: #n));
                }
                let slot = self.slot(l);
                slot_pattern.push(quote!(#field: #slot));
                names.insert(n.to_string());
                cx.names.insert(l, n.clone());
            }
            cx.in_place = Some(InPlace {
                names,
                fields: fields.iter().rev().copied().collect(),
            });
        }
        for &l in fields.iter().rev().filter(|_| !in_place) {
            let local = &self.ir.locals[l];
            let field = &local.field;
            let shadowed = newest.get(local.text()) != Some(&l);
            let in_nested = block.scopes[first_closing..].contains(&local.scope);
            let spelled: Ident = if shadowed {
                hidden(&format!("__shadowed_{field}"))
            } else {
                local.name.clone()
            };
            let m = self.binding_mutability(l);
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
                    nested_bindings
                        .entry(local.scope)
                        .or_default()
                        .push((order(l), lets));
                } else {
                    flat_bindings.push((order(l), lets));
                }
            } else if *field == spelled {
                pattern.push(quote!(#m #field));
            } else {
                pattern.push(quote!(#field: #m #spelled));
            }
            cx.names.insert(l, spelled);
        }
        cx.reexposed = reexposed;
        // Every field bound under a hidden name because an inner-scope binding shadows it gets
        // its name back when that binding's scope closes in this arm.
        for &l in fields {
            let local = &self.ir.locals[l];
            if let Some(shadower) = shadower_of(l) {
                let inner = self.ir.locals[shadower].scope;
                if inner != local.scope {
                    cx.reexpose_at.insert(l, inner);
                }
            }
        }

        for &l in &deferred {
            let local = &self.ir.locals[l];
            let n = &local.name;
            let m = self.binding_mutability(l);
            let decl = if self.live.flagged.contains(&l) {
                // Moved out on every path to here: its flag is down until it is assigned.
                let krate = self.krate;
                (
                    order(l),
                    quote!(let #m #n = #krate::__private::Flagged::moved();),
                )
            } else {
                (order(l), quote!(let #m #n;))
            };
            cx.tentative.push(n.clone());
            if in_flat(l) {
                flat_bindings.push(decl);
            } else {
                nested_bindings.entry(local.scope).or_default().push(decl);
            }
            cx.names.insert(l, n.clone());
        }
        // Declared in declaration order (stable: a field's lets stay together).
        flat_bindings.sort_by_key(|(k, _)| *k);
        for lets in nested_bindings.values_mut() {
            lets.sort_by_key(|(k, _)| *k);
        }
        let nested_bindings: HashMap<ScopeId, Vec<TokenStream>> = nested_bindings
            .into_iter()
            .map(|(s, v)| (s, v.into_iter().map(|(_, t)| t).collect()))
            .collect();

        let arg = self.take_arg(plan);
        let param_binding = match (block.kind, param) {
            (BlockKind::AfterYield | BlockKind::AfterYieldFrom, Some(p)) => {
                let n = &self.ir.locals[p].name;
                cx.names.insert(p, n.clone());
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

        // The code a cycle could run from: the arm's own code only closes scopes (their Rust
        // blocks are written first) and jumps to a block that is not a state.
        let code = &self.ir.codes[block.code];
        let cycle_head = match code.split_last() {
            Some((
                Node::Term(Term::Jump {
                    target,
                    value: None,
                }),
                before,
            )) if before.iter().all(|n| matches!(n, Node::Close(..))) && !plan.is_cut(*target) => {
                Some(*target)
            }
            _ => None,
        };
        if in_place && cycle && deferred.is_empty() && cx.reexposed.is_empty() {
            if let Some(head) = cycle_head.filter(|h| self.may_cycle_back(plan, *h)) {
                cx.cycle = Some(super::cycle::Cycle {
                    head: Some(head),
                    ..Default::default()
                });
            }
        }

        let mut body = TokenStream::new();
        body.extend(flat_bindings.into_iter().map(|(_, t)| t));
        let before = if first_closing < block.scopes.len() {
            self.scope_blocks(
                &block.scopes,
                first_closing,
                &closing,
                &nested_bindings,
                &param_binding,
                &mut cursor,
                &mut cx,
            )
        } else {
            param_binding.clone()
        };
        let rest = self.seq(&mut cursor, &mut cx);
        let cycle_used = match &cx.cycle {
            Some(c) if c.used => true,
            Some(c) => {
                // Nothing ran in place that the arm without a cycle would not: keep it.
                if !c.closed.is_empty() || !c.fresh.is_empty() || c.spliced_cut {
                    cx.cycle_failed = true;
                }
                false
            }
            None => false,
        };
        if cycle_used {
            let fields: Vec<LocalId> = fields.iter().rev().copied().collect();
            let reborrows = self.reborrow_slots(&fields);
            let label = self.cycle_label();
            body = quote! {
                #reborrows
                #body
                #before
                #label: loop {
                    #reborrows
                    #rest
                }
            };
            pattern = slot_pattern;
        } else {
            body.extend(before);
            body.extend(rest);
        }
        let body = super::prune::unused_declarations(body, &cx.tentative);

        let pattern =
            self.variant_path(b, (!pattern.is_empty()).then(|| quote!({ #(#pattern,)* })));
        let arm = if in_place || !cx.guarded {
            // In place: the pattern binds `&mut` fields of `&mut state`. Without any arm in
            // place, the whole state is matched by value (`match mem::replace(…)`).
            quote! {
                #[allow(unused_mut, unused_variables, unused_braces, unused_parens, unused_unsafe)]
                #pattern => { #body }
            }
        } else {
            // Take the variant out, leaving `Poisoned`, and own its fields.
            let state = self.state(cx.guarded);
            let any = self.variant_path(b, Some(quote!({ .. })));
            quote! {
                #[allow(unused_mut, unused_variables, unused_braces, unused_parens, unused_unsafe)]
                #any => {
                    let #pattern = ::core::mem::replace(#state, #state_enum::Poisoned) else {
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
            cycle_failed: cx.cycle_failed,
            renames: cx.renames,
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
    pub(super) fn scope_blocks(
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
    pub(super) fn close(
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
                        let v = self.operand(v, Shape::Expr, cx);
                        if self.ir.scopes[scope].statement && !crate::syntax::names::is_a_name(&v) {
                            // Bound first: the value's own temporaries end with that `let`,
                            // before the hoisted ones (created earlier) at the block's end, in
                            // either edition, as at the end of the source's statement.
                            let value = hidden("__statement_value");
                            body.extend(quote!(let #value = #v; #value));
                        } else {
                            body.extend(v);
                        }
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
                        cx.names.insert(r, n.clone());
                        let braced = self.braced(body);
                        quote!(let #n = #braced;)
                    }
                    // A scope that declares nothing needs no block of its own.
                    None if self.ir.scopes[scope].locals.is_empty() => body,
                    None => self.braced(body),
                };
                quote!(#block #after)
            }
            _ => self.braced(body),
        }
    }

    /// Locals kept under a hidden name while shadowed get their own name back once nothing
    /// alive shadows them.
    pub(super) fn reexpose(&self, closed: ScopeId, cx: &mut ArmCtx) -> TokenStream {
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
                let m = self.binding_mutability(l);
                out.extend(quote!(let #m #n = #alias;));
            }
            cx.names.insert(l, n.clone());
        }
        out
    }

    /// `{ body }`, read in the user's edition (see `Emit::user_span`).
    fn braced(&self, body: TokenStream) -> TokenStream {
        let mut group = proc_macro2::Group::new(proc_macro2::Delimiter::Brace, body);
        group.set_span(self.user_span);
        group.into_token_stream()
    }
}
