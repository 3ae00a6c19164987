//! Guesses about types from their spelling alone: a macro sees tokens, not types, so wherever a
//! stage must know whether a value is `Copy` it asks here, and a guess that cannot be sure says
//! no (the safe answer).

use syn::{Expr, Type};

/// Whether a type is `Copy` by its spelling alone: `()`, primitives, shared references, and
/// tuples and arrays of those.
pub fn surely_copy(ty: &Type) -> bool {
    match ty {
        Type::Tuple(t) => t.elems.iter().all(surely_copy),
        Type::Array(a) => surely_copy(&a.elem),
        Type::Paren(p) => surely_copy(&p.elem),
        Type::Reference(r) => r.mutability.is_none(),
        _ => primitive_type(ty),
    }
}

/// Whether a value is visibly a number, `bool` or `char` (so `Copy`): a literal, a cast to a
/// primitive, a comparison or a negation of one.
pub fn visibly_copy(e: &Expr) -> bool {
    match e {
        Expr::Lit(l) => matches!(
            l.lit,
            syn::Lit::Int(_)
                | syn::Lit::Float(_)
                | syn::Lit::Bool(_)
                | syn::Lit::Char(_)
                | syn::Lit::Byte(_)
        ),
        Expr::Cast(c) => primitive_type(&c.ty),
        Expr::Unary(u) => !matches!(u.op, syn::UnOp::Deref(_)) && visibly_copy(&u.expr),
        Expr::Paren(p) => visibly_copy(&p.expr),
        Expr::Binary(b) => {
            use syn::BinOp::*;
            matches!(
                b.op,
                Eq(_) | Ne(_) | Lt(_) | Le(_) | Gt(_) | Ge(_) | And(_) | Or(_)
            ) || (visibly_copy(&b.left) && visibly_copy(&b.right))
        }
        _ => false,
    }
}

/// `u8`…`u128`, `i8`…`i128`, `usize`, `isize`, `f32`, `f64`, `bool`, `char`.
pub fn primitive_type(ty: &Type) -> bool {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.get_ident().is_some_and(|i| {
            matches!(
                i.to_string().as_str(),
                "u8" | "u16"
                    | "u32"
                    | "u64"
                    | "u128"
                    | "usize"
                    | "i8"
                    | "i16"
                    | "i32"
                    | "i64"
                    | "i128"
                    | "isize"
                    | "f32"
                    | "f64"
                    | "bool"
                    | "char"
            )
        }),
        Type::Paren(p) => primitive_type(&p.elem),
        _ => false,
    }
}

/// Whether an initialiser visibly makes an owned value (`vec![…]`, `String::from(…)`,
/// `x.to_string()`, `….collect()`): for the borrow-across-yield diagnostic.
pub fn visibly_owned(e: &Expr) -> bool {
    match e {
        // A struct, tuple or array made here is a value of the coroutine's own.
        Expr::Struct(_) | Expr::Tuple(_) | Expr::Array(_) | Expr::Repeat(_) => true,
        Expr::Macro(m) => m
            .mac
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "vec" || s.ident == "format"),
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => {
                let segs: Vec<String> = p
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                segs.len() >= 2
                    && [
                        "String", "Vec", "VecDeque", "HashMap", "BTreeMap", "HashSet", "BTreeSet",
                    ]
                    .contains(&segs[segs.len() - 2].as_str())
            }
            _ => false,
        },
        Expr::MethodCall(m) => {
            matches!(
                m.method.to_string().as_str(),
                "to_string" | "to_owned" | "to_vec" | "collect"
            )
        }
        _ => false,
    }
}

/// A value that is visibly not a number, so that `op=` on it is an overloaded operator (which
/// takes the place before the value): a struct, array or tuple made here, a string, a `vec!`,
/// or a call of a type's constructor (`Meter::new(3)`, `Wrapping(2)`: a type named in
/// `UpperCamelCase`).
pub fn visibly_not_a_number(e: &Expr) -> bool {
    match e {
        Expr::Paren(p) => visibly_not_a_number(&p.expr),
        Expr::Lit(l) => matches!(l.lit, syn::Lit::Str(_) | syn::Lit::ByteStr(_)),
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) if p.qself.is_none() => {
                let segs = &p.path.segments;
                let ty = if segs.len() >= 2 {
                    &segs[segs.len() - 2].ident
                } else {
                    &segs[0].ident
                };
                ty.to_string().starts_with(|c: char| c.is_ascii_uppercase())
            }
            _ => false,
        },
        other => visibly_owned(other),
    }
}

/// Methods that take `self` by value, by the standard library's naming conventions.
///
/// A macro cannot see a method's signature. Any other method is taken to borrow its receiver,
/// which keeps getters (`x.name()`) right: a temporary or an unused local lives to the end of
/// its scope, as in Rust. A user-defined method that consumes a receiver which the coroutine
/// must keep across a later yield is the case this guess gets wrong (the expansion then fails
/// to compile with E0382); writing the call in path form (`Meter::finish(m)`) avoids it,
/// since a function argument is always a move.
pub fn consumes_receiver(method: &str) -> bool {
    const EXACT: &[&str] = &[
        // The operator traits (`a.add(b)` is `Add::add(a, b)`).
        "add",
        "sub",
        "mul",
        "div",
        "rem",
        "neg",
        "not",
        "bitand",
        "bitor",
        "bitxor",
        "shl",
        "shr",
        "ok",
        "err",
        "map",
        "map_err",
        "map_or",
        "map_or_else",
        "and_then",
        "or_else",
        "or",
        "and",
        "ok_or",
        "ok_or_else",
        "transpose",
        "flatten",
        "collect",
        "sum",
        "product",
        "count",
        "last",
        "fold",
        "try_fold",
        "for_each",
        "try_for_each",
        "zip",
        "chain",
        "filter",
        "filter_map",
        "enumerate",
        "skip",
        "skip_while",
        "take_while",
        "peekable",
        "rev",
        "cycle",
        "flat_map",
        "step_by",
        "inspect",
        "fuse",
        "max",
        "min",
        "max_by",
        "min_by",
        "max_by_key",
        "min_by_key",
        "partition",
        "unzip",
        "reduce",
        "scan",
        "map_while",
        "finish",
        "build",
        "join",
        "cloned",
        "copied",
        // `Coroutine::resume` and `Future::poll` take `self: Pin<&mut Self>`: the `Pin` is
        // consumed by the call (`Pin::new(&mut sub).resume(())`).
        "resume",
        "poll",
    ];
    EXACT.contains(&method)
        || method.starts_with("into")
        || method.starts_with("unwrap")
        || method.starts_with("expect")
}

/// Whether a macro of this name only borrows its arguments: std's formatting and assertion
/// macros, `matches!`, and the `log` crate's.
pub fn borrows_arguments(name: &str) -> bool {
    super::macros::formats_or_asserts(name)
        || matches!(
            name,
            "matches" | "trace" | "debug" | "info" | "warn" | "error"
        )
}

/// Methods of std whose result borrows their receiver: iterators, slices and views.
const BORROWING_METHODS: &[&str] = &[
    "iter",
    "iter_mut",
    "chars",
    "bytes",
    "char_indices",
    "lines",
    "split",
    "split_whitespace",
    "splitn",
    "rsplit",
    "windows",
    "chunks",
    "chunks_exact",
    "keys",
    "values",
    "values_mut",
    "drain",
    "as_str",
    "as_slice",
    "as_bytes",
    "as_ref",
    "as_mut",
    "as_deref",
    "as_deref_mut",
];

/// Iterator and string adapters of std whose result keeps the borrow of the value they adapt.
const BORROW_KEEPING_ADAPTERS: &[&str] = &[
    "map",
    "filter",
    "filter_map",
    "enumerate",
    "rev",
    "skip",
    "take",
    "step_by",
    "peekable",
    "chain",
    "zip",
    "cycle",
    "fuse",
    "inspect",
    "skip_while",
    "take_while",
    "map_while",
    "flat_map",
    "flatten",
    "copied",
    "cloned",
    "scan",
    "by_ref",
    "trim",
    "trim_start",
    "trim_end",
];

/// std methods that take their receiver by reference, with a name no std trait implemented for
/// `&mut T` (`Iterator`, `IntoIterator`, `Read`, `Write`) uses for a by-value method: on a `&mut`
/// parameter kept as a pointer, the call can name the place (`(*p.as_ptr()).len()`) and borrow
/// it as the source does; any other method gets the reference itself, as method lookup would.
const BY_REFERENCE_METHODS: &[&str] = &[
    "len",
    "is_empty",
    "iter",
    "iter_mut",
    "get",
    "get_mut",
    "contains",
    "contains_key",
    "starts_with",
    "ends_with",
    "as_slice",
    "as_mut_slice",
    "as_str",
    "as_bytes",
    "keys",
    "values",
    "values_mut",
    "first",
    "first_mut",
    "last_mut",
    "to_vec",
    "to_string",
    "to_owned",
    "clone",
    "capacity",
    "push",
    "push_str",
    "pop",
    "insert",
    "remove",
    "clear",
    "truncate",
    "retain",
    "sort",
    "sort_unstable",
    "dedup",
    "reverse",
    "swap",
    "extend_from_slice",
    "push_back",
    "push_front",
    "pop_back",
    "pop_front",
    "front",
    "back",
    "entry",
    "drain",
    "split_at_mut",
    "chars",
    "trim",
    "is_some",
    "is_none",
    "as_ref",
    "as_mut",
    "replace",
    "get_or_insert",
    "get_or_insert_with",
];

/// Whether a method surely takes its receiver by reference (see [`BY_REFERENCE_METHODS`]).
pub fn by_reference_method(method: &str) -> bool {
    BY_REFERENCE_METHODS.contains(&method)
}

/// Whether a method's result borrows its receiver (`iter`, `chars`, `as_str`…).
pub fn borrowing_method(method: &str) -> bool {
    BORROWING_METHODS.contains(&method)
}

/// Whether a method's result keeps the borrow its receiver holds (`map`, `rev`, `trim`…).
pub fn keeps_borrow(method: &str) -> bool {
    BORROW_KEEPING_ADAPTERS.contains(&method)
}

/// Whether a value visibly has nothing to drop: a reference (`&x`, `&mut x`), a closure that is
/// not `move`, or a chain of
/// std's borrowing methods and adapters (`v.iter().rev()`, `s.chars()`), whose iterators have
/// no destructor (but `drain`'s does, and a `move` closure may own something that has).
pub fn trivially_dropped(e: &Expr) -> bool {
    match e {
        Expr::Reference(_) => true,
        // A closure that is not `move` borrows what it captures (unless its body moves a captured
        // value out, which makes it callable once: the rare case this guess gets wrong).
        Expr::Closure(c) => c.capture.is_none() && c.asyncness.is_none(),
        // `Pin::new(&mut x)`: a pinned reference.
        Expr::Call(c) => {
            matches!(&*c.func, Expr::Path(p) if {
                let segs: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
                segs.ends_with(&["Pin".to_string(), "new".to_string()])
            }) && matches!(c.args.first(), Some(Expr::Reference(_)))
        }
        Expr::Paren(p) => trivially_dropped(&p.expr),
        Expr::MethodCall(_) => {
            let mut methods = Vec::new();
            let mut base = e;
            while let Expr::MethodCall(m) = base {
                if m.args
                    .iter()
                    .any(|a| matches!(a, Expr::Closure(c) if c.capture.is_some()))
                {
                    return false;
                }
                methods.push(m.method.to_string());
                base = &m.receiver;
            }
            let Some((first, later)) = methods.split_last() else {
                return false;
            };
            // A reference to an element (`v.last_mut().unwrap()`), or a borrowing iterator.
            let element = ["first", "first_mut", "last_mut", "get", "get_mut"]
                .contains(&first.as_str())
                && later.iter().all(|m| m == "unwrap" || m == "expect");
            element
                || (first != "drain"
                    && borrowing_method(first)
                    && later.iter().all(|m| keeps_borrow(m)))
        }
        _ => false,
    }
}

/// Whether a type written on a `let` visibly cannot hold a borrow: no reference, no lifetime,
/// and only std's owning types (`i32`, `String`, `Vec<String>`, `Option<u8>`…).
pub fn owned_annotation(ty: &Type) -> bool {
    const OWNING: &[&str] = &[
        "String", "Vec", "VecDeque", "HashMap", "BTreeMap", "HashSet", "BTreeSet", "Box", "Option",
        "Result", "Rc", "Arc",
    ];
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.iter().all(|seg| {
            let name = seg.ident.to_string();
            let known = primitive_type(ty) && p.path.segments.len() == 1
                || OWNING.contains(&name.as_str())
                || [
                    "std",
                    "alloc",
                    "collections",
                    "vec",
                    "string",
                    "rc",
                    "sync",
                    "boxed",
                ]
                .contains(&name.as_str());
            known
                && match &seg.arguments {
                    syn::PathArguments::None => true,
                    syn::PathArguments::AngleBracketed(a) => a.args.iter().all(|arg| match arg {
                        syn::GenericArgument::Type(t) => owned_annotation(t),
                        _ => false,
                    }),
                    syn::PathArguments::Parenthesized(_) => false,
                }
        }),
        Type::Tuple(t) => t.elems.iter().all(owned_annotation),
        Type::Array(a) => owned_annotation(&a.elem),
        Type::Paren(p) => owned_annotation(&p.elem),
        _ => false,
    }
}
