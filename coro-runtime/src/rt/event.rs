//! `Event`: a flag tasks can wait for.

use std::cell::RefCell;
use std::fmt;
use std::panic::Location;
use std::rc::Rc;

use super::waitlist::{WaitList, Waiter};
use super::{AwaitableOf, Park, Request, Waker};

/// A flag that tasks wait for (asyncio's `Event`): [`set`](Event::set) wakes every waiting
/// task, and [`wait`](Event::wait) returns at once while the flag is set. A cheap `Rc` handle.
///
/// A task woken by `set` returns from `wait` even if the flag was cleared again before it ran.
///
/// ```
/// use coro::rt::{self, Event, Loop};
/// use std::time::Duration;
///
/// #[coro::coroutine(task)]
/// fn waiter(ev: Event) -> rt::Instant {
///     yield_from!(ev.wait());
///     rt::time()
/// }
///
/// let lp = Loop::with_virtual_clock();
/// let ev = Event::new();
/// let handles = vec![lp.spawn(waiter(ev.clone())), lp.spawn(waiter(ev.clone()))];
/// let e = ev.clone();
/// lp.call_later(Duration::from_secs(2), move || e.set());
/// let times = lp.run_until_complete(rt::join_all(handles));
/// assert!(times.into_iter().all(|t| t.unwrap() == rt::Instant::from_secs(2)));
/// ```
#[derive(Clone, Default)]
pub struct Event {
    inner: Rc<RefCell<Inner>>,
}

#[derive(Default)]
struct Inner {
    set: bool,
    waiters: WaitList<()>,
}

impl Event {
    /// A cleared event.
    ///
    /// ```
    /// assert!(!coro::rt::Event::new().is_set());
    /// ```
    pub fn new() -> Event {
        Event::default()
    }

    /// Sets the flag and wakes every waiting task.
    ///
    /// ```
    /// let ev = coro::rt::Event::new();
    /// ev.set();
    /// assert!(ev.is_set());
    /// ```
    pub fn set(&self) {
        let waiters = {
            let mut s = self.inner.borrow_mut();
            s.set = true;
            s.waiters.take_all()
        };
        for w in waiters {
            *w.slot.borrow_mut() = Some(());
            w.waker.wake();
        }
    }

    /// Clears the flag.
    ///
    /// ```
    /// let ev = coro::rt::Event::new();
    /// ev.set();
    /// ev.clear();
    /// assert!(!ev.is_set());
    /// ```
    pub fn clear(&self) {
        self.inner.borrow_mut().set = false;
    }

    /// Whether the flag is set.
    ///
    /// ```
    /// assert!(!coro::rt::Event::new().is_set());
    /// ```
    pub fn is_set(&self) -> bool {
        self.inner.borrow().set
    }

    /// Waits until the flag is set.
    ///
    /// ```
    /// use coro::rt::{Event, Loop};
    ///
    /// let ev = Event::new();
    /// ev.set();
    /// Loop::new().run_until_complete(ev.wait()); // returns at once
    /// ```
    #[track_caller]
    pub fn wait(&self) -> impl AwaitableOf<()> {
        wait(self.clone(), Location::caller())
    }

    /// How many tasks wait.
    ///
    /// ```
    /// assert_eq!(coro::rt::Event::new().waiting(), 0);
    /// ```
    pub fn waiting(&self) -> usize {
        self.inner.borrow().waiters.len()
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.inner.borrow();
        f.debug_struct("Event")
            .field("set", &s.set)
            .field("waiting", &s.waiters.len())
            .finish()
    }
}

#[coro_macros::coroutine(crate = crate, task)]
fn wait(event: Event, at: &'static Location<'static>) {
    if event.is_set() {
        return;
    }
    let waiting = EventWaiter::register(&event);
    loop {
        yield_!(Request::Park(Park::at(None, "Event::wait", at)));
        if waiting.waiter.take().is_some() || event.is_set() {
            return;
        }
    }
}

struct EventWaiter {
    event: Rc<RefCell<Inner>>,
    waiter: Rc<Waiter<()>>,
}

impl EventWaiter {
    fn register(event: &Event) -> EventWaiter {
        let waiter = event
            .inner
            .borrow_mut()
            .waiters
            .push(Waker::current(), None);
        EventWaiter {
            event: event.inner.clone(),
            waiter,
        }
    }
}

impl Drop for EventWaiter {
    fn drop(&mut self) {
        self.event.borrow_mut().waiters.remove(&self.waiter);
    }
}
