//! Before edition 2024, the temporaries of a block's tail expression outlive the block's own
//! locals: in `let v = { let a = D(1); D(2).get() };` the `D(2)` is dropped at the end of the
//! `let`, after `a` (rustc's "tail expression temporary scope", changed by edition 2024).
//!
//! A hidden local made for such a temporary ([`Lowerer::bind_temporary`]) is therefore
//! declared where the outermost block of the tail chain starts, in the enclosing scope
//! (`let mut __tmp;` before the block's `{`), and assigned where the temporary is made; that
//! scope drops it after the block's locals, as rustc does. In edition 2024, and for every
//! other temporary, the hidden local is bound where it is made.
//!
//! The same question, whether code being lowered must keep its temporaries as hidden locals,
//! has a second answer here: an operand that a later yield of its statement follows
//! ([`Lowerer::keeps_temporaries`]), whose temporaries live past that yield.
//!
//! A statement that yields has a home of its own too ([`Lowerer::make_statement_home`]): its
//! temporaries are declared where it starts, before the operands it computes and keeps for a
//! later call, so that those are dropped first, as rustc drops pending operands before the
//! statement's temporaries. Homes insert into code already written; positions are counted
//! without the insertions ([`inserted_at`]), so that one home's insertions never shift
//! another's.

use proc_macro2::{Ident, TokenStream};
use quote::{quote, ToTokens};

use super::Lowerer;
use crate::ir::{BlockId, CodeId, LocalId, Node, Operand, ScopeId};

/// Where the temporaries of a block's tail are declared: in `scope`, by `let`s inserted in
/// `code` at `at` (just before the block opens), after the scope's first `locals_at` locals.
#[derive(Clone, Copy)]
pub struct TailHome {
    scope: ScopeId,
    code: CodeId,
    at: usize,
    locals_at: usize,
    /// Blocks created from here on may have started inside the tail's block: they see the
    /// declarations too.
    blocks_at: BlockId,
    /// How many branches enclosed the code when the home was made: a temporary made inside
    /// more is made on some paths only (see [`Lowerer::bind_temporary`]).
    branches_at: usize,
}

/// A temporary bound to a hidden local (see [`Lowerer::bind_temporary`]).
pub struct Bound {
    pub local: LocalId,
    /// How the code refers to the temporary.
    pub tokens: TokenStream,
    /// Whether that use moves the local.
    pub moved: bool,
}

impl Bound {
    /// The temporary in `local` called `name`, used by a move (`consumed`) or in place; a
    /// `flagged` one is taken out of its `Flagged` or used through it.
    pub fn of(
        local: LocalId,
        name: Ident,
        flagged: bool,
        consumed: bool,
        krate: &syn::Path,
    ) -> Bound {
        let tokens = match (flagged, consumed) {
            (true, true) => quote!(#krate::__private::take(&mut #name)),
            (true, false) => quote!((*#name)),
            (false, _) => name.to_token_stream(),
        };
        Bound {
            local,
            tokens,
            moved: consumed && !flagged,
        }
    }
}

impl Lowerer<'_> {
    /// Where the tail temporaries of a block about to open go: those of the enclosing block's
    /// tail when this block is part of that tail, else just before this block.
    pub(super) fn tail_home_for_new_block(&mut self) -> Option<TailHome> {
        // A block a `break` may leave before its tail: its own temporaries are made on some
        // paths only (see `bind_temporary`).
        let breakable = std::mem::take(&mut self.opening_breakable_block);
        // A `loop`'s body: a home before it would hold one pass's temporaries across the
        // next (left as in edition 2024: dropped with the body, before its locals).
        if std::mem::take(&mut self.opening_loop_body) || !self.tails_pass_temporaries() {
            return None;
        }
        let parent = *self.env.last()?;
        if let Some((scope, home)) = self.tail_home {
            if scope == parent {
                return Some(home);
            }
        }
        let code = self.cursor?;
        let mut home = self.home_here(parent, code);
        home.branches_at = self.branch_depth.saturating_sub(usize::from(breakable));
        Some(home)
    }

    /// A home for temporaries in `scope`, at the end of `code` as it is now.
    fn home_here(&self, scope: ScopeId, code: CodeId) -> TailHome {
        TailHome {
            scope,
            code,
            at: self.ir.codes[code].len() - self.code_insertions.get(&code).map_or(0, Vec::len),
            locals_at: self.ir.scopes[scope].locals.len()
                - self.local_insertions.get(&scope).map_or(0, Vec::len),
            blocks_at: self.ir.blocks.len(),
            branches_at: self.branch_depth,
        }
    }

    /// Makes the statement scope just opened the home of the temporaries its statement makes:
    /// they are declared where it starts, before the operands it computes, so that an operand
    /// still waiting for its call is dropped before them (at an early exit or when the
    /// coroutine is dropped at a yield of the statement), as rustc drops a call's pending
    /// operands before the statement's temporaries.
    pub(super) fn make_statement_home(&mut self) {
        if let (Some(&scope), Some(code)) = (self.env.last(), self.cursor) {
            let home = self.home_here(scope, code);
            self.statement_homes.insert(scope, home);
        }
    }

    /// Where a temporary made now is declared: in the tail home when the code is a tail's,
    /// else in its statement's home, if it has one.
    fn home_for_temporary(&self) -> Option<TailHome> {
        if let Some((_, home)) = self.tail_home.filter(|_| self.in_tail_scope()) {
            return Some(home);
        }
        self.env
            .last()
            .and_then(|s| self.statement_homes.get(s))
            .copied()
    }

    /// Lowers a block's tail expression with its temporaries going to `home`.
    pub(super) fn with_tail_home<T>(
        &mut self,
        home: Option<TailHome>,
        lower: impl FnOnce(&mut Self) -> T,
    ) -> T {
        let scope = *self.env.last().expect("the block's scope");
        let saved = std::mem::replace(&mut self.tail_home, home.map(|h| (scope, h)));
        let out = lower(self);
        self.tail_home = saved;
        out
    }

    /// Whether the code being lowered is (part of) a block's tail expression whose
    /// temporaries go to a tail home.
    pub(super) fn in_tail_scope(&self) -> bool {
        self.tail_home
            .is_some_and(|(s, _)| self.env.last() == Some(&s))
    }

    /// Whether temporaries made by the code being lowered must become hidden locals: a tail's
    /// (before 2024), or those of an operand a later yield of the same statement follows
    /// (they live to the statement's end, past that yield).
    pub(super) fn keeps_temporaries(&self) -> bool {
        self.in_tail_scope()
            || (self.yield_follows_in.is_some()
                && self.yield_follows_in == self.env.last().copied())
    }

    /// Lowers an operand that a later yield of the same statement follows (see
    /// [`Lowerer::keeps_temporaries`]).
    pub(super) fn with_yield_following<T>(&mut self, lower: impl FnOnce(&mut Self) -> T) -> T {
        let saved = std::mem::replace(&mut self.yield_follows_in, self.env.last().copied());
        let out = lower(self);
        self.yield_follows_in = saved;
        out
    }

    /// Runs `lower` on code that runs on some paths only (a branch of an `if` or `match`, the
    /// body of a block a `break` may leave early).
    pub(super) fn in_branch<T>(&mut self, lower: impl FnOnce(&mut Self) -> T) -> T {
        self.branch_depth += 1;
        let out = lower(self);
        self.branch_depth -= 1;
        out
    }

    /// Binds `value`, a temporary Rust would keep to the end of its temporary scope, to a new
    /// hidden local; returns the local and how the code refers to the temporary.
    ///
    /// A tail's temporary made in a branch of the tail (`{ …; if c { D::new().get() } else
    /// { 0 } }`, or after a `break` out of a labelled block) exists on some paths only, and
    /// rustc drops it at the statement's end only where it was made. Its local then holds a
    /// `Flagged` (see `__private::drop_flag`) from the home on, empty until the temporary is
    /// made, so that a state can keep it whether or not it was: the code uses it as `(*__tmp)`.
    /// A `consumed` temporary is moved out of its `Flagged` (`take(&mut __tmp)`).
    pub(super) fn bind_temporary(&mut self, value: Operand, consumed: bool) -> Bound {
        let t = self.temp("tmp", true);
        let name = self.ir.locals[t].name.clone();
        match self.home_for_temporary() {
            Some(home) => {
                let flagged = self.branch_depth > home.branches_at;
                let krate = self.krate.clone();
                self.move_to_home(
                    t,
                    home,
                    flagged.then(|| quote!(#krate::__private::Flagged::moved())),
                );
                let mut effects = value.effects.clone();
                effects.assigns.insert(t);
                let tokens = if flagged {
                    quote!(#name = #krate::__private::Flagged::new(#value);)
                } else {
                    quote!(#name = #value;)
                };
                self.push(Node::Stmt(Operand { tokens, effects }));
                return Bound::of(t, name, flagged, consumed, &krate);
            }
            None => self.push(Node::Let {
                pat: quote!(mut #name),
                init: Some(value),
                els: None,
                binds: vec![t],
            }),
        }
        Bound::of(t, name, false, consumed, self.krate)
    }

    /// Declares a new hidden local without a value (`let mut __tmp;`) where
    /// [`Lowerer::bind_temporary`] would bind one, for code that assigns it.
    /// A `flagged` one holds a `Flagged`, empty until assigned.
    pub(super) fn declare_temporary(&mut self, flagged: bool) -> LocalId {
        let t = self.temp("tmp", true);
        let name = self.ir.locals[t].name.clone();
        let krate = self.krate;
        let init = flagged.then(|| quote!(#krate::__private::Flagged::moved()));
        match self.home_for_temporary() {
            Some(home) => self.move_to_home(t, home, init),
            None => self.push(Node::Let {
                pat: quote!(mut #name),
                init: init.map(super::plain),
                els: None,
                binds: vec![t],
            }),
        }
        t
    }

    /// Moves the just-declared `t` from the innermost scope to `home`, declared there after
    /// the temporaries declared there before it.
    fn move_to_home(&mut self, t: LocalId, home: TailHome, init: Option<TokenStream>) {
        let inner = self.ir.locals[t].scope;
        self.ir.scopes[inner].locals.retain(|&l| l != t);
        let position = inserted_at(
            self.local_insertions.entry(home.scope).or_default(),
            home.locals_at,
        );
        self.ir.scopes[home.scope].locals.insert(position, t);
        self.ir.locals[t].scope = home.scope;
        let name = self.ir.locals[t].name.clone();
        let at = inserted_at(self.code_insertions.entry(home.code).or_default(), home.at);
        self.ir.codes[home.code].insert(
            at,
            Node::Let {
                pat: quote!(mut #name),
                init: init.map(super::plain),
                els: None,
                binds: vec![t],
            },
        );
        // Blocks that began since see it, in its place among the home scope's locals.
        for b in home.blocks_at..self.ir.blocks.len() {
            let block = &self.ir.blocks[b];
            let Some(depth) = block.scopes.iter().position(|&s| s == home.scope) else {
                continue;
            };
            let outer: usize = block.scopes[..depth]
                .iter()
                .map(|&s| {
                    block
                        .visible
                        .iter()
                        .filter(|&&l| self.ir.locals[l].scope == s)
                        .count()
                })
                .sum();
            let before = block
                .visible
                .iter()
                .filter(|&&l| {
                    self.ir.locals[l].scope == home.scope
                        && self.ir.scopes[home.scope].locals[..position].contains(&l)
                })
                .count();
            self.ir.blocks[b].visible.insert(outer + before, t);
        }
    }
}

/// Where a node goes that is inserted at `at`, a position counted as if nothing had been
/// inserted before (homes record their positions so): after what was inserted there earlier,
/// and shifted by what was inserted before it. Records the insertion.
fn inserted_at(insertions: &mut Vec<usize>, at: usize) -> usize {
    let index = at + insertions.iter().filter(|&&i| i <= at).count();
    insertions.push(at);
    index
}
