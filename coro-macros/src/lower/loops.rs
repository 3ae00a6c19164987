//! Lowering loops and labelled blocks that contain a yield: `loop`, `while` (and `while let`),
//! `for`, and `'label: { … }`, each with a head block and an exit block.

use proc_macro2::Span;
use quote::quote;
use syn::spanned::Spanned;
use syn::Expr;

use super::{plain, LoopCtx, Lowerer, Want};
use crate::ir::*;
use crate::rewrite::LoopLabel;
use crate::syntax::detect::expr_yields;
use crate::syntax::scope::condition_patterns;

impl Lowerer<'_> {
    pub(super) fn push_loop(
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

    pub(super) fn pop_loop(&mut self) -> Option<BlockId> {
        self.labels.pop();
        self.loops.pop().and_then(|l| l.exit)
    }

    /// After a loop: continue in its exit block, if any `break` reaches it.
    pub(super) fn after_loop(&mut self, exit: Option<BlockId>, want: Want) -> Option<Operand> {
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
        // The body runs once per pass: its tail's temporaries have no home outside it. Before
        // 2024 they outlive the body's locals (`loop { let d = …; if let Some(x) = f(&D(1)) {} }`
        // drops `d`, then the `D`): a scope of the pass's own, around the body, holds them.
        let pass_scope = self.tails_pass_temporaries()
            && matches!(l.body.stmts.last(), Some(syn::Stmt::Expr(tail, None)) if self.has_temporaries(tail));
        if pass_scope {
            self.open_scope(None);
        } else {
            self.opening_loop_body = true;
        }
        self.loop_body_tail = true;
        let body = self.lower_block(&l.body, Want::Discard);
        self.opening_loop_body = false;
        self.loop_body_tail = false;
        if pass_scope {
            if self.alive() {
                self.close_scope(None);
            } else {
                // Its end is never reached; its Rust block is closed by the emitter.
                self.env.pop();
            }
        }
        if let Some(v) = body {
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
        // A `break` may leave before the tail: its temporaries exist on some paths only.
        self.opening_breakable_block = true;
        let v = self.in_branch(|l| l.lower_block(block, want));
        self.opening_breakable_block = false;
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
        // A chain whose `let` makes temporaries keeps them through the body, as `while let`'s.
        let chain_temporaries = matches!(&*w.cond, Expr::Binary(_))
            && super::branch::has_condition_let(&w.cond)
            && super::branch::chain_operands(&w.cond)
                .iter()
                .any(|c| matches!(c, Expr::Let(l) if self.has_temporaries(&l.expr)));
        if super::branch::is_yielding_chain(&w.cond) || chain_temporaries {
            // `while c1 && let P = e { body }` with a yield in the chain, as the loop it means:
            // `loop { if c1 { if let P = e { body; continue; } } break; }`.
            let (label, body) = (&w.label, &w.body);
            let mut inner: syn::Expr = syn::parse_quote!({ #body continue; });
            for c in super::branch::chain_operands(&w.cond).into_iter().rev() {
                inner = syn::parse_quote!(if #c { #inner });
            }
            return self.lower_expr(
                &syn::parse_quote!(#label loop { #inner break; }),
                Want::Discard,
            );
        }
        if let Expr::Let(l) = &*w.cond {
            if expr_yields(&l.expr) || self.has_temporaries(&l.expr) {
                // `while let P = e { body }` with a yield or temporaries in `e`, as its
                // desugaring: the match's scrutinee keeps its temporaries for one pass of the
                // loop, past the body's yields, as Rust's does.
                let (label, pat, e, body) = (&w.label, &l.pat, &l.expr, &w.body);
                return self.lower_expr(
                    &syn::parse_quote!(#label loop { match #e { #pat => #body, _ => break, } }),
                    Want::Discard,
                );
            }
        }
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
                    vec![&*l.pat],
                )
            }
            cond => match self.lower_in_temporary_scope(cond) {
                Some(v) => (v, condition_patterns(cond)),
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
        // A lone `while let` binds before the body runs; a chain's later conditions use the
        // bindings first.
        if let (Expr::Let(l), [_]) = (&*w.cond, pats.as_slice()) {
            self.mark_plain_bindings(&l.pat, &binds);
        }
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
        let iterable = if !expr_yields(&f.expr) && self.has_temporaries(&f.expr) {
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
        self.note_for_iterator(&f.pat, iter);
        self.ir.locals[iter].borrows = borrowed;
        self.ir.locals[iter].span = f.expr.span();
        let iter_name = self.ir.locals[iter].name.clone();
        let into_iter = Operand {
            // Located at the iterable: an error about the iterator (a temporary it borrows
            // dropped too soon) points at the user's `for … in <iterable>`.
            tokens: quote::quote_spanned!(f.expr.span()=> ::core::iter::IntoIterator::into_iter(#iterable)),
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
        self.mark_plain_bindings(&f.pat, &binds);
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
