//! `Source`: a non-blocking mio socket, its readiness, and its registration with the reactor
//! of the loop that first had to wait on it.

use std::cell::RefCell;
use std::io;
use std::os::fd::AsRawFd;
use std::rc::{Rc, Weak};

use mio::unix::SourceFd;

use super::super::scheduler::{self, Current, Scheduler};
use super::super::task::Waker;
use super::reactor::{IoWait, Reactor, Slot};

/// A socket the loop can wait on. Every socket handle (`TcpStream`…) holds one in an `Rc`.
///
/// Registration is lazy: a socket whose operations never block never costs an `epoll_ctl`.
/// The first time an operation must wait, the socket is registered with the poller of the loop
/// running that task (both directions, edge-triggered) and stays registered until it is
/// dropped; the handle can therefore be made outside any loop (`TcpListener::bind` in `main`).
/// (Registration goes through the descriptor, `SourceFd`, so that a shared socket need not be
/// borrowed mutably: this is why sockets are Unix-only for now.)
pub(crate) struct Source<S: AsRawFd> {
    io: S,
    slot: Rc<Slot<Waker>>,
    reg: RefCell<Option<Reg>>,
}

/// Where a socket is registered: the reactor and its token there, the loop that reactor
/// belongs to (a `Weak`, which keeps the loop's allocation, so its address is never reused
/// while the socket compares it with the running task's loop), and that loop's cell of the
/// task it is stepping.
struct Reg {
    reactor: Rc<Reactor<Waker>>,
    token: usize,
    lp: Weak<Scheduler>,
    current: Current,
}

impl<S: AsRawFd> Source<S> {
    pub(crate) fn new(io: S) -> Source<S> {
        Source {
            io,
            slot: Rc::new(Slot::new()),
            reg: RefCell::new(None),
        }
    }

    pub(crate) fn io(&self) -> &S {
        &self.io
    }

    /// Runs `f` (one non-blocking system call) unless the socket is known not to be ready in
    /// direction `dir`; on `WouldBlock`, notes that it is not.
    #[inline]
    pub(crate) fn try_io<R>(&self, dir: u8, f: impl FnOnce(&S) -> io::Result<R>) -> io::Result<R> {
        if !self.slot.is_ready(dir) {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let result = f(&self.io);
        if let Err(e) = &result {
            if e.kind() == io::ErrorKind::WouldBlock {
                self.slot.clear(dir);
            }
        }
        result
    }

    /// Notes that the socket is not ready in direction `dir` (after a short read or write).
    pub(crate) fn clear(&self, dir: u8) {
        self.slot.clear(dir);
    }

    /// Whether an operation in direction `dir` may succeed (see [`Slot`]): when not, trying
    /// the system call could only fail with `WouldBlock`.
    #[inline]
    pub(crate) fn is_ready(&self, dir: u8) -> bool {
        self.slot.is_ready(dir)
    }

    /// Makes the running task wait until the socket may be ready in direction `dir`: park
    /// after this, and drop the guard when resumed.
    pub(crate) fn wait(&self, dir: u8) -> io::Result<IoWait<Waker>> {
        let key = self.add_waiter(dir)?;
        let reg = self.reg.borrow();
        let reg = reg.as_ref().expect("a socket with waiters is registered");
        Ok(IoWait::new(
            reg.reactor.clone(),
            self.slot.clone(),
            dir,
            key,
        ))
    }

    /// Adds the running task to the waiters in direction `dir`, like [`wait`](Self::wait), but
    /// without a guard: the caller keeps the key and calls [`remove_waiter`](Self::remove_waiter)
    /// when resumed or abandoned (the socket operations, which hold the `Source` anyway).
    ///
    /// The usual case reads the running task from the loop the socket is registered with: if
    /// that loop is stepping a task, it is the loop running on this thread (only one loop runs
    /// on a thread, and only a running loop steps tasks), and the task is the one calling.
    /// Otherwise (a socket not registered yet, or registered with a loop that is not running),
    /// the running task is looked up on this thread, and the socket registered with its loop.
    #[inline]
    pub(crate) fn add_waiter(&self, dir: u8) -> io::Result<u64> {
        if let Some(reg) = &*self.reg.borrow() {
            if let Some(task) = &*reg.current.borrow() {
                return Ok(reg
                    .reactor
                    .add_waiter(&self.slot, dir, Waker::for_task(task)));
            }
        }
        self.add_waiter_elsewhere(dir)
    }

    /// [`add_waiter`](Self::add_waiter) when the socket's loop is not the one stepping the
    /// running task: one look-up of the running task, which gives both its waker and its loop
    /// (compared by address with the loop the socket is registered with).
    #[cold]
    fn add_waiter_elsewhere(&self, dir: u8) -> io::Result<u64> {
        scheduler::with_current_task(|task| {
            let lp = &task.header().lp;
            if !matches!(&*self.reg.borrow(), Some(reg) if Weak::ptr_eq(&reg.lp, lp)) {
                let lp = lp.upgrade().expect("a running task's loop is alive");
                self.register_with(&lp)?;
            }
            let reg = self.reg.borrow();
            let reg = reg.as_ref().expect("registered just above");
            Ok(reg
                .reactor
                .add_waiter(&self.slot, dir, Waker::for_task(task)))
        })
    }

    /// Removes waiter `key` (from [`add_waiter`](Self::add_waiter)) if it is still there.
    #[inline]
    pub(crate) fn remove_waiter(&self, dir: u8, key: u64) {
        // A socket with waiters is registered, and stays with its reactor while they wait.
        if let Some(reg) = &*self.reg.borrow() {
            reg.reactor.remove_waiter(&self.slot, dir, key);
        }
    }

    /// Registers the socket with the reactor of loop `lp`, moving it from the loop it was
    /// registered with, if any.
    #[cold]
    fn register_with(&self, lp: &Rc<Scheduler>) -> io::Result<()> {
        let reactor = lp.reactor()?;
        let mut reg = self.reg.borrow_mut();
        if let Some(old) = reg.take() {
            // Made with one loop, now used with another: move, if nothing waits on it.
            assert!(
                !self.slot.has_waiters(),
                "coro: a socket is waited on by tasks of two loops"
            );
            old.reactor
                .deregister(&mut SourceFd(&self.io.as_raw_fd()), old.token);
        }
        let token = reactor.register(&mut SourceFd(&self.io.as_raw_fd()), &self.slot)?;
        *reg = Some(Reg {
            reactor,
            token,
            lp: Rc::downgrade(lp),
            current: lp.current().clone(),
        });
        Ok(())
    }
}

impl<S: AsRawFd> Drop for Source<S> {
    fn drop(&mut self) {
        if let Some(reg) = self.reg.get_mut().take() {
            reg.reactor
                .deregister(&mut SourceFd(&self.io.as_raw_fd()), reg.token);
        }
    }
}
