//! A `&mut` parameter that a coroutine keeps while something borrowed through it is kept too.
//!
//! In `fn walk(&mut self)`, `for x in self.buf.iter_mut() { yield_!(*x) }` and then `self.n += 1`
//! is accepted by rustc's coroutines: the iterator reborrows `*self` for as long as it lives, and
//! `self` is usable again once it is gone. A state machine on stable cannot say that: its state
//! holds `self: &'a mut S` and the iterator, so the iterator must borrow `*self` for all of `'a`,
//! and moving `self` into the next state is refused (E0499/E0505). The macro keeps such a
//! parameter as a [`RawMut`] instead, and writes each use of it through the pointer, as the
//! place the source names (`self.n` becomes `(*self.as_ptr()).n`, `self.buf.iter_mut()`
//! `(*self.as_ptr()).buf.iter_mut()`, `helper(self)` `helper(&mut *self.as_ptr())`): the same
//! accesses, borrows and reborrows as the source, in the same order, only without the lifetime
//! link rustc cannot see across a state transition.
//!
//! That link is what makes them sound, and rustc still checks it: the macro emits this only
//! where it also emits the type-discovery pass, which is the body as the user wrote it, with
//! the parameter a real `&'a mut`, in a closure that rustc type-, borrow- and unsafety-checks
//! (and never runs). A body that uses `self` while the iterator borrows it is refused there,
//! with rustc's own error on the user's tokens, as rustc's coroutines refuse it.

use core::marker::PhantomData;
use core::ptr::NonNull;

/// A `&'a mut T` kept as a pointer (see the module documentation). It borrows `T` for `'a`, as
/// the reference did, and is `Send`/`Sync` exactly when the reference is.
pub struct RawMut<'a, T: ?Sized> {
    pointer: NonNull<T>,
    borrow: PhantomData<&'a mut T>,
}

impl<'a, T: ?Sized> RawMut<'a, T> {
    /// Takes over the parameter. The reference is not used again: every later use goes
    /// through the pointer.
    #[inline(always)]
    pub fn new(reference: &'a mut T) -> Self {
        RawMut {
            pointer: NonNull::from(reference),
            borrow: PhantomData,
        }
    }

    /// The pointer, to name the place the parameter points to (`(*p.as_ptr()).field`).
    #[inline(always)]
    pub fn as_ptr(&self) -> *mut T {
        self.pointer.as_ptr()
    }
}

// SAFETY: a `RawMut<'a, T>` stands for a `&'a mut T` (it is made from one, which is not used
// again) and is used only as that reference would be; `&'a mut T` is `Send` when `T: Send`.
unsafe impl<T: ?Sized + Send> Send for RawMut<'_, T> {}
// SAFETY: as for `Send`: `&'a mut T` is `Sync` when `T: Sync`.
unsafe impl<T: ?Sized + Sync> Sync for RawMut<'_, T> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pointer_is_the_reference() {
        let mut v = vec![1, 2];
        let r = RawMut::new(&mut v);
        // SAFETY: `r` was made from `&mut v`, which is not used while `r` is.
        unsafe { (&mut *r.as_ptr()).push(3) };
        // SAFETY: as above; `first` is the only reference made from it while it lives.
        let first = unsafe { &mut (&mut *r.as_ptr())[0] };
        *first += 10;
        assert_eq!(v, [11, 2, 3]);
    }

    #[test]
    fn it_borrows_as_the_reference_does() {
        fn send_sync<T: Send + Sync>(_: &T) {}
        let mut v = vec![1u8];
        let r = RawMut::new(&mut v);
        send_sync(&r);
        // SAFETY: as above.
        unsafe { (&mut *r.as_ptr()).clear() };
        assert!(v.is_empty());
    }
}
