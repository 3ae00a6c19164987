//! Which order a compound assignment (`place op= value`) evaluates its sides in, when the macro
//! cannot see the types: for primitive operands Rust evaluates the value first, then the place;
//! an overloaded operator (`AddAssign::add_assign(&mut place, value)`) takes the place first.
//!
//! The type-discovery pass (never run) ties the two types to `PhantomData`s with [`Tap`] and
//! [`tap`]; the step then asks [`builtin_op_assign`], whose answer is a constant of the two
//! types (the optimiser folds it).

use core::any::type_name;
use core::marker::PhantomData;

/// The type-discovery pass (never run): `place.__coro_tap(&p)` ties `p` to the place's type,
/// borrowing it as the operator would (a method's receiver, so a two-phase borrow).
pub trait Tap {
    fn __coro_tap(&mut self, _: &PhantomData<Self>) -> &mut Self {
        self
    }
}

impl<T: ?Sized> Tap for T {}

/// The type-discovery pass (never run): ties `p` to the value's type.
#[inline(always)]
pub fn tap<T>(_: &PhantomData<T>, value: T) -> T {
    value
}

/// Whether `place op= value` with a place of type `P` and a value of type `V` is Rust's
/// built-in operator (both primitive numbers, or both `bool`), which evaluates the value first.
#[inline]
pub fn builtin_op_assign<P, V>(_: &PhantomData<P>, _: &PhantomData<V>) -> bool {
    let (p, v) = (type_name::<P>(), type_name::<V>());
    const NUMBERS: [&str; 14] = [
        "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
        "f32", "f64",
    ];
    (NUMBERS.contains(&p) && NUMBERS.contains(&v)) || (p == "bool" && v == "bool")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe<P, V>() -> bool {
        builtin_op_assign(&PhantomData::<P>, &PhantomData::<V>)
    }

    #[test]
    fn numbers_and_bools_are_builtin_anything_else_is_overloaded() {
        assert!(probe::<i64, i64>());
        assert!(probe::<u32, u8>()); // a shift
        assert!(probe::<f64, f64>());
        assert!(probe::<bool, bool>());
        assert!(!probe::<i64, &i64>()); // `x += &y` is std's impl, not the built-in operator
        assert!(!probe::<String, &str>());
        assert!(!probe::<std::num::Wrapping<u8>, std::num::Wrapping<u8>>());
    }

    #[test]
    fn tap_returns_what_it_is_given() {
        let mut x = 3;
        *x.__coro_tap(&PhantomData) += tap(&PhantomData, 4);
        assert_eq!(x, 7);
    }
}
