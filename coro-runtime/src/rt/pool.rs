//! The threads behind `run_in_thread`: at most `max` workers, started on demand, reused while
//! work keeps coming, ended after idling for `KEEP_ALIVE`.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

/// How long an idle worker waits for work before it ends (tokio's default too).
const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// One call to run on a worker. It catches its own panics and reports its own result.
pub(crate) type Job = Box<dyn FnOnce() + Send>;

/// A loop's pool of worker threads.
pub(crate) struct Pool {
    shared: Arc<Shared>,
    max: usize,
}

struct Shared {
    state: Mutex<State>,
    cond: Condvar,
}

struct State {
    queue: VecDeque<Job>,
    /// Workers alive.
    threads: usize,
    /// Workers waiting for work and not yet promised any.
    idle: usize,
    /// Wake-ups sent to idle workers and not yet taken by one.
    notified: usize,
    shutdown: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A job never runs under the lock, so a poisoned lock holds consistent state.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Pool {
    pub(crate) fn new(max: usize) -> Pool {
        Pool {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    queue: VecDeque::new(),
                    threads: 0,
                    idle: 0,
                    notified: 0,
                    shutdown: false,
                }),
                cond: Condvar::new(),
            }),
            max: max.max(1),
        }
    }

    /// Queues `job`: an idle worker takes it, or a new one is started if fewer than `max` run,
    /// or it waits for the first worker to be free.
    ///
    /// # Panics
    ///
    /// When no worker runs and none can be started (the OS refused a thread).
    pub(crate) fn submit(&self, job: Job) {
        let mut st = self.shared.lock();
        st.queue.push_back(job);
        if st.idle > 0 {
            st.idle -= 1;
            st.notified += 1;
            self.shared.cond.notify_one();
        } else if st.threads < self.max {
            st.threads += 1;
            let shared = self.shared.clone();
            let spawned = thread::Builder::new()
                .name("coro-blocking".into())
                .spawn(move || work(&shared));
            if let Err(e) = spawned {
                st.threads -= 1;
                if st.threads == 0 {
                    st.queue.pop_back();
                    drop(st);
                    panic!("coro: could not start a thread for run_in_thread: {e}");
                }
            }
        }
    }

    /// Stops the pool: queued jobs are dropped unrun, idle workers end, busy ones end after
    /// their current job (nobody waits for them).
    pub(crate) fn shutdown(&self) {
        let queued = {
            let mut st = self.shared.lock();
            st.shutdown = true;
            std::mem::take(&mut st.queue)
        };
        self.shared.cond.notify_all();
        drop(queued);
    }

    /// Workers alive now.
    #[cfg(test)]
    fn threads(&self) -> usize {
        self.shared.lock().threads
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// A worker's life: take jobs until the pool shuts down or nothing comes for `KEEP_ALIVE`.
fn work(shared: &Shared) {
    let mut st = shared.lock();
    loop {
        if let Some(job) = st.queue.pop_front() {
            drop(st);
            job();
            st = shared.lock();
            continue;
        }
        if st.shutdown {
            break;
        }
        st.idle += 1;
        let (guard, waited) = shared
            .cond
            .wait_timeout(st, KEEP_ALIVE)
            .unwrap_or_else(PoisonError::into_inner);
        st = guard;
        if st.notified > 0 {
            // Promised work (the submitter already counted this worker out of `idle`).
            st.notified -= 1;
            continue;
        }
        st.idle -= 1;
        if waited.timed_out() && st.queue.is_empty() {
            break;
        }
    }
    st.threads -= 1;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn runs_every_job_on_at_most_max_threads_and_reuses_them() {
        let pool = Pool::new(2);
        let (tx, rx) = mpsc::channel();
        for i in 0..20 {
            let tx = tx.clone();
            pool.submit(Box::new(move || {
                tx.send((i, thread::current().id())).unwrap();
            }));
        }
        let mut got: Vec<_> = (0..20).map(|_| rx.recv().unwrap()).collect();
        got.sort_by_key(|(i, _)| *i);
        assert_eq!(
            got.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            (0..20).collect::<Vec<_>>()
        );
        let mut ids: Vec<_> = got.iter().map(|(_, id)| *id).collect();
        ids.sort_by_key(|id| format!("{id:?}"));
        ids.dedup();
        assert!(ids.len() <= 2, "{} threads", ids.len());
        assert!(pool.threads() <= 2);
    }

    #[test]
    fn shutdown_drops_queued_jobs() {
        let pool = Pool::new(1);
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let (ran_tx, ran_rx) = mpsc::channel();
        pool.submit(Box::new(move || {
            let _ = release_rx.recv();
        }));
        let ran = ran_tx.clone();
        pool.submit(Box::new(move || ran.send("queued").unwrap()));
        pool.shutdown();
        let _ = release_tx.send(()); // fails if the first job was still queued, and dropped
        drop(ran_tx);
        // The queued job was dropped with its sender: the channel closes without a message.
        assert!(ran_rx.recv().is_err());
    }
}
