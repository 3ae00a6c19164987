//! What the loop reports about its tasks: slow steps, panics nobody joined, and dumps
//! (`Handle::tasks` and `Handle::dump` are made here from what the scheduler's tasks say).

use std::fmt;
use std::panic::Location;
use std::time::Duration;

use super::{Instant, Park, TaskId};

/// Something the loop reports (to stderr, or to the sink set with
/// [`Builder::on_diagnostic`](super::Builder::on_diagnostic)).
///
/// ```
/// use coro::rt::{self, Loop};
/// use std::cell::RefCell;
/// use std::rc::Rc;
///
/// #[coro::coroutine(task)]
/// fn oops() {
///     panic!("oops");
/// }
///
/// let seen = Rc::new(RefCell::new(Vec::new()));
/// let sink = seen.clone();
/// let lp = Loop::builder()
///     .on_diagnostic(move |d| sink.borrow_mut().push(d.to_string()))
///     .build();
/// # std::panic::set_hook(Box::new(|_| {}));
/// drop(lp.spawn(oops())); // detached: nobody will ever join it
/// lp.run_until_complete(rt::yield_now());
/// assert!(seen.borrow()[0].starts_with("coro: Task-1 panicked and nobody joined it: oops"));
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Diagnostic {
    /// One step of a task held the loop longer than the debug threshold (asyncio's
    /// `slow_callback_duration`).
    SlowStep {
        /// The task.
        task: TaskId,
        /// Its name.
        name: String,
        /// Where it was spawned.
        spawned_at: &'static Location<'static>,
        /// How long the step took, on the loop's clock.
        took: Duration,
        /// The loop's time when the step began.
        at: Instant,
    },
    /// A task panicked and its panic was never retrieved by a join (asyncio's "Task exception
    /// was never retrieved"); reported when the last handle to it goes away.
    UnretrievedPanic {
        /// The task.
        task: TaskId,
        /// Its name.
        name: String,
        /// Where it was spawned.
        spawned_at: &'static Location<'static>,
        /// The panic's message.
        message: String,
    },
    /// A callback (`call_soon`, `call_later`, `call_at`) panicked; the loop went on.
    CallbackPanicked {
        /// The panic's message.
        message: String,
    },
    /// A task was still pending after the shutdown round of [`Loop::close`](super::Loop::close)
    /// (it was spawned by a leftover's destructor and did not finish, or it waits on something
    /// that can no longer happen): it was dropped where it waited, and what its destructors
    /// scheduled did not run (asyncio's "Task was destroyed but it is pending!").
    DroppedAtClose {
        /// The task.
        task: TaskId,
        /// Its name.
        name: String,
        /// Where it was spawned.
        spawned_at: &'static Location<'static>,
    },
    /// A destructor panicked while a cancelled task's locals were dropped; the loop went on.
    DropPanicked {
        /// The task.
        task: TaskId,
        /// Its name.
        name: String,
        /// The panic's message.
        message: String,
    },
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Diagnostic::SlowStep {
                name,
                spawned_at,
                took,
                at,
                ..
            } => write!(
                f,
                "coro: {name} (spawned at {spawned_at}) held the loop for {:.3}s in one step, at loop time {:.3}s",
                took.as_secs_f64(),
                at.as_secs_f64()
            ),
            Diagnostic::UnretrievedPanic {
                name,
                spawned_at,
                message,
                ..
            } => write!(
                f,
                "coro: {name} panicked and nobody joined it: {message} (spawned at {spawned_at})"
            ),
            Diagnostic::CallbackPanicked { message } => {
                write!(f, "coro: a callback panicked: {message}")
            }
            Diagnostic::DroppedAtClose {
                name, spawned_at, ..
            } => write!(
                f,
                "coro: {name} (spawned at {spawned_at}) was still pending after the loop's shutdown round; dropped"
            ),
            Diagnostic::DropPanicked { name, message, .. } => write!(
                f,
                "coro: a destructor panicked while {name} was cancelled: {message}"
            ),
        }
    }
}

/// What one live task is doing, as [`Handle::tasks`](super::Handle::tasks) and
/// [`Handle::dump`](super::Handle::dump) report it.
///
/// ```
/// use coro::rt::{self, Loop, TaskStatus};
/// use std::time::Duration;
///
/// let lp = Loop::with_virtual_clock();
/// let h = lp.spawn_named("sleeper", rt::sleep(Duration::from_secs(10)));
/// lp.run_until_complete(rt::yield_now());
/// let info = &lp.tasks()[0];
/// assert_eq!(info.name, "sleeper");
/// match info.status {
///     TaskStatus::Waiting(park) => assert_eq!(park.on, "sleep"),
///     _ => unreachable!(),
/// }
/// # drop(h);
/// ```
#[derive(Clone, Debug)]
pub struct TaskInfo {
    /// The task.
    pub id: TaskId,
    /// Its name.
    pub name: String,
    /// Where it was spawned.
    pub spawned_at: &'static Location<'static>,
    /// What it is doing.
    pub status: TaskStatus,
}

/// Whether a live task is ready, running, or waiting (and on what).
///
/// ```
/// use coro::rt::TaskStatus;
/// assert_eq!(TaskStatus::Ready.to_string(), "ready");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaskStatus {
    /// In the ready queue.
    Ready,
    /// Being stepped (the task that asked for the dump).
    Running,
    /// Parked.
    Waiting(Park),
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskStatus::Ready => f.write_str("ready"),
            TaskStatus::Running => f.write_str("running"),
            TaskStatus::Waiting(park) => {
                write!(f, "waiting on {}", park.on)?;
                if let Some(deadline) = park.deadline {
                    write!(f, " until {deadline}")?;
                }
                write!(f, " at {}", park.at)?;
                // The runtime's own awaitables delegate too (`sleep` to `sleep_until`…): only
                // the sites in the user's code are shown.
                let runtime_dir = file!().rsplit_once(['/', '\\']).map_or("", |(d, _)| d);
                for site in park
                    .via
                    .iter()
                    .filter(|s| !s.file().starts_with(runtime_dir))
                {
                    write!(f, ", in yield_from! at {site}")?;
                }
                if park.via.dropped() > 0 {
                    write!(f, ", and {} more", park.via.dropped())?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for TaskInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} (spawned at {}): {}",
            self.id, self.name, self.spawned_at, self.status
        )
    }
}

/// What [`Handle::tasks`](super::Handle::tasks) returns: the live tasks, in spawn order.
pub(crate) fn tasks(live: impl Iterator<Item = TaskInfo>) -> Vec<TaskInfo> {
    let mut infos: Vec<TaskInfo> = live.collect();
    infos.sort_by_key(|i| i.id);
    infos
}

/// The counts a dump's first line gives.
pub(crate) struct Counts {
    pub(crate) time: Instant,
    pub(crate) timers: usize,
    pub(crate) io: usize,
    pub(crate) blocking: usize,
}

/// The text of [`Handle::dump`](super::Handle::dump): the counts, then one line per task.
pub(crate) fn dump(tasks: &[TaskInfo], counts: Counts) -> String {
    let mut out = format!(
        "{} live task(s) at loop time {}, {} timer(s)",
        tasks.len(),
        counts.time,
        counts.timers
    );
    if counts.io > 0 {
        out.push_str(&format!(", {} I/O wait(s)", counts.io));
    }
    if counts.blocking > 0 {
        out.push_str(&format!(", {} blocking call(s)", counts.blocking));
    }
    out.push(':');
    for t in tasks {
        out.push_str("\n  ");
        out.push_str(&t.to_string());
    }
    out
}
