//! Stage 3: explode the statements and expressions that contain a yield into blocks.
//!
//! Like regenerator's emitter, the lowering walks the body once, appending to the code of the
//! current block. Code without a yield is kept verbatim (rewritten by [`crate::rewrite`]); a
//! yield ends the current block and starts a new one, and control flow around a yield becomes
//! branches and jumps between blocks. Scopes are kept as they are in the source, so that locals
//! are dropped where the user's program drops them.
//!
//! - [`stmt`]: statements, `let`, blocks;
//! - [`expr`]: expressions, with operands evaluated left to right into temporaries;
//! - [`temps`]: where operand temporaries live;
//! - [`suspend`]: `yield_!` and `yield_from!`;
//! - [`branch`]: `&&`/`||`, `if`, `match`;
//! - [`loops`]: `loop`, `while`, `for`, labelled blocks;
//! - [`jump`]: `return`, `break`/`continue`, `?`.

mod assign;
mod branch;
mod expr;
mod jump;
mod loops;
mod sites;
mod stmt;
mod suspend;
mod tail_temps;
mod temps;
mod unsafe_code;
mod verbatim;

pub use assign::is_compound_assign;
use sites::{item_numbers, pattern_numbers, SitesByAddress};
pub use sites::{op_assign_key, Sites};
use unsafe_code::in_unsafe;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::{Ident, Path};

use crate::ir::*;
use crate::rewrite::LoopLabel;
use crate::syntax::names::hidden;

/// What the lowering hands on: the body as blocks, the items it hoisted out of the body, and
/// the start state's `field: expr` pairs (the fn's parameters).
pub struct Lowered {
    pub ir: Ir,
    pub hoisted: Vec<syn::Item>,
    pub start_values: Vec<(LocalId, TokenStream)>,
    /// The body as lowered (the signature's prelude first), and where it binds its locals.
    pub body: syn::Block,
    pub sites: Sites,
    /// How many compound assignments ask the types for their order (see `assign`).
    pub op_probes: usize,
}

/// Lowers a checked fn: its parameters become the start state's locals, then its body (after
/// the signature's prelude) is lowered from the start block.
pub fn lower_fn(
    f: &syn::ItemFn,
    prepared: &crate::signature::Prepared,
    args: &crate::args::Args,
) -> syn::Result<Lowered> {
    let self_alias = prepared
        .has_receiver
        .then(|| Ident::new("__self", Span::call_site()));
    let mut lower = Lowerer::new(&args.krate, self_alias);
    lower.task = args.task;
    lower.edition = crate::edition::of_package();
    let mut start_values = Vec::new();
    for p in &prepared.params {
        let l = lower.declare(p.name.clone(), p.mutable, false);
        lower.ir.locals[l].owned = p.owned;
        lower.ir.locals[l].copy = p.copy;
        lower.ir.locals[l].trivial_drop = p.trivial_drop;
        lower.ir.locals[l].plain = true;
        // Declared with a type that is not a primitive nor a reference (`dp: D`): not a number.
        lower.ir.locals[l].not_a_number = p.not_a_number;
        start_values.push((l, p.outer.clone()));
    }
    lower.start();
    let mut body = (*f.block).clone();
    if !prepared.prelude.is_empty() {
        let mut stmts = prepared.prelude.clone();
        stmts.extend(body.stmts);
        body.stmts = stmts;
    }
    let numbers = pattern_numbers(&body);
    let item_numbers = item_numbers(&body);
    lower.op_assign_keys = sites::op_assign_keys(&body);
    // The probes of `assign` are typed by the type-discovery pass, written unless a parameter
    // has an `impl Trait` type.
    lower.probes_allowed = !prepared
        .params
        .iter()
        .any(|p| crate::signature::contains_impl_trait(&p.ty));
    if let Some(value) = lower.lower_block(&body, Want::Value) {
        // The body's value completes the coroutine.
        lower.terminate_public(Term::Return(value));
    }
    if let Some(mut e) = lower.errors.pop() {
        for other in lower.errors.drain(..) {
            e.combine(other);
        }
        return Err(e);
    }
    let by_number = |addr: &*const syn::Pat| numbers.get(addr).copied();
    let sites = Sites {
        pats: lower
            .sites
            .pats
            .iter()
            .filter_map(|(a, ids)| Some((by_number(a)?, ids.clone())))
            .collect(),
        for_iters: lower
            .sites
            .for_iters
            .iter()
            .filter_map(|(a, id)| Some((by_number(a)?, *id)))
            .collect(),
        hoisted_items: lower
            .sites
            .hoisted
            .iter()
            .filter_map(|a| item_numbers.get(a).copied())
            .collect(),
        op_assigns: lower.sites.op_assigns.clone(),
    };
    Ok(Lowered {
        ir: lower.ir,
        hoisted: lower.hoisted,
        start_values,
        body,
        sites,
        op_probes: lower.op_probes,
    })
}

/// Whether the caller needs an expression's value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Want {
    Value,
    Discard,
}

/// A loop or labelled block split into blocks.
struct LoopCtx {
    head: Option<BlockId>,
    exit: Option<BlockId>,
    /// The scopes and locals in scope at the loop, for the exit block created on the first break.
    env: Vec<ScopeId>,
    visible: Vec<LocalId>,
    wants_value: bool,
    span: Span,
}

pub struct Lowerer<'a> {
    pub ir: Ir,
    krate: &'a Path,
    /// A task of the runtime's loop: requests passed on by `yield_from!` note its site.
    pub task: bool,
    /// The edition of the code, where it decides when temporaries are dropped.
    pub edition: crate::edition::Edition,
    /// Where nodes are appended; `None` after a terminator (the code that follows is dead).
    cursor: Option<CodeId>,
    env: Vec<ScopeId>,
    loops: Vec<LoopCtx>,
    labels: Vec<LoopLabel>,
    /// Items declared in the body: emitted once, before the state machine, so every arm sees them.
    pub hoisted: Vec<syn::Item>,
    pub errors: Vec<syn::Error>,
    self_alias: Option<Ident>,
    counts: [usize; 6],
    fields: HashSet<String>,
    /// The scopes and locals at the branch being lowered, for its join block.
    pending_env: Vec<ScopeId>,
    pending_visible: Vec<LocalId>,
    /// Where in the body each local was bound (see [`Sites`]).
    sites: SitesByAddress,
    /// How many `unsafe` blocks enclose the code being lowered: the code a yield splits out
    /// of one is written inside `unsafe { }` again, piece by piece.
    unsafe_depth: usize,
    /// The block scope whose tail expression is being lowered, and where its temporaries go
    /// (see `tail_temps`).
    tail_home: Option<(ScopeId, tail_temps::TailHome)>,
    /// The scope of an operand that a later yield of its statement follows (see
    /// `Lowerer::keeps_temporaries`).
    yield_follows_in: Option<ScopeId>,
    /// The keys of the compound assignments the type-discovery pass sees (see
    /// `sites::op_assign_keys`).
    op_assign_keys: HashSet<String>,
    /// Whether a compound assignment may ask the types for its order (see `assign`).
    probes_allowed: bool,
    /// How many do.
    op_probes: usize,
    /// Where the nodes and locals that homes inserted went, counted without the insertions
    /// (see `tail_temps::inserted_at`).
    code_insertions: HashMap<CodeId, Vec<usize>>,
    local_insertions: HashMap<ScopeId, Vec<usize>>,
    /// The home of each statement scope's temporaries (see `Lowerer::make_statement_home`).
    statement_homes: HashMap<ScopeId, tail_temps::TailHome>,
    /// While the tail of a block with statements inside a verbatim operand is rewritten: the
    /// assignments of its temporaries, to write in the block before its tail (see
    /// `temps::extract_in`).
    in_block_temporaries: Option<temps::InBlock>,
    /// How many branches enclose the code being lowered (see `Lowerer::in_branch`).
    branch_depth: usize,
    /// Set by a labelled block for the block it opens (see `Lowerer::tail_home_for_new_block`).
    opening_breakable_block: bool,
    /// Set by a `loop` for its body (see `Lowerer::tail_home_for_new_block`).
    opening_loop_body: bool,
    /// Set by a `loop` for its body: its unit tail stays the tail of the body's Rust block,
    /// whose locals rustc drops before the tail's temporaries before 2024 (see `lower_block`).
    loop_body_tail: bool,
    /// The items hoisted so far, by their tokens (see `lower_stmt`).
    hoisted_tokens: HashSet<String>,
}

impl<'a> Lowerer<'a> {
    pub fn new(krate: &'a Path, self_alias: Option<Ident>) -> Self {
        let mut l = Lowerer {
            ir: Ir::default(),
            krate,
            task: false,
            cursor: None,
            env: Vec::new(),
            loops: Vec::new(),
            labels: Vec::new(),
            hoisted: Vec::new(),
            errors: Vec::new(),
            self_alias,
            counts: [0; 6],
            fields: HashSet::default(),
            pending_env: Vec::new(),
            pending_visible: Vec::new(),
            sites: SitesByAddress::default(),
            unsafe_depth: 0,
            tail_home: None,
            yield_follows_in: None,
            op_assign_keys: HashSet::default(),
            probes_allowed: false,
            op_probes: 0,
            code_insertions: HashMap::default(),
            local_insertions: HashMap::default(),
            statement_homes: HashMap::default(),
            in_block_temporaries: None,
            branch_depth: 0,
            opening_breakable_block: false,
            opening_loop_body: false,
            loop_body_tail: false,
            hoisted_tokens: HashSet::default(),
            edition: crate::edition::Edition::Unknown,
        };
        let root = l.ir.scopes.len();
        l.ir.scopes.push(Scope {
            locals: Vec::new(),
            result: None,
            statement: false,
        });
        l.env.push(root);
        l
    }

    /// Creates the start block and makes it current.
    pub fn start(&mut self) -> BlockId {
        let b = self.new_block(BlockKind::Start, None, Span::call_site());
        self.switch_to(b);
        b
    }

    fn error(&mut self, span: Span, msg: impl std::fmt::Display) {
        self.errors.push(syn::Error::new(span, msg));
    }

    // ---- locals and scopes ----

    /// Declares a local in the innermost open scope.
    pub fn declare(&mut self, name: Ident, mutable: bool, is_hidden: bool) -> LocalId {
        let scope = *self.env.last().expect("a scope is always open");
        let base = field_base(&name.to_string());
        let mut field = base.clone();
        let mut n = 1;
        while !self.fields.insert(field.clone()) {
            field = format!("{base}_{n}");
            n += 1;
        }
        let id = self.ir.locals.len();
        self.ir.locals.push(Local {
            span: name.span(),
            text: name.to_string(),
            name,
            field: Ident::new(&field, Span::call_site()),
            mutable,
            scope,
            borrows: None,
            deferred: false,
            hidden: is_hidden,
            owned: false,
            copy: false,
            trivial_drop: false,
            typed: false,
            plain: false,
            not_a_number: false,
        });
        self.ir.scopes[scope].locals.push(id);
        id
    }

    /// A new hidden temporary, e.g. `__tmp3` (mixed-site: user code cannot see it). It starts
    /// uninitialised: a `let`, a jump or a resume gives it its value.
    fn temp(&mut self, base: &str, mutable: bool) -> LocalId {
        let id = self.declare(hidden(&format!("__{base}")), mutable, true);
        // Named after its (unique) field: `iter: __iter`, `iter_1: __iter_1`.
        let field = self.ir.locals[id].field.to_string();
        self.ir.locals[id].name = hidden(&format!("__{field}"));
        self.ir.locals[id].text = format!("__{field}");
        self.ir.locals[id].deferred = true;
        id
    }

    /// The innermost visible user local called `name`.
    fn resolve(&self, name: &str) -> Option<LocalId> {
        let name = if name == "self" && self.self_alias.is_some() {
            "__self"
        } else {
            name
        };
        for &s in self.env.iter().rev() {
            for &l in self.ir.scopes[s].locals.iter().rev() {
                let local = &self.ir.locals[l];
                if !local.hidden && local.name == name {
                    return Some(l);
                }
            }
        }
        None
    }

    fn visible(&self) -> Vec<LocalId> {
        self.env
            .iter()
            .flat_map(|&s| self.ir.scopes[s].locals.iter().copied())
            .collect()
    }

    fn open_scope(&mut self, result: Option<LocalId>) -> ScopeId {
        let id = self.ir.scopes.len();
        self.ir.scopes.push(Scope {
            locals: Vec::new(),
            result,
            statement: false,
        });
        self.push(Node::Open(id));
        self.env.push(id);
        id
    }

    /// Opens the scope of the temporaries of one yielding statement or condition, whose value
    /// goes to `result` (see [`Scope::statement`]).
    fn open_statement_scope(&mut self, result: LocalId) -> ScopeId {
        let id = self.open_scope(Some(result));
        self.ir.scopes[id].statement = true;
        self.make_statement_home();
        id
    }

    fn close_scope(&mut self, value: Option<Operand>) {
        let scope = self.env.pop().expect("a scope to close");
        self.push(Node::Close(scope, value));
    }

    /// A scope that is not written as a Rust block of its own (a branch arm's).
    fn enter_arm_scope(&mut self) {
        let id = self.ir.scopes.len();
        self.ir.scopes.push(Scope {
            locals: Vec::new(),
            result: None,
            statement: false,
        });
        self.env.push(id);
    }

    // ---- blocks and code ----

    fn new_block(&mut self, kind: BlockKind, param: Option<LocalId>, span: Span) -> BlockId {
        let visible = self
            .visible()
            .into_iter()
            .filter(|l| Some(*l) != param)
            .collect();
        self.new_block_in(kind, param, self.env.clone(), visible, span)
    }

    fn new_block_in(
        &mut self,
        kind: BlockKind,
        param: Option<LocalId>,
        scopes: Vec<ScopeId>,
        visible: Vec<LocalId>,
        span: Span,
    ) -> BlockId {
        let index = kind as usize;
        self.counts[index] += 1;
        let name = match kind {
            BlockKind::Start => "Start".to_string(),
            BlockKind::AfterYield => format!("AfterYield{}", self.counts[index]),
            BlockKind::AfterYieldFrom => format!("AfterYieldFrom{}", self.counts[index]),
            BlockKind::LoopHead => format!("LoopHead{}", self.counts[index]),
            BlockKind::LoopExit => format!("LoopExit{}", self.counts[index]),
            BlockKind::Join => format!("Join{}", self.counts[index]),
        };
        let code = self.ir.new_code();
        self.ir.blocks.push(Block {
            kind,
            name: Ident::new(&name, Span::call_site()),
            code,
            scopes,
            param,
            visible,
            span,
        });
        self.ir.blocks.len() - 1
    }

    fn switch_to(&mut self, block: BlockId) {
        let b = &self.ir.blocks[block];
        self.cursor = Some(b.code);
        self.env = b.scopes.clone();
    }

    fn alive(&self) -> bool {
        self.cursor.is_some()
    }

    fn push(&mut self, node: Node) {
        let node = if self.unsafe_depth > 0 {
            in_unsafe(node)
        } else {
            node
        };
        if let Some(c) = self.cursor {
            self.ir.codes[c].push(node);
        }
    }

    pub fn terminate_public(&mut self, term: Term) {
        self.terminate(term);
    }

    fn terminate(&mut self, term: Term) {
        self.push(Node::Term(term));
        self.cursor = None;
    }

    /// The exit block of a split loop, created on first use.
    fn loop_exit(&mut self, index: usize) -> BlockId {
        if let Some(b) = self.loops[index].exit {
            return b;
        }
        let ctx = &self.loops[index];
        let (env, visible, wants, span) = (
            ctx.env.clone(),
            ctx.visible.clone(),
            ctx.wants_value,
            ctx.span,
        );
        let param = if wants {
            // The loop's value is declared in the scope the loop stands in.
            let saved_env = std::mem::replace(&mut self.env, env.clone());
            let p = self.temp("broke", false);
            self.env = saved_env;
            Some(p)
        } else {
            None
        };
        let b = self.new_block_in(BlockKind::LoopExit, param, env, visible, span);
        self.loops[index].exit = Some(b);
        b
    }

    /// Evaluates an operand into a new temporary, so that it is computed now.
    fn hoist(&mut self, op: Operand, base: &str) -> Operand {
        let t = self.temp(base, false);
        let name = self.ir.locals[t].name.clone();
        self.push(Node::Let {
            pat: name.to_token_stream(),
            init: Some(op),
            els: None,
            binds: vec![t],
        });
        self.local_operand(t)
    }

    fn local_operand(&self, l: LocalId) -> Operand {
        let mut effects = Effects::default();
        effects.uses.insert(l);
        effects.moves.insert(l);
        Operand {
            tokens: self.ir.locals[l].name.to_token_stream(),
            effects,
        }
    }
}

/// A field name for a local: its name without leading underscores or `r#`, never a keyword
/// (`self` becomes `self_`).
fn field_base(name: &str) -> String {
    let name = name
        .strip_prefix("r#")
        .unwrap_or(name)
        .trim_start_matches('_');
    if name.is_empty() {
        "value".to_string()
    } else if syn::parse_str::<Ident>(name).is_err() {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// An operand of generated tokens that may hold placeholders of other exits (`return x?`).
fn with_placeholders(tokens: TokenStream) -> Operand {
    let mut op = plain(tokens);
    op.effects.embedded = crate::rewrite::placeholders_in(&op.tokens);
    op
}

/// An operand with no tracked effects (generated code, or code whose effects are counted
/// elsewhere).
pub fn plain(tokens: TokenStream) -> Operand {
    Operand {
        tokens,
        effects: Effects::default(),
    }
}
