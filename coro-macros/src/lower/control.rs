//! Lowering control flow that contains a yield: the yields themselves, `if`, `match`, loops,
//! labelled blocks, `break`, `continue`, `return`, `?`, `&&` and `||`.

use proc_macro2::Span;
use quote::{quote, ToTokens};
use syn::spanned::Spanned;
use syn::{Expr, ExprMacro};

use super::{plain, LoopCtx, Lowerer, Want};
use crate::ir::*;
use crate::rewrite::LoopLabel;
use crate::syntax::detect::expr_yields;
use crate::syntax::scope::condition_patterns;

impl Lowerer<'_> {
    /// `yield_!(v)`: end the block with a yield; the next resume starts a new block whose
    /// parameter is the resume argument.
    pub fn lower_yield(&mut self, m: &ExprMacro, want: Want) -> Option<Operand> {
        let value = if m.mac.tokens.is_empty() {
            plain(quote!(()))
        } else {
            let e: Expr = match m.mac.parse_body() {
                Ok(e) => e,
                Err(err) => {
                    self.errors.push(syn::Error::new(
                        err.span(),
                        format!("`yield_!` takes one expression, the value to yield: {err}"),
                    ));
                    return None;
                }
            };
            if expr_yields(&e) {
                self.lower_expr(&e, Want::Value)?
            } else {
                // The value's temporaries live on past the yield, to the statement's end.
                self.extract_temporaries(&e)
            }
        };
        let param = match want {
            Want::Value => Some(self.temp("resumed", false)),
            Want::Discard => None,
        };
        let span = m.mac.path.span();
        let resume = self.new_block(BlockKind::AfterYield, param, span);
        self.terminate(Term::Yield { value, resume });
        self.switch_to(resume);
        Some(match param {
            Some(p) => self.local_operand(p),
            None => plain(quote!(())),
        })
    }

    /// `let x = yield_!(v);`: yields `v`; the next resume starts a block whose parameter is `x`.
    pub fn lower_yield_into(&mut self, m: &ExprMacro, pat: &syn::PatIdent) {
        let value = if m.mac.tokens.is_empty() {
            plain(quote!(()))
        } else {
            match m.mac.parse_body::<Expr>() {
                Ok(e) => match self.lower_expr(&e, Want::Value) {
                    Some(v) => v,
                    None => return,
                },
                Err(_) => return,
            }
        };
        // Declared after the value is computed: `let x = yield_!(x + 1)` reads the old `x`.
        let x = self.declare(pat.ident.clone(), pat.mutability.is_some(), false);
        let span = m.mac.path.span();
        let resume = self.new_block(BlockKind::AfterYield, Some(x), span);
        self.terminate(Term::Yield { value, resume });
        self.switch_to(resume);
    }

    /// `yield_from!(c)`: resume `c` until it completes, yielding what it yields and passing
    /// every resume argument in.
    pub fn lower_yield_from(&mut self, m: &ExprMacro, want: Want) -> Option<Operand> {
        let e: Expr = match m.mac.parse_body() {
            Ok(e) => e,
            Err(err) => {
                self.errors.push(syn::Error::new(
                    err.span(),
                    format!(
                        "`yield_from!` takes one expression, the coroutine to delegate to: {err}"
                    ),
                ));
                return None;
            }
        };
        let span = m.mac.path.span();
        // As in `let mut sub = expr;`, the temporaries of the expression that makes the
        // delegate are dropped before the delegation starts.
        let coroutine = if expr_yields(&e) {
            let made = self.temp("made", false);
            self.open_scope(Some(made));
            let v = self.lower_expr(&e, Want::Value);
            if !self.alive() {
                self.env.pop();
                return None;
            }
            self.close_scope(v);
            self.local_operand(made)
        } else {
            self.lower_expr(&e, Want::Value)?
        };
        let sub = self.temp("delegate", true);
        let sub_name = self.ir.locals[sub].name.clone();
        self.push(Node::Let {
            pat: quote!(mut #sub_name),
            init: Some(coroutine),
            els: None,
            binds: vec![sub],
        });

        let returned = match want {
            Want::Value => Some(self.temp("returned", false)),
            Want::Discard => None,
        };
        if let Some(r) = returned {
            self.ir.locals[r].typed = true;
        }
        let join = self.new_block(BlockKind::Join, returned, span);
        let sent = self.temp("sent", false);
        // Always moved into the delegate at once: it never has anything left to drop.
        self.ir.locals[sent].copy = true;
        let delegating = self.new_block(BlockKind::AfterYieldFrom, Some(sent), span);

        let krate = self.krate.clone();
        let priming = quote!(#krate::__private::priming_arg());
        self.delegate_step(sub, priming, delegating, join, span);
        self.switch_to(delegating);
        let sent_name = self.ir.locals[sent].name.to_token_stream();
        self.delegate_step(sub, sent_name, delegating, join, span);
        let _ = sent;

        self.switch_to(join);
        Some(match returned {
            Some(r) => self.local_operand(r),
            None => plain(quote!(())),
        })
    }

    /// `match resume(sub, arg) { Yielded(y) => yield y, Complete(r) => jump to join with r }`.
    fn delegate_step(
        &mut self,
        sub: LocalId,
        arg: proc_macro2::TokenStream,
        resume: BlockId,
        join: BlockId,
        site: proc_macro2::Span,
    ) {
        let krate = self.krate.clone();
        let sub_name = self.ir.locals[sub].name.clone();
        let mut head_effects = Effects::default();
        head_effects.uses.insert(sub);
        if let Some(p) = self.ir.blocks[resume].param {
            if self.ir.locals[p].name == arg.to_string() {
                head_effects.uses.insert(p);
                head_effects.moves.insert(p);
            }
        }
        let head = Operand {
            tokens: quote!(#krate::Coroutine::resume(::core::pin::Pin::new(&mut #sub_name), #arg)),
            effects: head_effects,
        };
        let code = self.cursor.expect("alive");
        let mut arms = Vec::new();

        self.enter_arm_scope();
        let y = self.temp("yielded", false);
        let y_name = self.ir.locals[y].name.clone();
        let arm_code = self.ir.new_code();
        self.cursor = Some(arm_code);
        let mut value = self.local_operand(y);
        if self.task {
            // The loop's dump shows where each task coroutine delegates (`rt::Via`); `here()`
            // called with the `yield_from!`'s span reports its place in the user's source.
            // Every token of the call carries the site's span: the call's location is taken
            // from them.
            let krate_at: proc_macro2::TokenStream = krate
                .to_token_stream()
                .into_iter()
                .map(|mut t| {
                    t.set_span(site);
                    t
                })
                .collect();
            let here = quote::quote_spanned!(site=> #krate_at::__private::here());
            let v = &value.tokens;
            value.tokens = quote!(#krate::rt::Request::through(#v, #here));
        }
        self.terminate(Term::Yield { value, resume });
        self.env.pop();
        arms.push(Arm {
            guard: None,
            pat: quote!(#krate::CoroutineState::Yielded(#y_name)),
            binds: vec![y],
            code: arm_code,
        });

        self.enter_arm_scope();
        let r = self.temp("complete", false);
        let r_name = self.ir.locals[r].name.clone();
        let arm_code = self.ir.new_code();
        self.cursor = Some(arm_code);
        // The delegate, done, lives on to the end of its statement (its temporary scope), like a
        // temporary: the delegating arm then never moves it, and can keep it in place.
        let value = if self.ir.blocks[join].param.is_some() {
            Some(self.local_operand(r))
        } else {
            None
        };
        self.terminate(Term::Jump {
            target: join,
            value,
        });
        self.env.pop();
        arms.push(Arm {
            guard: None,
            pat: quote!(#krate::CoroutineState::Complete(#r_name)),
            binds: vec![r],
            code: arm_code,
        });

        self.cursor = Some(code);
        self.terminate(Term::Branch(Branch {
            span: proc_macro2::Span::call_site(),
            kind: BranchKind::Match,
            head,
            arms,
        }));
    }

    pub fn lower_return(&mut self, r: &syn::ExprReturn) -> Option<Operand> {
        let value = match &r.expr {
            Some(e) => self.lower_expr(e, Want::Value)?,
            None => plain(quote!(())),
        };
        self.terminate(Term::Return(value));
        None
    }

    pub fn lower_break(&mut self, b: &syn::ExprBreak) -> Option<Operand> {
        let target = match &b.label {
            Some(l) => {
                let name = l.ident.to_string();
                self.labels
                    .iter()
                    .rposition(|t| t.label.as_deref() == Some(name.as_str()))
            }
            None => self.labels.iter().rposition(|t| t.is_loop),
        };
        let Some(target) = target else {
            self.error(b.span(), "`break` with a yielded value must leave a loop or labelled block of this coroutine");
            return None;
        };
        let value = match &b.expr {
            Some(e) => Some(self.lower_expr(e, Want::Value)?),
            None if self.loops[target].wants_value => Some(plain(quote!(()))),
            None => None,
        };
        let exit = self.loop_exit(target);
        self.terminate(Term::Jump {
            target: exit,
            value,
        });
        None
    }

    /// `e?` where `e` yields: `match Try::branch(e) { Continue(v) => v, Break(r) => return … }`.
    pub fn lower_try(&mut self, t: &syn::ExprTry) -> Option<Operand> {
        let v = self.lower_expr(&t.expr, Want::Value)?;
        let krate = self.krate.clone();
        let (ok, residual) = (
            crate::syntax::names::hidden("__ok"),
            crate::syntax::names::hidden("__residual"),
        );
        let index = self.ir.embedded.len();
        self.ir.embedded.push(Term::Return(plain(
            quote!(#krate::__private::FromResidual::from_residual(#residual)),
        )));
        let lit = proc_macro2::Literal::usize_unsuffixed(index);
        let mut effects = v.effects.clone();
        effects.embedded.push(index);
        let tokens = quote! {
            match #krate::__private::Try::branch(#v) {
                ::core::ops::ControlFlow::Continue(#ok) => #ok,
                ::core::ops::ControlFlow::Break(#residual) => __coro_jump!(#lit),
            }
        };
        Some(Operand { tokens, effects })
    }

    /// `a && b` / `a || b` where `b` yields: `b` runs only when `a` does not decide. Each
    /// operand is a temporary scope of its own: `a`'s temporaries are dropped before `b` runs.
    pub fn lower_short_circuit(&mut self, b: &syn::ExprBinary) -> Option<Operand> {
        let left = self.lower_in_temporary_scope(&b.left)?;
        let is_and = matches!(b.op, syn::BinOp::And(_));
        let result = self.temp("cond", false);
        let join = self.new_block(BlockKind::Join, Some(result), b.span());
        let code = self.cursor.expect("alive");

        self.enter_arm_scope();
        let run_code = self.ir.new_code();
        self.cursor = Some(run_code);
        if let Some(r) = self.lower_expr(&b.right, Want::Value) {
            self.terminate(Term::Jump {
                target: join,
                value: Some(r),
            });
        }
        self.env.pop();
        self.enter_arm_scope();
        let skip_code = self.ir.new_code();
        self.cursor = Some(skip_code);
        let decided = if is_and { quote!(false) } else { quote!(true) };
        self.terminate(Term::Jump {
            target: join,
            value: Some(plain(decided)),
        });
        self.env.pop();

        let run = Arm {
            guard: None,
            pat: quote!(),
            binds: vec![],
            code: run_code,
        };
        let skip = Arm {
            guard: None,
            pat: quote!(),
            binds: vec![],
            code: skip_code,
        };
        let arms = if is_and {
            vec![run, skip]
        } else {
            vec![skip, run]
        };
        self.cursor = Some(code);
        self.terminate(Term::Branch(Branch {
            span: b.op.span(),
            kind: BranchKind::If,
            head: left,
            arms,
        }));
        self.switch_to(join);
        Some(self.local_operand(result))
    }

    /// A join block for a branch whose value is `want`ed, created on the first arm that reaches it.
    fn join_for(
        &mut self,
        want: Want,
        span: Span,
        join: &mut Option<BlockId>,
        result: Option<LocalId>,
    ) -> BlockId {
        if let Some(j) = *join {
            return j;
        }
        let _ = want;
        let j = self.new_block_in(
            BlockKind::Join,
            result,
            self.pending_env.clone(),
            self.pending_visible.clone(),
            span,
        );
        *join = Some(j);
        j
    }

    /// An expression that is a temporary scope of its own (the condition of an `if` or `while`,
    /// an operand of `&&`/`||`): its temporaries are dropped when it is evaluated
    /// (`if D::new(yield_!(x)).get() > 0 { … }` drops the `D` before a branch is taken).
    fn lower_in_temporary_scope(&mut self, cond: &Expr) -> Option<Operand> {
        if !expr_yields(cond) {
            return self.lower_expr(cond, Want::Value);
        }
        let result = self.temp("cond", false);
        self.open_scope(Some(result));
        let v = self.lower_expr(cond, Want::Value);
        if !self.alive() {
            self.env.pop();
            return None;
        }
        self.close_scope(v);
        Some(self.local_operand(result))
    }

    pub fn lower_if(&mut self, i: &syn::ExprIf, want: Want) -> Option<Operand> {
        // The condition: `let` patterns bind in the then-branch.
        let (head, cond_pat) = match &*i.cond {
            Expr::Let(l) => {
                let scrutinee = if expr_yields(&l.expr) {
                    self.lower_expr(&l.expr, Want::Value)?
                } else if crate::syntax::scope::binds_by_value(&l.pat) {
                    self.verbatim_expr(&l.expr)
                } else {
                    self.verbatim_place(&l.expr)
                };
                let pat = &l.pat;
                let tokens = quote!(let #pat = #scrutinee);
                (
                    Operand {
                        tokens,
                        effects: scrutinee.effects,
                    },
                    Some((*l.pat).clone()),
                )
            }
            cond if has_condition_let(cond) => {
                if expr_yields(cond) {
                    self.error(cond.span(), "`yield_!` inside a `let` chain is not supported: compute the value into a local before the `if`");
                    return None;
                }
                let op = self.verbatim_expr(cond);
                (op, None)
            }
            cond => (self.lower_in_temporary_scope(cond)?, None),
        };
        let chain_pats: Vec<syn::Pat> = match (&cond_pat, &*i.cond) {
            (Some(p), _) => vec![p.clone()],
            (None, cond) => condition_patterns(cond).into_iter().cloned().collect(),
        };

        let result = match want {
            Want::Value => Some(self.temp("value", false)),
            Want::Discard => None,
        };
        self.pending_env = self.env.clone();
        self.pending_visible = self
            .visible()
            .into_iter()
            .filter(|l| Some(*l) != result)
            .collect();
        let code = self.cursor.expect("alive");
        let mut join = None;
        let span = i.if_token.span;

        // then
        self.enter_arm_scope();
        let then_code = self.ir.new_code();
        self.cursor = Some(then_code);
        let binds: Vec<LocalId> = chain_pats
            .iter()
            .flat_map(|p| self.bind_pattern(p, false))
            .collect();
        let saved = (self.pending_env.clone(), self.pending_visible.clone());
        let v = self.lower_block(&i.then_branch, want);
        if let Some(v) = v {
            if self.alive() {
                (self.pending_env, self.pending_visible) = saved.clone();
                let j = self.join_for(want, span, &mut join, result);
                let value = match result {
                    Some(_) => Some(v),
                    None => {
                        self.discard(v);
                        None
                    }
                };
                self.terminate(Term::Jump { target: j, value });
            }
        }
        self.env.pop();
        let then_arm = Arm {
            guard: None,
            pat: quote!(),
            binds,
            code: then_code,
        };

        // else
        self.env = saved.0.clone();
        self.enter_arm_scope();
        let else_code = self.ir.new_code();
        self.cursor = Some(else_code);
        let v = match &i.else_branch {
            Some((_, e)) => self.lower_expr(e, want),
            None => Some(plain(quote!(()))),
        };
        if let Some(v) = v {
            if self.alive() {
                (self.pending_env, self.pending_visible) = saved.clone();
                let j = self.join_for(want, span, &mut join, result);
                let value = match result {
                    Some(_) => Some(v),
                    None => {
                        self.discard(v);
                        None
                    }
                };
                self.terminate(Term::Jump { target: j, value });
            }
        }
        self.env.pop();
        let else_arm = Arm {
            guard: None,
            pat: quote!(),
            binds: vec![],
            code: else_code,
        };

        self.env = saved.0;
        self.cursor = Some(code);
        self.terminate(Term::Branch(Branch {
            span: i.if_token.span,
            kind: BranchKind::If,
            head,
            arms: vec![then_arm, else_arm],
        }));
        let j = join?;
        self.switch_to(j);
        Some(match result {
            Some(r) => self.local_operand(r),
            None => plain(quote!(())),
        })
    }

    pub fn lower_match(&mut self, m: &syn::ExprMatch, want: Want) -> Option<Operand> {
        let yields = expr_yields(&m.expr);
        if yields || super::temps::has_temporaries(&m.expr) {
            // The scrutinee's temporaries live to the end of the `match`, past its yields, and
            // no further: they become locals of a scope around it.
            let result = match want {
                Want::Value => Some(self.temp("value", false)),
                Want::Discard => None,
            };
            self.open_scope(result);
            let head = if yields {
                match self.lower_expr(&m.expr, Want::Value) {
                    Some(h) => h,
                    None => {
                        self.env.pop();
                        return None;
                    }
                }
            } else {
                self.extract_temporaries(&m.expr)
            };
            let v = self.lower_match_on(m, head, want);
            if !self.alive() {
                self.env.pop();
                return None;
            }
            self.close_scope(if want == Want::Value { v } else { None });
            return Some(match result {
                Some(r) => self.local_operand(r),
                None => plain(quote!(())),
            });
        }
        let head = {
            let by_value = m
                .arms
                .iter()
                .any(|a| crate::syntax::scope::binds_by_value(&a.pat));
            if by_value {
                self.verbatim_expr(&m.expr)
            } else {
                self.verbatim_place(&m.expr)
            }
        };
        self.lower_match_on(m, head, want)
    }

    /// The arms of a `match` whose scrutinee is already lowered.
    fn lower_match_on(&mut self, m: &syn::ExprMatch, head: Operand, want: Want) -> Option<Operand> {
        let result = match want {
            Want::Value => Some(self.temp("value", false)),
            Want::Discard => None,
        };
        self.pending_env = self.env.clone();
        self.pending_visible = self
            .visible()
            .into_iter()
            .filter(|l| Some(*l) != result)
            .collect();
        let saved = (self.pending_env.clone(), self.pending_visible.clone());
        let code = self.cursor.expect("alive");
        let mut join = None;
        let span = m.match_token.span;
        let mut guard_effects = Effects::default();
        let mut arms = Vec::new();
        for arm in &m.arms {
            self.env = saved.0.clone();
            self.enter_arm_scope();
            let arm_code = self.ir.new_code();
            self.cursor = Some(arm_code);
            let guard = match &arm.guard {
                Some((_, g)) => {
                    let g = self.verbatim_expr(g);
                    Some(g)
                }
                None => None,
            };
            let binds = self.bind_pattern(&arm.pat, false);
            let v = self.lower_expr(&arm.body, want);
            if let Some(v) = v {
                if self.alive() {
                    (self.pending_env, self.pending_visible) = saved.clone();
                    let j = self.join_for(want, span, &mut join, result);
                    let value = match result {
                        Some(_) => Some(v),
                        None => {
                            self.discard(v);
                            None
                        }
                    };
                    self.terminate(Term::Jump { target: j, value });
                }
            }
            self.env.pop();
            let pat = &arm.pat;
            if let Some(g) = &guard {
                guard_effects.merge(&g.effects);
            }
            arms.push(Arm {
                guard,
                pat: quote!(#pat),
                binds,
                code: arm_code,
            });
        }
        self.env = saved.0;
        self.cursor = Some(code);
        // Guards run before their arm's bindings: what they read is read at the branch.
        let mut head = head;
        head.effects.uses.extend(guard_effects.uses.iter().copied());
        head.effects
            .moves
            .extend(guard_effects.moves.iter().copied());
        self.terminate(Term::Branch(Branch {
            span: m.match_token.span,
            kind: BranchKind::Match,
            head,
            arms,
        }));
        let j = join?;
        self.switch_to(j);
        Some(match result {
            Some(r) => self.local_operand(r),
            None => plain(quote!(())),
        })
    }

    fn push_loop(
        &mut self,
        label: Option<&syn::Label>,
        head: Option<BlockId>,
        wants_value: bool,
        is_loop: bool,
        span: Span,
    ) {
        let visible = self.visible();
        self.loops.push(LoopCtx {
            head,
            exit: None,
            env: self.env.clone(),
            visible,
            wants_value,
            span,
        });
        self.labels.push(LoopLabel {
            label: label.map(|l| l.name.ident.to_string()),
            is_loop,
        });
    }

    fn pop_loop(&mut self) -> Option<BlockId> {
        self.labels.pop();
        self.loops.pop().and_then(|l| l.exit)
    }

    /// After a loop: continue in its exit block, if any `break` reaches it.
    fn after_loop(&mut self, exit: Option<BlockId>, want: Want) -> Option<Operand> {
        let exit = exit?;
        self.switch_to(exit);
        let param = self.ir.blocks[exit].param;
        Some(match (want, param) {
            (Want::Value, Some(p)) => self.local_operand(p),
            _ => plain(quote!(())),
        })
    }

    pub fn lower_loop(&mut self, l: &syn::ExprLoop, want: Want) -> Option<Operand> {
        let span = l.loop_token.span;
        let head = self.new_block(BlockKind::LoopHead, None, span);
        self.terminate(Term::Jump {
            target: head,
            value: None,
        });
        self.switch_to(head);
        self.push_loop(
            l.label.as_ref(),
            Some(head),
            want == Want::Value,
            true,
            span,
        );
        if let Some(v) = self.lower_block(&l.body, Want::Discard) {
            let _ = v;
            if self.alive() {
                self.terminate(Term::Jump {
                    target: head,
                    value: None,
                });
            }
        }
        let exit = self.pop_loop();
        self.after_loop(exit, want)
    }

    pub fn lower_labeled_block(
        &mut self,
        label: &syn::Label,
        block: &syn::Block,
        want: Want,
    ) -> Option<Operand> {
        let span = label.name.span();
        self.push_loop(Some(label), None, want == Want::Value, false, span);
        let v = self.lower_block(block, want);
        let index = self.loops.len() - 1;
        if let Some(v) = v {
            if self.alive() {
                let exit = self.loop_exit(index);
                let value = if want == Want::Value { Some(v) } else { None };
                self.terminate(Term::Jump {
                    target: exit,
                    value,
                });
            }
        }
        let exit = self.pop_loop();
        self.after_loop(exit, want)
    }

    pub fn lower_while(&mut self, w: &syn::ExprWhile) -> Option<Operand> {
        let span = w.while_token.span;
        let head = self.new_block(BlockKind::LoopHead, None, span);
        self.terminate(Term::Jump {
            target: head,
            value: None,
        });
        self.switch_to(head);
        self.push_loop(w.label.as_ref(), Some(head), false, true, span);
        let index = self.loops.len() - 1;

        let (head_op, pats) = match &*w.cond {
            Expr::Let(l) => {
                let scrutinee = if expr_yields(&l.expr) {
                    match self.lower_expr(&l.expr, Want::Value) {
                        Some(v) => v,
                        None => {
                            self.pop_loop();
                            return None;
                        }
                    }
                } else {
                    self.verbatim_place(&l.expr)
                };
                let pat = &l.pat;
                (
                    Operand {
                        tokens: quote!(let #pat = #scrutinee),
                        effects: scrutinee.effects,
                    },
                    vec![(*l.pat).clone()],
                )
            }
            cond => match self.lower_in_temporary_scope(cond) {
                Some(v) => (v, condition_patterns(cond).into_iter().cloned().collect()),
                None => {
                    self.pop_loop();
                    return None;
                }
            },
        };
        let code = self.cursor.expect("alive");
        let env = self.env.clone();

        self.enter_arm_scope();
        let body_code = self.ir.new_code();
        self.cursor = Some(body_code);
        let binds: Vec<LocalId> = pats
            .iter()
            .flat_map(|p| self.bind_pattern(p, false))
            .collect();
        if self.lower_block(&w.body, Want::Discard).is_some() && self.alive() {
            self.terminate(Term::Jump {
                target: head,
                value: None,
            });
        }
        self.env = env.clone();
        let body = Arm {
            guard: None,
            pat: quote!(),
            binds,
            code: body_code,
        };

        self.enter_arm_scope();
        let done_code = self.ir.new_code();
        self.cursor = Some(done_code);
        let exit = self.loop_exit(index);
        self.terminate(Term::Jump {
            target: exit,
            value: None,
        });
        self.env = env;
        let done = Arm {
            guard: None,
            pat: quote!(),
            binds: vec![],
            code: done_code,
        };

        self.cursor = Some(code);
        self.terminate(Term::Branch(Branch {
            span: w.while_token.span,
            kind: BranchKind::If,
            head: head_op,
            arms: vec![body, done],
        }));
        let exit = self.pop_loop();
        self.after_loop(exit, Want::Discard)
    }

    pub fn lower_for(&mut self, f: &syn::ExprForLoop) -> Option<Operand> {
        let span = f.for_token.span;
        // The iterator lives in a scope around the loop, as the desugaring of `for` does.
        let borrowed = if expr_yields(&f.expr) {
            None
        } else {
            self.borrowed_local(&f.expr)
        };
        self.open_scope(None);
        // The iterable's temporaries live as long as the loop (`for` is a `match` on it).
        let iterable = if !expr_yields(&f.expr) && super::temps::has_temporaries(&f.expr) {
            self.extract_temporaries(&f.expr)
        } else {
            match self.lower_expr(&f.expr, Want::Value) {
                Some(i) => i,
                None => {
                    self.env.pop();
                    return None;
                }
            }
        };
        let iter = self.temp("iter", true);
        self.ir.locals[iter].borrows = borrowed;
        self.ir.locals[iter].span = f.expr.span();
        let iter_name = self.ir.locals[iter].name.clone();
        let into_iter = Operand {
            tokens: quote!(::core::iter::IntoIterator::into_iter(#iterable)),
            effects: iterable.effects.clone(),
        };
        self.push(Node::Let {
            pat: quote!(mut #iter_name),
            init: Some(into_iter),
            els: None,
            binds: vec![iter],
        });

        let head = self.new_block(BlockKind::LoopHead, None, span);
        self.terminate(Term::Jump {
            target: head,
            value: None,
        });
        self.switch_to(head);
        self.push_loop(f.label.as_ref(), Some(head), false, true, span);
        let index = self.loops.len() - 1;
        let code = self.cursor.expect("alive");
        let env = self.env.clone();

        let mut next_effects = Effects::default();
        next_effects.uses.insert(iter);
        let next = Operand {
            tokens: quote!(::core::iter::Iterator::next(&mut #iter_name)),
            effects: next_effects,
        };

        self.enter_arm_scope();
        let body_code = self.ir.new_code();
        self.cursor = Some(body_code);
        let binds = self.bind_pattern(&f.pat, false);
        // `for i in a..b`: ranges only iterate over integers and chars.
        if let ([single], Expr::Range(_)) = (binds.as_slice(), &*f.expr) {
            self.ir.locals[*single].copy = true;
        }
        if self.lower_block(&f.body, Want::Discard).is_some() && self.alive() {
            self.terminate(Term::Jump {
                target: head,
                value: None,
            });
        }
        self.env = env.clone();
        let pat = &f.pat;
        let body = Arm {
            guard: None,
            pat: quote!(::core::option::Option::Some(#pat)),
            binds,
            code: body_code,
        };

        self.enter_arm_scope();
        let done_code = self.ir.new_code();
        self.cursor = Some(done_code);
        let exit = self.loop_exit(index);
        self.terminate(Term::Jump {
            target: exit,
            value: None,
        });
        self.env = env;
        let done = Arm {
            guard: None,
            pat: quote!(::core::option::Option::None),
            binds: vec![],
            code: done_code,
        };

        self.cursor = Some(code);
        self.terminate(Term::Branch(Branch {
            span: f.for_token.span,
            kind: BranchKind::Match,
            head: next,
            arms: vec![body, done],
        }));
        let exit = self.pop_loop();
        let exit = exit.expect("a for loop always has an exit");
        self.switch_to(exit);
        self.close_scope(None);
        Some(plain(quote!(())))
    }
}

/// Whether an `if`/`while` condition binds something (`if let`, or a chain with a `let`).
fn has_condition_let(cond: &Expr) -> bool {
    !condition_patterns(cond).is_empty()
}
