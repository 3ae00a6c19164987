//! How a task ended: its `Outcome` (value, failure, or taken), and `JoinError`, why it has no
//! value.

use std::any::Any;
use std::fmt;

/// Why a task has no value: it was cancelled, or it panicked.
///
/// ```
/// use coro::rt::Loop;
///
/// #[coro::coroutine(task)]
/// fn fails() -> u32 {
///     panic!("no value");
/// }
///
/// # std::panic::set_hook(Box::new(|_| {}));
/// let lp = Loop::new();
/// let h = lp.spawn(fails());
/// let err = lp.run_until_complete(h.join()).unwrap_err();
/// assert!(err.is_panic());
/// assert_eq!(err.panic_message(), Some("no value"));
/// assert_eq!(err.to_string(), "task panicked: no value");
/// ```
#[non_exhaustive]
pub enum JoinError {
    /// The task was cancelled ([`JoinHandle::cancel`](super::JoinHandle::cancel), a [`TaskGroup`](super::TaskGroup)
    /// failure, or the loop closing) before it finished.
    Cancelled,
    /// The task panicked; this is the panic's payload (resume it with
    /// `std::panic::resume_unwind` to propagate it).
    Panicked(Box<dyn Any + Send>),
}

impl JoinError {
    /// Whether the task was cancelled.
    ///
    /// ```
    /// assert!(coro::rt::JoinError::Cancelled.is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self, JoinError::Cancelled)
    }

    /// Whether the task panicked.
    ///
    /// ```
    /// use coro::rt::JoinError;
    /// assert!(JoinError::Panicked(Box::new("boom")).is_panic());
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self, JoinError::Panicked(_))
    }

    /// The panic's message, when the payload is a string (as `panic!` makes it).
    ///
    /// ```
    /// use coro::rt::JoinError;
    /// assert_eq!(JoinError::Panicked(Box::new("boom")).panic_message(), Some("boom"));
    /// assert_eq!(JoinError::Cancelled.panic_message(), None);
    /// ```
    pub fn panic_message(&self) -> Option<&str> {
        match self {
            JoinError::Panicked(payload) => payload_message(&**payload),
            JoinError::Cancelled => None,
        }
    }

    /// The panic's payload.
    ///
    /// # Panics
    ///
    /// When the task was cancelled.
    ///
    /// ```
    /// use coro::rt::JoinError;
    /// let payload = JoinError::Panicked(Box::new(7u8)).into_panic();
    /// assert_eq!(payload.downcast_ref::<u8>(), Some(&7));
    /// ```
    pub fn into_panic(self) -> Box<dyn Any + Send> {
        match self {
            JoinError::Panicked(payload) => payload,
            JoinError::Cancelled => panic!("coro: into_panic on a cancelled task's JoinError"),
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JoinError::Cancelled => f.write_str("Cancelled"),
            JoinError::Panicked(_) => f
                .debug_tuple("Panicked")
                .field(&self.panic_message().unwrap_or("<non-string payload>"))
                .finish(),
        }
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JoinError::Cancelled => f.write_str("task was cancelled"),
            JoinError::Panicked(_) => write!(
                f,
                "task panicked: {}",
                self.panic_message().unwrap_or("<non-string payload>")
            ),
        }
    }
}

impl std::error::Error for JoinError {}

/// How a finished task ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    Returned,
    Panicked,
    Cancelled,
}

/// A task's result as the task cell keeps it.
pub(crate) enum Outcome<T> {
    Pending,
    Done(Result<T, JoinError>),
    Taken(Exit),
}

/// The message of a panic payload, when it is a string (what `panic!` makes).
pub(crate) fn payload_message(payload: &(dyn Any + Send)) -> Option<&str> {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        Some(s)
    } else {
        payload.downcast_ref::<String>().map(String::as_str)
    }
}

impl<T> Outcome<T> {
    /// Records a failure, unless there already is an outcome.
    pub(crate) fn fail(&mut self, error: JoinError) {
        if matches!(self, Outcome::Pending) {
            *self = Outcome::Done(Err(error));
        }
    }

    /// How the task ended; `None` while it runs.
    pub(crate) fn exit(&self) -> Option<Exit> {
        match self {
            Outcome::Pending => None,
            Outcome::Done(Ok(_)) => Some(Exit::Returned),
            Outcome::Done(Err(JoinError::Cancelled)) => Some(Exit::Cancelled),
            Outcome::Done(Err(JoinError::Panicked(_))) => Some(Exit::Panicked),
            Outcome::Taken(exit) => Some(*exit),
        }
    }

    /// The message of the panic that ended the task, while nobody has taken it.
    pub(crate) fn panic_message(&self) -> Option<String> {
        match self {
            Outcome::Done(Err(e @ JoinError::Panicked(_))) => e.panic_message().map(String::from),
            _ => None,
        }
    }

    /// Takes the result once the task has finished.
    ///
    /// # Panics
    ///
    /// When it was already taken.
    pub(crate) fn take(&mut self) -> Option<Result<T, JoinError>> {
        let exit = self.exit()?;
        match std::mem::replace(self, Outcome::Taken(exit)) {
            Outcome::Done(result) => Some(result),
            Outcome::Taken(_) => panic!("coro: the output of a task was taken twice"),
            Outcome::Pending => unreachable!(),
        }
    }
}
