//! Events from the service, and the two ways they reach the game server: the callback thread
//! and the poll queue (see [`crate::process`] for which is used when).

use crate::model::{GameSession, UpdateGameSession};
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use tokio::sync::Notify;
use tracing::{error, warn};

/// Something the service told this process.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum ServerEvent {
    /// CreateGameSession: host this game session, then call `activate_game_session`.
    StartGameSession(GameSession),
    /// UpdateGameSession: the game session changed (backfill).
    UpdateGameSession(UpdateGameSession),
    /// TerminateProcess: end by `termination_time` (epoch seconds), calling `process_ending`.
    ProcessTerminate {
        /// Epoch seconds, as `get_termination_time` returns it.
        termination_time: i64,
    },
}

/// How many events the queue keeps before it drops the oldest.
pub(crate) const QUEUE_CAPACITY: usize = 1024;

/// The poll queue.
#[derive(Default)]
pub(crate) struct EventQueue {
    events: Mutex<VecDeque<ServerEvent>>,
    notify: Notify,
}

impl EventQueue {
    pub fn push(&self, event: ServerEvent) {
        {
            let mut events = self.events.lock();
            if events.len() >= QUEUE_CAPACITY {
                warn!("event queue full ({QUEUE_CAPACITY}): dropping the oldest event; poll it more often");
                events.pop_front();
            }
            events.push_back(event);
        }
        self.notify.notify_one();
    }

    pub fn try_pop(&self) -> Option<ServerEvent> {
        self.events.lock().pop_front()
    }

    pub async fn pop(&self) -> ServerEvent {
        loop {
            let notified = self.notify.notified();
            if let Some(event) = self.try_pop() {
                return event;
            }
            notified.await;
        }
    }

    pub fn clear(&self) {
        self.events.lock().clear();
    }
}

type Job = Box<dyn FnOnce() + Send>;

/// The thread callbacks run on: one at a time, in the order events arrived. It ends when the
/// last handle is dropped (at `destroy`).
pub(crate) struct CallbackThread {
    jobs: std::sync::mpsc::Sender<Job>,
}

impl CallbackThread {
    pub fn spawn() -> std::io::Result<Self> {
        let (jobs, rx) = std::sync::mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("playfield-sdk-callbacks".into())
            .spawn(move || {
                while let Ok(job) = rx.recv() {
                    if std::panic::catch_unwind(AssertUnwindSafe(job)).is_err() {
                        error!("a game server callback panicked; the SDK keeps going");
                    }
                }
            })?;
        Ok(CallbackThread { jobs })
    }

    pub fn run(&self, job: impl FnOnce() + Send + 'static) {
        if self.jobs.send(Box::new(job)).is_err() {
            warn!("callback thread is gone; callback dropped");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terminate(t: i64) -> ServerEvent {
        ServerEvent::ProcessTerminate {
            termination_time: t,
        }
    }

    #[test]
    fn queue_is_fifo_and_drops_the_oldest_when_full() {
        let q = EventQueue::default();
        for t in 0..(QUEUE_CAPACITY as i64 + 2) {
            q.push(terminate(t));
        }
        assert_eq!(q.try_pop(), Some(terminate(2)));
        assert_eq!(q.try_pop(), Some(terminate(3)));
        q.clear();
        assert_eq!(q.try_pop(), None);
    }

    #[tokio::test]
    async fn pop_waits_for_a_push() {
        let q = std::sync::Arc::new(EventQueue::default());
        let waiter = {
            let q = q.clone();
            tokio::spawn(async move { q.pop().await })
        };
        tokio::task::yield_now().await;
        q.push(terminate(7));
        assert_eq!(waiter.await.unwrap(), terminate(7));
    }

    #[test]
    fn callback_thread_runs_jobs_in_order_and_survives_panics() {
        let thread = CallbackThread::spawn().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let tx2 = tx.clone();
        thread.run(move || tx.send(1).unwrap());
        thread.run(|| panic!("game bug"));
        thread.run(move || tx2.send(2).unwrap());
        let got: Vec<i32> = (0..2)
            .map(|_| rx.recv_timeout(std::time::Duration::from_secs(5)).unwrap())
            .collect();
        assert_eq!(got, [1, 2]);
    }
}
