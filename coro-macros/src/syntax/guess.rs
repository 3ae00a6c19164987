//! Guesses about types from their spelling alone: a macro sees tokens, not types, so wherever a
//! stage must know whether a value is `Copy` it asks here, and a guess that cannot be sure says
//! no (the safe answer).

use syn::Type;

/// Whether a type is `Copy` by its spelling alone: `()`, primitives, shared references, and
/// tuples and arrays of those.
pub fn surely_copy(ty: &Type) -> bool {
    match ty {
        Type::Tuple(t) => t.elems.iter().all(surely_copy),
        Type::Array(a) => surely_copy(&a.elem),
        Type::Paren(p) => surely_copy(&p.elem),
        Type::Reference(r) => r.mutability.is_none(),
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
        _ => false,
    }
}
