//! How a [`Loop`] is made: `Loop::new`, `Loop::with_virtual_clock`, and `Builder`, a loop's
//! configuration (clock, debug mode, strict mode, diagnostics sink).

use std::fmt;
use std::rc::Rc;
use std::time::Duration;

use super::clock::Clock;
use super::scheduler::{Config, Scheduler, Sink};
use super::{Diagnostic, Loop};

impl Loop {
    /// A loop with the real clock (and debug mode if `CORO_DEBUG` is set).
    ///
    /// ```
    /// let lp = coro::rt::Loop::new();
    /// assert!(!lp.has_virtual_clock());
    /// ```
    pub fn new() -> Loop {
        Builder::default().build()
    }

    /// A loop with a virtual clock, for tests: see [`Builder::virtual_clock`].
    ///
    /// ```
    /// let lp = coro::rt::Loop::with_virtual_clock();
    /// assert!(lp.has_virtual_clock());
    /// ```
    pub fn with_virtual_clock() -> Loop {
        Builder::default().virtual_clock().build()
    }

    /// Configures a loop.
    ///
    /// ```
    /// let lp = coro::rt::Loop::builder().virtual_clock().build();
    /// # drop(lp);
    /// ```
    pub fn builder() -> Builder {
        Builder::default()
    }
}

/// asyncio's `slow_callback_duration`.
const DEFAULT_SLOW_STEP: Duration = Duration::from_millis(100);

/// Configures a [`Loop`]: clock, debug mode, strict mode, where diagnostics go.
///
/// Debug mode is on by default when the environment variable `CORO_DEBUG` is set to anything
/// but `0` or the empty string (asyncio's `PYTHONASYNCIODEBUG`).
///
/// ```
/// use coro::rt::Loop;
/// use std::time::Duration;
///
/// let lp = Loop::builder()
///     .virtual_clock()
///     .debug(true)
///     .slow_step_threshold(Duration::from_millis(50))
///     .strict(true)
///     .build();
/// assert!(lp.has_virtual_clock());
/// ```
pub struct Builder {
    virtual_clock: bool,
    debug: bool,
    slow_step: Duration,
    strict: bool,
    sink: Option<Sink>,
    blocking_threads: Option<usize>,
}

impl Default for Builder {
    fn default() -> Self {
        let debug = std::env::var_os("CORO_DEBUG").is_some_and(|v| !v.is_empty() && v != "0");
        Builder {
            virtual_clock: false,
            debug,
            slow_step: DEFAULT_SLOW_STEP,
            strict: false,
            sink: None,
            blocking_threads: None,
        }
    }
}

impl Builder {
    /// Use a virtual clock: it starts at zero, stands still while anything is ready, and jumps
    /// to the next deadline when every task waits on a timer, so long sleeps take no time.
    ///
    /// ```
    /// use coro::rt::{self, Loop};
    /// use std::time::Duration;
    ///
    /// let lp = Loop::builder().virtual_clock().build();
    /// lp.run_until_complete(rt::sleep(Duration::from_secs(3600)));
    /// assert_eq!(lp.time(), rt::Instant::from_secs(3600));
    /// ```
    pub fn virtual_clock(mut self) -> Builder {
        self.virtual_clock = true;
        self
    }

    /// Debug mode: report every step that holds the loop longer than the threshold
    /// ([`Diagnostic::SlowStep`]).
    ///
    /// ```
    /// use coro::rt::Loop;
    /// let lp = Loop::builder().debug(false).build();
    /// # drop(lp);
    /// ```
    pub fn debug(mut self, on: bool) -> Builder {
        self.debug = on;
        self
    }

    /// The slow-step threshold of debug mode (100 ms by default, as in asyncio).
    ///
    /// ```
    /// use coro::rt::Loop;
    /// use std::time::Duration;
    /// let lp = Loop::builder().debug(true).slow_step_threshold(Duration::from_millis(10)).build();
    /// # drop(lp);
    /// ```
    pub fn slow_step_threshold(mut self, threshold: Duration) -> Builder {
        self.slow_step = threshold;
        self
    }

    /// Strict mode, for tests: a panic nobody joins, or a panicking callback, makes the run
    /// (`run_until_complete`/`run_forever`) panic at the end of the iteration where it is found.
    ///
    /// ```should_panic
    /// use coro::rt::{self, Loop};
    ///
    /// #[coro::coroutine(task)]
    /// fn oops() {
    ///     panic!("oops");
    /// }
    ///
    /// let lp = Loop::builder().strict(true).build();
    /// drop(lp.spawn(oops()));
    /// lp.run_until_complete(rt::yield_now()); // panics: "coro (strict mode): …"
    /// ```
    pub fn strict(mut self, on: bool) -> Builder {
        self.strict = on;
        self
    }

    /// Where diagnostics go (stderr by default).
    ///
    /// ```
    /// use coro::rt::Loop;
    /// let lp = Loop::builder().on_diagnostic(|d| eprintln!("[my app] {d}")).build();
    /// # drop(lp);
    /// ```
    pub fn on_diagnostic(mut self, sink: impl Fn(&Diagnostic) + 'static) -> Builder {
        self.sink = Some(Rc::new(sink));
        self
    }

    /// The most threads [`run_in_thread`](super::run_in_thread) may use at once (at least 1);
    /// by default `min(32, cores + 4)`, asyncio's default executor's size. Further calls wait
    /// in line for a free thread.
    ///
    /// ```
    /// use coro::rt::{self, Loop};
    ///
    /// #[coro::coroutine(task)]
    /// fn two_calls() -> (u32, u32) {
    ///     let a = rt::spawn(rt::run_in_thread(|| 1));
    ///     let b = rt::spawn(rt::run_in_thread(|| 2)); // waits for the one thread
    ///     let a = yield_from!(a.join()).unwrap().unwrap();
    ///     let b = yield_from!(b.join()).unwrap().unwrap();
    ///     (a, b)
    /// }
    ///
    /// let lp = Loop::builder().blocking_threads(1).build();
    /// assert_eq!(lp.run_until_complete(two_calls()), (1, 2));
    /// ```
    pub fn blocking_threads(mut self, n: usize) -> Builder {
        self.blocking_threads = Some(n.max(1));
        self
    }

    /// Makes the loop.
    ///
    /// ```
    /// let lp = coro::rt::Loop::builder().build();
    /// assert!(!lp.is_running());
    /// ```
    pub fn build(self) -> Loop {
        let sink = self
            .sink
            .unwrap_or_else(|| Rc::new(|d: &Diagnostic| eprintln!("{d}")));
        let clock = if self.virtual_clock {
            Clock::virtual_()
        } else {
            Clock::real()
        };
        let config = Config {
            slow_step: self.debug.then_some(self.slow_step),
            strict: self.strict,
            sink,
            blocking_threads: self
                .blocking_threads
                .unwrap_or_else(default_blocking_threads),
        };
        Loop::from_scheduler(Scheduler::new(clock, config))
    }
}

/// asyncio's default executor size: `min(32, cores + 4)`.
fn default_blocking_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores + 4).min(32)
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("virtual_clock", &self.virtual_clock)
            .field("debug", &self.debug)
            .field("slow_step", &self.slow_step)
            .field("strict", &self.strict)
            .field("blocking_threads", &self.blocking_threads)
            .finish_non_exhaustive()
    }
}
