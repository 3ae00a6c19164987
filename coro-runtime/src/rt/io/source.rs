//! `Source`: a non-blocking mio socket, its readiness, and its registration with the reactor
//! of the loop that first had to wait on it.

use std::cell::RefCell;
use std::io;
use std::os::fd::AsRawFd;
use std::rc::Rc;

use mio::unix::SourceFd;

use super::super::{context, Waker};
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
    slot: Rc<Slot>,
    reg: RefCell<Option<(Rc<Reactor>, usize)>>,
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
    pub(crate) fn wait(&self, dir: u8) -> io::Result<IoWait> {
        self.register_here()?;
        let reg = self.reg.borrow();
        let (reactor, _) = reg.as_ref().expect("registered just above");
        Ok(reactor.wait(&self.slot, dir))
    }

    /// Adds the running task to the waiters in direction `dir`, like [`wait`](Self::wait), but
    /// without a guard: the caller keeps the key and calls [`remove_waiter`](Self::remove_waiter)
    /// when resumed or abandoned (the socket operations, which hold the `Source` anyway).
    pub(crate) fn add_waiter(&self, dir: u8) -> io::Result<u64> {
        self.register_here()?;
        let reg = self.reg.borrow();
        let (reactor, _) = reg.as_ref().expect("registered just above");
        Ok(reactor.add_waiter(&self.slot, dir, Waker::current()))
    }

    /// Removes waiter `key` (from [`add_waiter`](Self::add_waiter)) if it is still there.
    pub(crate) fn remove_waiter(&self, dir: u8, key: u64) {
        // A socket with waiters is registered, and stays with its reactor while they wait.
        if let Some((reactor, _)) = &*self.reg.borrow() {
            reactor.remove_waiter(&self.slot, dir, key);
        }
    }

    /// Registers the socket with the running loop's reactor, unless it already is (the usual
    /// case, checked by address without touching any reference count).
    fn register_here(&self) -> io::Result<()> {
        let here = context::with_running(|lp| match (lp.try_reactor(), &*self.reg.borrow()) {
            (Some(running), Some((mine, _))) => Rc::ptr_eq(running, mine),
            _ => false,
        });
        if here {
            return Ok(());
        }
        let lp = context::running();
        let reactor = lp.reactor()?;
        let mut reg = self.reg.borrow_mut();
        if let Some((r, token)) = reg.take() {
            // Made with one loop, now used with another: move, if nothing waits on it.
            assert!(
                !self.slot.has_waiters(),
                "coro: a socket is waited on by tasks of two loops"
            );
            r.deregister(&mut SourceFd(&self.io.as_raw_fd()), token);
        }
        let token = reactor.register(&mut SourceFd(&self.io.as_raw_fd()), &self.slot)?;
        *reg = Some((reactor, token));
        Ok(())
    }
}

impl<S: AsRawFd> Drop for Source<S> {
    fn drop(&mut self) {
        if let Some((reactor, token)) = self.reg.get_mut().take() {
            reactor.deregister(&mut SourceFd(&self.io.as_raw_fd()), token);
        }
    }
}
