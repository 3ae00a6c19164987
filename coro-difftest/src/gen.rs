//! The program generator: random, well-typed coroutine bodies from a seed.
//!
//! It tracks the locals in scope (with their types, mutability and whether they were moved),
//! the loops and labelled blocks around the current point (for `break` / `continue`), and
//! generates expressions of a wanted type, so that every program it writes compiles in the
//! native form. A [`Config`] switches constructs off.

use crate::ast::*;
use crate::config::{Config, Feature as F};
use crate::rng::Rng;

#[derive(Clone, Debug)]
struct Var {
    name: String,
    ty: Ty,
    mutable: bool,
    moved: bool,
    loop_depth: usize,
}

#[derive(Clone, Debug)]
struct Ctx {
    label: Option<String>,
    is_loop: bool,
    value: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ret {
    I64,
    Res,
    Opt,
}

/// A place other than a plain local that expressions may read and assignments may write.
#[derive(Clone, Debug)]
enum PlaceKind {
    /// An `i64` place (`*m`, `self.n`, `pp.a`, `*x`), assignable when `mutable`.
    I64 { text: String, mutable: bool },
    /// A read-only `i64` value (`(self.items.len() as i64)`, `(s3.len() as i64)`).
    Read(String),
    /// A local `[i64; 4]`.
    Arr(String),
    /// A local `Acc` (an array field, an `i64` field, two `L`s).
    Acc(String),
    /// A local `L` (overloaded `+=` / `-=` that log).
    L(String),
    /// The fields of `&mut self` that need an index or a method: `self.buf[i]`,
    /// `self.buf.push(…)`, `self.ls[i] += …` (behind a reference, so the right operand may
    /// yield).
    SelfMut,
    /// A `&[i64]` parameter of three elements.
    Slice(String),
}

#[derive(Clone, Debug)]
struct Place {
    kind: PlaceKind,
    /// What a borrow must not overlap (see [`Gen::locks`]).
    keys: Vec<String>,
}

/// An item declared in the body, usable after its declaration in its block.
#[derive(Clone, Debug)]
enum Item {
    /// `fn f(a: i64) -> i64`.
    Fn(String),
    /// `const K: i64`.
    Const(String),
    /// `struct T { v: i64 }` with `fn get(&self) -> i64`.
    Struct(String),
    /// A nested coroutine fn `fn c(q: i64) -> i64`.
    Co(String),
}

struct Gen<'a> {
    rng: &'a mut Rng,
    cfg: &'a Config,
    vars: Vec<Var>,
    ctxs: Vec<Ctx>,
    loop_depth: usize,
    next: usize,
    ret: Ret,
    subs: usize,
    budget: usize,
    /// Inside the value of a `break` or `return` (where `?` is off unless [`F::TryInJump`]).
    in_jump_value: usize,
    /// Places besides the locals (reference parameters, `self`'s fields, arrays, …).
    places: Vec<Place>,
    /// Borrows in force, `(key, full)`: a full one forbids every use of a place with that key,
    /// a shared one forbids writes.
    locks: Vec<(String, bool)>,
    /// Items declared in the enclosing blocks.
    items: Vec<Item>,
    /// The receiver of the main coroutine: `Some(true)` for `&mut self`, `Some(false)` for
    /// `&self`.
    recv: Option<bool>,
    /// The main coroutine has the reference parameters `r`, `m`, `v`, `pp`.
    refp: bool,
}

/// Generates the program of a seed.
///
/// ```
/// use coro_difftest::{generate, Config};
///
/// let a = generate(42, &Config::all());
/// let b = generate(42, &Config::all());
/// assert_eq!(coro_difftest::render::show(&a), coro_difftest::render::show(&b));
/// ```
pub fn generate(seed: u64, cfg: &Config) -> Program {
    let mut rng = Rng::new(seed);
    let nsubs = if cfg.has(F::YieldFrom) || cfg.has(F::HandDriven) {
        rng.below(cfg.max_subs + 1)
    } else {
        0
    };
    let mut next = 0;
    let mut subs = Vec::new();
    for k in 0..nsubs {
        let mut g = Gen {
            rng: &mut rng,
            cfg,
            vars: Vec::new(),
            ctxs: Vec::new(),
            loop_depth: 0,
            next,
            ret: Ret::I64,
            subs: k,
            budget: 8,
            in_jump_value: 0,
            places: Vec::new(),
            locks: Vec::new(),
            items: Vec::new(),
            recv: None,
            refp: false,
        };
        g.declare("q", Ty::I64, false);
        let body = g.fn_body(cfg.max_depth.min(2));
        next = g.next;
        subs.push(CoFn {
            name: format!("sub{k}"),
            params: vec![("q".into(), "i64".into())],
            ret: "i64".into(),
            body,
            ..CoFn::default()
        });
    }
    let ret = match rng.below(4) {
        0 if cfg.has(F::TryResult) => Ret::Res,
        1 if cfg.has(F::TryOption) => Ret::Opt,
        _ => Ret::I64,
    };
    let with_dp = cfg.has(F::DropParam) && rng.pct(50);
    // A `&self` (false) or `&mut self` (true) method; reference parameters.
    let recv = (cfg.has(F::MethodSelf) && rng.pct(40)).then(|| rng.pct(70));
    let refp = cfg.has(F::RefParam) && rng.pct(50);
    let mut g = Gen {
        rng: &mut rng,
        cfg,
        vars: Vec::new(),
        ctxs: Vec::new(),
        loop_depth: 0,
        next,
        ret,
        subs: nsubs,
        budget: 24,
        in_jump_value: 0,
        places: Vec::new(),
        locks: Vec::new(),
        items: Vec::new(),
        recv,
        refp,
    };
    let mut params = vec![("p".to_string(), "i64".to_string())];
    g.declare("p", Ty::I64, false);
    if with_dp {
        params.push(("dp".to_string(), "D".to_string()));
        g.declare("dp", Ty::D, false);
    }
    let mut pre = Vec::new();
    let mut post = Vec::new();
    if refp {
        for (n, t) in [
            ("r", "&i64"),
            ("m", "&mut i64"),
            ("v", "&[i64]"),
            ("pp", "&mut P"),
        ] {
            params.push((n.to_string(), t.to_string()));
        }
        let (k1, k2, k3) = (g.rng.range(0, 9), g.rng.range(0, 9), g.rng.range(0, 9));
        pre.push(format!("let r0 = {k1}i64;\n    let mut m0 = {k2}i64;\n    let v0 = vec![1i64, {k3}, 3];\n    let mut pp0 = P {{ a: 1, b: {k3} }};"));
        post.push(("m={} pp=({}, {})", "m0, pp0.a, pp0.b"));
        g.place(
            PlaceKind::I64 {
                text: "*r".into(),
                mutable: false,
            },
            &["r"],
        );
        g.place(
            PlaceKind::I64 {
                text: "*m".into(),
                mutable: true,
            },
            &["m"],
        );
        g.place(
            PlaceKind::I64 {
                text: "pp.a".into(),
                mutable: true,
            },
            &["pp"],
        );
        g.place(
            PlaceKind::I64 {
                text: "pp.b".into(),
                mutable: true,
            },
            &["pp"],
        );
        g.place(PlaceKind::Read("pp.sum()".into()), &["pp"]);
        g.place(PlaceKind::Slice("v".into()), &["v"]);
    }
    if let Some(m) = recv {
        let k = g.rng.range(0, 9);
        pre.push(format!("let mut s = S::new({k});"));
        post.push(("self {:?}", "s"));
        g.place(
            PlaceKind::I64 {
                text: "self.n".into(),
                mutable: m,
            },
            &["self.n"],
        );
        g.place(
            PlaceKind::Read("(self.items.len() as i64)".into()),
            &["self.items"],
        );
        g.place(
            PlaceKind::Read("self.total()".into()),
            &["self.buf", "self.n"],
        );
        if m {
            g.place(PlaceKind::SelfMut, &["self.buf", "self.ls"]);
        }
    }
    let body = g.fn_body(cfg.max_depth);
    let p0 = g.rng.range(0, 9);
    let mut call_args = if with_dp {
        format!("{p0}, D::new(1000, {})", g.rng.range(0, 9))
    } else {
        format!("{p0}")
    };
    if refp {
        call_args.push_str(", &r0, &mut m0, &v0, &mut pp0");
    }
    let post = if post.is_empty() {
        String::new()
    } else {
        let fmt: Vec<&str> = post.iter().map(|p| p.0).collect();
        let args: Vec<&str> = post.iter().map(|p| p.1).collect();
        format!(
            "format!(\"\\nafter {}\", {})",
            fmt.join(" "),
            args.join(", ")
        )
    };
    let resumes: Vec<i64> = (0..cfg.resumes).map(|_| rng.range(0, 12)).collect();
    let mut extra_tags = Vec::new();
    if with_dp {
        extra_tags.push(F::DropParam);
    }
    let stop = if cfg.has(F::EarlyDrop) && rng.pct(30) {
        extra_tags.push(F::EarlyDrop);
        rng.range(1, 8) as usize
    } else {
        resumes.len()
    };
    Program {
        seed,
        subs,
        main: CoFn {
            name: "prog".into(),
            receiver: recv.map(|m| if m { "&mut self" } else { "&self" }.to_string()),
            params,
            ret: match ret {
                Ret::I64 => "i64",
                Ret::Res => "Result<i64, i64>",
                Ret::Opt => "Option<i64>",
            }
            .into(),
            body,
            nested: false,
        },
        call_args,
        pre: pre.join("\n    "),
        callee: if recv.is_some() { "s.prog" } else { "prog" }.into(),
        post,
        resumes,
        stop,
        extra_tags,
    }
}

fn e(x: Expr) -> Node {
    Node::E(x)
}

fn b(x: Block) -> Node {
    Node::B(x)
}

const BINOPS: &[&str] = &["+", "-", "^", "|", "&"];
const CMPS: &[&str] = &["<", "==", ">=", "!="];

impl Gen<'_> {
    fn on(&self, f: F) -> bool {
        self.cfg.has(f)
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }

    fn id(&mut self) -> usize {
        self.next += 1;
        self.next
    }

    fn declare(&mut self, name: &str, ty: Ty, mutable: bool) {
        self.vars.push(Var {
            name: name.to_string(),
            ty,
            mutable,
            moved: false,
            loop_depth: self.loop_depth,
        });
    }

    /// Indices of the visible, not moved locals of a type.
    fn visible(&self, ty: Ty) -> Vec<usize> {
        let mut out = Vec::new();
        for (i, v) in self.vars.iter().enumerate() {
            let shadowed = self.vars[i + 1..].iter().any(|w| w.name == v.name);
            if !shadowed && v.ty == ty && !v.moved {
                out.push(i);
            }
        }
        out
    }

    fn movable(&self) -> Vec<usize> {
        self.visible(Ty::D)
            .into_iter()
            .filter(|&i| self.vars[i].loop_depth == self.loop_depth)
            .collect()
    }

    fn pick(&mut self, v: &[usize]) -> usize {
        v[self.rng.below(v.len())]
    }

    fn snapshot(&self) -> Vec<bool> {
        self.vars.iter().map(|v| v.moved).collect()
    }

    fn restore(&mut self, s: &[bool]) {
        for (v, m) in self.vars.iter_mut().zip(s) {
            v.moved = *m;
        }
    }

    fn merge(&self, acc: &mut [bool]) {
        for (a, v) in acc.iter_mut().zip(&self.vars) {
            *a |= v.moved;
        }
    }

    /// Generates alternatives (branches) of which one runs, merging what they move.
    fn branches<T>(&mut self, n: usize, mut f: impl FnMut(&mut Self, usize) -> T) -> Vec<T> {
        let s = self.snapshot();
        let mut acc = s.clone();
        let mut out = Vec::new();
        for i in 0..n {
            self.restore(&s);
            out.push(f(self, i));
            self.merge(&mut acc);
        }
        self.restore(&acc);
        out
    }

    /// The value of a `break`.
    fn break_value(&mut self, d: usize, y: bool) -> Expr {
        self.in_jump_value += 1;
        let v = self.ex_i64(d, y);
        self.in_jump_value -= 1;
        v
    }

    /// The value of a `return`.
    fn return_value(&mut self, d: usize) -> Expr {
        self.in_jump_value += 1;
        let t = self.ret_ty();
        let v = self.ex(t, d, true);
        self.in_jump_value -= 1;
        v
    }

    fn ret_ty(&self) -> Ty {
        match self.ret {
            Ret::I64 => Ty::I64,
            Ret::Res => Ty::Res,
            Ret::Opt => Ty::Opt,
        }
    }

    fn fn_body(&mut self, depth: usize) -> Block {
        let n = 2 + self.rng.below(self.cfg.max_stmts.max(2));
        let t = self.ret_ty();
        self.block_with(depth, n, Some(t))
    }

    /// A block of `n` statements (and a tail of type `tail`), in a new scope.
    fn block_with(&mut self, depth: usize, n: usize, tail: Option<Ty>) -> Block {
        self.block_ext(depth, n, tail, &mut |_| Vec::new())
    }

    /// A block of `n` statements, then the statements `extra` makes (in the same scope), then
    /// the tail.
    fn block_ext(
        &mut self,
        depth: usize,
        n: usize,
        tail: Option<Ty>,
        extra: &mut dyn FnMut(&mut Self) -> Vec<Stmt>,
    ) -> Block {
        let mark = self.vars.len();
        let marks = (self.places.len(), self.locks.len(), self.items.len());
        let mut stmts = Vec::new();
        for _ in 0..n {
            if self.budget == 0 {
                break;
            }
            self.budget -= 1;
            stmts.extend(self.stmt(depth));
        }
        stmts.extend(extra(self));
        let tail = tail.map(|t| Box::new(self.ex(t, depth.min(2), true)));
        self.vars.truncate(mark);
        self.places.truncate(marks.0);
        self.locks.truncate(marks.1);
        self.items.truncate(marks.2);
        Block { stmts, tail }
    }

    fn block(&mut self, depth: usize, tail: Option<Ty>) -> Block {
        self.block_then(depth, tail, &mut |_| Vec::new())
    }

    fn block_then(
        &mut self,
        depth: usize,
        tail: Option<Ty>,
        extra: &mut dyn FnMut(&mut Self) -> Vec<Stmt>,
    ) -> Block {
        let n = self.rng.below(self.cfg.max_stmts.min(3) + 1);
        self.block_ext(depth, n, tail, extra)
    }

    /// `if cond { break 'l [value]; }` followed by a few more statements, for labelled blocks.
    fn break_out_then_more(&mut self, d: usize, y: bool, l: &str, value: bool) -> Vec<Stmt> {
        let c = self.cond(d, y);
        let brk = if value {
            let v = self.break_value(d, y);
            Stmt::new(format!("break {l} @0;"), vec![e(v)])
        } else {
            Stmt::new(format!("break {l};"), vec![])
        };
        let blk = Block {
            stmts: vec![brk],
            tail: None,
        };
        let mut out = vec![Stmt::new("if @0 @1", vec![e(c), b(blk)]).tag(F::If)];
        let n = self.rng.below(3);
        for _ in 0..n {
            if self.budget == 0 {
                break;
            }
            self.budget -= 1;
            out.extend(self.stmt(d));
        }
        out
    }

    // ---- expressions ----

    fn ex(&mut self, ty: Ty, d: usize, y: bool) -> Expr {
        match ty {
            Ty::I64 => self.ex_i64(d, y),
            Ty::Bool => self.ex_bool(d, y),
            Ty::D => self.ex_d(d, y),
            Ty::Opt => self.ex_opt(d, y),
            Ty::Res => self.ex_res(d, y),
            Ty::Unit => Expr::leaf(Ty::Unit, "()"),
            Ty::Vec => self.ex_vec(d, y),
        }
    }

    fn yat(&self, y: bool, f: F) -> bool {
        y && self.on(f)
    }

    fn lit(&mut self) -> Expr {
        let n = self.rng.range(0, 9);
        Expr::leaf(Ty::I64, n.to_string())
    }

    /// Tags an expression with `f` when `kid` contains a yield.
    fn yield_tag(x: Expr, kid: &Expr, f: F) -> Expr {
        if kid.has_yield() {
            x.tag(f)
        } else {
            x
        }
    }

    fn ex_i64(&mut self, d: usize, y: bool) -> Expr {
        let vars = self.visible(Ty::I64);
        let dvars = self.visible(Ty::D);
        let ovars = self.visible(Ty::Opt);
        let movable = self.movable();
        let deep = d > 0;
        let try_ok = (self.in_jump_value == 0 || self.on(F::TryInJump))
            && match self.ret {
                Ret::I64 => false,
                Ret::Res => self.on(F::TryResult),
                Ret::Opt => self.on(F::TryOption),
            };
        let w = [
            3,                                                  // 0 lit
            if vars.is_empty() { 0 } else { 5 },                // 1 var
            if y && self.on(F::ResumeArg) { 4 } else { 0 },     // 2 yield
            if deep { 3 } else { 0 },                           // 3 binop
            if deep { 2 } else { 0 },                           // 4 h2
            if deep { 1 } else { 0 },                           // 5 lg
            if deep { 2 } else { 0 },                           // 6 wrapping_add
            if deep && self.on(F::DropLocal) { 1 } else { 0 },  // 7 D::add
            if deep { 1 } else { 0 },                           // 8 struct
            if deep { 1 } else { 0 },                           // 9 tuple
            if deep { 1 } else { 0 },                           // 10 array
            if deep && self.on(F::BlockValue) { 1 } else { 0 }, // 11 block
            if deep && self.on(F::If) { 1 } else { 0 },         // 12 if
            if deep && self.on(F::Match) { 1 } else { 0 },      // 13 match
            if deep && self.on(F::Loop) && self.on(F::BreakValue) {
                1
            } else {
                0
            }, // 14 loop value
            if deep && self.on(F::LabeledBlock) {
                1
            } else {
                0
            }, // 15 labelled block
            if self.on(F::DropTemp) { 1 } else { 0 },           // 16 temp D
            if self.on(F::DropMove) && !movable.is_empty() {
                1
            } else {
                0
            }, // 17 consume
            if dvars.is_empty() { 0 } else { 2 },               // 18 d.get()
            if try_ok { 2 } else { 0 },                         // 19 ?
            if y && self.on(F::YieldFrom) && self.subs > 0 {
                2
            } else {
                0
            }, // 20 yield_from
            if ovars.is_empty() { 0 } else { 1 },               // 21 unwrap_or
            if self.on(F::Panic) { 1 } else { 0 },              // 22 boom
            if self.readable().is_empty() { 0 } else { 3 },     // 23 place
            if self.items.is_empty() { 0 } else { 2 },          // 24 item
            if self.visible(Ty::Vec).is_empty() {
                0
            } else {
                2
            }, // 25 vec
            if self.on(F::YieldUnsafe) { 1 } else { 0 },        // 26 unsafe
            if deep && self.on(F::YieldMacroArg) {
                1
            } else {
                0
            }, // 27 macro
        ];
        let d1 = d.saturating_sub(1);
        match self.rng.weighted(&w).unwrap_or(0) {
            1 => {
                let i = self.pick(&vars);
                Expr::leaf(Ty::I64, self.vars[i].name.clone())
            }
            2 => {
                let inner = self.ex_i64(d1, self.yat(y, F::YieldNested));
                let nested = inner.has_yield();
                let mut x = Expr {
                    ty: Ty::I64,
                    kind: ExprKind::Yield(Box::new(inner)),
                    tags: vec![F::ResumeArg],
                };
                if nested {
                    x = x.tag(F::YieldNested);
                }
                x
            }
            3 => {
                let op = BINOPS[self.rng.below(BINOPS.len())];
                let yy = self.yat(y, F::YieldBinOp);
                let a = self.ex_i64(d1, yy);
                let bb = self.ex_i64(d1, yy);
                let hy = a.has_yield() || bb.has_yield();
                let x = Expr::t(Ty::I64, format!("(@0 {op} @1)"), vec![e(a), e(bb)]);
                if hy {
                    x.tag(F::YieldBinOp)
                } else {
                    x
                }
            }
            pick @ (4 | 5 | 22) => {
                let yy = self.yat(y, F::YieldCallArg);
                let k = self.id();
                let a = self.ex_i64(d1, yy);
                let (t, kids) = match pick {
                    22 => (format!("boom({k}, @0)"), vec![a]),
                    4 => {
                        let bb = self.ex_i64(d1, yy);
                        ("h2(@0, @1)".to_string(), vec![a, bb])
                    }
                    _ => (format!("lg({k}, @0)"), vec![a]),
                };
                let hy = kids.iter().any(Expr::has_yield);
                let mut x = Expr::t(Ty::I64, t, kids.into_iter().map(e).collect());
                if hy {
                    x = x.tag(F::YieldCallArg);
                }
                if pick == 22 {
                    x = x.tag(F::Panic);
                }
                x
            }
            6 => {
                let mut r = self.ex_i64(d1, self.yat(y, F::YieldMethodRecv));
                if let ExprKind::T(t, kids) = &mut r.kind {
                    if kids.is_empty() && t.parse::<i64>().is_ok() {
                        t.push_str("i64");
                    }
                }
                let inferred = r.typed_by_yield() && self.on(F::InferredRecv);
                if !inferred {
                    r = Expr::t(Ty::I64, "(@0) as i64", vec![e(r)]);
                }
                let a = self.ex_i64(d1, self.yat(y, F::YieldMethodArg));
                let m = ["wrapping_add", "wrapping_sub", "max", "min"][self.rng.below(4)];
                let x = Expr::t(
                    Ty::I64,
                    format!("(@0).{m}(@1)"),
                    vec![e(r.clone()), e(a.clone())],
                );
                let x = Self::yield_tag(x, &r, F::YieldMethodRecv);
                let x = if inferred { x.tag(F::InferredRecv) } else { x };
                Self::yield_tag(x, &a, F::YieldMethodArg)
            }
            7 => {
                let r = self.ex_d(d1, self.yat(y, F::YieldMethodRecv));
                let a = self.ex_i64(d1, self.yat(y, F::YieldMethodArg));
                let x = Expr::t(Ty::I64, "(@0).add(@1)", vec![e(r.clone()), e(a.clone())])
                    .tag(F::DropLocal);
                let x = Self::yield_tag(x, &r, F::YieldMethodRecv);
                Self::yield_tag(x, &a, F::YieldMethodArg)
            }
            8 => {
                let yy = self.yat(y, F::YieldStruct);
                let a = self.ex_i64(d1, yy);
                let bb = self.ex_i64(d1, yy);
                let hy = a.has_yield() || bb.has_yield();
                let x = Expr::t(Ty::I64, "(P { a: @0, b: @1 }).sum()", vec![e(a), e(bb)]);
                if hy {
                    x.tag(F::YieldStruct)
                } else {
                    x
                }
            }
            9 => {
                let yy = self.yat(y, F::YieldTuple);
                let a = self.ex_i64(d1, yy);
                let bb = self.ex_i64(d1, yy);
                let hy = a.has_yield() || bb.has_yield();
                let i = self.rng.below(2);
                let x = Expr::t(Ty::I64, format!("(@0, @1).{i}"), vec![e(a), e(bb)]);
                if hy {
                    x.tag(F::YieldTuple)
                } else {
                    x
                }
            }
            10 => {
                let yy = self.yat(y, F::YieldArray);
                let kids: Vec<Expr> = (0..3).map(|_| self.ex_i64(d1, yy)).collect();
                let hy = kids.iter().any(Expr::has_yield);
                let i = self.rng.below(3);
                let x = Expr::t(
                    Ty::I64,
                    format!("[@0, @1, @2][{i}]"),
                    kids.into_iter().map(e).collect(),
                );
                if hy {
                    x.tag(F::YieldArray)
                } else {
                    x
                }
            }
            11 => {
                let blk = self.block(d1, Some(Ty::I64));
                Expr::t(Ty::I64, "@0", vec![b(blk)]).tag(F::BlockValue)
            }
            12 => {
                let c = self.cond(d1, y);
                let arms = self.branches(2, |g, _| g.block(d1, Some(Ty::I64)));
                let mut it = arms.into_iter();
                let (t, f) = (it.next().unwrap(), it.next().unwrap());
                let hy = c.has_yield();
                let x = Expr::t(Ty::I64, "if @0 @1 else @2", vec![e(c), b(t), b(f)]).tag(F::If);
                if hy {
                    x.tag(F::YieldCond)
                } else {
                    x
                }
            }
            13 => self.match_(d1, y, Some(Ty::I64)).0,
            14 => {
                let c = self.fresh("c");
                let l = self.fresh("'l");
                let n = self.rng.range(1, 3);
                self.ctxs.push(Ctx {
                    label: Some(l.clone()),
                    is_loop: true,
                    value: true,
                });
                self.loop_depth += 1;
                let l2 = l.clone();
                let mut body = self.block_then(d1, None, &mut |g| {
                    let v = g.break_value(d1, y);
                    vec![Stmt::new(format!("break {l2} @0;"), vec![e(v)])]
                });
                let guard = Stmt {
                    tmpl: format!("if {c} >= {n} {{ break {l} 0; }}\n{c} += 1;"),
                    kids: vec![],
                    tags: vec![],
                    fixed: true,
                };
                body.stmts.insert(0, guard);
                self.loop_depth -= 1;
                self.ctxs.pop();
                Expr::t(
                    Ty::I64,
                    format!("{{\n    let mut {c} = 0;\n    {l}: loop @0\n}}"),
                    vec![b(body)],
                )
                .tag(F::Loop)
                .tag(F::BreakValue)
            }
            15 => {
                let l = self.fresh("'b");
                self.ctxs.push(Ctx {
                    label: Some(l.clone()),
                    is_loop: false,
                    value: true,
                });
                let l2 = l.clone();
                let body = self.block_then(d1, Some(Ty::I64), &mut |g| {
                    g.break_out_then_more(d1, y, &l2, true)
                });
                self.ctxs.pop();
                Expr::t(Ty::I64, format!("{l}: @0"), vec![b(body)]).tag(F::LabeledBlock)
            }
            16 => {
                let k = self.id();
                let a = self.ex_i64(d1, self.yat(y, F::YieldCallArg));
                let x = Expr::t(
                    Ty::I64,
                    format!("D::new({k}, @0).get()"),
                    vec![e(a.clone())],
                )
                .tag(F::DropTemp);
                Self::yield_tag(x, &a, F::YieldCallArg)
            }
            17 => {
                let i = self.pick(&movable);
                self.vars[i].moved = true;
                Expr::leaf(Ty::I64, format!("consume({})", self.vars[i].name)).tag(F::DropMove)
            }
            18 => {
                let i = self.pick(&dvars);
                Expr::leaf(Ty::I64, format!("{}.get()", self.vars[i].name)).tag(F::DropLocal)
            }
            19 => {
                let yy = self.yat(y, F::YieldCallArg);
                let a = self.ex_i64(d1, yy);
                let (t, f) = match self.ret {
                    Ret::Res => ("res(@0)?", F::TryResult),
                    _ => ("opt(@0)?", F::TryOption),
                };
                let x = Expr::t(Ty::I64, t, vec![e(a.clone())]).tag(f);
                let x = if self.in_jump_value > 0 {
                    x.tag(F::TryInJump)
                } else {
                    x
                };
                Self::yield_tag(x, &a, F::YieldCallArg)
            }
            20 => {
                let s = self.rng.below(self.subs);
                let a = self.ex_i64(d1, self.yat(y, F::YieldCallArg));
                Expr {
                    ty: Ty::I64,
                    kind: ExprKind::YieldFrom(s, Box::new(a)),
                    tags: vec![F::YieldFrom, F::ResumeArg],
                }
            }
            23 => self.place_read(d1, y),
            24 => self.item_use(d1, y),
            25 => self.vec_read(d1),
            26 => {
                let a = self.ex_i64(d1, y);
                let x = Expr::t(Ty::I64, "unsafe { usafe(@0) }", vec![e(a.clone())]);
                Self::yield_tag(x, &a, F::YieldUnsafe)
            }
            27 => self.macro_expr(d1, y),
            21 => {
                let i = self.pick(&ovars);
                let a = self.ex_i64(d1, self.yat(y, F::YieldMethodArg));
                let x = Expr::t(
                    Ty::I64,
                    format!("{}.unwrap_or(@0)", self.vars[i].name),
                    vec![e(a.clone())],
                );
                Self::yield_tag(x, &a, F::YieldMethodArg)
            }
            _ => self.lit(),
        }
    }

    fn cond(&mut self, d: usize, y: bool) -> Expr {
        let c = self.ex_bool(d, self.yat(y, F::YieldCond));
        if c.has_yield() {
            c.tag(F::YieldCond)
        } else {
            c
        }
    }

    fn ex_bool(&mut self, d: usize, y: bool) -> Expr {
        let bvars = self.visible(Ty::Bool);
        let ovars = self.visible(Ty::Opt);
        let d1 = d.saturating_sub(1);
        let w = [
            1,
            5,
            if d > 0 { 2 } else { 0 },
            if d > 0 { 1 } else { 0 },
            if bvars.is_empty() { 0 } else { 2 },
            if ovars.is_empty() { 0 } else { 1 },
            if self.on(F::YieldMacroArg) { 1 } else { 0 },
        ];
        match self.rng.weighted(&w).unwrap_or(0) {
            1 => {
                let yy = self.yat(y, F::YieldBinOp);
                let a = self.ex_i64(d1, yy);
                let x = if self.rng.pct(25) {
                    Expr::t(Ty::Bool, "((@0) % 2 == 0)", vec![e(a)])
                } else {
                    let bb = self.ex_i64(d1, yy);
                    let op = CMPS[self.rng.below(CMPS.len())];
                    Expr::t(Ty::Bool, format!("(@0 {op} @1)"), vec![e(a), e(bb)])
                };
                if x.has_yield() {
                    x.tag(F::YieldBinOp)
                } else {
                    x
                }
            }
            2 => {
                let a = self.ex_bool(d1, self.yat(y, F::YieldBinOp));
                let bb = self.ex_bool(d1, self.yat(y, F::YieldLazyRhs));
                let op = if self.rng.pct(50) { "&&" } else { "||" };
                let x = Expr::t(Ty::Bool, format!("(@0 {op} @1)"), vec![e(a), e(bb.clone())]);
                Self::yield_tag(x, &bb, F::YieldLazyRhs)
            }
            3 => {
                let a = self.ex_bool(d1, y);
                Expr::t(Ty::Bool, "!@0", vec![e(a)])
            }
            4 => {
                let i = self.pick(&bvars);
                Expr::leaf(Ty::Bool, self.vars[i].name.clone())
            }
            5 => {
                let i = self.pick(&ovars);
                Expr::leaf(Ty::Bool, format!("{}.is_some()", self.vars[i].name))
            }
            6 => {
                let a = self.ex_i64(d1, y);
                let x = Expr::t(Ty::Bool, "matches!(@0, 1 | 2 | 3)", vec![e(a.clone())]);
                Self::yield_tag(x, &a, F::YieldMacroArg)
            }
            _ => Expr::leaf(Ty::Bool, if self.rng.pct(50) { "true" } else { "false" }),
        }
    }

    fn ex_d(&mut self, d: usize, y: bool) -> Expr {
        let movable = self.movable();
        if !movable.is_empty() && self.on(F::DropMove) && self.rng.pct(20) {
            let i = self.pick(&movable);
            self.vars[i].moved = true;
            return Expr::leaf(Ty::D, self.vars[i].name.clone()).tag(F::DropMove);
        }
        let k = self.id();
        let a = self.ex_i64(d.saturating_sub(1), self.yat(y, F::YieldCallArg));
        let x = Expr::t(Ty::D, format!("D::new({k}, @0)"), vec![e(a.clone())]).tag(F::DropLocal);
        Self::yield_tag(x, &a, F::YieldCallArg)
    }

    fn ex_opt(&mut self, d: usize, y: bool) -> Expr {
        let vars = self.visible(Ty::Opt);
        let d1 = d.saturating_sub(1);
        let yy = self.yat(y, F::YieldCallArg);
        match self.rng.below(5) {
            0 if !vars.is_empty() => {
                let i = self.pick(&vars);
                Expr::leaf(Ty::Opt, self.vars[i].name.clone())
            }
            1 => Expr::leaf(Ty::Opt, "None::<i64>"),
            2 => {
                let a = self.ex_i64(d1, yy);
                let x = Expr::t(Ty::Opt, "Some(@0)", vec![e(a.clone())]);
                Self::yield_tag(x, &a, F::YieldCallArg)
            }
            _ => {
                let a = self.ex_i64(d1, yy);
                let x = Expr::t(Ty::Opt, "opt(@0)", vec![e(a.clone())]);
                Self::yield_tag(x, &a, F::YieldCallArg)
            }
        }
    }

    fn ex_res(&mut self, d: usize, y: bool) -> Expr {
        let vars = self.visible(Ty::Res);
        let d1 = d.saturating_sub(1);
        let yy = self.yat(y, F::YieldCallArg);
        let t = match self.rng.below(5) {
            0 if !vars.is_empty() => {
                let i = self.pick(&vars);
                return Expr::leaf(Ty::Res, self.vars[i].name.clone());
            }
            1 => "Err::<i64, i64>(@0)",
            2 => "Ok::<i64, i64>(@0)",
            _ => "res(@0)",
        };
        let a = self.ex_i64(d1, yy);
        let x = Expr::t(Ty::Res, t, vec![e(a.clone())]);
        Self::yield_tag(x, &a, F::YieldCallArg)
    }

    /// A `match` on an integer, an `Option` or a `Result`; an expression when `tail` is set.
    fn match_(&mut self, d: usize, y: bool, tail: Option<Ty>) -> (Expr, Stmt) {
        let ys = self.yat(y, F::YieldScrutinee);
        let kind = self.rng.below(3);
        let (scrut, pats): (Expr, Vec<(String, Option<String>)>) = match kind {
            0 => {
                let s = self.ex_i64(d, ys);
                let m = self.fresh("m");
                (
                    s,
                    vec![
                        ("0".into(), None),
                        ("1 | 2".into(), None),
                        (format!("{m} if {m} > 5"), Some(m.clone())),
                        ("_".into(), None),
                    ],
                )
            }
            1 => {
                let s = self.ex_opt(d, ys);
                let x = self.fresh("x");
                (
                    s,
                    vec![(format!("Some({x})"), Some(x)), ("None".into(), None)],
                )
            }
            _ => {
                let s = self.ex_res(d, ys);
                let x = self.fresh("x");
                let er = self.fresh("e");
                (
                    s,
                    vec![
                        (format!("Ok({x})"), Some(x)),
                        (format!("Err({er})"), Some(er)),
                    ],
                )
            }
        };
        let hy = scrut.has_yield();
        let pats2 = pats.clone();
        let arms = self.branches(pats.len(), |g, i| {
            let mark = g.vars.len();
            if let Some(v) = &pats2[i].1 {
                g.declare(v, Ty::I64, false);
            }
            let blk = g.block(d, tail);
            g.vars.truncate(mark);
            blk
        });
        let mut t = String::from("match @0 {");
        for (i, (p, _)) in pats.iter().enumerate() {
            t.push_str(&format!("\n    {p} => @{},", i + 1));
        }
        t.push_str("\n}");
        let mut kids = vec![e(scrut)];
        kids.extend(arms.into_iter().map(b));
        let mut x = Expr::t(tail.unwrap_or(Ty::Unit), t.clone(), kids.clone()).tag(F::Match);
        let mut s = Stmt::new(t, kids).tag(F::Match);
        if hy {
            x = x.tag(F::YieldScrutinee);
            s = s.tag(F::YieldScrutinee);
        }
        (x, s)
    }

    // ---- statements ----

    fn stmt(&mut self, d: usize) -> Vec<Stmt> {
        let ivars: Vec<usize> = self
            .visible(Ty::I64)
            .into_iter()
            .filter(|&i| self.vars[i].mutable)
            .collect();
        let dmut: Vec<usize> = self
            .vars
            .iter()
            .enumerate()
            .filter(|(i, v)| {
                v.ty == Ty::D
                    && v.mutable
                    && !self.vars[i + 1..].iter().any(|w| w.name == v.name)
                    && (!v.moved || v.loop_depth == self.loop_depth)
            })
            .map(|(i, _)| i)
            .collect();
        let any_var = self.vars.iter().any(|_| true);
        let movable = self.movable();
        let deep = d > 0;
        let w = [
            5,                                                 // 0 let i64
            if self.on(F::DropLocal) { 2 } else { 0 },         // 1 let D
            2,                                                 // 2 let opt/res/bool
            if self.on(F::Shadow) && any_var { 1 } else { 0 }, // 3 shadow
            if !ivars.is_empty() && (self.on(F::Assign) || self.on(F::CompoundAssign)) {
                3
            } else {
                0
            }, // 4
            if !dmut.is_empty() && self.on(F::DropAssign) {
                1
            } else {
                0
            }, // 5 assign D
            2,                                                 // 6 note
            if self.on(F::YieldStmt) { 4 } else { 0 },         // 7 yield stmt
            if self.on(F::YieldFrom) && self.subs > 0 {
                2
            } else {
                0
            }, // 8 yield_from stmt
            if deep && self.on(F::If) { 2 } else { 0 },        // 9 if
            if deep && self.on(F::IfLet) { 1 } else { 0 },     // 10 if let
            if deep && self.on(F::Match) { 1 } else { 0 },     // 11 match
            if deep && self.on(F::Loop) { 2 } else { 0 },      // 12 loop
            if deep && self.on(F::While) { 2 } else { 0 },     // 13 while
            if deep && self.on(F::For) { 2 } else { 0 },       // 14 for
            if deep && self.on(F::LabeledBlock) {
                1
            } else {
                0
            }, // 15 labelled block
            if self.on(F::LetElse) { 1 } else { 0 },           // 16 let else
            if self.on(F::Return) { 1 } else { 0 },            // 17 return
            if self.ctxs.is_empty() { 0 } else { 3 },          // 18 break/continue
            if self.on(F::Panic) { 1 } else { 0 },             // 19 panic
            if self.on(F::DropMove) && !movable.is_empty() {
                1
            } else {
                0
            }, // 20 move
            if deep && self.on(F::DeferredInit) {
                1
            } else {
                0
            }, // 21 deferred init
            if deep && self.on(F::ShadowBinding) && self.vars.iter().any(|v| !v.moved) {
                3
            } else {
                0
            }, // 22 binding shadowing a local
            if deep && !self.borrow_forms().is_empty() {
                3
            } else {
                0
            }, // 23 loops over / borrows of self's fields and reference parameters
            if self.writable().is_empty() { 0 } else { 3 },    // 24 assignment to a place
            if self.on(F::YieldPlace) || self.on(F::OverloadedAssign) {
                4
            } else {
                0
            }, // 25 a local array / Acc / L, and an assignment to it
            if self.on(F::ClosureRef) { 2 } else { 0 },        // 26 closure
            if deep && self.on(F::HandDriven) { 2 } else { 0 }, // 27 hand-driven
            if self.on(F::BodyItem) { 1 } else { 0 },          // 28 item
            if self.on(F::DropFlag) { 2 } else { 0 },          // 29 conditional move
            if deep && self.on(F::YieldLetChain) {
                2
            } else {
                0
            }, // 30 let-chain
            if deep && self.on(F::YieldUnsafe) {
                1
            } else {
                0
            }, // 31 unsafe block
            if self.on(F::YieldMacroArg) { 2 } else { 0 },     // 32 macro
            if self.on(F::BorrowedValue) { 2 } else { 0 }, // 33 Vec local, values through borrows
        ];
        let d1 = d.saturating_sub(1);
        match self.rng.weighted(&w).unwrap_or(0) {
            1 => {
                let init = self.ex_d(d1.max(1), true);
                let name = self.fresh("d");
                let m = self.rng.pct(40);
                let s = self.let_stmt(&name, m, Ty::D, init);
                self.declare(&name, Ty::D, m);
                vec![s]
            }
            2 => {
                let ty = [Ty::Opt, Ty::Res, Ty::Bool][self.rng.below(3)];
                let init = self.ex(ty, d1.max(1), true);
                let name = self.fresh(match ty {
                    Ty::Opt => "o",
                    Ty::Res => "r",
                    _ => "b",
                });
                let s = self.let_stmt(&name, false, ty, init);
                self.declare(&name, ty, false);
                vec![s]
            }
            3 => {
                let names: Vec<String> = self.vars.iter().map(|v| v.name.clone()).collect();
                let name = names[self.rng.below(names.len())].clone();
                let old = self
                    .vars
                    .iter()
                    .rev()
                    .find(|v| v.name == name)
                    .map(|v| v.ty);
                let ty = if self.on(F::ShadowRetype) && self.rng.pct(40) {
                    [Ty::I64, Ty::D, Ty::Opt, Ty::Bool][self.rng.below(4)]
                } else {
                    old.unwrap_or(Ty::I64)
                };
                let ty = if ty == Ty::D && !self.on(F::DropLocal) {
                    Ty::I64
                } else {
                    ty
                };
                let init = self.ex(ty, d1.max(1), true);
                let m = ty == Ty::I64 && self.rng.pct(50);
                let mut s = self.let_stmt(&name, m, ty, init).tag(F::Shadow);
                if Some(ty) != old {
                    s = s.tag(F::ShadowRetype);
                }
                self.declare(&name, ty, m);
                vec![s]
            }
            4 => {
                let i = self.pick(&ivars);
                let name = self.vars[i].name.clone();
                let v = self.ex_i64(d1.max(1), self.on(F::YieldAssign));
                let hy = v.has_yield();
                let compound =
                    self.on(F::CompoundAssign) && (!self.on(F::Assign) || self.rng.pct(50));
                let mut s = if compound {
                    let op = ["+=", "-=", "^=", "|="][self.rng.below(4)];
                    Stmt::new(format!("{name} {op} @0;"), vec![e(v)]).tag(F::CompoundAssign)
                } else {
                    Stmt::new(format!("{name} = @0;"), vec![e(v)]).tag(F::Assign)
                };
                if hy {
                    s = s.tag(F::YieldAssign);
                }
                vec![s]
            }
            5 => {
                let i = self.pick(&dmut);
                let name = self.vars[i].name.clone();
                let k = self.id();
                let v = self.ex_i64(d1, self.on(F::YieldAssign));
                let hy = v.has_yield();
                self.vars[i].moved = false;
                let mut s =
                    Stmt::new(format!("{name} = D::new({k}, @0);"), vec![e(v)]).tag(F::DropAssign);
                if hy {
                    s = s.tag(F::YieldAssign);
                }
                vec![s]
            }
            6 => {
                let v = self.ex_i64(d1.max(1), true);
                vec![Stmt::new("note(@0);", vec![e(v)])]
            }
            7 => {
                let v = self.ex_i64(d1, self.on(F::YieldNested));
                let nested = v.has_yield();
                let x = Expr {
                    ty: Ty::I64,
                    kind: ExprKind::Yield(Box::new(v)),
                    tags: if nested { vec![F::YieldNested] } else { vec![] },
                };
                vec![Stmt::new("@0;", vec![e(x)]).tag(F::YieldStmt)]
            }
            8 => {
                let s = self.rng.below(self.subs);
                let a = self.ex_i64(d1, self.on(F::YieldCallArg));
                let x = Expr {
                    ty: Ty::I64,
                    kind: ExprKind::YieldFrom(s, Box::new(a)),
                    tags: vec![F::YieldFrom],
                };
                vec![Stmt::new("@0;", vec![e(x)])]
            }
            9 => {
                let c = self.cond(d1, true);
                let with_else = self.rng.pct(50);
                let arms = self.branches(if with_else { 2 } else { 1 }, |g, _| g.block(d1, None));
                let mut kids = vec![e(c)];
                kids.extend(arms.into_iter().map(b));
                let t = if with_else {
                    "if @0 @1 else @2"
                } else {
                    "if @0 @1"
                };
                vec![Stmt::new(t, kids).tag(F::If)]
            }
            10 => {
                let ys = self.on(F::YieldScrutinee);
                let x = self.fresh("x");
                let (pat, scrut) = match self.rng.below(3) {
                    0 => (format!("Some({x})"), self.ex_opt(d1.max(1), ys)),
                    1 => (format!("Ok({x})"), self.ex_res(d1.max(1), ys)),
                    _ => (format!("Err({x})"), self.ex_res(d1.max(1), ys)),
                };
                let hy = scrut.has_yield();
                let with_else = self.rng.pct(50);
                let x2 = x.clone();
                let arms = self.branches(if with_else { 2 } else { 1 }, |g, i| {
                    let mark = g.vars.len();
                    if i == 0 {
                        g.declare(&x2, Ty::I64, false);
                    }
                    let blk = g.block(d1, None);
                    g.vars.truncate(mark);
                    blk
                });
                let mut kids = vec![e(scrut)];
                kids.extend(arms.into_iter().map(b));
                let t = if with_else {
                    format!("if let {pat} = @0 @1 else @2")
                } else {
                    format!("if let {pat} = @0 @1")
                };
                let mut s = Stmt::new(t, kids).tag(F::IfLet);
                if hy {
                    s = s.tag(F::YieldScrutinee);
                }
                vec![s]
            }
            11 => vec![self.match_(d1, true, None).1],
            12 => {
                let c = self.fresh("c");
                let labelled = self.rng.pct(50);
                let l = self.fresh("'l");
                let n = self.rng.range(1, 3);
                self.ctxs.push(Ctx {
                    label: labelled.then(|| l.clone()),
                    is_loop: true,
                    value: false,
                });
                self.loop_depth += 1;
                let mut body = self.block(d1, None);
                let brk = if labelled {
                    format!("break {l};")
                } else {
                    "break;".into()
                };
                body.stmts.insert(
                    0,
                    Stmt {
                        tmpl: format!("if {c} >= {n} {{ {brk} }}\n{c} += 1;"),
                        kids: vec![],
                        tags: vec![],
                        fixed: true,
                    },
                );
                self.loop_depth -= 1;
                self.ctxs.pop();
                let head = if labelled {
                    format!("{l}: loop @0")
                } else {
                    "loop @0".into()
                };
                vec![
                    Stmt::new(format!("let mut {c} = 0;"), vec![]),
                    Stmt::new(head, vec![b(body)]).tag(F::Loop),
                ]
            }
            13 => {
                let c = self.fresh("c");
                let labelled = self.rng.pct(50);
                let l = self.fresh("'l");
                let n = self.rng.range(1, 3);
                self.loop_depth += 1;
                let extra = if self.rng.pct(60) {
                    Some(self.cond(d1, true))
                } else {
                    None
                };
                self.ctxs.push(Ctx {
                    label: labelled.then(|| l.clone()),
                    is_loop: true,
                    value: false,
                });
                let mut body = self.block(d1, None);
                body.stmts.insert(
                    0,
                    Stmt {
                        tmpl: format!("{c} += 1;"),
                        kids: vec![],
                        tags: vec![],
                        fixed: true,
                    },
                );
                self.loop_depth -= 1;
                self.ctxs.pop();
                let lab = if labelled {
                    format!("{l}: ")
                } else {
                    String::new()
                };
                let mut tags = vec![F::While];
                let (t, kids) = match extra {
                    Some(cnd) => {
                        if cnd.has_yield() {
                            tags.push(F::YieldCond);
                            tags.push(F::YieldLazyRhs);
                        }
                        (
                            format!("{lab}while {c} < {n} && @0 @1"),
                            vec![e(cnd), b(body)],
                        )
                    }
                    None => (format!("{lab}while {c} < {n} @0"), vec![b(body)]),
                };
                let mut s = Stmt::new(t, kids);
                s.tags = tags;
                vec![Stmt::new(format!("let mut {c} = 0;"), vec![]), s]
            }
            14 => {
                let labelled = self.rng.pct(50);
                let l = self.fresh("'l");
                let lab = if labelled {
                    format!("{l}: ")
                } else {
                    String::new()
                };
                let x = self.fresh("x");
                let mut tags = vec![F::For];
                let kind = self.rng.below(3);
                let (head, mut kids, var_ty) = match kind {
                    0 if self.on(F::ForDrop) => {
                        let k = self.id();
                        tags.push(F::ForDrop);
                        (
                            format!(
                                "{lab}for {x} in vec![D::new({k}, 1), D::new({}, 2)]",
                                k + 100
                            ),
                            vec![],
                            Ty::D,
                        )
                    }
                    1 => {
                        let kids: Vec<Expr> = (0..3)
                            .map(|_| self.ex_i64(d1, self.on(F::YieldArray)))
                            .collect();
                        if kids.iter().any(Expr::has_yield) {
                            tags.push(F::YieldArray);
                            tags.push(F::YieldCond);
                        }
                        (
                            format!("{lab}for {x} in [@0, @1, @2]"),
                            kids.into_iter().map(e).collect(),
                            Ty::I64,
                        )
                    }
                    _ => {
                        let a = self.ex_i64(d1, self.on(F::YieldCond));
                        if a.has_yield() {
                            tags.push(F::YieldCond);
                        }
                        (
                            format!("{lab}for {x} in 0..(@0 as i64).rem_euclid(4)"),
                            vec![e(a)],
                            Ty::I64,
                        )
                    }
                };
                self.ctxs.push(Ctx {
                    label: labelled.then(|| l.clone()),
                    is_loop: true,
                    value: false,
                });
                self.loop_depth += 1;
                let mark = self.vars.len();
                self.declare(&x, var_ty, false);
                let body = self.block(d1, None);
                self.vars.truncate(mark);
                self.loop_depth -= 1;
                self.ctxs.pop();
                let n = kids.len();
                kids.push(b(body));
                let mut s = Stmt::new(format!("{head} @{n}"), kids);
                s.tags = tags;
                vec![s]
            }
            15 => {
                let l = self.fresh("'b");
                self.ctxs.push(Ctx {
                    label: Some(l.clone()),
                    is_loop: false,
                    value: false,
                });
                let l2 = l.clone();
                let body = self.block_then(d1, None, &mut |g| {
                    g.break_out_then_more(d1, true, &l2, false)
                });
                self.ctxs.pop();
                vec![Stmt::new(format!("{l}: @0"), vec![b(body)]).tag(F::LabeledBlock)]
            }
            16 => {
                let ys = self.on(F::YieldScrutinee);
                let x = self.fresh("x");
                let (pat, scrut) = match self.rng.below(2) {
                    0 => (format!("Some({x})"), self.ex_opt(d1.max(1), ys)),
                    _ => (format!("Ok({x})"), self.ex_res(d1.max(1), ys)),
                };
                let hy = scrut.has_yield();
                // What the `else` block moves stays moved: it may leave by a `break` to a label
                // whose block goes on, where a later use of it would not compile (E0382).
                let els = self.block_then(d1, None, &mut |g| vec![g.diverge(d1)]);
                let mut s = Stmt::new(format!("let {pat} = @0 else @1;"), vec![e(scrut), b(els)])
                    .tag(F::LetElse);
                if hy {
                    s = s.tag(F::YieldScrutinee);
                }
                self.declare(&x, Ty::I64, false);
                vec![s]
            }
            17 => {
                let c = self.cond(d1, true);
                let v = self.return_value(d1.max(1));
                let blk = Block {
                    stmts: vec![Stmt::new("return @0;", vec![e(v)]).tag(F::Return)],
                    tail: None,
                };
                vec![Stmt::new("if @0 @1", vec![e(c), b(blk)]).tag(F::If)]
            }
            18 => {
                let c = self.cond(d1, true);
                let s = self.break_stmt(d1);
                match s {
                    Some(s) => {
                        let blk = Block {
                            stmts: vec![s],
                            tail: None,
                        };
                        vec![Stmt::new("if @0 @1", vec![e(c), b(blk)]).tag(F::If)]
                    }
                    None => vec![],
                }
            }
            19 => {
                let c = self.cond(d1, true);
                let k = self.id();
                let blk = Block {
                    stmts: vec![Stmt::new(format!("panic!(\"p{k}\");"), vec![]).tag(F::Panic)],
                    tail: None,
                };
                vec![Stmt::new("if @0 @1", vec![e(c), b(blk)]).tag(F::If)]
            }
            20 => {
                let i = self.pick(&movable);
                self.vars[i].moved = true;
                let name = self.vars[i].name.clone();
                match self.rng.below(3) {
                    0 => vec![Stmt::new(format!("drop({name});"), vec![]).tag(F::DropMove)],
                    1 => {
                        vec![Stmt::new(format!("note(consume({name}));"), vec![]).tag(F::DropMove)]
                    }
                    _ => {
                        let n2 = self.fresh("d");
                        self.declare(&n2, Ty::D, false);
                        vec![Stmt::new(format!("let {n2} = {name};"), vec![]).tag(F::DropMove)]
                    }
                }
            }
            21 => {
                let name = self.fresh("v");
                let c = self.cond(d1, true);
                let arms = self.branches(2, |g, _| {
                    g.block_then(d1, None, &mut |g| {
                        let v = g.ex_i64(d1, true);
                        vec![Stmt::new(format!("{name} = @0;"), vec![e(v)])]
                    })
                });
                let mut kids = vec![e(c)];
                kids.extend(arms.into_iter().map(b));
                self.declare(&name, Ty::I64, false);
                vec![
                    Stmt::new(format!("let {name}: i64;"), vec![]).tag(F::DeferredInit),
                    Stmt::new("if @0 @1 else @2", kids).tag(F::If),
                ]
            }
            22 => self.shadow_binding(d1),
            23 => self.borrow_stmt(d1),
            24 => self.place_assign(d1, None),
            25 => self.place_decl(d1),
            26 => self.closure_stmt(d1),
            27 => self.hand_driven(d1),
            28 => self.item_decl(d1),
            29 => self.drop_flag(d1),
            30 => self.let_chain(d1),
            31 => {
                let blk = self.block_then(d1, None, &mut |g| {
                    let v = g.ex_i64(d1, true);
                    vec![Stmt::new("note(usafe(@0));", vec![e(v)])]
                });
                let mut s = Stmt::new("unsafe @0", vec![b(blk)]);
                if s.kids.iter().any(Node::has_yield) {
                    s = s.tag(F::YieldUnsafe);
                }
                vec![s]
            }
            32 => self.macro_stmt(d1),
            33 => self.vec_stmt(d1),
            _ => {
                let init = self.ex_i64(d1.max(1), true);
                let name = self.fresh("v");
                let m = self.rng.pct(50);
                let s = self.let_stmt(&name, m, Ty::I64, init);
                self.declare(&name, Ty::I64, m);
                vec![s]
            }
        }
    }

    fn let_stmt(&mut self, name: &str, m: bool, ty: Ty, init: Expr) -> Stmt {
        let hy = init.has_yield();
        let mt = if m { "mut " } else { "" };
        let annot = if self.rng.pct(30) {
            format!(": {}", ty.rust())
        } else {
            String::new()
        };
        let s = Stmt::new(format!("let {mt}{name}{annot} = @0;"), vec![e(init)]);
        if hy {
            s.tag(F::YieldLetInit)
        } else {
            s
        }
    }

    /// `break` / `continue` to an enclosing loop or labelled block, if one can be targeted.
    fn break_stmt(&mut self, d: usize) -> Option<Stmt> {
        let n = self.ctxs.len();
        let mut targets = Vec::new();
        for (i, c) in self.ctxs.iter().enumerate() {
            let innermost = i == n - 1;
            if c.label.is_some() {
                if i == n - 1 || self.on(F::LabeledBreak) {
                    targets.push((i, true));
                }
            } else if innermost && c.is_loop {
                targets.push((i, false));
            }
        }
        if targets.is_empty() {
            return None;
        }
        let (i, labelled) = targets[self.rng.below(targets.len())];
        let c = self.ctxs[i].clone();
        let lab = if labelled {
            format!(" {}", c.label.clone().unwrap_or_default())
        } else {
            String::new()
        };
        let outer = i + 1 < n;
        if c.is_loop && self.rng.pct(40) && (!outer || self.on(F::LabeledContinue)) {
            let mut s = Stmt::new(format!("continue{lab};"), vec![]);
            if labelled && outer {
                s = s.tag(F::LabeledContinue);
            }
            return Some(s);
        }
        let mut s = if c.value {
            let v = self.break_value(d, true);
            Stmt::new(format!("break{lab} @0;"), vec![e(v)]).tag(F::BreakValue)
        } else {
            Stmt::new(format!("break{lab};"), vec![])
        };
        if labelled && outer {
            s = s.tag(F::LabeledBreak);
        }
        Some(s)
    }

    /// A statement that leaves the current block for good (for `let … else`).
    fn diverge(&mut self, d: usize) -> Stmt {
        if let Some(s) = (self.rng.pct(40)).then(|| self.break_stmt(d)).flatten() {
            return s;
        }
        if self.on(F::Panic) && self.rng.pct(20) {
            let k = self.id();
            return Stmt::new(format!("panic!(\"e{k}\");"), vec![]).tag(F::Panic);
        }
        let v = self.return_value(d.max(1));
        Stmt::new("return @0;", vec![e(v)]).tag(F::Return)
    }
}

/// The constructs of issue 19: bindings that shadow, borrows through references and `self`,
/// places, closures, hand-driven coroutines, items, drop flags, let-chains, `unsafe`, macros.
impl Gen<'_> {
    /// An `i64` expression certain to contain no yield (`y = false` only keeps yields out of
    /// its own operands, not out of the statements of a block inside it): for the operands
    /// that run while something is borrowed (a closure's arguments, `format!`'s later
    /// arguments, the right side of an overloaded `+=` on a local).
    fn ex_i64_ny(&mut self, d: usize) -> Expr {
        for _ in 0..3 {
            let x = self.ex_i64(d, false);
            if !x.has_yield() {
                return x;
            }
        }
        self.ex_i64(0, false)
    }

    /// Runs `f` for the condition of a `while`, where an unlabelled `break` or `continue` is an
    /// error (E0590): an unlabelled non-loop context hides the enclosing loops from them.
    fn in_while_cond<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        self.ctxs.push(Ctx {
            label: None,
            is_loop: false,
            value: false,
        });
        // A loop's condition runs on every pass: it may not move what the loop does not own.
        self.loop_depth += 1;
        let x = f(self);
        self.loop_depth -= 1;
        self.ctxs.pop();
        x
    }

    fn pick_name(&mut self, v: &[usize]) -> String {
        let i = self.pick(v);
        self.vars[i].name.clone()
    }

    fn place(&mut self, kind: PlaceKind, keys: &[&str]) {
        self.places.push(Place {
            kind,
            keys: keys.iter().map(|k| k.to_string()).collect(),
        });
    }

    fn lock(&mut self, key: &str, full: bool) {
        self.locks.push((key.to_string(), full));
    }

    /// Whether a key is free of borrows: of every borrow (`write`) or of mutable ones.
    fn key_free(&self, key: &str, write: bool) -> bool {
        !self
            .locks
            .iter()
            .any(|(k, full)| k == key && (write || *full))
    }

    fn can_read(&self, p: &Place) -> bool {
        p.keys.iter().all(|k| self.key_free(k, false))
    }

    fn can_write(&self, p: &Place) -> bool {
        p.keys.iter().all(|k| self.key_free(k, true))
    }

    fn readable(&self) -> Vec<usize> {
        (0..self.places.len())
            .filter(|&i| {
                !matches!(self.places[i].kind, PlaceKind::SelfMut) && self.can_read(&self.places[i])
            })
            .collect()
    }

    fn writable(&self) -> Vec<usize> {
        (0..self.places.len())
            .filter(|&i| {
                let ok = match &self.places[i].kind {
                    PlaceKind::I64 { mutable, .. } => *mutable,
                    PlaceKind::Arr(_) | PlaceKind::Acc(_) | PlaceKind::SelfMut => true,
                    PlaceKind::L(_) => self.on(F::OverloadedAssign),
                    PlaceKind::Read(_) | PlaceKind::Slice(_) => false,
                };
                ok && self.can_write(&self.places[i])
            })
            .collect()
    }

    /// `yield_!(v);`
    fn yield_stmt(v: Expr) -> Stmt {
        Stmt::new(
            "@0;",
            vec![e(Expr {
                ty: Ty::I64,
                kind: ExprKind::Yield(Box::new(v)),
                tags: vec![],
            })],
        )
        .tag(F::YieldStmt)
    }

    /// `yield_!(v)` as an expression.
    fn yield_of(v: Expr) -> Expr {
        Expr {
            ty: Ty::I64,
            kind: ExprKind::Yield(Box::new(v)),
            tags: vec![F::ResumeArg],
        }
    }

    /// A use of a local of any type as an `i64`.
    fn use_text(name: &str, ty: Ty) -> String {
        match ty {
            Ty::I64 => name.to_string(),
            Ty::D => format!("{name}.get()"),
            Ty::Opt | Ty::Res => format!("{name}.unwrap_or(7)"),
            Ty::Bool => format!("({name} as i64)"),
            Ty::Vec => format!("({name}.len() as i64)"),
            Ty::Unit => "0".to_string(),
        }
    }

    fn loop_body(&mut self, d: usize, bind: &[(String, Ty)], label: Option<String>) -> Block {
        self.ctxs.push(Ctx {
            label,
            is_loop: true,
            value: false,
        });
        self.loop_depth += 1;
        let mark = self.vars.len();
        for (n, t) in bind {
            self.declare(n, *t, false);
        }
        let body = self.block(d, None);
        self.vars.truncate(mark);
        self.loop_depth -= 1;
        self.ctxs.pop();
        body
    }

    fn bound_block(&mut self, d: usize, bind: &[(String, Ty)]) -> Block {
        let mark = self.vars.len();
        for (n, t) in bind {
            self.declare(n, *t, false);
        }
        let body = self.block(d, None);
        self.vars.truncate(mark);
        body
    }

    // ---- 1. bindings that shadow a local ----

    fn shadow_binding(&mut self, d1: usize) -> Vec<Stmt> {
        let cands: Vec<usize> = (0..self.vars.len())
            .filter(|&i| {
                !self.vars[i].moved
                    && !self.vars[i + 1..]
                        .iter()
                        .any(|w| w.name == self.vars[i].name)
            })
            .collect();
        if cands.is_empty() {
            return vec![];
        }
        let i = self.pick(&cands);
        let name = self.vars[i].name.clone();
        let outer_ty = self.vars[i].ty;
        let inner = if self.on(F::DropLocal) && self.rng.pct(25) {
            Ty::D
        } else {
            Ty::I64
        };
        let k = self.id();
        let inner_use = Expr::leaf(Ty::I64, Self::use_text(&name, inner));
        let bind = [(name.clone(), inner)];
        let some_scrut = |g: &mut Self| -> Expr {
            if inner == Ty::D {
                let a = g.ex_i64(d1, true);
                Expr::t(Ty::Opt, format!("Some(D::new({k}, @0))"), vec![e(a)])
            } else {
                g.ex_opt(d1.max(1), true)
            }
        };
        let mut out = Vec::new();
        match self.rng.below(6) {
            0 => {
                let (head, mut kids) = if inner == Ty::D {
                    (
                        format!("for {name} in vec![D::new({k}, 1), D::new({}, 2)]", k + 100),
                        vec![],
                    )
                } else if self.rng.pct(50) {
                    let a = self.ex_i64(d1, true);
                    (
                        format!("for {name} in 0..((@0) as i64).rem_euclid(3)"),
                        vec![e(a)],
                    )
                } else {
                    let a = self.ex_i64(d1, true);
                    let bb = self.ex_i64(d1, true);
                    (format!("for {name} in [@0, @1]"), vec![e(a), e(bb)])
                };
                let mut body = self.loop_body(d1, &bind, None);
                body.stmts.insert(0, Self::yield_stmt(inner_use));
                let n = kids.len();
                kids.push(b(body));
                out.push(Stmt::new(format!("{head} @{n}"), kids));
            }
            1 => {
                let scrut = some_scrut(self);
                let arms = self.branches(2, |g, j| {
                    if j == 0 {
                        let mut blk = g.bound_block(d1, &bind);
                        blk.stmts.insert(0, Self::yield_stmt(inner_use.clone()));
                        blk
                    } else {
                        g.block(d1, None)
                    }
                });
                let mut kids = vec![e(scrut)];
                kids.extend(arms.into_iter().map(b));
                out.push(Stmt::new(
                    format!("match @0 {{\n    Some({name}) => @1,\n    None => @2,\n}}"),
                    kids,
                ));
            }
            2 => {
                let scrut = some_scrut(self);
                let with_else = self.rng.pct(50);
                let arms = self.branches(if with_else { 2 } else { 1 }, |g, j| {
                    if j == 0 {
                        let mut blk = g.bound_block(d1, &bind);
                        blk.stmts.insert(0, Self::yield_stmt(inner_use.clone()));
                        blk
                    } else {
                        g.block(d1, None)
                    }
                });
                let mut kids = vec![e(scrut)];
                kids.extend(arms.into_iter().map(b));
                let t = if with_else {
                    format!("if let Some({name}) = @0 @1 else @2")
                } else {
                    format!("if let Some({name}) = @0 @1")
                };
                out.push(Stmt::new(t, kids));
            }
            3 => {
                let c = self.fresh("c");
                let n = self.rng.range(1, 3);
                let (t, kids) = if inner == Ty::D {
                    (
                        format!("while let Some({name}) = ({c} < {n}).then(|| D::new({k}, {c}))"),
                        vec![],
                    )
                } else {
                    let a = self.in_while_cond(|g| g.ex_i64(d1, true));
                    (
                        format!("while let Some({name}) = ({c} < {n}).then_some(@0)"),
                        vec![e(a)],
                    )
                };
                let mut body = self.loop_body(d1, &bind, None);
                body.stmts.insert(0, Self::yield_stmt(inner_use));
                body.stmts.insert(
                    0,
                    Stmt {
                        tmpl: format!("{c} += 1;"),
                        kids: vec![],
                        tags: vec![],
                        fixed: true,
                    },
                );
                let nk = kids.len();
                let mut kids = kids;
                kids.push(b(body));
                out.push(Stmt::new(format!("let mut {c} = 0;"), vec![]));
                out.push(Stmt::new(format!("{t} @{nk}"), kids));
            }
            4 => {
                let scrut = some_scrut(self);
                let s0 = self.snapshot();
                let els = self.block_then(d1, None, &mut |g| vec![g.diverge(d1)]);
                self.restore(&s0);
                let le = Stmt::new(
                    format!("let Some({name}) = @0 else @1;"),
                    vec![e(scrut), b(els)],
                );
                let more = self.bound_block(d1, &bind);
                let mut stmts = vec![le, Self::yield_stmt(inner_use)];
                stmts.extend(more.stmts);
                out.push(Stmt::new("@0", vec![b(Block { stmts, tail: None })]));
            }
            _ => {
                let f = self.fresh("f");
                let a = self.ex_i64_ny(d1);
                let a2 = self.ex_i64_ny(0);
                if inner == Ty::D {
                    out.push(Stmt::new(
                        format!("let {f} = |{name}: D| {name}.get().wrapping_add({k});"),
                        vec![],
                    ));
                    out.push(Stmt::new(
                        format!("note({f}(D::new({}, @0)));", k + 100),
                        vec![e(a)],
                    ));
                    out.push(Self::yield_stmt(Expr::t(
                        Ty::I64,
                        format!("{f}(D::new({}, @0))", k + 200),
                        vec![e(a2)],
                    )));
                } else {
                    out.push(Stmt::new(
                        format!(
                            "let {f} = |{name}: i64| {name}.wrapping_mul(3).wrapping_add({k});"
                        ),
                        vec![],
                    ));
                    out.push(Stmt::new(format!("note({f}(@0));"), vec![e(a)]));
                    out.push(Self::yield_stmt(Expr::t(
                        Ty::I64,
                        format!("{f}(@0)"),
                        vec![e(a2)],
                    )));
                }
            }
        }
        if !self.vars[i].moved {
            out.push(Stmt::new(
                format!("note({});", Self::use_text(&name, outer_ty)),
                vec![],
            ));
        }
        if let Some(s) = out.iter_mut().find(|s| !s.tmpl.starts_with("let mut c")) {
            s.tags.push(F::ShadowBinding);
        }
        out
    }

    // ---- 2, 3. borrows of self's fields and through reference parameters ----

    fn borrow_forms(&self) -> Vec<char> {
        let mut out = Vec::new();
        let through_mut = self.on(F::ReborrowMut);
        if let Some(m) = self.recv {
            if self.on(F::MethodSelf) && (!m || through_mut) {
                out.extend(['a', 'c', 'e']);
                if m && self.key_free("self.buf", true) && self.key_free("self.ls", true) {
                    out.push('b');
                }
                if m && self.key_free("self.n", true) {
                    out.push('d');
                }
            }
        }
        if self.refp && self.on(F::RefParam) {
            out.extend(['f', 'k']);
            if through_mut && self.key_free("m", true) {
                out.push('g');
            }
            if through_mut && self.key_free("m", false) {
                out.push('h');
            }
            if through_mut && self.key_free("pp", true) {
                out.push('i');
            }
            if through_mut && self.key_free("pp", false) {
                out.push('j');
            }
        }
        out
    }

    fn borrow_stmt(&mut self, d1: usize) -> Vec<Stmt> {
        let forms = self.borrow_forms();
        if forms.is_empty() {
            return vec![];
        }
        let form = forms[self.rng.below(forms.len())];
        let x = self.fresh("x");
        let star = format!("*{x}");
        let tag = if matches!(form, 'a'..='e') {
            F::MethodSelf
        } else {
            F::RefParam
        };
        let pm = self.places.len();
        let lm = self.locks.len();
        let mut out = Vec::new();
        match form {
            'a' | 'e' | 'k' | 'b' => {
                let (head, mutable) = match form {
                    'a' => (format!("for {x} in &self.items"), false),
                    'e' => {
                        let i = self.fresh("i");
                        (
                            format!("for ({i}, {x}) in self.items.iter().enumerate()"),
                            false,
                        )
                    }
                    'b' => (format!("for {x} in self.buf.iter_mut()"), true),
                    _ => {
                        if self.rng.pct(50) {
                            (format!("for {x} in v.iter()"), false)
                        } else {
                            (format!("for {x} in v"), false)
                        }
                    }
                };
                if form == 'b' {
                    self.lock("self.buf", true);
                }
                self.place(
                    PlaceKind::I64 {
                        text: star.clone(),
                        mutable,
                    },
                    &[x.as_str()],
                );
                let mut body = self.loop_body(d1, &[], None);
                if form == 'b' {
                    // Runs inside the loop: nothing from outside may move.
                    self.loop_depth += 1;
                    let v = self.ex_i64(d1, true);
                    self.loop_depth -= 1;
                    body.stmts
                        .insert(0, Stmt::new(format!("{star} += @0;"), vec![e(v)]));
                } else if self.rng.pct(70) {
                    body.stmts
                        .insert(0, Self::yield_stmt(Expr::leaf(Ty::I64, star.clone())));
                }
                self.places.truncate(pm);
                self.locks.truncate(lm);
                out.push(Stmt::new(format!("{head} @0"), vec![b(body)]));
            }
            'c' => {
                out.push(Stmt::new(format!("let {x} = &self.items;"), vec![]));
                let v = self.ex_i64_ny(0);
                out.push(Self::yield_stmt(v));
                out.push(Stmt::new(
                    format!("note({x}.len() as i64 + {x}[0]);"),
                    vec![],
                ));
                self.place(
                    PlaceKind::Read(format!("({x}.len() as i64)")),
                    &[x.as_str()],
                );
            }
            'd' | 'g' | 'i' => {
                let (init, key, op) = match form {
                    'd' => ("&mut self.n", "self.n", "+="),
                    'g' => ("&mut *m", "m", "^="),
                    _ => ("&mut pp.a", "pp", "-="),
                };
                out.push(Stmt::new(format!("let {x} = {init};"), vec![]));
                self.lock(key, true);
                let v = self.ex_i64(d1.max(1), true);
                let mut st = Stmt::new(format!("{star} {op} @0;"), vec![e(v)]);
                if st.kids.iter().any(Node::has_yield) {
                    st = st.tag(F::YieldAssign);
                }
                out.push(st);
                self.place(
                    PlaceKind::I64 {
                        text: star.clone(),
                        mutable: true,
                    },
                    &[x.as_str()],
                );
            }
            _ => {
                let (init, key) = match form {
                    'f' => ("&*r", None),
                    'h' => ("&*m", Some("m")),
                    _ => ("&pp.b", Some("pp")),
                };
                out.push(Stmt::new(format!("let {x} = {init};"), vec![]));
                if let Some(k) = key {
                    self.lock(k, false);
                }
                let v = self.ex_i64_ny(0);
                out.push(Self::yield_stmt(v));
                out.push(Stmt::new(format!("note({star});"), vec![]));
                self.place(
                    PlaceKind::I64 {
                        text: star.clone(),
                        mutable: false,
                    },
                    &[x.as_str()],
                );
            }
        }
        out[0].tags.push(tag);
        let through_mut = match form {
            'a' | 'c' | 'e' => self.recv == Some(true),
            'b' | 'd' | 'g' | 'h' | 'i' | 'j' => true,
            _ => false,
        };
        if through_mut {
            out[0].tags.push(F::ReborrowMut);
        }
        out
    }

    fn place_read(&mut self, d1: usize, y: bool) -> Expr {
        let r = self.readable();
        let i = self.pick(&r);
        let text = match self.places[i].kind.clone() {
            PlaceKind::I64 { text, .. } | PlaceKind::Read(text) => text,
            PlaceKind::Arr(n) => format!("{n}[{}]", self.rng.below(4)),
            PlaceKind::Acc(n) => format!("{n}.sum()"),
            PlaceKind::L(n) => format!("{n}.get()"),
            PlaceKind::Slice(n) => {
                if self.rng.pct(30) {
                    format!("({n}.len() as i64)")
                } else if self.rng.pct(50) {
                    let a = self.ex_i64(d1, y);
                    return Expr::t(
                        Ty::I64,
                        format!("{n}[((@0) as i64).rem_euclid({n}.len() as i64) as usize]"),
                        vec![e(a)],
                    );
                } else {
                    format!("{n}[{}]", self.rng.below(3))
                }
            }
            PlaceKind::SelfMut => "0".to_string(),
        };
        Expr::leaf(Ty::I64, text)
    }

    // ---- 7. assignments to places, yields in the place ----

    /// `((i) as i64).rem_euclid(n) as usize`, the index maybe yielding (half the time a yield
    /// itself, with `yield-place`).
    fn index(&mut self, d1: usize, n: usize) -> Expr {
        let yp = self.on(F::YieldPlace);
        let i = if yp && self.rng.pct(50) {
            let v = self.ex_i64(d1, true);
            Self::yield_of(v)
        } else {
            self.ex_i64(d1, yp)
        };
        Expr::t(
            Ty::I64,
            format!("((@0) as i64).rem_euclid({n}) as usize"),
            vec![e(i)],
        )
    }

    /// The right operand of an overloaded compound assignment: its place is borrowed while it
    /// runs, so it neither reads that place nor, on a local, yields.
    fn rhs_locked(&mut self, d1: usize, key: &str, y: bool) -> Expr {
        self.lock(key, true);
        let v = if y {
            self.ex_i64(d1, true)
        } else {
            self.ex_i64_ny(d1)
        };
        self.locks.pop();
        v
    }

    /// An assignment to a writable place (`only`: that one).
    fn place_assign(&mut self, d1: usize, only: Option<usize>) -> Vec<Stmt> {
        let w = self.writable();
        if w.is_empty() {
            return vec![];
        }
        let i = match only {
            Some(i) => i,
            None => self.pick(&w),
        };
        let p = self.places[i].clone();
        let yp = self.on(F::YieldPlace);
        let ov = self.on(F::OverloadedAssign);
        let op = ["+=", "-=", "^=", "|="][self.rng.below(4)];
        let mut overloaded = false;
        // (template, place kids, value kids)
        let (t, place_kids, v): (String, Vec<Expr>, Expr) = match p.kind.clone() {
            PlaceKind::I64 { text, .. } => match self.rng.below(if yp { 3 } else { 2 }) {
                0 => (
                    format!("{text} = @0;"),
                    vec![],
                    self.ex_i64(d1.max(1), true),
                ),
                1 => (
                    format!("{text} {op} @0;"),
                    vec![],
                    self.ex_i64(d1.max(1), true),
                ),
                _ => {
                    // The value first: an operator on numbers evaluates it before the place.
                    let v = self.ex_i64(d1.max(1), true);
                    let yv = self.ex_i64_ny(0);
                    (
                        format!("*{{ @0; &mut {text} }} {op} @1;"),
                        vec![Self::yield_of(yv)],
                        v,
                    )
                }
            },
            // Rust evaluates the value before the place for `=` and for an operator on
            // numbers: it is generated first, so that what it moves is moved for the place.
            PlaceKind::Arr(n) => match self.rng.below(if yp { 3 } else { 2 }) {
                0 => {
                    let v = self.ex_i64(d1.max(1), true);
                    let ix = self.index(d1, 4);
                    (format!("{n}[@0] = @1;"), vec![ix], v)
                }
                1 => {
                    let v = self.ex_i64(d1.max(1), true);
                    let ix = self.index(d1, 4);
                    (format!("{n}[@0] {op} @1;"), vec![ix], v)
                }
                _ => {
                    let v = self.ex_i64(d1.max(1), true);
                    let yv = self.ex_i64_ny(0);
                    let k = self.rng.below(4);
                    (
                        format!("*{{ @0; &mut {n}[{k}] }} {op} @1;"),
                        vec![Self::yield_of(yv)],
                        v,
                    )
                }
            },
            PlaceKind::Acc(n) => match self.rng.below(if ov { 3 } else { 2 }) {
                0 => {
                    let v = self.ex_i64(d1.max(1), true);
                    let ix = self.index(d1, 4);
                    (format!("{n}.v[@0] -= @1;"), vec![ix], v)
                }
                1 => (format!("{n}.n = @0;"), vec![], self.ex_i64(d1.max(1), true)),
                _ => {
                    overloaded = true;
                    let ix = self.index(d1, 2);
                    let v = self.rhs_locked(d1.max(1), &n, false);
                    (format!("{n}.l[@0] += @1;"), vec![ix], v)
                }
            },
            PlaceKind::L(n) => {
                overloaded = true;
                if yp && self.rng.pct(50) {
                    let yv = self.ex_i64_ny(0);
                    let v = self.rhs_locked(d1.max(1), &n, false);
                    (
                        format!("*{{ @0; &mut {n} }} -= @1;"),
                        vec![Self::yield_of(yv)],
                        v,
                    )
                } else {
                    let v = self.rhs_locked(d1.max(1), &n, false);
                    (format!("{n} += @0;"), vec![], v)
                }
            }
            PlaceKind::SelfMut => {
                let choice = self.rng.below(if ov { 4 } else { 3 });
                // The value first where Rust evaluates it first (see `Arr`).
                let v = (choice < 2).then(|| self.ex_i64(d1.max(1), true));
                self.lock("self.buf", true);
                let ix = self.index(d1, 2);
                self.locks.pop();
                match choice {
                    0 => ("self.buf[@0] = @1;".to_string(), vec![ix], v.expect("made")),
                    1 => (format!("self.buf[@0] {op} @1;"), vec![ix], v.expect("made")),
                    2 => {
                        let v = self.rhs_locked(d1.max(1), "self.buf", true);
                        ("self.buf.push(@0);".to_string(), vec![], v)
                    }
                    _ => {
                        overloaded = true;
                        // Behind `&mut self`: the right operand may yield.
                        let v = self.rhs_locked(d1.max(1), "self.ls", true);
                        ("self.ls[@0] += @1;".to_string(), vec![ix], v)
                    }
                }
            }
            PlaceKind::Read(_) | PlaceKind::Slice(_) => return vec![],
        };
        let place_yields = place_kids.iter().any(Expr::has_yield);
        let v_yields = v.has_yield();
        let mut kids: Vec<Node> = place_kids.into_iter().map(e).collect();
        kids.push(e(v));
        let mut st = Stmt::new(t, kids);
        if place_yields {
            st = st.tag(F::YieldPlace);
        }
        if v_yields {
            st = st.tag(F::YieldAssign);
        }
        if overloaded {
            st = st.tag(F::OverloadedAssign);
        }
        if matches!(p.kind, PlaceKind::SelfMut) || p.keys.iter().any(|k| k.starts_with("self")) {
            st = st.tag(F::MethodSelf);
        }
        if p.keys.iter().any(|k| k == "m" || k == "pp") {
            st = st.tag(F::RefParam);
        }
        let mut out = vec![st];
        match &p.kind {
            PlaceKind::Arr(n) => out.push(Stmt::new(
                format!("note({n}.iter().fold(0, |a, b| a ^ b));"),
                vec![],
            )),
            PlaceKind::Acc(n) => out.push(Stmt::new(format!("note({n}.sum());"), vec![])),
            _ => {}
        }
        out
    }

    fn place_decl(&mut self, d1: usize) -> Vec<Stmt> {
        let mut kinds = Vec::new();
        if self.on(F::YieldPlace) {
            kinds.push(0);
        }
        kinds.push(1);
        if self.on(F::OverloadedAssign) {
            kinds.push(2);
        }
        let k = self.id();
        let mut out = match kinds[self.rng.below(kinds.len())] {
            0 => {
                let n = format!("a{k}");
                self.place(PlaceKind::Arr(n.clone()), &[n.as_str()]);
                vec![Stmt::new(format!("let mut {n} = [0i64; 4];"), vec![])]
            }
            1 => {
                let n = format!("s{k}");
                let v = self.ex_i64(d1, true);
                self.place(PlaceKind::Acc(n.clone()), &[n.as_str()]);
                vec![Stmt::new(
                    format!("let mut {n} = Acc::new(@0);"),
                    vec![e(v)],
                )]
            }
            _ => {
                let n = format!("l{k}");
                self.place(PlaceKind::L(n.clone()), &[n.as_str()]);
                vec![Stmt::new(format!("let mut {n} = L::new({k});"), vec![])]
            }
        };
        // At once an assignment to it (more may follow).
        let i = self.places.len() - 1;
        out.extend(self.place_assign(d1, Some(i)));
        out
    }

    // ---- 4. closures capturing by reference ----

    fn closure_stmt(&mut self, d1: usize) -> Vec<Stmt> {
        let ivars = self.visible(Ty::I64);
        let mvars: Vec<usize> = ivars
            .iter()
            .copied()
            .filter(|&i| self.vars[i].mutable)
            .collect();
        let dvars = self.visible(Ty::D);
        let vvars = self.visible(Ty::Vec);
        let mut forms = vec![];
        if !ivars.is_empty() {
            forms.push(0);
        }
        if !mvars.is_empty() {
            forms.push(1);
        }
        if !dvars.is_empty() {
            forms.push(2);
        }
        if !vvars.is_empty() {
            forms.push(3);
        }
        if forms.is_empty() {
            return vec![];
        }
        let f = self.fresh("f");
        let k = self.id();
        let mut out = match forms[self.rng.below(forms.len())] {
            0 => {
                let x = self.pick_name(&ivars);
                let a = self.ex_i64_ny(d1);
                let a2 = self.ex_i64_ny(0);
                vec![
                    Stmt::new(
                        format!("let {f} = |a: i64| a.wrapping_mul({k}).wrapping_add({x});"),
                        vec![],
                    ),
                    Stmt::new(format!("note({f}(@0) ^ {f}(@1));"), vec![e(a), e(a2)]),
                ]
            }
            1 => {
                let x = self.pick_name(&mvars);
                let (k1, k2) = (self.rng.range(0, 9), self.rng.range(0, 9));
                vec![
                    Stmt::new(format!("let mut {f} = |a: i64| {{ {x} ^= a; }};"), vec![]),
                    Stmt::new(format!("{f}({k1});\n{f}({k2});"), vec![]),
                ]
            }
            2 => {
                let x = self.pick_name(&dvars);
                vec![
                    Stmt::new(format!("let {f} = || {x}.get().wrapping_add({k});"), vec![]),
                    Stmt::new(format!("note({f}());"), vec![]),
                ]
            }
            _ => {
                let x = self.pick_name(&vvars);
                let a = self.ex_i64_ny(d1);
                vec![
                    Stmt::new(
                        format!(
                            "let {f} = |a: i64| {x}.iter().filter(|x| **x > a).count() as i64;"
                        ),
                        vec![],
                    ),
                    Stmt::new(format!("note({f}(@0));"), vec![e(a)]),
                ]
            }
        };
        out[0].tags.push(F::ClosureRef);
        let v = self.ex_i64_ny(0);
        out.push(Self::yield_stmt(v));
        out
    }

    // ---- 5. hand-driven sub-coroutines and iterators ----

    fn coroutine_value(&mut self, d1: usize) -> Option<Expr> {
        let cos: Vec<String> = self
            .items
            .iter()
            .filter_map(|it| match it {
                Item::Co(n) => Some(n.clone()),
                _ => None,
            })
            .collect();
        let n = self.subs + cos.len();
        if n == 0 {
            return None;
        }
        let j = self.rng.below(n);
        let a = self.ex_i64(d1, true);
        Some(if j < self.subs {
            Expr {
                ty: Ty::Unit,
                kind: ExprKind::SubCall(j, Box::new(a)),
                tags: vec![],
            }
        } else {
            Expr::t(Ty::Unit, format!("{}(@0)", cos[j - self.subs]), vec![e(a)])
        })
    }

    fn hand_driven(&mut self, d1: usize) -> Vec<Stmt> {
        let sname = self.fresh("s");
        let x = self.fresh("x");
        let co = if self.rng.pct(60) {
            self.coroutine_value(d1)
        } else {
            None
        };
        let mut out = Vec::new();
        if let Some(co) = co {
            out.push(Stmt::new(format!("let mut {sname} = @0;"), vec![e(co)]).tag(F::HandDriven));
            if self.rng.pct(50) {
                let a = self.fresh("a");
                out.push(Stmt::new(format!("let mut {a} = 0i64;"), vec![]));
                let mut body = self.loop_body(d1, &[(x.clone(), Ty::I64)], None);
                body.stmts.insert(
                    0,
                    Stmt::new(
                        format!("{a} = @0;"),
                        vec![e(Self::yield_of(Expr::leaf(Ty::I64, x.clone())))],
                    ),
                );
                out.push(Stmt::new(
                    format!("while let CoroutineState::Yielded({x}) = Pin::new(&mut {sname}).resume({a}) @0"),
                    vec![b(body)],
                ));
            } else {
                let r = self.fresh("r");
                let a = self.ex_i64_ny(0);
                let arms = self.branches(2, |g, j| {
                    if j == 0 {
                        let mut blk = g.bound_block(d1, &[(x.clone(), Ty::I64)]);
                        blk.stmts
                            .insert(0, Self::yield_stmt(Expr::leaf(Ty::I64, x.clone())));
                        blk
                    } else {
                        let mut blk = g.bound_block(d1, &[(r.clone(), Ty::I64)]);
                        blk.stmts
                            .insert(0, Stmt::new(format!("note({r});"), vec![]));
                        blk
                    }
                });
                let mut kids = vec![e(a)];
                kids.extend(arms.into_iter().map(b));
                out.push(Stmt::new(
                    format!("match Pin::new(&mut {sname}).resume(@0) {{\n    CoroutineState::Yielded({x}) => @1,\n    CoroutineState::Complete({r}) => @2,\n}}"),
                    kids,
                ));
            }
        } else {
            let k = self.id();
            let (init, kids, ty) = match self.rng.below(3) {
                0 => {
                    let a = self.ex_i64(d1, true);
                    (
                        "(0..((@0) as i64).rem_euclid(4))".to_string(),
                        vec![e(a)],
                        Ty::I64,
                    )
                }
                1 => (
                    format!(
                        "vec![D::new({k}, 1), D::new({}, 2), D::new({}, 3)].into_iter()",
                        k + 100,
                        k + 200
                    ),
                    vec![],
                    Ty::D,
                ),
                _ => {
                    let a = self.ex_i64(d1, true);
                    let bb = self.ex_i64(d1, true);
                    (
                        "Vec::from([@0, @1, 5]).into_iter().map(|x| x ^ 1)".to_string(),
                        vec![e(a), e(bb)],
                        Ty::I64,
                    )
                }
            };
            out.push(Stmt::new(format!("let mut {sname} = {init};"), kids).tag(F::HandDriven));
            let yv = Expr::leaf(Ty::I64, Self::use_text(&x, ty));
            if self.rng.pct(50) {
                let mut blk = self.bound_block(d1, &[(x.clone(), ty)]);
                blk.stmts.insert(0, Self::yield_stmt(yv));
                out.push(Stmt::new(
                    format!("if let Some({x}) = {sname}.next() @0"),
                    vec![b(blk)],
                ));
            } else {
                let mut body = self.loop_body(d1, &[(x.clone(), ty)], None);
                body.stmts.insert(0, Self::yield_stmt(yv));
                out.push(Stmt::new(
                    format!("while let Some({x}) = {sname}.next() @0"),
                    vec![b(body)],
                ));
            }
        }
        out
    }

    // ---- 6. items in the body ----

    fn item_decl(&mut self, _d1: usize) -> Vec<Stmt> {
        let k = self.id();
        let c = self.rng.range(0, 9);
        let (st, item) = match self.rng.below(4) {
            0 => (
                Stmt::new(
                    format!("fn f{k}(a: i64) -> i64 {{\n    a.wrapping_mul(3) ^ {c}\n}}"),
                    vec![],
                ),
                Item::Fn(format!("f{k}")),
            ),
            1 => (
                Stmt::new(format!("const K{k}: i64 = {c};"), vec![]),
                Item::Const(format!("K{k}")),
            ),
            2 => (
                Stmt::new(
                    format!("struct T{k} {{\n    v: i64,\n}}\nimpl T{k} {{\n    fn get(&self) -> i64 {{\n        self.v.wrapping_add({c})\n    }}\n}}"),
                    vec![],
                ),
                Item::Struct(format!("T{k}")),
            ),
            _ => {
                let name = format!("co{k}");
                let saved_vars = std::mem::take(&mut self.vars);
                let saved_ctxs = std::mem::take(&mut self.ctxs);
                let saved_places = std::mem::take(&mut self.places);
                let saved_locks = std::mem::take(&mut self.locks);
                let saved_items = std::mem::take(&mut self.items);
                let saved = (
                    self.loop_depth,
                    self.ret,
                    self.in_jump_value,
                    self.budget,
                    self.recv,
                    self.refp,
                );
                self.loop_depth = 0;
                self.ret = Ret::I64;
                self.in_jump_value = 0;
                self.budget = 6;
                self.recv = None;
                self.refp = false;
                self.declare("q", Ty::I64, false);
                let body = self.fn_body(1);
                self.vars = saved_vars;
                self.ctxs = saved_ctxs;
                self.places = saved_places;
                self.locks = saved_locks;
                self.items = saved_items;
                (
                    self.loop_depth,
                    self.ret,
                    self.in_jump_value,
                    self.budget,
                    self.recv,
                    self.refp,
                ) = saved;
                let f = CoFn {
                    name: name.clone(),
                    params: vec![("q".into(), "i64".into())],
                    ret: "i64".into(),
                    body,
                    nested: true,
                    ..CoFn::default()
                };
                (Stmt::new("@0", vec![Node::F(Box::new(f))]), Item::Co(name))
            }
        };
        self.items.push(item);
        vec![st.tag(F::BodyItem)]
    }

    fn item_use(&mut self, d1: usize, y: bool) -> Expr {
        let it = self.items[self.rng.below(self.items.len())].clone();
        match it {
            Item::Fn(f) => {
                let a = self.ex_i64(d1, y);
                Expr::t(Ty::I64, format!("{f}(@0)"), vec![e(a)])
            }
            Item::Const(c) => Expr::leaf(Ty::I64, c),
            Item::Struct(t) => {
                let a = self.ex_i64(d1, y);
                Expr::t(Ty::I64, format!("({t} {{ v: @0 }}).get()"), vec![e(a)])
            }
            Item::Co(c) if y => {
                let a = self.ex_i64(d1, y);
                Expr {
                    ty: Ty::I64,
                    kind: ExprKind::Delegate(Box::new(Expr::t(
                        Ty::Unit,
                        format!("{c}(@0)"),
                        vec![e(a)],
                    ))),
                    tags: vec![F::BodyItem, F::ResumeArg],
                }
            }
            Item::Co(_) => self.lit(),
        }
    }

    // ---- 8. a move on some paths, then a yield ----

    fn drop_flag(&mut self, d1: usize) -> Vec<Stmt> {
        let k = self.id();
        let dn = format!("d{k}");
        let v = self.ex_i64(d1, true);
        let mut out =
            vec![Stmt::new(format!("let {dn} = D::new({k}, @0);"), vec![e(v)]).tag(F::DropFlag)];
        let mv = match self.rng.below(3) {
            0 => format!("drop({dn});"),
            1 => format!("note(consume({dn}));"),
            _ => format!("let e{k} = {dn};"),
        };
        let mv_blk = Block {
            stmts: vec![Stmt::new(mv, vec![]).tag(F::DropMove)],
            tail: None,
        };
        if self.rng.pct(70) {
            let c = self.cond(d1, true);
            if self.rng.pct(50) {
                let els = Block {
                    stmts: vec![Stmt::new(format!("note({dn}.get());"), vec![])],
                    tail: None,
                };
                out.push(Stmt::new("if @0 @1 else @2", vec![e(c), b(mv_blk), b(els)]));
            } else {
                out.push(Stmt::new("if @0 @1", vec![e(c), b(mv_blk)]));
            }
        } else {
            let s = self.ex_i64(d1, true);
            out.push(Stmt::new(
                "match @0 {\n    1 | 3 => @1,\n    _ => {}\n}",
                vec![e(s), b(mv_blk)],
            ));
        }
        let v = self.ex_i64_ny(0);
        out.push(Self::yield_stmt(v));
        out
    }

    // ---- 9. let-chains, unsafe, std's macros ----

    fn let_chain(&mut self, d1: usize) -> Vec<Stmt> {
        let x = self.fresh("x");
        let bind = [(x.clone(), Ty::I64)];
        let (t, kids, pre) = match self.rng.below(3) {
            0 => {
                let sc = self.ex_opt(d1.max(1), true);
                let mark = self.vars.len();
                self.declare(&x, Ty::I64, false);
                let c = self.cond(d1, true);
                self.vars.truncate(mark);
                let with_else = self.rng.pct(40);
                let arms = self.branches(if with_else { 2 } else { 1 }, |g, j| {
                    if j == 0 {
                        g.bound_block(d1, &bind)
                    } else {
                        g.block(d1, None)
                    }
                });
                let mut kids = vec![e(sc), e(c)];
                kids.extend(arms.into_iter().map(b));
                let t = if with_else {
                    format!("if let Some({x}) = @0 && @1 @2 else @3")
                } else {
                    format!("if let Some({x}) = @0 && @1 @2")
                };
                (t, kids, None)
            }
            1 => {
                let c = self.cond(d1, true);
                let sc = self.ex_res(d1.max(1), true);
                let blk = self.bound_block(d1, &bind);
                (
                    format!("if @0 && let Ok({x}) = @1 @2"),
                    vec![e(c), e(sc), b(blk)],
                    None,
                )
            }
            _ => {
                let c = self.fresh("c");
                let n = self.rng.range(1, 3);
                let sc = self.in_while_cond(|g| g.ex_opt(d1.max(1), true));
                let mut body = self.loop_body(d1, &bind, None);
                body.stmts.insert(
                    0,
                    Stmt {
                        tmpl: format!("{c} += 1;"),
                        kids: vec![],
                        tags: vec![],
                        fixed: true,
                    },
                );
                (
                    format!("while {c} < {n} && let Some({x}) = @0 @1"),
                    vec![e(sc), b(body)],
                    Some(Stmt::new(format!("let mut {c} = 0;"), vec![])),
                )
            }
        };
        let chain_yields = kids
            .iter()
            .any(|k| matches!(k, Node::E(x) if x.has_yield()));
        let mut st = Stmt::new(t, kids);
        if chain_yields {
            st = st.tag(F::YieldLetChain);
        }
        pre.into_iter().chain(std::iter::once(st)).collect()
    }

    fn macro_expr(&mut self, d1: usize, y: bool) -> Expr {
        let x = if self.rng.pct(50) {
            let a = self.ex_i64(d1, y);
            let bb = self.ex_i64_ny(d1);
            Expr::t(
                Ty::I64,
                "(format!(\"{}-{}\", @0, @1).len() as i64)",
                vec![e(a), e(bb)],
            )
        } else {
            let kids: Vec<Node> = (0..3).map(|_| e(self.ex_i64(d1, y))).collect();
            let i = self.rng.below(3);
            Expr::t(Ty::I64, format!("vec![@0, @1, @2][{i}]"), kids)
        };
        if x.has_yield() {
            x.tag(F::YieldMacroArg)
        } else {
            x
        }
    }

    fn macro_stmt(&mut self, d1: usize) -> Vec<Stmt> {
        let k = self.id();
        let ivars = self.visible(Ty::I64);
        let a = self.ex_i64(d1.max(1), true);
        let st = match self.rng.below(7) {
            0 => {
                let bb = self.ex_i64_ny(d1);
                Stmt::new(
                    format!("ev(format!(\"f{k} {{}} {{}}\", @0, @1));"),
                    vec![e(a), e(bb)],
                )
            }
            1 if !ivars.is_empty() => {
                let v = self.pick_name(&ivars);
                Stmt::new(
                    format!("ev(format!(\"f{k} {{}} {{{v}}}\", @0));"),
                    vec![e(a)],
                )
            }
            2 => {
                let bb = self.ex_i64_ny(d1);
                Stmt::new(
                    format!("println!(\"p{k} {{}} {{}}\", @0, @1);"),
                    vec![e(a), e(bb)],
                )
            }
            3 => {
                if self.on(F::Panic) && self.rng.pct(50) {
                    let bb = self.ex_i64_ny(d1);
                    Stmt::new(format!("assert_eq!(@0, @1, \"a{k}\");"), vec![e(a), e(bb)])
                        .tag(F::Panic)
                } else {
                    Stmt::new(
                        format!("assert_eq!(((@0) as i64).rem_euclid(1), 0, \"a{k}\");"),
                        vec![e(a)],
                    )
                }
            }
            4 => {
                if self.on(F::Panic) && self.rng.pct(50) {
                    Stmt::new(format!("assert!(@0 != 11, \"a{k}\");"), vec![e(a)]).tag(F::Panic)
                } else {
                    Stmt::new(
                        format!("assert!(((@0) as i64).rem_euclid(5) < 5, \"a{k}\");"),
                        vec![e(a)],
                    )
                }
            }
            5 => {
                let n = format!("b{k}");
                let st = Stmt::new(format!("let {n} = matches!(@0, 1 | 2 | 3);"), vec![e(a)]);
                self.declare(&n, Ty::Bool, false);
                st
            }
            _ => {
                let bb = self.ex_i64(d1, true);
                let c = self.ex_i64(d1, true);
                let i = self.rng.below(3);
                Stmt::new(
                    format!("note(vec![@0, @1, @2][{i}]);"),
                    vec![e(a), e(bb), e(c)],
                )
            }
        };
        let st = if st.kids.iter().any(Node::has_yield) {
            st.tag(F::YieldMacroArg)
        } else {
            st
        };
        vec![st]
    }

    // ---- 3. values computed through a borrow ----

    fn ex_vec(&mut self, d: usize, y: bool) -> Expr {
        let d1 = d.saturating_sub(1);
        let kids: Vec<Node> = (0..3).map(|_| e(self.ex_i64(d1, y))).collect();
        // Not `vec![…]`: a yield inside a macro's arguments is `yield-macro-arg`'s business.
        Expr::t(Ty::Vec, "Vec::<i64>::from([@0, @1, @2])", kids)
    }

    fn vec_read(&mut self, _d1: usize) -> Expr {
        let vv = self.visible(Ty::Vec);
        let v = self.pick_name(&vv);
        let t = match self.rng.below(4) {
            0 => format!("({v}.len() as i64)"),
            1 => format!("{v}[{}]", self.rng.below(3)),
            2 => format!("{v}.iter().fold(0, |a, b| a ^ b)"),
            _ => {
                let ivars = self.visible(Ty::I64);
                let k = if ivars.is_empty() || self.rng.pct(30) {
                    self.rng.range(0, 9).to_string()
                } else {
                    self.pick_name(&ivars)
                };
                format!("{v}.iter().map(|x| x ^ {k}).fold(0, |a, b| a ^ b)")
            }
        };
        Expr::leaf(Ty::I64, t)
    }

    fn vec_stmt(&mut self, d1: usize) -> Vec<Stmt> {
        let mut vv = self.visible(Ty::Vec);
        let mut decl = Vec::new();
        if vv.is_empty() || self.rng.pct(25) {
            // A new `Vec`, and what follows computes through a borrow of it.
            let n = self.fresh("w");
            let init = self.ex_vec(d1.max(1), true);
            decl.push(Stmt::new(format!("let mut {n} = @0;"), vec![e(init)]));
            self.declare(&n, Ty::Vec, true);
            vv = vec![self.vars.len() - 1];
        }
        let i = self.pick(&vv);
        let v = self.vars[i].name.clone();
        let ivars = self.visible(Ty::I64);
        let k = if ivars.is_empty() || self.rng.pct(30) {
            self.rng.range(0, 9).to_string()
        } else {
            self.pick_name(&ivars)
        };
        let n = self.fresh("n");
        let mut out = match self.rng.below(10) {
            // A temporary made from a borrow of the local, read before a yield of the same
            // statement: it holds the borrow (so it has nothing to drop).
            8 => {
                let y = Self::yield_of(self.ex_i64_ny(d1));
                vec![Stmt::new(
                    format!("let {n} = Some(&{v}).unwrap().len() as i64 + @0;"),
                    vec![e(y)],
                )]
            }
            9 => {
                let y = Self::yield_of(self.ex_i64_ny(d1));
                vec![Stmt::new(
                    format!("let {n} = (&{v}, {k}).0.len() as i64 ^ @0;"),
                    vec![e(y)],
                )]
            }
            6 => vec![Stmt::new(
                format!("let {n}: i64 = {v}.iter().map(|x| x.wrapping_mul({k})).sum();"),
                vec![],
            )],
            7 => vec![Stmt::new(
                format!("let {n} = {v}.iter().sum::<i64>();"),
                vec![],
            )],
            0 => vec![Stmt::new(
                format!("let {n}: i64 = {v}.iter().map(|x| x ^ {k}).fold(0, |a, b| a ^ b);"),
                vec![],
            )],
            1 => vec![Stmt::new(
                format!("let {n} = {v}.iter().filter(|x| **x > {k}).count() as i64;"),
                vec![],
            )],
            2 => {
                let w = self.fresh("ws");
                vec![
                    Stmt::new(
                        format!(
                            "let {w}: Vec<String> = {v}.iter().map(|x| x.to_string()).collect();"
                        ),
                        vec![],
                    ),
                    Self::yield_stmt(Expr::leaf(Ty::I64, "0")),
                    Stmt::new(format!("let {n} = {w}.join(\",\").len() as i64;"), vec![]),
                ]
            }
            3 => {
                let it = self.fresh("it");
                vec![
                    Stmt::new(format!("let mut {it} = {v}.iter();"), vec![]),
                    Stmt::new(
                        format!("let {n} = {it}.next().copied().unwrap_or(0);"),
                        vec![],
                    ),
                ]
            }
            4 if self.vars[i].loop_depth == self.loop_depth => {
                self.vars[i].moved = true;
                vec![Stmt::new(
                    format!("let {n}: i64 = {v}.into_iter().fold(0, |a, b| a ^ b);"),
                    vec![],
                )]
            }
            _ if self.vars[i].mutable => {
                let a = self.ex_i64_ny(d1);
                vec![
                    Stmt::new(format!("{v}.push(@0);"), vec![e(a)]),
                    Stmt::new(format!("let {n} = {v}.len() as i64;"), vec![]),
                ]
            }
            _ => vec![Stmt::new(format!("let {n} = {v}[0];"), vec![])],
        };
        out[0].tags.push(F::BorrowedValue);
        out.splice(0..0, decl);
        self.declare(&n, Ty::I64, false);
        let yv = self.ex_i64_ny(0);
        out.push(Self::yield_stmt(yv));
        out.push(Stmt::new(format!("note({n});"), vec![]));
        out
    }
}
