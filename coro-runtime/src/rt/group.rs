//! `TaskGroup`: a scope whose tasks cannot outlive it (Trio's nursery, asyncio's `TaskGroup`).

use std::cell::RefCell;
use std::fmt;
use std::panic::Location;
use std::rc::{Rc, Weak};

use std::pin::Pin;

use crate::CoroutineState;

use super::outcome::Exit;
use super::scheduler;
use super::task::{AnyTask, Listener};
use super::waitlist::{WaitList, Waiter};
use super::{Awaitable, AwaitableOf, Handle, JoinHandle, Park, Reply, Request, TaskId, Waker};

/// A scope for tasks, in the spirit of Trio's nurseries and asyncio's `TaskGroup`.
///
/// Two forms:
///
/// - **scoped**, asyncio's `async with TaskGroup()` and Trio's nursery:
///   [`TaskGroup::scope`] / [`run`](TaskGroup::run) drive a body that is part of the group. The
///   first child that panics cancels its siblings and drops the body where it waits; the scope
///   returns the failures at once. Use this form when porting asyncio code.
/// - **spawn and wait**: spawn children with [`spawn`](TaskGroup::spawn), then
///   [`wait`](TaskGroup::wait) for them. The owner is *not* interrupted: the first child that
///   panics cancels its siblings, and the failure reaches the owner only when it calls `wait`
///   (which does not return before every child has finished).
///
/// Either way every failure is reported ([`GroupError::failures`], in the order they
/// happened: children whose step was due in the same loop iteration as the first failure still
/// take it). If the scope or the `wait` is abandoned (the waiting task is cancelled, or a
/// [`timeout`](super::timeout) expires), or the last handle to the group is dropped, the
/// children still running are cancelled: they never outlive their scope.
///
/// A cheap `Rc` handle: a child may hold a clone to spawn siblings.
///
/// ```
/// use coro::rt::{self, Loop, TaskGroup};
/// use std::time::Duration;
///
/// #[coro::coroutine(task)]
/// fn child(secs: u64, fail: bool) -> u64 {
///     yield_from!(rt::sleep(Duration::from_secs(secs)));
///     if fail {
///         panic!("child {secs} failed");
///     }
///     secs
/// }
///
/// #[coro::coroutine(task)]
/// fn parent() -> String {
///     let group = TaskGroup::new();
///     let slow = group.spawn(child(10, false));
///     group.spawn(child(1, true));
///     let outcome = yield_from!(group.wait());
///     let slow = yield_from!(slow.join());
///     format!("{} / slow child cancelled: {}", outcome.unwrap_err(), slow.unwrap_err().is_cancelled())
/// }
///
/// # std::panic::set_hook(Box::new(|_| {}));
/// let lp = Loop::with_virtual_clock();
/// assert_eq!(
///     lp.run_until_complete(parent()),
///     "Task-3 panicked: child 1 failed / slow child cancelled: true"
/// );
/// assert_eq!(lp.time(), rt::Instant::from_secs(1)); // the slow child did not hold it up
/// ```
#[derive(Clone)]
pub struct TaskGroup {
    inner: Rc<RefCell<Inner>>,
}

#[derive(Default)]
struct Inner {
    /// The children still running.
    children: Vec<Rc<AnyTask>>,
    failures: Vec<ChildFailure>,
    waiters: WaitList<()>,
    /// The tasks running a scope's body ([`TaskGroup::run`]): woken at the first failure.
    owners: WaitList<()>,
}

impl Inner {
    fn cancel_children(&self) {
        for child in &self.children {
            scheduler::cancel(child);
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.cancel_children();
    }
}

/// One child's failure, as a [`GroupError`] reports it.
///
/// ```
/// use coro::rt::GroupError;
/// fn first_name(e: &GroupError) -> &str {
///     &e.first().name
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChildFailure {
    /// The child.
    pub task: TaskId,
    /// Its name.
    pub name: String,
    /// Its panic's message.
    pub message: String,
}

/// Why a [`TaskGroup`] failed: the children that panicked, the first one first (the one that
/// cancelled its siblings).
///
/// ```
/// use coro::rt::GroupError;
/// fn describe(e: &GroupError) -> String {
///     format!("{} failure(s), first: {}", e.failures().len(), e.first().message)
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupError {
    failures: Vec<ChildFailure>,
}

impl GroupError {
    /// The first failure.
    ///
    /// ```
    /// # use coro::rt::GroupError;
    /// # fn f(e: GroupError) { let _ = e.first().task; }
    /// ```
    pub fn first(&self) -> &ChildFailure {
        &self.failures[0]
    }

    /// Every failure, in the order they happened.
    ///
    /// ```
    /// # use coro::rt::GroupError;
    /// # fn f(e: GroupError) { assert!(!e.failures().is_empty()); }
    /// ```
    pub fn failures(&self) -> &[ChildFailure] {
        &self.failures
    }
}

impl fmt::Display for GroupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let first = self.first();
        write!(f, "{} panicked: {}", first.name, first.message)?;
        match self.failures.len() {
            1 => Ok(()),
            n => write!(f, " (and {} more failure(s))", n - 1),
        }
    }
}

impl std::error::Error for GroupError {}

impl Default for TaskGroup {
    fn default() -> Self {
        TaskGroup::new()
    }
}

impl TaskGroup {
    /// An empty group.
    ///
    /// ```
    /// assert_eq!(coro::rt::TaskGroup::new().len(), 0);
    /// ```
    pub fn new() -> TaskGroup {
        TaskGroup {
            inner: Rc::new(RefCell::new(Inner::default())),
        }
    }

    /// Spawns a child on the running loop. If the group is already failing, the child is
    /// cancelled at once (it never starts).
    ///
    /// # Panics
    ///
    /// When no loop is running on this thread.
    ///
    /// ```
    /// use coro::rt::{self, TaskGroup};
    ///
    /// #[coro::coroutine(task)]
    /// fn parent() -> u32 {
    ///     let group = TaskGroup::new();
    ///     let a = group.spawn(rt::yield_now());
    ///     yield_from!(group.wait()).unwrap();
    ///     assert!(a.is_finished());
    ///     1
    /// }
    ///
    /// assert_eq!(rt::run(parent()), 1);
    /// ```
    #[track_caller]
    pub fn spawn<C>(&self, coroutine: C) -> JoinHandle<C::Return>
    where
        C: Awaitable + 'static,
        C::Return: 'static,
    {
        let handle = Handle::current().spawn_inner(coroutine, None, Location::caller());
        self.adopt(&handle);
        handle
    }

    /// [`spawn`](TaskGroup::spawn) with a name.
    ///
    /// ```
    /// use coro::rt::{self, TaskGroup};
    ///
    /// #[coro::coroutine(task)]
    /// fn parent() -> String {
    ///     let group = TaskGroup::new();
    ///     let h = group.spawn_named("child", rt::yield_now());
    ///     yield_from!(group.wait()).unwrap();
    ///     h.name()
    /// }
    ///
    /// assert_eq!(rt::run(parent()), "child");
    /// ```
    #[track_caller]
    pub fn spawn_named<C>(&self, name: impl Into<String>, coroutine: C) -> JoinHandle<C::Return>
    where
        C: Awaitable + 'static,
        C::Return: 'static,
    {
        let name: String = name.into();
        let handle = Handle::current().spawn_inner(
            coroutine,
            Some(name.into_boxed_str()),
            Location::caller(),
        );
        self.adopt(&handle);
        handle
    }

    fn adopt<T: 'static>(&self, handle: &JoinHandle<T>) {
        let task = handle.any_task();
        let weak: Weak<RefCell<Inner>> = Rc::downgrade(&self.inner);
        task.header()
            .listeners
            .borrow_mut()
            .push(Listener::Done(Box::new(move |t| {
                if let Some(inner) = weak.upgrade() {
                    child_done(&inner, t);
                }
            })));
        let failing = {
            let mut s = self.inner.borrow_mut();
            s.children.push(task.clone());
            !s.failures.is_empty()
        };
        if failing {
            scheduler::cancel(&task);
        }
    }

    /// Waits until every child has finished: `Ok(())`, or the failures if a child panicked.
    ///
    /// ```
    /// use coro::rt::{Loop, TaskGroup};
    /// // A group without children is done at once.
    /// assert_eq!(Loop::new().run_until_complete(TaskGroup::new().wait()), Ok(()));
    /// ```
    #[track_caller]
    pub fn wait(&self) -> impl AwaitableOf<Result<(), GroupError>> {
        wait(self.clone(), Location::caller())
    }

    /// Runs `body` as part of the group (asyncio's `async with TaskGroup() as tg:`, Trio's
    /// nursery): its value once the body has returned **and** every child has finished, or the
    /// failures. The first child that panics cancels its siblings and **interrupts the body**:
    /// the body is dropped where it is suspended (its live locals run their destructors), the
    /// children are cancelled, and the scope returns the error as soon as they are gone,
    /// without waiting for the body to reach a `wait`. A panic in the body itself unwinds
    /// through the scope, which cancels the children.
    ///
    /// [`TaskGroup::scope`] makes the group and hands it to the body.
    ///
    /// ```
    /// use coro::rt::{self, Loop, TaskGroup};
    /// use std::time::Duration;
    ///
    /// #[coro::coroutine(task)]
    /// fn failing(after: u64) {
    ///     yield_from!(rt::sleep(Duration::from_secs(after)));
    ///     panic!("child failed");
    /// }
    ///
    /// #[coro::coroutine(task)]
    /// fn body(group: TaskGroup) -> u32 {
    ///     group.spawn(failing(1));
    ///     yield_from!(rt::sleep(Duration::from_secs(60))); // interrupted at 1 s
    ///     7
    /// }
    ///
    /// #[coro::coroutine(task)]
    /// fn owner() -> String {
    ///     let group = TaskGroup::new();
    ///     let outcome = yield_from!(group.run(body(group.clone())));
    ///     outcome.unwrap_err().to_string()
    /// }
    ///
    /// # std::panic::set_hook(Box::new(|_| {}));
    /// let lp = Loop::with_virtual_clock();
    /// assert_eq!(lp.run_until_complete(owner()), "Task-2 panicked: child failed");
    /// assert_eq!(lp.time(), rt::Instant::from_secs(1));
    /// ```
    #[track_caller]
    pub fn run<B>(&self, body: B) -> impl AwaitableOf<Result<B::Return, GroupError>>
    where
        B: Awaitable,
    {
        run_scope(self.clone(), body, Location::caller())
    }

    /// A new group, given to `make_body`, whose body runs as part of it: see
    /// [`run`](TaskGroup::run).
    ///
    /// ```
    /// use coro::rt::{self, Loop, TaskGroup};
    ///
    /// #[coro::coroutine(task)]
    /// fn body(group: TaskGroup) -> usize {
    ///     group.spawn(rt::yield_now());
    ///     group.spawn(rt::yield_now());
    ///     group.len()
    /// }
    ///
    /// let lp = Loop::new();
    /// assert_eq!(lp.run_until_complete(TaskGroup::scope(body)), Ok(2));
    /// ```
    #[track_caller]
    pub fn scope<B, F>(make_body: F) -> impl AwaitableOf<Result<B::Return, GroupError>>
    where
        F: FnOnce(TaskGroup) -> B,
        B: Awaitable,
    {
        let group = TaskGroup::new();
        run_scope(group.clone(), make_body(group), Location::caller())
    }

    /// Cancels every child still running (Trio's `cancel_scope.cancel()`).
    ///
    /// ```
    /// use coro::rt::{self, TaskGroup};
    /// use std::time::Duration;
    ///
    /// #[coro::coroutine(task)]
    /// fn parent() -> bool {
    ///     let group = TaskGroup::new();
    ///     let h = group.spawn(rt::sleep(Duration::from_secs(60)));
    ///     group.cancel();
    ///     yield_from!(group.wait()).unwrap();
    ///     yield_from!(h.join()).unwrap_err().is_cancelled()
    /// }
    ///
    /// assert!(rt::Loop::with_virtual_clock().run_until_complete(parent()));
    /// ```
    pub fn cancel(&self) {
        let children = self.inner.borrow().children.clone();
        for child in &children {
            scheduler::cancel(child);
        }
    }

    /// How many children are still running.
    ///
    /// ```
    /// assert!(coro::rt::TaskGroup::new().is_empty());
    /// ```
    pub fn len(&self) -> usize {
        self.inner.borrow().children.len()
    }

    /// Whether no child is running.
    ///
    /// ```
    /// assert!(coro::rt::TaskGroup::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Debug for TaskGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.inner.borrow();
        f.debug_struct("TaskGroup")
            .field("running", &s.children.len())
            .field("failures", &s.failures.len())
            .finish()
    }
}

fn child_done(inner: &Rc<RefCell<Inner>>, task: &AnyTask) {
    let h = task.header();
    let (first_failure, waiters) = {
        let mut s = inner.borrow_mut();
        s.children.retain(|c| c.header().id != h.id);
        let mut first_failure = false;
        if task.exit() == Some(Exit::Panicked) {
            h.panic_retrieved.set(true);
            first_failure = s.failures.is_empty();
            s.failures.push(ChildFailure {
                task: h.id,
                name: h.name(),
                message: task
                    .panic_message()
                    .unwrap_or_else(|| "<non-string panic payload>".to_string()),
            });
        }
        let waiters = if s.children.is_empty() {
            s.waiters.take_all()
        } else {
            Vec::new()
        };
        (first_failure, waiters)
    };
    if first_failure {
        // The siblings are cancelled, and the scope's owner interrupted, from a callback: it
        // runs in the next iteration, so that a sibling whose step was already due in this
        // one still takes it, and a failure it makes is reported too (asyncio's TaskGroup
        // hears of a failure through a `call_soon`d done-callback, with the same effect).
        let inner = inner.clone();
        let abort = move || {
            let (children, owners) = {
                let mut s = inner.borrow_mut();
                (s.children.clone(), s.owners.take_all())
            };
            for child in &children {
                scheduler::cancel(child);
            }
            for owner in owners {
                owner.waker.wake();
            }
        };
        match h.lp.upgrade() {
            Some(lp) if !lp.is_closed() => {
                lp.call_soon(Box::new(abort));
            }
            _ => abort(),
        }
    }
    for w in waiters {
        w.waker.wake();
    }
}

#[coro_macros::coroutine(crate = crate, task)]
fn wait(group: TaskGroup, at: &'static Location<'static>) -> Result<(), GroupError> {
    let _scope = CancelChildrenIfAbandoned(group.clone());
    loop {
        let done = group.inner.borrow().children.is_empty();
        if done {
            let failures = std::mem::take(&mut group.inner.borrow_mut().failures);
            return if failures.is_empty() {
                Ok(())
            } else {
                Err(GroupError { failures })
            };
        }
        let _waiting = GroupWaiter::register(&group);
        yield_!(Request::Park(Park::at(None, "TaskGroup::wait", at)));
    }
}

/// Cancels the children still running when a `wait` is dropped before it finished.
struct CancelChildrenIfAbandoned(TaskGroup);

impl Drop for CancelChildrenIfAbandoned {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

struct GroupWaiter {
    group: Rc<RefCell<Inner>>,
    waiter: Rc<Waiter<()>>,
}

impl GroupWaiter {
    fn register(group: &TaskGroup) -> GroupWaiter {
        let waiter = group
            .inner
            .borrow_mut()
            .waiters
            .push(Waker::current(), None);
        GroupWaiter {
            group: group.inner.clone(),
            waiter,
        }
    }
}

impl Drop for GroupWaiter {
    fn drop(&mut self) {
        self.group.borrow_mut().waiters.remove(&self.waiter);
    }
}

#[coro_macros::coroutine(crate = crate, task)]
fn run_scope<B: Awaitable>(
    group: TaskGroup,
    body: B,
    at: &'static Location<'static>,
) -> Result<B::Return, GroupError> {
    let _scope = CancelChildrenIfAbandoned(group.clone());
    let owner = OwnerWaiter::register(&group);
    let mut body = Some(body);
    let mut value = None;
    let mut reply = Reply::Start;
    // Drive the body in this task, as `timeout` drives its awaitable, until it returns or a
    // child fails.
    loop {
        if !group.inner.borrow().failures.is_empty() {
            break;
        }
        let request = match Pin::new(body.as_mut().expect("the body is running")).resume(reply) {
            CoroutineState::Complete(v) => {
                value = Some(v);
                break;
            }
            CoroutineState::Yielded(request) => request,
        };
        reply = yield_!(request);
    }
    // A failed group drops the body where it is suspended.
    drop(body);
    drop(owner);
    loop {
        let done = group.inner.borrow().children.is_empty();
        if done {
            break;
        }
        let _waiting = GroupWaiter::register(&group);
        yield_!(Request::Park(Park::at(None, "TaskGroup::run", at)));
    }
    let failures = std::mem::take(&mut group.inner.borrow_mut().failures);
    match value {
        Some(value) if failures.is_empty() => Ok(value),
        _ => Err(GroupError { failures }),
    }
}

/// The task running a scope's body, woken at the group's first failure; leaves when dropped.
struct OwnerWaiter {
    group: Rc<RefCell<Inner>>,
    waiter: Rc<Waiter<()>>,
}

impl OwnerWaiter {
    fn register(group: &TaskGroup) -> OwnerWaiter {
        let waiter = group.inner.borrow_mut().owners.push(Waker::current(), None);
        OwnerWaiter {
            group: group.inner.clone(),
            waiter,
        }
    }
}

impl Drop for OwnerWaiter {
    fn drop(&mut self) {
        self.group.borrow_mut().owners.remove(&self.waiter);
    }
}
