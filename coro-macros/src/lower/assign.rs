//! Assignments whose place or value yields: the parts of the place that are values are computed
//! in source order, and rustc's order between the place and the value (value first for `=` and
//! for a primitive `op=`, place first for an overloaded `op=`).

use quote::{quote, ToTokens};
use syn::spanned::Spanned;
use syn::Expr;

use super::expr::{is_place, peel};
use super::{Lowerer, Want};
use crate::ir::*;
use crate::syntax::detect::expr_yields;

impl Lowerer<'_> {
    /// Lowers the target of an assignment: the parts of the place that are values (an index,
    /// the pointer a `*` reads, a block) are computed in source order, those before a later
    /// yield into temporaries (all of them when `yield_follows`: the value yields after the
    /// place); the place itself stays a place, written to where it is.
    pub(super) fn lower_place(&mut self, e: &Expr) -> Option<Operand> {
        self.lower_place_then(e, false)
    }

    fn lower_place_then(&mut self, e: &Expr, yield_follows: bool) -> Option<Operand> {
        if !expr_yields(e) {
            return Some(self.verbatim_place(e));
        }
        match e {
            Expr::Paren(p) => {
                let inner = self.lower_place_then(&p.expr, yield_follows)?;
                Some(self.derived(quote!((#inner)), &[&inner]))
            }
            Expr::Field(f) => {
                let base = self.lower_place_then(&f.base, yield_follows)?;
                let member = &f.member;
                Some(self.derived(quote!(#base.#member), &[&base]))
            }
            Expr::Index(i) => {
                let base = if expr_yields(&i.expr) {
                    self.lower_place_then(&i.expr, yield_follows)?
                } else {
                    self.verbatim_place(&i.expr)
                };
                let index = self.lower_expr(&i.index, Want::Value)?;
                let index = if yield_follows {
                    self.hoist_if_needed(index)
                } else {
                    index
                };
                Some(self.derived(quote!(#base[#index]), &[&base, &index]))
            }
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                let pointer = self.lower_expr(&u.expr, Want::Value)?;
                let pointer = self.hoist_if_needed(pointer);
                Some(self.derived(quote!(*#pointer), &[&pointer]))
            }
            other => {
                self.error(
                    other.span(),
                    "`yield_!` in this part of an assignment's target is not supported: compute the place's index or pointer into a local first",
                );
                None
            }
        }
    }

    /// `place op= value`. For primitive operands Rust evaluates the right side first, then the
    /// place; an overloaded operator (`AddAssign::add_assign(&mut place, value)`) takes the
    /// place first. A macro cannot see the types: a value or a place visibly not a number (a
    /// borrow, a string, an owned value, a type's constructor) is taken for an overloaded one;
    /// where the order matters and nothing shows the types, the step asks them (see
    /// [`Lowerer::lower_probed_compound_assign`]).
    pub(super) fn lower_compound_assign(&mut self, b: &syn::ExprBinary) -> Option<Operand> {
        let overloaded = overloaded_operand(&b.right)
            || self.place_not_a_number(&b.left)
            || self.value_moves_what_the_place_uses(b);
        if expr_yields(&b.left) && !overloaded {
            // Only one the pass sees (not one the lowering wrote itself).
            let numbered = self
                .op_assign_keys
                .contains(&super::sites::op_assign_key(b));
            // A value that yields while an overloaded operator holds the borrow of a local of
            // the coroutine is refused by rustc: with such a place, the operator is built in.
            // Nor can the value use the place's local while the place-first order holds a
            // pointer into it (`*{ yield_!(); &mut a[1] } |= a[2]`, fine value first); a place
            // written out again after the value (`self.ls[i] += self.n`) is borrowed in two
            // phases, as rustc's.
            let place_first_compiles = (!expr_yields(&b.right)
                || self.place_behind_a_reference(&b.left))
                && (!derefs_a_computed_pointer(&b.left)
                    || place_root(&b.left).is_none_or(|root| {
                        !crate::syntax::names::mentions(&b.right.to_token_stream(), &root)
                    }));
            // Nor where the place may move a local the value uses (`*{ yield_!(consume(d));
            // &mut x } |= d.get()` compiles value first only).
            let place_first_compiles =
                place_first_compiles && !self.index_shares_a_local_with_the_value(b);
            if numbered && self.probes_allowed && place_first_compiles && order_may_show(b) {
                return self.lower_probed_compound_assign(b);
            }
        }
        // A yielding value after a place whose index runs code (`s.l[f()] += yield_!(x)`):
        // the order shows too; the place-first order computes only the index first.
        if !expr_yields(&b.left) && expr_yields(&b.right) && !overloaded && index_runs_code(&b.left)
        {
            let numbered = self
                .op_assign_keys
                .contains(&super::sites::op_assign_key(b));
            // Not when the value uses a local the index may move (`a[consume(d)] ^= d.get()`
            // compiles value first only).
            if numbered && self.probes_allowed && !self.index_shares_a_local_with_the_value(b) {
                return self.lower_probed_compound_assign(b);
            }
        }
        self.compound_assign_in_order(b, overloaded)?;
        Some(super::plain(quote!(())))
    }

    /// `place op= value` with the place first (`overloaded`) or the value first.
    fn compound_assign_in_order(&mut self, b: &syn::ExprBinary, overloaded: bool) -> Option<()> {
        let (left, v) = if expr_yields(&b.left) && overloaded {
            let left = self.lower_place_then(&b.left, expr_yields(&b.right))?;
            let v = self.lower_expr(&b.right, Want::Value)?;
            (left, v)
        } else if expr_yields(&b.left) {
            let v = if expr_yields(&b.right) || is_place(&b.right) {
                let v = self.with_yield_following(|l| l.lower_expr(&b.right, Want::Value))?;
                self.hoist_if_needed(v)
            } else {
                // Its temporaries live to the end of the statement, past the place's
                // yields (`a[yield_!(i)] -= D::new(2).get()`).
                let v = self.extract_temporaries(&b.right);
                self.hoist(v, "tmp")
            };
            (self.lower_place(&b.left)?, v)
        } else if overloaded && expr_yields(&b.right) {
            // The place first: its indices are computed before the value's yields (the place
            // itself is borrowed once the value is there).
            let left = self.place_with_indices_first(&b.left);
            let v = self.lower_expr(&b.right, Want::Value)?;
            (left, v)
        } else {
            let v = self.lower_expr(&b.right, Want::Value)?;
            (self.verbatim_place(&b.left), v)
        };
        let op = &b.op;
        let op = self.derived(quote!(#left #op #v), &[&left, &v]);
        self.push(Node::Stmt(Operand {
            tokens: quote!(#op;),
            effects: op.effects,
        }));
        Some(())
    }

    /// Whether one side of `place op= value` surely moves a local of the coroutine that the
    /// other side names: only one of the two orders compiles then, so the probe, which writes
    /// both, is not used. A local both sides only borrow (`d.get()` in each) does not count.
    fn index_shares_a_local_with_the_value(&self, b: &syn::ExprBinary) -> bool {
        self.surely_moves(&b.left, &b.right) || self.surely_moves(&b.right, &b.left)
    }

    /// A place that does not yield, with the indices that run code computed into hidden locals
    /// now, in order (`a.b[f()].c[g()]`).
    fn place_with_indices_first(&mut self, e: &Expr) -> Operand {
        match e {
            Expr::Paren(p) => {
                let inner = self.place_with_indices_first(&p.expr);
                self.derived(quote!((#inner)), &[&inner])
            }
            Expr::Field(f) => {
                let base = self.place_with_indices_first(&f.base);
                let member = &f.member;
                self.derived(quote!(#base.#member), &[&base])
            }
            Expr::Index(i) if index_runs_code(e) => {
                let base = self.place_with_indices_first(&i.expr);
                let index = if is_place(&i.index) {
                    self.verbatim_expr(&i.index)
                } else {
                    let v = self.extract_temporaries(&i.index);
                    self.hoist(v, "tmp")
                };
                self.derived(quote!(#base[#index]), &[&base, &index])
            }
            _ => self.verbatim_place(e),
        }
    }

    /// `place op= value` where the order shows and the types are unseen (`s.l[yield_!(i)] +=
    /// f()`): both orders are lowered, and the step takes the one the operand types call for,
    /// `if builtin_op_assign(&probe.p, &probe.v) { value first } else { place first }`, the
    /// type-discovery pass tying `probe.p` and `probe.v` to the place's and the value's types
    /// (see `discovery`).
    fn lower_probed_compound_assign(&mut self, b: &syn::ExprBinary) -> Option<Operand> {
        // One probe per assignment of the body, shared by the copies of an enclosing probed
        // assignment's two orders.
        let key = super::sites::op_assign_key(b);
        let k = match self.sites.op_assigns.get(&key) {
            Some(&k) => k,
            None => {
                self.op_probes += 1;
                self.sites.op_assigns.insert(key, self.op_probes - 1);
                self.op_probes - 1
            }
        };
        let (p, v) = (syn::Index::from(2 * k), syn::Index::from(2 * k + 1));
        let (krate, probe) = (self.krate, crate::syntax::names::hidden("__coro_probe"));
        let head =
            super::plain(quote!(#krate::__private::builtin_op_assign(&#probe.#p, &#probe.#v)));
        let code = self.cursor.expect("alive");
        let (env, visible) = (self.env.clone(), self.visible());
        let mut join = None;
        let mut arms = Vec::new();
        for overloaded in [false, true] {
            self.enter_arm_scope();
            let arm_code = self.ir.new_code();
            self.cursor = Some(arm_code);
            if self.compound_assign_in_order(b, overloaded).is_some() && self.alive() {
                let target = *join.get_or_insert_with(|| {
                    self.new_block_in(
                        BlockKind::Join,
                        None,
                        env.clone(),
                        visible.clone(),
                        b.span(),
                    )
                });
                self.terminate(Term::Jump {
                    target,
                    value: None,
                });
            }
            self.env = env.clone();
            arms.push(Arm {
                guard: None,
                pat: quote!(),
                binds: vec![],
                code: arm_code,
            });
        }
        self.cursor = Some(code);
        self.terminate(Term::Branch(Branch {
            span: b.op.span(),
            kind: BranchKind::If,
            head,
            arms,
        }));
        let join = join?;
        self.switch_to(join);
        Some(super::plain(quote!(())))
    }

    /// Whether the value surely moves a local the place uses (`s.l[f(&d)] += d.add(1)` with an
    /// owned `d`): value first, the place could not use it, so the operator is an overloaded
    /// one. Surely: a consuming method on the local, or the local passed to a call, when the
    /// local is known to own a value that is not `Copy`, or is visibly not a number (a
    /// parameter `d: D`, seed 614180323402).
    fn value_moves_what_the_place_uses(&self, b: &syn::ExprBinary) -> bool {
        expr_yields(&b.left) && self.surely_moves(&b.right, &b.left)
    }

    /// Whether `from` surely moves (see [`surely_moved`]) a local that `used_in` names, one
    /// not known to be `Copy`.
    fn surely_moves(&self, from: &Expr, used_in: &Expr) -> bool {
        let used = used_in.to_token_stream();
        surely_moved(from).iter().any(|(name, consumed)| {
            name != "self"
                && self.resolve(name).is_some_and(|l| {
                    let local = &self.ir.locals[l];
                    !local.copy && (*consumed || local.owned || local.not_a_number)
                })
                && crate::syntax::names::mentions(&used, name)
        })
    }

    /// Whether a place is reached through a reference parameter (`self.v[i]`, `*m`), not a
    /// local the coroutine owns.
    fn place_behind_a_reference(&self, place: &Expr) -> bool {
        // The parameters are the locals of the outermost scope.
        place_root(place)
            .and_then(|name| self.resolve(&name))
            .is_some_and(|l| self.ir.locals[l].scope == 0 && !self.ir.locals[l].owned)
    }

    /// Whether the place of a compound assignment is a local whose value is visibly not a
    /// number (`m`, or `*{ …; &mut m }`), so that the operator is an overloaded one.
    fn place_not_a_number(&self, place: &Expr) -> bool {
        let local = match peel(place) {
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => match peel(&u.expr) {
                Expr::Block(b) => match b.block.stmts.last() {
                    Some(syn::Stmt::Expr(Expr::Reference(r), None)) => peel(&r.expr),
                    _ => return false,
                },
                Expr::Reference(r) => peel(&r.expr),
                _ => return false,
            },
            other => other,
        };
        match local {
            Expr::Path(p) if p.qself.is_none() => p
                .path
                .get_ident()
                .and_then(|i| self.resolve(&i.to_string()))
                .is_some_and(|l| self.ir.locals[l].not_a_number),
            _ => false,
        }
    }
}

/// Whether the value of a compound assignment is visibly not a number, so that the operator
/// is an overloaded one (`s += &t`, `s += "x"`, `v += other_vec`).
fn overloaded_operand(e: &Expr) -> bool {
    match peel(e) {
        Expr::Reference(_) | Expr::Struct(_) | Expr::Array(_) => true,
        Expr::Lit(l) => matches!(l.lit, syn::Lit::Str(_) | syn::Lit::ByteStr(_)),
        other => crate::syntax::guess::visibly_owned(other),
    }
}

pub fn is_compound_assign(op: &syn::BinOp) -> bool {
    use syn::BinOp::*;
    matches!(
        op,
        AddAssign(_)
            | SubAssign(_)
            | MulAssign(_)
            | DivAssign(_)
            | RemAssign(_)
            | BitXorAssign(_)
            | BitAndAssign(_)
            | BitOrAssign(_)
            | ShlAssign(_)
            | ShrAssign(_)
    )
}

pub(super) fn assigned_local(left: &Expr, l: &Lowerer) -> Option<LocalId> {
    match left {
        Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            l.resolve(&p.path.segments[0].ident.to_string())
        }
        _ => None,
    }
}

/// The name of the local (or parameter) a place is part of: `a` in `a.f[i]`, `*a`, `*{ …;
/// &mut a[i] }`.
fn place_root(place: &Expr) -> Option<String> {
    match peel(place) {
        Expr::Field(f) => place_root(&f.base),
        Expr::Index(i) => place_root(&i.expr),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => place_root(&u.expr),
        Expr::Reference(r) => place_root(&r.expr),
        Expr::Block(b) => match b.block.stmts.last() {
            Some(syn::Stmt::Expr(e, None)) => place_root(e),
            _ => None,
        },
        Expr::Path(p) => p.path.get_ident().map(|i| i.to_string()),
        _ => None,
    }
}

/// Whether evaluating the value before or after the place can be told apart: not when the value
/// is a literal or a plain name (nothing runs; the place's code cannot change a local it does
/// not name in a way the generated programs show).
fn order_may_show(b: &syn::ExprBinary) -> bool {
    !matches!(peel(&b.right), Expr::Lit(_) | Expr::Path(_))
}

/// Whether a place has an index that runs code (`v[i.len() - 1]`, not `v[i]` or `v[2]`).
fn index_runs_code(e: &Expr) -> bool {
    match e {
        Expr::Paren(p) => index_runs_code(&p.expr),
        Expr::Field(f) => index_runs_code(&f.base),
        Expr::Index(i) => {
            !matches!(peel(&i.index), Expr::Lit(_) | Expr::Path(_)) || index_runs_code(&i.expr)
        }
        _ => false,
    }
}

/// Whether a place goes through a pointer it computes (`*{ yield_!(); &mut a[1] }`), which the
/// place-first order holds while the value runs; an index is only a number until then.
fn derefs_a_computed_pointer(e: &Expr) -> bool {
    match e {
        Expr::Paren(p) => derefs_a_computed_pointer(&p.expr),
        Expr::Field(f) => derefs_a_computed_pointer(&f.base),
        Expr::Index(i) => derefs_a_computed_pointer(&i.expr),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
            !matches!(peel(&u.expr), Expr::Path(_))
        }
        _ => false,
    }
}

/// The locals code surely moves, by name, each with whether it is surely not `Copy` by itself:
/// the receiver of a method that takes `self` whatever the type (an operator trait's, a
/// conversion: not `sum` or `map`, which a type may define on `&self`), or a call's argument
/// (a move unless the local is `Copy`). `yield_!`'s and std's expression macros' arguments
/// count.
fn surely_moved(e: &Expr) -> Vec<(String, bool)> {
    struct Moved(Vec<(String, bool)>);
    impl<'ast> syn::visit::Visit<'ast> for Moved {
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            const CONSUMING: &[&str] = &[
                "add",
                "sub",
                "mul",
                "div",
                "rem",
                "bitand",
                "bitor",
                "bitxor",
                "shl",
                "shr",
                "neg",
                "not",
                "into",
                "into_iter",
                "into_inner",
                "unwrap",
                "expect",
            ];
            if CONSUMING.contains(&m.method.to_string().as_str()) {
                if let Expr::Path(p) = peel(&m.receiver) {
                    self.0
                        .extend(p.path.get_ident().map(|i| (i.to_string(), true)));
                }
            }
            syn::visit::visit_expr_method_call(self, m);
        }
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            for a in &c.args {
                if let Expr::Path(p) = peel(a) {
                    self.0
                        .extend(p.path.get_ident().map(|i| (i.to_string(), false)));
                }
            }
            syn::visit::visit_expr_call(self, c);
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            if crate::syntax::detect::yield_kind(m).is_some() {
                if let Ok(arg) = m.parse_body::<Expr>() {
                    self.visit_expr(&arg);
                }
            } else if let Some(args) = crate::syntax::macros::expression_macro_args(m) {
                for a in args.exprs() {
                    self.visit_expr(a);
                }
            }
        }
    }
    let mut moved = Moved(Vec::new());
    syn::visit::Visit::visit_expr(&mut moved, e);
    moved.0
}
