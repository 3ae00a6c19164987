//! Lowering branches that contain a yield: `&&`/`||`, `if` (and `if let` chains), `match`,
//! each ending its block with a branch terminator and meeting again at a join.

use proc_macro2::Span;
use quote::quote;
use syn::spanned::Spanned;
use syn::Expr;

use super::{plain, Lowerer, Want};
use crate::ir::*;
use crate::syntax::detect::expr_yields;
use crate::syntax::scope::condition_patterns;

impl Lowerer<'_> {
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
    pub(super) fn join_for(
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
    pub(super) fn lower_in_temporary_scope(&mut self, cond: &Expr) -> Option<Operand> {
        if !expr_yields(cond) {
            // Written as it is: Rust drops its temporaries where it is evaluated (never made
            // hidden locals of an enclosing statement or tail).
            return Some(self.verbatim_expr(cond));
        }
        let result = self.temp("cond", false);
        self.open_statement_scope(result);
        let v = self.lower_expr(cond, Want::Value);
        if !self.alive() {
            self.env.pop();
            return None;
        }
        self.close_scope(v);
        Some(self.local_operand(result))
    }

    pub fn lower_if(&mut self, i: &syn::ExprIf, want: Want) -> Option<Operand> {
        // A chain that yields, or whose `let` makes temporaries that must live through a
        // then-block that yields (as a lone `if let`'s do): one `if` at a time.
        let lets_keep_temporaries = || {
            crate::syntax::detect::block_yields(&i.then_branch)
                && chain_operands(&i.cond)
                    .iter()
                    .any(|c| matches!(c, Expr::Let(l) if self.has_temporaries(&l.expr)))
        };
        if is_yielding_chain(&i.cond) || (is_chain(&i.cond) && lets_keep_temporaries()) {
            return self.lower_expr(&if_chain_as_nested_ifs(i), want);
        }
        if let Some(m) = self.if_let_as_match(i) {
            return self.lower_expr(&m, want);
        }
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
                    Some(&*l.pat),
                )
            }
            cond if has_condition_let(cond) => (self.verbatim_expr(cond), None),
            cond => (self.lower_in_temporary_scope(cond)?, None),
        };
        let chain_pats: Vec<&syn::Pat> = match (cond_pat, &*i.cond) {
            (Some(p), _) => vec![p],
            (None, cond) => condition_patterns(cond),
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
        // A lone `if let` binds before the then-block runs; a chain's later conditions use the
        // bindings first.
        if let Some(p) = cond_pat {
            self.mark_plain_bindings(p, &binds);
        }
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

    /// `if let P = e { a } else { b }` whose scrutinee makes temporaries (`opt(D::new().get())`)
    /// and whose branches yield, as the `match e { P => a, _ => b }` it is for its temporaries:
    /// they live through `a`'s yields to the end of the `if let`. That is the rule without an
    /// `else`, and with one before edition 2024. Edition 2024 drops them before `b`: there it
    /// is `'l: { match e { P => break 'l a, _ => {} } b }`, whose `match` statement ends first
    /// (also when `e` yields: the hidden locals of its temporaries end with that statement).
    fn if_let_as_match(&self, i: &syn::ExprIf) -> Option<Expr> {
        let Expr::Let(l) = &*i.cond else { return None };
        let (pat, e, then) = (&l.pat, &l.expr, &i.then_branch);
        let yields = expr_yields(e);
        let tokens = match &i.else_branch {
            _ if !yields && !self.has_temporaries(e) => return None,
            None if !yields => quote!(match #e { #pat => #then, _ => {} }),
            Some((_, b)) if self.edition == crate::edition::Edition::Before2024 && !yields => {
                quote!(match #e { #pat => #then, _ => #b })
            }
            // A yielding scrutinee's temporaries are hidden locals of the `if let`'s scope.
            None => return None,
            Some(_) if self.edition == crate::edition::Edition::Before2024 => return None,
            Some((_, b)) => {
                let label = syn::Lifetime::new("'__coro_if_let", proc_macro2::Span::mixed_site());
                quote!(#label: { match #e { #pat => break #label #then, _ => {} } #b })
            }
        };
        syn::parse2(tokens).ok()
    }

    pub fn lower_match(&mut self, m: &syn::ExprMatch, want: Want) -> Option<Operand> {
        let yields = expr_yields(&m.expr);
        // A block's tail before edition 2024 keeps them to the end of the enclosing statement.
        let kept_by_the_tail = self.in_tail_scope();
        if (want == Want::Value || kept_by_the_tail) && (yields || self.has_temporaries(&m.expr)) {
            // A `match` inside an expression: its scrutinee's temporaries belong to the
            // enclosing statement (or block tail), past the match's yields and what follows it
            // in the statement (`note(match D::new(yield_!(1)).get() { … })`).
            let head = if yields {
                self.lower_expr(&m.expr, Want::Value)?
            } else {
                self.extract_temporaries(&m.expr)
            };
            return self.lower_match_on(m, head, want);
        }
        if yields || self.has_temporaries(&m.expr) {
            // A `match` statement: the scrutinee's temporaries live to its end, past its
            // yields, and no further: they become locals of a scope around it.
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
    pub(super) fn lower_match_on(
        &mut self,
        m: &syn::ExprMatch,
        head: Operand,
        want: Want,
    ) -> Option<Operand> {
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
            // A guard uses the bindings before the arm runs.
            if arm.guard.is_none() {
                self.mark_plain_bindings(&arm.pat, &binds);
            }
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
}

/// Whether an `if`/`while` condition binds something (`if let`, or a chain with a `let`).
pub(super) fn has_condition_let(cond: &Expr) -> bool {
    !condition_patterns(cond).is_empty()
}

/// Whether a condition is a `let` chain (`a && let Some(x) = b && …`) with a yield in it.
pub(super) fn is_yielding_chain(cond: &Expr) -> bool {
    is_chain(cond) && expr_yields(cond)
}

/// Whether a condition is a `let` chain (`a && let Some(x) = b && …`).
fn is_chain(cond: &Expr) -> bool {
    matches!(cond, Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_))) && has_condition_let(cond)
}

/// The operands of a condition chain, split at its top-level `&&`s, in order.
pub(super) fn chain_operands(cond: &Expr) -> Vec<&Expr> {
    match cond {
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
            let mut v = chain_operands(&b.left);
            v.extend(chain_operands(&b.right));
            v
        }
        other => vec![other],
    }
}

/// `if c1 && let P = e && c3 { then } else { els }` with a yield in the chain, as the nested
/// `if`s it means, which the lowering splits one at a time: every operand is evaluated in order,
/// stops the chain when it fails, and its bindings are in scope for the operands after it and
/// the then-block:
///
/// ```text
/// 'chain: { if c1 { if let P = e { if c3 { break 'chain { then }; } } } { els } }
/// ```
fn if_chain_as_nested_ifs(i: &syn::ExprIf) -> Expr {
    let label = syn::Lifetime::new("'__chain", proc_macro2::Span::mixed_site());
    let then = &i.then_branch;
    let mut inner: Expr = syn::parse_quote!({ break #label #then; });
    for c in chain_operands(&i.cond).into_iter().rev() {
        inner = syn::parse_quote!(if #c { #inner });
    }
    let els: Expr = match &i.else_branch {
        Some((_, e)) => (**e).clone(),
        None => syn::parse_quote!({}),
    };
    syn::parse_quote!(#label: { #inner #els })
}
