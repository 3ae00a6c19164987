//! `Instant`: a point on a loop's clock, in integer nanoseconds.

use core::fmt;
use core::ops::{Add, AddAssign, Sub};
use core::time::Duration;

/// A point in time on a loop's clock: whole nanoseconds since the clock started.
///
/// Time is an integer so that deadlines compare exactly: a timer set for `t` fires when the
/// clock reads `t` or later, never earlier, and two timers for the same `t` fire in the order
/// they were set. Arithmetic saturates: `Instant::MAX` stands for "never".
///
/// ```
/// use coro::rt::Instant;
/// use std::time::Duration;
///
/// let t = Instant::from_nanos(1_500_000_000);
/// assert_eq!(t + Duration::from_millis(500), Instant::from_secs(2));
/// assert_eq!(Instant::from_secs(2) - t, Duration::from_millis(500));
/// assert_eq!(t - Instant::from_secs(2), Duration::ZERO); // saturates
/// assert_eq!(t.to_string(), "1.500000000s");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(u64);

impl Instant {
    /// The clock's start.
    ///
    /// ```
    /// use coro::rt::Instant;
    /// assert_eq!(Instant::ZERO.as_nanos(), 0);
    /// ```
    pub const ZERO: Instant = Instant(0);

    /// The end of time: a deadline that never comes.
    ///
    /// ```
    /// use coro::rt::Instant;
    /// use std::time::Duration;
    /// assert_eq!(Instant::MAX + Duration::from_secs(1), Instant::MAX);
    /// ```
    pub const MAX: Instant = Instant(u64::MAX);

    /// The instant `nanos` nanoseconds after the clock's start.
    ///
    /// ```
    /// use coro::rt::Instant;
    /// assert_eq!(Instant::from_nanos(7).as_nanos(), 7);
    /// ```
    pub const fn from_nanos(nanos: u64) -> Instant {
        Instant(nanos)
    }

    /// The instant `secs` seconds after the clock's start.
    ///
    /// ```
    /// use coro::rt::Instant;
    /// assert_eq!(Instant::from_secs(3).as_nanos(), 3_000_000_000);
    /// ```
    pub const fn from_secs(secs: u64) -> Instant {
        Instant(secs.saturating_mul(1_000_000_000))
    }

    /// Nanoseconds since the clock's start.
    ///
    /// ```
    /// use coro::rt::Instant;
    /// assert_eq!(Instant::from_secs(1).as_nanos(), 1_000_000_000);
    /// ```
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// Seconds since the clock's start, as asyncio's `loop.time()` reports them.
    ///
    /// ```
    /// use coro::rt::Instant;
    /// assert_eq!(Instant::from_nanos(2_500_000_000).as_secs_f64(), 2.5);
    /// ```
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e9
    }

    /// Time since the clock's start, as a `Duration`.
    ///
    /// ```
    /// use coro::rt::Instant;
    /// use std::time::Duration;
    /// assert_eq!(Instant::from_secs(4).elapsed_since_start(), Duration::from_secs(4));
    /// ```
    pub const fn elapsed_since_start(self) -> Duration {
        Duration::from_nanos(self.0)
    }

    /// `self - earlier`, or zero when `earlier` is later.
    ///
    /// ```
    /// use coro::rt::Instant;
    /// use std::time::Duration;
    /// let (a, b) = (Instant::from_secs(1), Instant::from_secs(3));
    /// assert_eq!(b.saturating_duration_since(a), Duration::from_secs(2));
    /// assert_eq!(a.saturating_duration_since(b), Duration::ZERO);
    /// ```
    pub const fn saturating_duration_since(self, earlier: Instant) -> Duration {
        Duration::from_nanos(self.0.saturating_sub(earlier.0))
    }

    /// `self + d`, saturating at [`Instant::MAX`].
    ///
    /// ```
    /// use coro::rt::Instant;
    /// use std::time::Duration;
    /// assert_eq!(Instant::ZERO.saturating_add(Duration::MAX), Instant::MAX);
    /// ```
    pub fn saturating_add(self, d: Duration) -> Instant {
        let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        Instant(self.0.saturating_add(nanos))
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;

    fn add(self, d: Duration) -> Instant {
        self.saturating_add(d)
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, d: Duration) {
        *self = self.saturating_add(d);
    }
}

impl Sub for Instant {
    type Output = Duration;

    fn sub(self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{:09}s",
            self.0 / 1_000_000_000,
            self.0 % 1_000_000_000
        )
    }
}
