//! The loop's clock: the real monotonic clock, or a virtual one for tests.

use core::cell::Cell;
use core::time::Duration;

use super::Instant;

/// Where a loop reads the time.
pub(crate) enum Clock {
    /// `std::time::Instant`, counted from the loop's creation.
    Real(std::time::Instant),
    /// A counter that moves only when the loop is idle (it jumps to the next deadline) or when
    /// asked to ([`Loop::advance`](super::Loop::advance)): Trio's `MockClock`, tokio's
    /// `time::pause`.
    Virtual(Cell<Instant>),
}

impl Clock {
    pub(crate) fn real() -> Clock {
        Clock::Real(std::time::Instant::now())
    }

    pub(crate) fn virtual_() -> Clock {
        Clock::Virtual(Cell::new(Instant::ZERO))
    }

    pub(crate) fn is_virtual(&self) -> bool {
        matches!(self, Clock::Virtual(_))
    }

    pub(crate) fn now(&self) -> Instant {
        match self {
            Clock::Real(origin) => {
                let nanos = origin.elapsed().as_nanos();
                Instant::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
            }
            Clock::Virtual(now) => now.get(),
        }
    }

    /// Moves a virtual clock forward by `d`; returns `false` for the real clock.
    pub(crate) fn advance(&self, d: Duration) -> bool {
        match self {
            Clock::Real(_) => false,
            Clock::Virtual(now) => {
                now.set(now.get() + d);
                true
            }
        }
    }

    /// Blocks until the clock reads `deadline` or later (a virtual clock jumps there).
    pub(crate) fn wait_until(&self, deadline: Instant) {
        match self {
            Clock::Real(_) => loop {
                let now = self.now();
                if now >= deadline {
                    return;
                }
                std::thread::sleep(poll_timeout(deadline - now));
            },
            Clock::Virtual(now) => {
                if now.get() < deadline {
                    now.set(deadline);
                }
            }
        }
    }
}

/// The timeout to hand an OS wait for `remaining` time: rounded up to whole milliseconds, the
/// resolution of `epoll_wait`/`poll`, so that a wait never ends before the deadline (asyncio
/// had this bug and fixed it the same way).
pub(crate) fn poll_timeout(remaining: Duration) -> Duration {
    let millis = remaining.as_nanos().div_ceil(1_000_000);
    Duration::from_millis(u64::try_from(millis).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poll_timeout_rounds_up() {
        assert_eq!(poll_timeout(Duration::ZERO), Duration::ZERO);
        assert_eq!(
            poll_timeout(Duration::from_nanos(1)),
            Duration::from_millis(1)
        );
        assert_eq!(
            poll_timeout(Duration::from_micros(1500)),
            Duration::from_millis(2)
        );
        assert_eq!(
            poll_timeout(Duration::from_millis(3)),
            Duration::from_millis(3)
        );
    }

    #[test]
    fn virtual_clock_only_moves_forward() {
        let c = Clock::virtual_();
        c.wait_until(Instant::from_secs(2));
        assert_eq!(c.now(), Instant::from_secs(2));
        c.wait_until(Instant::from_secs(1));
        assert_eq!(c.now(), Instant::from_secs(2));
        assert!(c.advance(Duration::from_secs(1)));
        assert_eq!(c.now(), Instant::from_secs(3));
    }

    #[test]
    fn real_clock_never_returns_before_the_deadline() {
        let c = Clock::real();
        let deadline = c.now() + Duration::from_micros(300);
        c.wait_until(deadline);
        assert!(c.now() >= deadline);
    }
}
