//! ProcessParameters: what `process_ready` tells the service, and how the game server wants
//! to hear about game sessions (sdk-wire-protocol.md §8.2).
//!
//! Events reach the game server in one of two ways, chosen with [`EventDelivery`]:
//!
//! * [`EventDelivery::Callbacks`] (the default, as in the official SDKs): each event calls its
//!   callback on the SDK's callback thread, one at a time, in arrival order. No SDK lock is
//!   held while a callback runs, so a callback may call back into the SDK (e.g.
//!   `activate_game_session` from `on_start_game_session`). An event whose callback is not
//!   registered is logged and dropped, except TerminateProcess: with no `on_process_terminate`
//!   the SDK calls `process_ending` and then `destroy` itself, as the official SDKs do, but it
//!   does **not** exit the OS process (a library must not); your server keeps running
//!   disconnected until it stops on its own.
//! * [`EventDelivery::Queue`]: events go to a queue that the game polls on its own thread with
//!   [`ServerSdk::poll_event`](crate::ServerSdk::poll_event) / `next_event`. The three event
//!   callbacks are not called, and TerminateProcess has no default action: the game decides.
//!
//! The health check is always a callback (it needs an answer, not a notification); it runs on
//! a blocking-pool thread with [`SdkOptions::health_check_timeout`](crate::SdkOptions).
//! Without one the SDK reports healthy (`true`), as the C++ SDK does; the Go SDK reports
//! `false`, which would get a healthy server without a health callback terminated.

use crate::model::{GameSession, UpdateGameSession};
use std::fmt;
use std::sync::Arc;

pub(crate) type StartCallback = Arc<dyn Fn(GameSession) + Send + Sync>;
pub(crate) type UpdateCallback = Arc<dyn Fn(UpdateGameSession) + Send + Sync>;
pub(crate) type TerminateCallback = Arc<dyn Fn() + Send + Sync>;
pub(crate) type HealthCallback = Arc<dyn Fn() -> bool + Send + Sync>;

/// How game session events reach the game server; see the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EventDelivery {
    /// Call the registered callbacks on the SDK's callback thread.
    #[default]
    Callbacks,
    /// Put every event in the queue read by `poll_event` / `next_event`.
    Queue,
}

/// Parameters for [`ServerSdk::process_ready`](crate::ServerSdk::process_ready).
///
/// ```
/// use playfield_sdk::ProcessParameters;
/// let params = ProcessParameters::new(7777)
///     .log_paths(["/local/game/logs"])
///     .on_start_game_session(|gs| println!("start {}", gs.game_session_id))
///     .on_health_check(|| true);
/// assert_eq!(params.port, 7777);
/// ```
#[derive(Clone, Default)]
pub struct ProcessParameters {
    /// The port players connect to (1..60000).
    pub port: i32,
    /// Files the service should keep after the process ends.
    pub log_paths: Vec<String>,
    /// Callbacks or queue.
    pub delivery: EventDelivery,
    pub(crate) on_start_game_session: Option<StartCallback>,
    pub(crate) on_update_game_session: Option<UpdateCallback>,
    pub(crate) on_process_terminate: Option<TerminateCallback>,
    pub(crate) on_health_check: Option<HealthCallback>,
}

impl fmt::Debug for ProcessParameters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProcessParameters")
            .field("port", &self.port)
            .field("log_paths", &self.log_paths)
            .field("delivery", &self.delivery)
            .field(
                "on_start_game_session",
                &self.on_start_game_session.is_some(),
            )
            .field(
                "on_update_game_session",
                &self.on_update_game_session.is_some(),
            )
            .field("on_process_terminate", &self.on_process_terminate.is_some())
            .field("on_health_check", &self.on_health_check.is_some())
            .finish()
    }
}

impl ProcessParameters {
    /// Parameters for a server listening on `port`, with no callbacks.
    pub fn new(port: i32) -> Self {
        ProcessParameters {
            port,
            ..Self::default()
        }
    }

    /// Sets the log paths.
    pub fn log_paths<I, S>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.log_paths = paths.into_iter().map(Into::into).collect();
        self
    }

    /// Chooses callbacks or the queue.
    pub fn delivery(mut self, delivery: EventDelivery) -> Self {
        self.delivery = delivery;
        self
    }

    /// Shorthand for `delivery(EventDelivery::Queue)`.
    pub fn poll_events(self) -> Self {
        self.delivery(EventDelivery::Queue)
    }

    /// Called when the service assigns a game session to this process (CreateGameSession).
    /// Get ready to host it, then call `activate_game_session`.
    pub fn on_start_game_session(
        mut self,
        f: impl Fn(GameSession) + Send + Sync + 'static,
    ) -> Self {
        self.on_start_game_session = Some(Arc::new(f));
        self
    }

    /// Called when the game session changes (backfill results, §4.2). Every end of a backfill
    /// ticket (match, failure, timeout, cancellation) arrives here.
    pub fn on_update_game_session(
        mut self,
        f: impl Fn(UpdateGameSession) + Send + Sync + 'static,
    ) -> Self {
        self.on_update_game_session = Some(Arc::new(f));
        self
    }

    /// Called when the service wants this process to end (TerminateProcess). Read the
    /// deadline with `get_termination_time`, wrap up, call `process_ending` and exit.
    pub fn on_process_terminate(mut self, f: impl Fn() + Send + Sync + 'static) -> Self {
        self.on_process_terminate = Some(Arc::new(f));
        self
    }

    /// Called before every heartbeat; return whether the server is healthy.
    pub fn on_health_check(mut self, f: impl Fn() -> bool + Send + Sync + 'static) -> Self {
        self.on_health_check = Some(Arc::new(f));
        self
    }
}
