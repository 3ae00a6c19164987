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
    let nsubs = if cfg.has(F::YieldFrom) {
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
        };
        g.declare("q", Ty::I64, false);
        let body = g.fn_body(cfg.max_depth.min(2));
        next = g.next;
        subs.push(CoFn {
            name: format!("sub{k}"),
            params: vec![("q".into(), Ty::I64)],
            ret: "i64".into(),
            body,
        });
    }
    let ret = match rng.below(4) {
        0 if cfg.has(F::TryResult) => Ret::Res,
        1 if cfg.has(F::TryOption) => Ret::Opt,
        _ => Ret::I64,
    };
    let with_dp = cfg.has(F::DropParam) && rng.pct(50);
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
    };
    let mut params = vec![("p".to_string(), Ty::I64)];
    g.declare("p", Ty::I64, false);
    if with_dp {
        params.push(("dp".to_string(), Ty::D));
        g.declare("dp", Ty::D, false);
    }
    let body = g.fn_body(cfg.max_depth);
    let p0 = g.rng.range(0, 9);
    let call_args = if with_dp {
        format!("{p0}, D::new(1000, {})", g.rng.range(0, 9))
    } else {
        format!("{p0}")
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
            params,
            ret: match ret {
                Ret::I64 => "i64",
                Ret::Res => "Result<i64, i64>",
                Ret::Opt => "Option<i64>",
            }
            .into(),
            body,
        },
        call_args,
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
                let s0 = self.snapshot();
                let els = self.block_then(d1, None, &mut |g| vec![g.diverge(d1)]);
                self.restore(&s0);
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
