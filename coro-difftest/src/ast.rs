//! The generated programs: a small tree of templates, rendered in two forms by
//! [`crate::render`].
//!
//! Most nodes are a template (`"h2(@0, @1)"`) with children; only the yields differ between the
//! two forms, so they are nodes of their own. The reducer works on this tree.

use crate::config::Feature;

/// The type of a generated expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `i64`.
    I64,
    /// `bool`.
    Bool,
    /// `D`, the value with a logging `Drop`.
    D,
    /// `Option<i64>`.
    Opt,
    /// `Result<i64, i64>`.
    Res,
    /// `()`.
    Unit,
    /// `Vec<i64>`.
    Vec,
}

impl Ty {
    /// A simple value of this type, used by the reducer.
    pub fn simplest(self) -> &'static str {
        match self {
            Ty::I64 => "0",
            Ty::Bool => "false",
            Ty::D => "D::new(0, 0)",
            Ty::Opt => "None::<i64>",
            Ty::Res => "Ok::<i64, i64>(0)",
            Ty::Unit => "()",
            Ty::Vec => "Vec::<i64>::new()",
        }
    }

    /// The type as Rust source.
    pub fn rust(self) -> &'static str {
        match self {
            Ty::I64 => "i64",
            Ty::Bool => "bool",
            Ty::D => "D",
            Ty::Opt => "Option<i64>",
            Ty::Res => "Result<i64, i64>",
            Ty::Unit => "()",
            Ty::Vec => "Vec<i64>",
        }
    }
}

/// A child of a template: an expression or a block.
#[derive(Clone, Debug)]
pub enum Node {
    /// An expression.
    E(Expr),
    /// A block `{ … }`.
    B(Block),
    /// A coroutine fn declared as an item inside a body.
    F(Box<CoFn>),
}

/// An expression of a known type.
#[derive(Clone, Debug)]
pub struct Expr {
    /// Its type.
    pub ty: Ty,
    /// What it is.
    pub kind: ExprKind,
    /// The constructs it stands for (for coverage).
    pub tags: Vec<Feature>,
}

/// The shapes of expressions.
#[derive(Clone, Debug)]
pub enum ExprKind {
    /// A template whose `@0`, `@1`… are replaced by the rendered children.
    T(String, Vec<Node>),
    /// `yield_!(e)` / `(yield e)`.
    Yield(Box<Expr>),
    /// `yield_from!(sub(arg))` / a hand-written delegation loop; the sub-coroutine by index.
    YieldFrom(usize, Box<Expr>),
    /// `sub(arg)`: a sub-coroutine by index, as a value (resumed by hand); of type `Unit` for
    /// the reducer, which leaves such expressions alone.
    SubCall(usize, Box<Expr>),
    /// `yield_from!(c)` / a delegation loop, where `c` is any coroutine-valued expression (a
    /// [`ExprKind::SubCall`] or a call of a coroutine fn declared in the body).
    Delegate(Box<Expr>),
}

/// A block with statements and an optional tail expression.
#[derive(Clone, Debug, Default)]
pub struct Block {
    /// The statements.
    pub stmts: Vec<Stmt>,
    /// The tail expression, if the block has a value.
    pub tail: Option<Box<Expr>>,
}

/// A statement: a template with children.
#[derive(Clone, Debug)]
pub struct Stmt {
    /// The text, with `@0`, `@1`… for the children.
    pub tmpl: String,
    /// The children.
    pub kids: Vec<Node>,
    /// The constructs it stands for (for coverage).
    pub tags: Vec<Feature>,
    /// Whether the reducer must keep it (a loop's counter guard).
    pub fixed: bool,
}

/// A generated coroutine fn.
#[derive(Clone, Debug, Default)]
pub struct CoFn {
    /// Its name.
    pub name: String,
    /// `&self` or `&mut self` when it is a method of the struct `S` (see [`crate::render`]).
    pub receiver: Option<String>,
    /// Its parameters, `(name, Rust type)`; a reference type (`&…`) gets a named lifetime in
    /// the native form, where the returned `impl Coroutine` must name it.
    pub params: Vec<(String, String)>,
    /// Its return type as Rust source.
    pub ret: String,
    /// Its body; the tail is the return value.
    pub body: Block,
    /// Declared inside another coroutine's body (no `pub`).
    pub nested: bool,
}

/// One generated program: a main coroutine, the sub-coroutines it delegates to, and how the
/// driver resumes it.
#[derive(Clone, Debug)]
pub struct Program {
    /// The seed it was generated from.
    pub seed: u64,
    /// Sub-coroutines, delegated to with `yield_from!`.
    pub subs: Vec<CoFn>,
    /// The coroutine the driver resumes.
    pub main: CoFn,
    /// The arguments of the main coroutine's fn, as Rust source.
    pub call_args: String,
    /// Statements of the driver fn before the coroutine is made (the values its reference
    /// parameters borrow, the struct of a method), as Rust source.
    pub pre: String,
    /// What the driver calls: `prog`, or `s.prog` for a method.
    pub callee: String,
    /// An expression of type `String` appended to the trace after the coroutine is gone (the
    /// state of what it borrowed), or empty.
    pub post: String,
    /// The resume arguments, in order.
    pub resumes: Vec<i64>,
    /// After how many resumes the driver drops the coroutine, if it has not finished.
    pub stop: usize,
    /// Constructs of the program not visible in its tree (the driver's early drop).
    pub extra_tags: Vec<Feature>,
}

impl Expr {
    /// A template expression.
    pub fn t(ty: Ty, tmpl: impl Into<String>, kids: Vec<Node>) -> Expr {
        Expr {
            ty,
            kind: ExprKind::T(tmpl.into(), kids),
            tags: Vec::new(),
        }
    }

    /// A leaf expression.
    pub fn leaf(ty: Ty, text: impl Into<String>) -> Expr {
        Expr::t(ty, text, Vec::new())
    }

    /// Adds a coverage tag.
    pub fn tag(mut self, f: Feature) -> Expr {
        if !self.tags.contains(&f) {
            self.tags.push(f);
        }
        self
    }

    /// Whether a yield or `yield_from!` is inside.
    pub fn has_yield(&self) -> bool {
        match &self.kind {
            ExprKind::Yield(_) | ExprKind::YieldFrom(..) | ExprKind::Delegate(_) => true,
            ExprKind::SubCall(_, a) => a.has_yield(),
            ExprKind::T(_, kids) => kids.iter().any(Node::has_yield),
        }
    }

    /// Whether its value is a yield's (the resume argument) or a delegation's (the delegate's
    /// return value), so that its type is known without a cast. (A block that yields may still
    /// end in an untyped literal: `{ yield_!(1); 5 }.max(2)` does not compile.)
    pub fn typed_by_yield(&self) -> bool {
        match &self.kind {
            ExprKind::Yield(_) | ExprKind::YieldFrom(..) | ExprKind::Delegate(_) => true,
            ExprKind::SubCall(..) => false,
            ExprKind::T(t, kids) if t == "(@0)" => {
                matches!(kids.as_slice(), [Node::E(e)] if e.typed_by_yield())
            }
            ExprKind::T(..) => false,
        }
    }
}

impl Node {
    /// Whether a yield or `yield_from!` is inside.
    pub fn has_yield(&self) -> bool {
        match self {
            Node::E(e) => e.has_yield(),
            Node::B(b) => b.has_yield(),
            // A nested coroutine's yields are its own.
            Node::F(_) => false,
        }
    }
}

impl Block {
    /// Whether a yield or `yield_from!` is inside.
    pub fn has_yield(&self) -> bool {
        self.stmts
            .iter()
            .any(|s| s.kids.iter().any(Node::has_yield))
            || self.tail.as_ref().is_some_and(|t| t.has_yield())
    }
}

impl Stmt {
    /// A statement template.
    pub fn new(tmpl: impl Into<String>, kids: Vec<Node>) -> Stmt {
        Stmt {
            tmpl: tmpl.into(),
            kids,
            tags: Vec::new(),
            fixed: false,
        }
    }

    /// Adds a coverage tag.
    pub fn tag(mut self, f: Feature) -> Stmt {
        if !self.tags.contains(&f) {
            self.tags.push(f);
        }
        self
    }
}

impl Program {
    /// Every construct the program contains.
    pub fn features(&self) -> std::collections::BTreeSet<Feature> {
        fn block(b: &Block, out: &mut std::collections::BTreeSet<Feature>) {
            for s in &b.stmts {
                out.extend(s.tags.iter().copied());
                s.kids.iter().for_each(|k| node(k, out));
            }
            if let Some(t) = &b.tail {
                expr(t, out);
            }
        }
        fn node(n: &Node, out: &mut std::collections::BTreeSet<Feature>) {
            match n {
                Node::E(e) => expr(e, out),
                Node::B(b) => block(b, out),
                Node::F(f) => block(&f.body, out),
            }
        }
        fn expr(e: &Expr, out: &mut std::collections::BTreeSet<Feature>) {
            out.extend(e.tags.iter().copied());
            match &e.kind {
                ExprKind::T(_, kids) => kids.iter().for_each(|k| node(k, out)),
                ExprKind::Yield(v) => expr(v, out),
                ExprKind::YieldFrom(_, a) | ExprKind::SubCall(_, a) | ExprKind::Delegate(a) => {
                    expr(a, out)
                }
            }
        }
        let mut out: std::collections::BTreeSet<Feature> =
            self.extra_tags.iter().copied().collect();
        block(&self.main.body, &mut out);
        for s in &self.subs {
            block(&s.body, &mut out);
        }
        out
    }
}
