//! What a task says to the loop when it suspends (`Request`), what the loop answers when it
//! resumes the task (`Reply`), and `Awaitable`, the name for a coroutine that speaks both.

use core::panic::Location;

use crate::Coroutine;

use super::Instant;

/// What a task asks of the loop when it suspends: the value a task coroutine yields (Beazley's
/// "trap", asyncio's bare `yield` of a future).
///
/// You rarely build one yourself: the runtime's awaitables ([`sleep`](super::sleep),
/// [`Queue::get`](super::Queue::get), [`JoinHandle::join`](super::JoinHandle::join)…) yield
/// them for you through `yield_from!`. A custom awaitable parks with [`Request::park`] after
/// giving a [`Waker`](super::Waker) to whoever will wake it.
///
/// ```
/// use coro::rt::{self, Request};
///
/// #[coro::coroutine(task)]
/// fn twice() -> u32 {
///     yield_!(Request::YieldNow); // let the others run; resumed with Reply::Ready
///     yield_!(Request::YieldNow);
///     2
/// }
///
/// assert_eq!(rt::run(twice()), 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Request {
    /// Go to the back of the ready queue (asyncio's `sleep(0)`); resumed with
    /// [`Reply::Ready`].
    YieldNow,
    /// Sleep until a [`Waker`](super::Waker) for this task is woken (resumed with
    /// [`Reply::Woken`]) or, if there is a deadline, until the clock reaches it (resumed with
    /// [`Reply::Deadline`]), whichever comes first. Wake-ups may be spurious: an awaitable
    /// re-checks what it waits for when it is resumed.
    Park(Park),
}

/// The details of a [`Request::Park`]: until when, on what, and from where (for
/// [`Handle::dump`](super::Handle::dump)).
///
/// ```
/// use coro::rt::{Instant, Park};
///
/// let p = Park::new(Some(Instant::from_secs(1)), "my event");
/// assert_eq!(p.on, "my event");
/// assert_eq!(p.at.line(), line!() - 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Park {
    /// When the loop resumes the task even if nobody woke it; `None` waits for a wake-up only.
    pub deadline: Option<Instant>,
    /// What the task waits on, for humans: `"sleep"`, `"Queue::get"`, `"join Task-3"`…
    pub on: &'static str,
    /// Where the wait was written in the user's code.
    pub at: &'static Location<'static>,
    /// The `yield_from!`s the request came up through, innermost first: where each task
    /// coroutine on the way delegates to the next (filled in by `#[coro::coroutine(task)]`).
    pub via: Via,
}

/// The `yield_from!` sites a [`Request`] came up through on its way from the awaitable that
/// made it to the task, innermost first (at most [`Via::CAPACITY`]; the outermost beyond that
/// are counted in [`Via::dropped`]). Each `#[coro::coroutine(task)]` adds the site of its
/// `yield_from!` as it passes a request on, so [`Handle::dump`](super::Handle::dump) shows the
/// whole chain a task sits in, at no cost beyond copying a few pointers per suspension.
///
/// ```
/// use coro::rt::Request;
/// use std::panic::Location;
///
/// let here = Location::caller();
/// let r = Request::park(None, "x").through(here).through(here);
/// let Request::Park(p) = r else { unreachable!() };
/// assert_eq!(p.via.iter().count(), 2);
/// assert_eq!(p.via.iter().next(), Some(here));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Via {
    sites: [Option<&'static Location<'static>>; Via::CAPACITY],
    dropped: u8,
}

impl Via {
    /// How many sites a request keeps.
    pub const CAPACITY: usize = 3;

    /// The sites, innermost first.
    ///
    /// ```
    /// assert_eq!(coro::rt::Via::default().iter().count(), 0);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &'static Location<'static>> + '_ {
        self.sites.iter().map_while(|s| *s)
    }

    /// How many outer sites did not fit.
    ///
    /// ```
    /// assert_eq!(coro::rt::Via::default().dropped(), 0);
    /// ```
    pub fn dropped(&self) -> u8 {
        self.dropped
    }

    #[inline]
    fn push(&mut self, site: &'static Location<'static>) {
        match self.sites.iter_mut().find(|s| s.is_none()) {
            Some(slot) => *slot = Some(site),
            None => self.dropped = self.dropped.saturating_add(1),
        }
    }
}

impl Park {
    /// A park until `deadline` (or until woken), waiting `on` something, written at the
    /// caller's location.
    ///
    /// ```
    /// use coro::rt::Park;
    /// let p = Park::new(None, "forever");
    /// assert_eq!(p.deadline, None);
    /// ```
    #[track_caller]
    pub fn new(deadline: Option<Instant>, on: &'static str) -> Park {
        Park::at(deadline, on, Location::caller())
    }

    /// A park whose location is given: awaitables record their caller's location when they are
    /// created (`#[track_caller]`) and report it here.
    ///
    /// ```
    /// use coro::rt::Park;
    /// use std::panic::Location;
    /// let here = Location::caller();
    /// assert_eq!(Park::at(None, "x", here).at, here);
    /// ```
    #[inline]
    pub fn at(deadline: Option<Instant>, on: &'static str, at: &'static Location<'static>) -> Park {
        Park {
            deadline,
            on,
            at,
            via: Via::default(),
        }
    }
}

impl Request {
    /// `Request::Park` until `deadline` or a wake-up, waiting `on` something, located at the
    /// caller.
    ///
    /// ```
    /// use coro::rt::{Request, Waker};
    ///
    /// #[coro::coroutine(yield = coro::rt::Request, resume = coro::rt::Reply)]
    /// fn park_until_woken() {
    ///     let waker = Waker::current();
    ///     coro::rt::Handle::current().call_soon(move || waker.wake());
    ///     yield_!(Request::park(None, "a callback"));
    /// }
    ///
    /// coro::rt::run(park_until_woken());
    /// ```
    #[track_caller]
    pub fn park(deadline: Option<Instant>, on: &'static str) -> Request {
        Request::Park(Park::at(deadline, on, Location::caller()))
    }

    /// The request, noted as passed on by the `yield_from!` at `site` (see [`Via`]).
    /// `#[coro::coroutine(task)]` calls it for every request a delegate yields.
    ///
    /// ```
    /// use coro::rt::Request;
    /// assert_eq!(Request::YieldNow.through(std::panic::Location::caller()), Request::YieldNow);
    /// ```
    #[inline]
    pub fn through(mut self, site: &'static Location<'static>) -> Request {
        if let Request::Park(p) = &mut self {
            p.via.push(site);
        }
        self
    }
}

/// The loop's answer when it resumes a task: the resume argument of a task coroutine.
///
/// Its default, [`Reply::Start`], is what `yield_from!` primes a delegate with; a body never
/// sees its first resume argument.
///
/// ```
/// use coro::rt::Reply;
/// assert_eq!(Reply::default(), Reply::Start);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reply {
    /// The first resume of a task or a delegate.
    #[default]
    Start,
    /// After [`Request::YieldNow`]: the task's turn came again.
    Ready,
    /// After [`Request::Park`]: a [`Waker`](super::Waker) woke the task (perhaps spuriously).
    Woken,
    /// After [`Request::Park`]: the park's deadline passed.
    Deadline,
}

/// A coroutine the loop can run: it yields [`Request`]s, is resumed with [`Reply`]s, and is
/// `Unpin` (everything `#[coro::coroutine]` makes is). Every task and every awaitable is one.
///
/// Declare one with `#[coro::coroutine(task)]`. Use `Awaitable` as a bound (`C: Awaitable`, whose
/// result is `C::Return`) and as a trait object (`Box<dyn Awaitable<Return = T>>`); to name
/// an awaitable *with its result type* in a signature, write [`impl AwaitableOf<T>`](AwaitableOf),
/// as the runtime's own awaitables do.
///
/// ```
/// use coro::rt::{self, Awaitable};
/// use std::time::Duration;
///
/// #[coro::coroutine(task)]
/// fn nap(ms: u64) -> u64 {
///     yield_from!(rt::sleep(Duration::from_millis(ms)));
///     ms
/// }
///
/// fn naps() -> Vec<Box<dyn Awaitable<Return = u64>>> {
///     vec![Box::new(nap(1)), Box::new(nap(2))]
/// }
///
/// #[coro::coroutine(task)]
/// fn main_task() -> u64 {
///     let mut total = 0;
///     for n in naps() {
///         total += yield_from!(n);
///     }
///     total
/// }
///
/// assert_eq!(rt::Loop::with_virtual_clock().run_until_complete(main_task()), 3);
/// ```
///
/// # Unused awaitables
///
/// `Awaitable` and [`AwaitableOf`] are `#[must_use]`: an awaitable does nothing until a task
/// runs it, so one created and dropped (`rt::sleep(d);`, `queue.put(x);` where
/// `yield_from!(…)` was meant) warns (`unused_must_use`):
///
/// ```compile_fail
/// #![deny(unused_must_use)]
/// use coro::rt;
/// use std::time::Duration;
///
/// #[coro::coroutine(task)]
/// fn forgetful() {
///     rt::sleep(Duration::from_secs(1)); // error: unused implementer of `AwaitableOf` that must be used
///     yield_from!(rt::yield_now());
/// }
/// ```
///
/// # Why the result type has a second name
///
/// An `Awaitable`'s result is the `Return` type of its supertrait
/// [`Coroutine<Reply>`](crate::Coroutine), so `impl Awaitable<Return = T>` is a valid return
/// type and the compiler knows `T` from it. But rustdoc, documenting such a signature in a
/// crate that re-exports it (as `coro` re-exports this runtime), drops a binding of a
/// *supertrait's* associated type (rust-lang/rust#113015) and shows a bare `impl Awaitable`.
/// Giving `Awaitable` an associated type of its own (`Output`) would fix the display but break
/// `dyn Awaitable<Return = T>`: a trait object must then name `Output` too (E0191), and
/// `impl Awaitable<Return = T>` would no longer prove `Output = T`. So `Awaitable` stays as it
/// is, and [`AwaitableOf<T>`](AwaitableOf) names the result as a type parameter, which rustdoc
/// always shows.
#[must_use = "an awaitable does nothing until a task runs it: delegate to it with `yield_from!(...)`, or spawn it"]
pub trait Awaitable: Coroutine<Reply, Yield = Request> + Unpin {}

impl<C> Awaitable for C where C: Coroutine<Reply, Yield = Request> + Unpin + ?Sized {}

/// An [`Awaitable`] whose result (its `Return` type) is `T`: what the runtime's awaitables
/// return, `impl AwaitableOf<T>`, and what to write for your own.
///
/// It is the same as `impl Awaitable<Return = T>` (implemented for every awaitable, with
/// `T = C::Return`), under a name whose result type rustdoc shows: see
/// [`Awaitable`](Awaitable#why-the-result-type-has-a-second-name) for why it exists. Both forms
/// accept the same values, so code written against one works with the other.
///
/// ```
/// use coro::rt::{self, Awaitable, AwaitableOf, Queue};
///
/// // A helper that returns an awaitable, with its result type in the signature.
/// fn first_two(q: &Queue<u32>) -> impl AwaitableOf<(u32, u32)> {
///     pair(q.clone())
/// }
///
/// #[coro::coroutine(task)]
/// fn pair(q: Queue<u32>) -> (u32, u32) {
///     let a = yield_from!(q.get()).unwrap();
///     let b = yield_from!(q.get()).unwrap();
///     (a, b)
/// }
///
/// // Bounds and trait objects work with either name.
/// fn boxed<C: AwaitableOf<(u32, u32)> + 'static>(c: C) -> Box<dyn Awaitable<Return = (u32, u32)>> {
///     Box::new(c)
/// }
///
/// let q = Queue::unbounded();
/// q.try_put(1).unwrap();
/// q.try_put(2).unwrap();
/// assert_eq!(rt::run(boxed(first_two(&q))), (1, 2));
/// ```
#[must_use = "an awaitable does nothing until a task runs it: delegate to it with `yield_from!(...)`, or spawn it"]
pub trait AwaitableOf<T>: Awaitable + Coroutine<Reply, Yield = Request, Return = T> {}

impl<C, T> AwaitableOf<T> for C where C: Awaitable + Coroutine<Reply, Return = T> + ?Sized {}
