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
