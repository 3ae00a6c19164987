//! Owned I/O buffers: what socket operations take and give back.
//!
//! A task cannot keep a borrow of its own local across a yield (docs/runtime.md section 2), and a
//! socket operation driven by `yield_from!` lives across yields. So operations take their buffer
//! **by value** and hand it back with the result, as tokio-uring and monoio do:
//!
//! ```text
//! let (res, buf) = yield_from!(stream.read(buf));
//! ```
//!
//! [`IoBuf`] is what can be written from, [`IoBufMut`] what can be read into. Both are
//! implemented for owned, `'static` byte containers only (`Vec<u8>`, `Box<[u8]>`, `[u8; N]`,
//! `String` and `&'static` data for writes), so `stream.read(&mut buf)` of a local does not
//! compile: there is no impl for `&mut Vec<u8>`. [`Slice`] narrows a buffer to a range without
//! giving it up (`Slice::new(buf, ..n)`), for writing back the `n` bytes just read.

use std::ops::{Bound, RangeBounds};

/// An owned buffer whose bytes can be written to a socket: its initialised bytes, all of them.
///
/// Implemented for `Vec<u8>`, `Box<[u8]>`, `[u8; N]`, `String`, `&'static [u8]`,
/// `&'static [u8; N]` (`b"…"`), `&'static str` and [`Slice`]; `'static`, so a borrow of a task's local cannot be passed.
///
/// ```
/// use coro::rt::buf::IoBuf;
///
/// assert_eq!(b"hi".to_vec().as_bytes(), b"hi");
/// assert_eq!("hi".as_bytes(), IoBuf::as_bytes(&"hi"));
/// assert_eq!(IoBuf::as_bytes(&String::from("hi")), b"hi");
/// ```
pub trait IoBuf: 'static {
    /// The bytes to send.
    fn as_bytes(&self) -> &[u8];

    /// This buffer narrowed to `range` (of [`as_bytes`](IoBuf::as_bytes)); the buffer itself
    /// comes back with [`Slice::into_inner`].
    ///
    /// # Panics
    ///
    /// When the range is out of bounds or decreasing.
    ///
    /// ```
    /// use coro::rt::buf::IoBuf;
    ///
    /// let s = b"hello".to_vec().slice(1..3);
    /// assert_eq!(s.as_bytes(), b"el");
    /// assert_eq!(s.into_inner(), b"hello");
    /// ```
    fn slice(self, range: impl RangeBounds<usize>) -> Slice<Self>
    where
        Self: Sized,
    {
        Slice::new(self, range)
    }
}

impl<B: IoBuf> Slice<B> {
    /// `buf` narrowed to `range`: the same as `buf.slice(range)`. Inside a coroutine, prefer
    /// this form when `buf` is a local: the macro cannot see that a method call consumes its
    /// receiver, and would try to keep `buf` alive across the next yield (a "use of moved
    /// value" error).
    ///
    /// # Panics
    ///
    /// When the range is out of bounds or decreasing.
    ///
    /// ```
    /// use coro::rt::buf::{IoBuf, Slice};
    ///
    /// let s = Slice::new(b"hello".to_vec(), 1..3);
    /// assert_eq!(s.as_bytes(), b"el");
    /// ```
    pub fn new(buf: B, range: impl RangeBounds<usize>) -> Slice<B> {
        let len = buf.as_bytes().len();
        let begin = match range.start_bound() {
            Bound::Included(&b) => b,
            Bound::Excluded(&b) => b + 1,
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(&e) => e + 1,
            Bound::Excluded(&e) => e,
            Bound::Unbounded => len,
        };
        assert!(
            begin <= end && end <= len,
            "coro: slice {begin}..{end} out of bounds of a buffer of {len} bytes"
        );
        Slice { buf, begin, end }
    }
}

/// An owned buffer a socket can read into: its initialised bytes (for a `Vec<u8>`, its
/// *length*, not its capacity: make it with `vec![0; n]`).
///
/// A read fills a prefix of [`as_bytes_mut`](IoBufMut::as_bytes_mut) and returns how many
/// bytes it filled; the buffer's length does not change.
///
/// ```
/// use coro::rt::buf::IoBufMut;
///
/// let mut buf = vec![0u8; 4];
/// buf.as_bytes_mut()[0] = 7;
/// assert_eq!(buf, [7, 0, 0, 0]);
/// ```
pub trait IoBufMut: IoBuf {
    /// Where the bytes go.
    fn as_bytes_mut(&mut self) -> &mut [u8];
}

impl IoBuf for Vec<u8> {
    fn as_bytes(&self) -> &[u8] {
        self
    }
}

impl IoBufMut for Vec<u8> {
    fn as_bytes_mut(&mut self) -> &mut [u8] {
        self
    }
}

impl IoBuf for Box<[u8]> {
    fn as_bytes(&self) -> &[u8] {
        self
    }
}

impl IoBufMut for Box<[u8]> {
    fn as_bytes_mut(&mut self) -> &mut [u8] {
        self
    }
}

impl<const N: usize> IoBuf for [u8; N] {
    fn as_bytes(&self) -> &[u8] {
        self
    }
}

impl<const N: usize> IoBufMut for [u8; N] {
    fn as_bytes_mut(&mut self) -> &mut [u8] {
        self
    }
}

impl IoBuf for String {
    fn as_bytes(&self) -> &[u8] {
        str::as_bytes(self)
    }
}

impl IoBuf for &'static [u8] {
    fn as_bytes(&self) -> &[u8] {
        self
    }
}

impl<const N: usize> IoBuf for &'static [u8; N] {
    fn as_bytes(&self) -> &[u8] {
        *self
    }
}

impl IoBuf for &'static str {
    fn as_bytes(&self) -> &[u8] {
        str::as_bytes(self)
    }
}

/// A buffer narrowed to a range of its bytes, made with [`IoBuf::slice`]: I/O sees only the
/// range; [`into_inner`](Slice::into_inner) gives the whole buffer back.
///
/// ```
/// use coro::rt::buf::{IoBuf, IoBufMut};
///
/// let mut s = vec![0u8; 8].slice(2..4);
/// s.as_bytes_mut().copy_from_slice(b"ok");
/// assert_eq!((s.begin(), s.end()), (2, 4));
/// assert_eq!(s.into_inner(), b"\0\0ok\0\0\0\0");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slice<B> {
    buf: B,
    begin: usize,
    end: usize,
}

impl<B> Slice<B> {
    /// The whole buffer.
    ///
    /// ```
    /// use coro::rt::buf::IoBuf;
    /// assert_eq!(vec![1u8, 2, 3].slice(..1).into_inner(), [1, 2, 3]);
    /// ```
    pub fn into_inner(self) -> B {
        self.buf
    }

    /// Where the range starts.
    ///
    /// ```
    /// use coro::rt::buf::IoBuf;
    /// assert_eq!(vec![1u8, 2, 3].slice(1..).begin(), 1);
    /// ```
    pub fn begin(&self) -> usize {
        self.begin
    }

    /// Where the range ends (exclusive).
    ///
    /// ```
    /// use coro::rt::buf::IoBuf;
    /// assert_eq!(vec![1u8, 2, 3].slice(1..).end(), 3);
    /// ```
    pub fn end(&self) -> usize {
        self.end
    }

    /// The whole buffer, borrowed.
    ///
    /// ```
    /// use coro::rt::buf::IoBuf;
    /// assert_eq!(vec![1u8, 2, 3].slice(..1).get_ref(), &[1, 2, 3]);
    /// ```
    pub fn get_ref(&self) -> &B {
        &self.buf
    }
}

impl<B: IoBuf> IoBuf for Slice<B> {
    fn as_bytes(&self) -> &[u8] {
        &self.buf.as_bytes()[self.begin..self.end]
    }
}

impl<B: IoBufMut> IoBufMut for Slice<B> {
    fn as_bytes_mut(&mut self) -> &mut [u8] {
        &mut self.buf.as_bytes_mut()[self.begin..self.end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_bounds() {
        let v = b"abcdef".to_vec();
        assert_eq!(v.clone().slice(..).as_bytes(), b"abcdef");
        assert_eq!(v.clone().slice(2..=3).as_bytes(), b"cd");
        assert_eq!(v.clone().slice(6..).as_bytes(), b"");
        let nested = v.slice(1..5).slice(1..3);
        assert_eq!(nested.as_bytes(), b"cd");
        assert_eq!(nested.into_inner().into_inner(), b"abcdef");
    }

    #[test]
    #[should_panic(expected = "out of bounds")]
    fn slice_past_the_end_panics() {
        let _ = vec![0u8; 2].slice(1..3);
    }
}
