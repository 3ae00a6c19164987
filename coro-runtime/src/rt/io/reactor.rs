//! The reactor: the loop's `mio::Poll`, the readiness of every registered socket, the tasks
//! waiting on it, and the wake-ups that other threads send (the blocking pool's completions).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::io;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use mio::{Events, Interest, Poll, Registry, Token};

/// What the reactor wakes when a socket becomes ready or a blocking call returns: a task's
/// `Waker`, in the loop (the reactor itself names no task).
pub(crate) trait Wake {
    /// The loop that owns the reactor: [`Reactor::poll`] hands it to each wake-up.
    type Loop;
    fn wake(&self, lp: &Self::Loop);
}

/// The token of the cross-thread waker; sockets get the slab's indices, which never reach it.
const NOTIFY: Token = Token(usize::MAX);

/// Readiness bits of a [`Slot`]: a direction, as operations ask for it and as a short read or
/// a `WouldBlock` clears it.
pub(crate) const READ: u8 = 1;
pub(crate) const WRITE: u8 = 2;
/// The peer closed that direction (or the connection failed): sticky, never cleared, since no
/// later edge would report it again. A read after the last bytes must see the end at once.
const READ_CLOSED: u8 = 4;
const WRITE_CLOSED: u8 = 8;

/// The closed bit that also makes direction `dir` ready.
fn closed(dir: u8) -> u8 {
    dir << 2
}

/// What the reactor knows about one socket: whether it may be ready, and who waits on it.
///
/// A bit is *set* while an operation may succeed (at first, and after each event) and *cleared*
/// when one fails with `WouldBlock` (or, for streams, after a short read or write: with
/// edge-triggered readiness the next arrival brings a fresh event, so reading again just to get
/// `EAGAIN` would be a wasted system call). The *closed* bits are never cleared: an event that
/// reports the last bytes and the peer's close together would otherwise leave a short read
/// followed by a wait that no edge ever ends (tokio keeps its closed bits for the same reason).
/// Only the loop's thread touches a slot, and events are applied between steps, so no event
/// can slip between a failed try and the clearing.
pub(crate) struct Slot<W> {
    ready: Cell<u8>,
    readers: Waiters<W>,
    writers: Waiters<W>,
    next_key: Cell<u64>,
}

/// The tasks waiting on one direction of a socket: the first in place (the usual case: one
/// reader and one writer per socket, so a wait costs no list operation), any others in a list.
/// Each waiter has a key, unique within its slot, by which it leaves. The count lets an event
/// pass a direction nobody waits on (a socket's writers, mostly) without looking further.
struct Waiters<W> {
    first: RefCell<Option<(u64, W)>>,
    rest: RefCell<Vec<(u64, W)>>,
    count: Cell<usize>,
}

impl<W: Wake> Waiters<W> {
    fn new() -> Waiters<W> {
        Waiters {
            first: RefCell::new(None),
            rest: RefCell::new(Vec::new()),
            count: Cell::new(0),
        }
    }

    #[inline]
    fn add(&self, key: u64, waker: W) {
        self.count.set(self.count.get() + 1);
        let mut first = self.first.borrow_mut();
        if first.is_none() {
            *first = Some((key, waker));
        } else {
            drop(first);
            self.add_to_rest(key, waker);
        }
    }

    #[cold]
    fn add_to_rest(&self, key: u64, waker: W) {
        self.rest.borrow_mut().push((key, waker));
    }

    /// Removes waiter `key`; whether it was there.
    #[inline]
    fn remove(&self, key: u64) -> bool {
        let mut first = self.first.borrow_mut();
        if matches!(&*first, Some((k, _)) if *k == key) {
            *first = None;
            self.count.set(self.count.get() - 1);
            return true;
        }
        drop(first);
        self.remove_from_rest(key)
    }

    #[cold]
    fn remove_from_rest(&self, key: u64) -> bool {
        let mut rest = self.rest.borrow_mut();
        match rest.iter().position(|(k, _)| *k == key) {
            Some(i) => {
                rest.swap_remove(i);
                self.count.set(self.count.get() - 1);
                true
            }
            None => false,
        }
    }

    fn is_empty(&self) -> bool {
        self.count.get() == 0
    }

    #[inline]
    fn wake_all(&self, lp: &W::Loop) {
        let count = self.count.get();
        if count == 0 {
            return;
        }
        let mut woken = 0;
        if let Some((_, waker)) = &*self.first.borrow() {
            waker.wake(lp);
            woken = 1;
        }
        if count > woken {
            self.wake_rest(lp);
        }
    }

    #[cold]
    fn wake_rest(&self, lp: &W::Loop) {
        for (_, waker) in self.rest.borrow().iter() {
            waker.wake(lp);
        }
    }
}

impl<W: Wake> Slot<W> {
    pub(crate) fn new() -> Slot<W> {
        Slot {
            ready: Cell::new(READ | WRITE),
            readers: Waiters::new(),
            writers: Waiters::new(),
            next_key: Cell::new(0),
        }
    }

    #[inline]
    pub(crate) fn is_ready(&self, dir: u8) -> bool {
        self.ready.get() & (dir | closed(dir)) != 0
    }

    #[inline]
    pub(crate) fn clear(&self, dir: u8) {
        self.ready.set(self.ready.get() & !dir);
    }

    fn waiters(&self, dir: u8) -> &Waiters<W> {
        if dir == READ {
            &self.readers
        } else {
            &self.writers
        }
    }

    pub(crate) fn has_waiters(&self) -> bool {
        !self.readers.is_empty() || !self.writers.is_empty()
    }

    /// Applies an event: sets the bits and wakes whoever waits on them.
    fn fire(&self, bits: u8, lp: &W::Loop) {
        self.ready.set(self.ready.get() | bits);
        if bits & (READ | closed(READ)) != 0 {
            self.readers.wake_all(lp);
        }
        if bits & (WRITE | closed(WRITE)) != 0 {
            self.writers.wake_all(lp);
        }
    }
}

/// A task waiting until a socket may be ready in one direction; leaves the slot's waiters when
/// dropped (after the wake-up, or when the operation is abandoned: cancelled, timed out).
/// (The socket operations keep the key instead, and leave through their `Source`, which holds
/// the reactor and the slot already: see [`Source::add_waiter`](super::Source::add_waiter).)
pub(crate) struct IoWait<W: Wake> {
    reactor: Rc<Reactor<W>>,
    slot: Rc<Slot<W>>,
    dir: u8,
    key: u64,
}

impl<W: Wake> IoWait<W> {
    pub(crate) fn new(reactor: Rc<Reactor<W>>, slot: Rc<Slot<W>>, dir: u8, key: u64) -> IoWait<W> {
        IoWait {
            reactor,
            slot,
            dir,
            key,
        }
    }
}

impl<W: Wake> Drop for IoWait<W> {
    fn drop(&mut self) {
        self.reactor.remove_waiter(&self.slot, self.dir, self.key);
    }
}

/// How other threads wake the loop: a list of finished blocking calls and mio's `Waker`.
pub(crate) struct Notifier {
    waker: mio::Waker,
    done: Mutex<Vec<u64>>,
    /// Set between a wake-up and the loop's reading of `done`, so that a burst of completions
    /// costs one system call.
    notified: AtomicBool,
}

impl Notifier {
    /// Records that blocking call `id` finished and wakes the loop (from any thread).
    pub(crate) fn complete(&self, id: u64) {
        self.done
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(id);
        if !self.notified.swap(true, Ordering::AcqRel) {
            // A failure here means the poller is gone: the loop was dropped; nobody waits.
            let _ = self.waker.wake();
        }
    }

    fn take(&self) -> Vec<u64> {
        self.notified.store(false, Ordering::Release);
        std::mem::take(&mut *self.done.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The loop's poller and what hangs on it: the sockets registered with it, and who waits on
/// them or on a blocking call (a `W`: the loop uses its tasks' `Waker`s).
pub(crate) struct Reactor<W> {
    poll: RefCell<Poll>,
    events: RefCell<Events>,
    registry: Registry,
    /// Registered sockets, by token.
    slots: RefCell<Vec<Option<Rc<Slot<W>>>>>,
    free: RefCell<Vec<usize>>,
    sources: Cell<usize>,
    /// Live `IoWait`s.
    waits: Cell<usize>,
    /// Blocking calls a task waits for, by id.
    calls: RefCell<HashMap<u64, W>>,
    next_call: Cell<u64>,
    pub(crate) notifier: Arc<Notifier>,
}

impl<W: Wake> Reactor<W> {
    pub(crate) fn new() -> io::Result<Reactor<W>> {
        let poll = Poll::new()?;
        let registry = poll.registry().try_clone()?;
        let waker = mio::Waker::new(poll.registry(), NOTIFY)?;
        Ok(Reactor {
            poll: RefCell::new(poll),
            events: RefCell::new(Events::with_capacity(1024)),
            registry,
            slots: RefCell::new(Vec::new()),
            free: RefCell::new(Vec::new()),
            sources: Cell::new(0),
            waits: Cell::new(0),
            calls: RefCell::new(HashMap::new()),
            next_call: Cell::new(0),
            notifier: Arc::new(Notifier {
                waker,
                done: Mutex::new(Vec::new()),
                notified: AtomicBool::new(false),
            }),
        })
    }

    /// Registers `source` for both directions, edge-triggered; returns its token.
    pub(crate) fn register(
        &self,
        source: &mut impl mio::event::Source,
        slot: &Rc<Slot<W>>,
    ) -> io::Result<usize> {
        let token = match self.free.borrow_mut().pop() {
            Some(t) => t,
            None => {
                let mut slots = self.slots.borrow_mut();
                slots.push(None);
                slots.len() - 1
            }
        };
        if let Err(e) = self.registry.register(
            source,
            Token(token),
            Interest::READABLE | Interest::WRITABLE,
        ) {
            self.free.borrow_mut().push(token);
            return Err(e);
        }
        self.slots.borrow_mut()[token] = Some(slot.clone());
        self.sources.set(self.sources.get() + 1);
        Ok(token)
    }

    pub(crate) fn deregister(&self, source: &mut impl mio::event::Source, token: usize) {
        // Closing the socket right after removes it from the poller anyway.
        let _ = self.registry.deregister(source);
        if let Some(entry) = self.slots.borrow_mut().get_mut(token) {
            if entry.take().is_some() {
                self.free.borrow_mut().push(token);
                self.sources.set(self.sources.get() - 1);
            }
        }
    }

    /// Adds `waker` to the slot's waiters in direction `dir`; the key to remove it with.
    #[inline]
    pub(crate) fn add_waiter(&self, slot: &Slot<W>, dir: u8, waker: W) -> u64 {
        let key = slot.next_key.get();
        slot.next_key.set(key.wrapping_add(1));
        slot.waiters(dir).add(key, waker);
        self.waits.set(self.waits.get() + 1);
        key
    }

    /// Removes waiter `key` from the slot's waiters in direction `dir`, if it is still there.
    #[inline]
    pub(crate) fn remove_waiter(&self, slot: &Slot<W>, dir: u8, key: u64) {
        if slot.waiters(dir).remove(key) {
            self.waits.set(self.waits.get() - 1);
        }
    }

    /// A new blocking call that `waker`'s task will wait for; its id.
    pub(crate) fn start_call(&self, waker: W) -> u64 {
        let id = self.next_call.get();
        self.next_call.set(id + 1);
        self.calls.borrow_mut().insert(id, waker);
        id
    }

    /// The waiting task gave up on call `id` (or took its result): forget it.
    pub(crate) fn end_call(&self, id: u64) {
        self.calls.borrow_mut().remove(&id);
    }

    /// How many sockets are registered.
    pub(crate) fn source_count(&self) -> usize {
        self.sources.get()
    }

    /// How many operations wait on a socket.
    pub(crate) fn wait_count(&self) -> usize {
        self.waits.get()
    }

    /// How many blocking calls a task waits for.
    pub(crate) fn call_count(&self) -> usize {
        self.calls.borrow().len()
    }

    /// Whether anything could still come from the poller: a socket wait or a blocking call.
    pub(crate) fn is_waited_on(&self) -> bool {
        self.waits.get() > 0 || !self.calls.borrow().is_empty()
    }

    /// Waits for events (up to `timeout`; `None` waits as long as it takes) and wakes the tasks
    /// they concern; `lp` is the loop that owns the reactor.
    ///
    /// # Panics
    ///
    /// When the poller fails for another reason than a signal.
    pub(crate) fn poll(&self, timeout: Option<Duration>, lp: &W::Loop) {
        let mut poll = self.poll.borrow_mut();
        let mut events = self.events.borrow_mut();
        match poll.poll(&mut events, timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return,
            Err(e) => panic!("coro: the poller failed: {e}"),
        }
        let slots = self.slots.borrow();
        for event in events.iter() {
            if event.token() == NOTIFY {
                self.deliver_calls(lp);
                continue;
            }
            let Some(Some(slot)) = slots.get(event.token().0) else {
                continue;
            };
            let mut bits = 0;
            if event.is_readable() || event.is_error() {
                bits |= READ;
            }
            if event.is_read_closed() {
                bits |= READ_CLOSED;
            }
            if event.is_writable() || event.is_error() {
                bits |= WRITE;
            }
            if event.is_write_closed() {
                bits |= WRITE_CLOSED;
            }
            slot.fire(bits, lp);
        }
    }

    fn deliver_calls(&self, lp: &W::Loop) {
        let done = self.notifier.take();
        let calls = self.calls.borrow();
        for id in done {
            // A call nobody waits for any more (its task was cancelled) is ignored: its
            // result is dropped with the last reference to it.
            if let Some(waker) = calls.get(&id) {
                waker.wake(lp);
            }
        }
    }
}
