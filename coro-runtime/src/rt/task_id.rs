//! `TaskId`: a task's number within its loop.

use std::fmt;

/// A task's number, unique within its loop, in spawn order (asyncio names tasks `Task-1`,
/// `Task-2`…; so does coro, unless given a name).
///
/// ```
/// use coro::rt::Loop;
///
/// let lp = Loop::new();
/// let a = lp.spawn(coro::rt::yield_now());
/// let b = lp.spawn(coro::rt::yield_now());
/// assert!(a.id() < b.id());
/// assert_eq!(a.id().to_string(), format!("#{}", a.id().as_u64()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskId(pub(crate) u64);

impl TaskId {
    /// The number itself.
    ///
    /// ```
    /// use coro::rt::Loop;
    /// let lp = Loop::new();
    /// assert_eq!(lp.spawn(coro::rt::yield_now()).id().as_u64(), 1);
    /// ```
    pub fn as_u64(self) -> u64 {
        self.0
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}
