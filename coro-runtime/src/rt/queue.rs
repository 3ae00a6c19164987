//! `Queue`: a FIFO queue between tasks, bounded (with backpressure), unbounded, or a rendezvous.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::panic::Location;
use std::rc::Rc;

use super::waitlist::{WaitList, Waiter};
use super::{AwaitableOf, Park, Request, Waker};

/// A first-in first-out queue between tasks (asyncio's `Queue`), a cheap `Rc` handle: clone it
/// to share it.
///
/// - [`Queue::unbounded`] never makes `put` wait;
/// - [`Queue::bounded`]`(n)` holds at most `n` items: `put` waits while it is full
///   (backpressure);
/// - [`Queue::bounded`]`(0)` is a rendezvous: `put` waits until a `get` takes its item.
///
/// Waiting getters and putters are served in arrival order: an item is handed directly to the
/// getter that has waited longest, and a freed place to the putter that has waited longest.
/// [`close`](Queue::close) makes further puts fail and wakes every waiter; getters still
/// receive the items already in the queue, then `Err(Closed)` (asyncio 3.13's `shutdown`).
///
/// ```
/// use coro::rt::{Loop, Queue};
///
/// #[coro::coroutine(task)]
/// fn producer(q: Queue<u32>) {
///     for i in 0..5 {
///         yield_from!(q.put(i)).unwrap(); // waits while the queue is full
///     }
///     q.close();
/// }
///
/// #[coro::coroutine(task)]
/// fn consumer(q: Queue<u32>) -> Vec<u32> {
///     let mut got = Vec::new();
///     while let Ok(item) = yield_from!(q.get()) {
///         got.push(item);
///     }
///     got
/// }
///
/// let lp = Loop::new();
/// let q = Queue::bounded(2);
/// lp.spawn(producer(q.clone()));
/// assert_eq!(lp.run_until_complete(consumer(q)), [0, 1, 2, 3, 4]);
/// ```
pub struct Queue<T> {
    inner: Rc<RefCell<Inner<T>>>,
}

struct Inner<T> {
    items: VecDeque<T>,
    capacity: Option<usize>,
    closed: bool,
    /// Getters wait only while `items` is empty; each is handed its item in its slot.
    getters: WaitList<T>,
    /// Putters wait only while there is no room; each waits with its item in its slot.
    putters: WaitList<T>,
}

/// The error of an operation on a closed [`Queue`]; holds the item a put could not deliver.
///
/// ```
/// use coro::rt::{Closed, Queue};
///
/// let q = Queue::unbounded();
/// q.close();
/// assert_eq!(q.try_put(7), Err(coro::rt::TryPutError::Closed(7)));
/// assert_eq!(Closed(()).to_string(), "queue is closed");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Closed<T = ()>(pub T);

impl<T> fmt::Display for Closed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("queue is closed")
    }
}

impl<T: fmt::Debug> std::error::Error for Closed<T> {}

/// Why [`Queue::try_put`] failed; both variants give the item back.
///
/// ```
/// use coro::rt::{Queue, TryPutError};
///
/// let q = Queue::bounded(1);
/// q.try_put('a').unwrap();
/// assert_eq!(q.try_put('b'), Err(TryPutError::Full('b')));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TryPutError<T> {
    /// No room now.
    Full(T),
    /// The queue is closed.
    Closed(T),
}

/// Why [`Queue::try_get`] failed.
///
/// ```
/// use coro::rt::{Queue, TryGetError};
///
/// let q: Queue<u8> = Queue::unbounded();
/// assert_eq!(q.try_get(), Err(TryGetError::Empty));
/// q.close();
/// assert_eq!(q.try_get(), Err(TryGetError::Closed));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TryGetError {
    /// Nothing to take now.
    Empty,
    /// The queue is closed and drained.
    Closed,
}

impl<T> Clone for Queue<T> {
    fn clone(&self) -> Self {
        Queue {
            inner: self.inner.clone(),
        }
    }
}

impl<T> Inner<T> {
    fn has_room(&self) -> bool {
        self.capacity.is_none_or(|c| self.items.len() < c)
    }

    fn offer(&mut self, item: T) -> Result<(), TryPutError<T>> {
        if self.closed {
            return Err(TryPutError::Closed(item));
        }
        if let Some(getter) = self.getters.pop_front() {
            *getter.slot.borrow_mut() = Some(item);
            getter.waker.wake();
            return Ok(());
        }
        if self.putters.is_empty() && self.has_room() {
            self.items.push_back(item);
            return Ok(());
        }
        Err(TryPutError::Full(item))
    }

    fn take(&mut self) -> Result<T, TryGetError> {
        if let Some(item) = self.items.pop_front() {
            if self.has_room() {
                if let Some(putter) = self.putters.pop_front() {
                    let moved = putter.take().expect("a waiting putter holds its item");
                    self.items.push_back(moved);
                    putter.waker.wake();
                }
            }
            return Ok(item);
        }
        if let Some(putter) = self.putters.pop_front() {
            // A rendezvous: take the item from the putter's hands.
            let item = putter.take().expect("a waiting putter holds its item");
            putter.waker.wake();
            return Ok(item);
        }
        Err(if self.closed {
            TryGetError::Closed
        } else {
            TryGetError::Empty
        })
    }

    /// An item handed to a getter that went away before taking it: to the next getter, or
    /// back at the front.
    fn give_back(&mut self, item: T) {
        if let Some(getter) = self.getters.pop_front() {
            *getter.slot.borrow_mut() = Some(item);
            getter.waker.wake();
        } else {
            self.items.push_front(item);
        }
    }
}

impl<T: 'static> Queue<T> {
    /// A queue without a bound: `put` never waits.
    ///
    /// ```
    /// use coro::rt::Queue;
    /// let q = Queue::unbounded();
    /// for i in 0..1000 {
    ///     q.try_put(i).unwrap();
    /// }
    /// assert_eq!(q.len(), 1000);
    /// ```
    pub fn unbounded() -> Queue<T> {
        Queue::with_capacity(None)
    }

    /// A queue holding at most `capacity` items; `put` waits while it is full. With capacity
    /// 0 it is a rendezvous: each `put` waits for a `get` to take its item.
    ///
    /// ```
    /// use coro::rt::{self, Loop, Queue};
    /// use std::cell::RefCell;
    /// use std::rc::Rc;
    ///
    /// #[coro::coroutine(task)]
    /// fn sender(q: Queue<&'static str>, log: Rc<RefCell<Vec<&'static str>>>) {
    ///     yield_from!(q.put("hello")).unwrap();
    ///     log.borrow_mut().push("put returned");
    /// }
    ///
    /// #[coro::coroutine(task)]
    /// fn receiver(q: Queue<&'static str>, log: Rc<RefCell<Vec<&'static str>>>) {
    ///     log.borrow_mut().push("receiver starts");
    ///     let got = yield_from!(q.get()).unwrap();
    ///     log.borrow_mut().push(got);
    /// }
    ///
    /// let lp = Loop::new();
    /// let q = Queue::bounded(0);
    /// let log = Rc::new(RefCell::new(Vec::new()));
    /// let s = lp.spawn(sender(q.clone(), log.clone()));
    /// let r = lp.spawn(receiver(q.clone(), log.clone()));
    /// lp.run_until_complete(rt::join_all(vec![s, r]));
    /// assert_eq!(*log.borrow(), ["receiver starts", "hello", "put returned"]);
    /// ```
    pub fn bounded(capacity: usize) -> Queue<T> {
        Queue::with_capacity(Some(capacity))
    }

    fn with_capacity(capacity: Option<usize>) -> Queue<T> {
        Queue {
            inner: Rc::new(RefCell::new(Inner {
                items: VecDeque::new(),
                capacity,
                closed: false,
                getters: WaitList::new(),
                putters: WaitList::new(),
            })),
        }
    }

    /// Puts `item` at the back, waiting while the queue is full (for a rendezvous: until a
    /// getter takes it). `Err(Closed(item))` if the queue is closed before the item went in.
    ///
    /// If the put is abandoned while it waits (its task cancelled, or a timeout), the item is
    /// dropped with it and never reaches the queue.
    ///
    /// ```
    /// use coro::rt::{Closed, Loop, Queue};
    ///
    /// let lp = Loop::new();
    /// let q = Queue::unbounded();
    /// lp.run_until_complete(q.put(1)).unwrap();
    /// q.close();
    /// assert_eq!(lp.run_until_complete(q.put(2)), Err(Closed(2)));
    /// ```
    #[track_caller]
    pub fn put(&self, item: T) -> impl AwaitableOf<Result<(), Closed<T>>> {
        put(self.clone(), item, Location::caller())
    }

    /// Takes the item at the front, waiting while the queue is empty. `Err(Closed(()))` once
    /// the queue is closed and empty.
    ///
    /// If the get is abandoned after an item was handed to it but before its task ran, the
    /// item goes to the next getter, or back to the front of the queue: nothing is lost.
    ///
    /// ```
    /// use coro::rt::{Closed, Loop, Queue};
    ///
    /// let lp = Loop::new();
    /// let q = Queue::unbounded();
    /// q.try_put("last").unwrap();
    /// q.close();
    /// assert_eq!(lp.run_until_complete(q.get()), Ok("last"));
    /// assert_eq!(lp.run_until_complete(q.get()), Err(Closed(())));
    /// ```
    #[track_caller]
    pub fn get(&self) -> impl AwaitableOf<Result<T, Closed>> {
        get(self.clone(), Location::caller())
    }

    /// Puts without waiting (asyncio's `put_nowait`).
    ///
    /// ```
    /// use coro::rt::{Queue, TryPutError};
    /// let q = Queue::bounded(0);
    /// assert_eq!(q.try_put(1), Err(TryPutError::Full(1))); // no getter is waiting
    /// ```
    pub fn try_put(&self, item: T) -> Result<(), TryPutError<T>> {
        self.inner.borrow_mut().offer(item)
    }

    /// Takes without waiting (asyncio's `get_nowait`).
    ///
    /// ```
    /// use coro::rt::Queue;
    /// let q = Queue::unbounded();
    /// q.try_put(3).unwrap();
    /// assert_eq!(q.try_get(), Ok(3));
    /// ```
    pub fn try_get(&self) -> Result<T, TryGetError> {
        self.inner.borrow_mut().take()
    }

    /// Closes the queue: puts fail from now on, every waiting putter gets its item back in
    /// `Err(Closed(item))`, every waiting getter gets `Err(Closed(()))`; the items already in
    /// the queue can still be taken. Closing twice does nothing.
    ///
    /// ```
    /// use coro::rt::Queue;
    /// let q: Queue<()> = Queue::unbounded();
    /// q.close();
    /// assert!(q.is_closed());
    /// ```
    pub fn close(&self) {
        let (getters, putters) = {
            let mut s = self.inner.borrow_mut();
            s.closed = true;
            (s.getters.take_all(), s.putters.take_all())
        };
        for w in getters {
            w.waker.wake();
        }
        for w in putters {
            w.waker.wake();
        }
    }

    /// Whether [`close`](Queue::close) was called.
    ///
    /// ```
    /// use coro::rt::Queue;
    /// assert!(!Queue::<u8>::unbounded().is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.inner.borrow().closed
    }

    /// How many items are in the queue (not counting those in waiting putters' hands).
    ///
    /// ```
    /// use coro::rt::Queue;
    /// let q = Queue::unbounded();
    /// q.try_put(1).unwrap();
    /// assert_eq!(q.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.inner.borrow().items.len()
    }

    /// Whether the queue holds no item.
    ///
    /// ```
    /// use coro::rt::Queue;
    /// assert!(Queue::<u8>::unbounded().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.inner.borrow().items.is_empty()
    }

    /// The bound, `None` for an unbounded queue.
    ///
    /// ```
    /// use coro::rt::Queue;
    /// assert_eq!(Queue::<u8>::bounded(3).capacity(), Some(3));
    /// assert_eq!(Queue::<u8>::unbounded().capacity(), None);
    /// ```
    pub fn capacity(&self) -> Option<usize> {
        self.inner.borrow().capacity
    }

    /// How many tasks wait in `get` and in `put`, in that order.
    ///
    /// ```
    /// use coro::rt::Queue;
    /// assert_eq!(Queue::<u8>::unbounded().waiting(), (0, 0));
    /// ```
    pub fn waiting(&self) -> (usize, usize) {
        let s = self.inner.borrow();
        (s.getters.len(), s.putters.len())
    }
}

impl<T> fmt::Debug for Queue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.inner.borrow();
        f.debug_struct("Queue")
            .field("len", &s.items.len())
            .field("capacity", &s.capacity)
            .field("closed", &s.closed)
            .field("getters", &s.getters.len())
            .field("putters", &s.putters.len())
            .finish()
    }
}

#[coro_macros::coroutine(crate = crate, task)]
fn put<T: 'static>(
    queue: Queue<T>,
    item: T,
    at: &'static Location<'static>,
) -> Result<(), Closed<T>> {
    // (Not `let item = match …`: shadowing a parameter trips the macro; see the report.)
    let refused = match queue.try_put(item) {
        Ok(()) => return Ok(()),
        Err(TryPutError::Closed(refused)) => return Err(Closed(refused)),
        Err(TryPutError::Full(refused)) => refused,
    };
    let waiting = PutWaiter::register(&queue, refused);
    loop {
        yield_!(Request::Park(Park::at(None, "Queue::put", at)));
        if let Some(done) = waiting.poll() {
            return done;
        }
    }
}

#[coro_macros::coroutine(crate = crate, task)]
fn get<T: 'static>(queue: Queue<T>, at: &'static Location<'static>) -> Result<T, Closed> {
    let taken = queue.try_get();
    match taken {
        Ok(item) => return Ok(item),
        Err(TryGetError::Closed) => return Err(Closed(())),
        Err(TryGetError::Empty) => {}
    }
    let waiting = GetWaiter::register(&queue);
    loop {
        yield_!(Request::Park(Park::at(None, "Queue::get", at)));
        if let Some(done) = waiting.poll() {
            return done;
        }
    }
}

/// A waiting put; leaves the queue's list when dropped.
struct PutWaiter<T> {
    queue: Rc<RefCell<Inner<T>>>,
    waiter: Rc<Waiter<T>>,
}

impl<T> PutWaiter<T> {
    fn register(queue: &Queue<T>, item: T) -> PutWaiter<T> {
        let waiter = queue
            .inner
            .borrow_mut()
            .putters
            .push(Waker::current(), Some(item));
        PutWaiter {
            queue: queue.inner.clone(),
            waiter,
        }
    }

    /// `Some` once the put is over: delivered, or refused because the queue closed.
    fn poll(&self) -> Option<Result<(), Closed<T>>> {
        let mut slot = self.waiter.slot.borrow_mut();
        if slot.is_none() {
            return Some(Ok(()));
        }
        let closed = self.queue.borrow().closed;
        if closed {
            self.queue.borrow_mut().putters.remove(&self.waiter);
            return slot.take().map(|item| Err(Closed(item)));
        }
        None
    }
}

impl<T> Drop for PutWaiter<T> {
    fn drop(&mut self) {
        self.queue.borrow_mut().putters.remove(&self.waiter);
    }
}

/// A waiting get; leaves the queue's list when dropped, and gives back an item it was handed
/// but never took.
struct GetWaiter<T> {
    queue: Rc<RefCell<Inner<T>>>,
    waiter: Rc<Waiter<T>>,
}

impl<T> GetWaiter<T> {
    fn register(queue: &Queue<T>) -> GetWaiter<T> {
        let waiter = queue
            .inner
            .borrow_mut()
            .getters
            .push(Waker::current(), None);
        GetWaiter {
            queue: queue.inner.clone(),
            waiter,
        }
    }

    fn poll(&self) -> Option<Result<T, Closed>> {
        if let Some(item) = self.waiter.take() {
            return Some(Ok(item));
        }
        let mut s = self.queue.borrow_mut();
        if s.closed {
            s.getters.remove(&self.waiter);
            return Some(Err(Closed(())));
        }
        None
    }
}

impl<T> Drop for GetWaiter<T> {
    fn drop(&mut self) {
        let mut s = self.queue.borrow_mut();
        if !s.getters.remove(&self.waiter) {
            if let Some(item) = self.waiter.take() {
                s.give_back(item);
            }
        }
    }
}
