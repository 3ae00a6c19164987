//! Lowering the suspension points: `yield_!` (also straight into a `let` pattern) and
//! `yield_from!`, whose delegation loop resumes the inner coroutine until it completes.

use quote::{quote, ToTokens};
use syn::spanned::Spanned;
use syn::{Expr, ExprMacro};

use super::{plain, Lowerer, Want};
use crate::ir::*;
use crate::syntax::detect::expr_yields;

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
            self.open_statement_scope(made);
            let v = self.lower_expr(&e, Want::Value);
            if !self.alive() {
                self.env.pop();
                return None;
            }
            self.close_scope(v);
            self.local_operand(made)
        } else {
            self.verbatim_expr(&e)
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
    pub(super) fn delegate_step(
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
}
