//! The one lock: the core, plus the per-face bookkeeping that must change atomically with it.
//!
//! A face handles an input by locking the hub, calling the core, and carrying out the
//! core's effects before unlocking (`Hub::apply_effects`). Doing the effects under the
//! lock is what keeps pushes to a process in the order the core made them; it is cheap
//! because carrying out an effect only queues a message on a connection's channel.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;
use tokio::sync::{broadcast, mpsc, Notify};

use crate::events::routing::Notifier;
use crate::gateway::Registry;
use playfield_core::{Clock, Millis};
use playfield_core::{Core, Effect, Event, GoneReason};
use playfield_core::{MatchmakingEvent, TicketStatus};

/// The state behind the one lock: the core and the gateway's bookkeeping.
pub struct Hub {
    /// All state and rules.
    pub core: Core,
    /// The game-server connections and their reply caches.
    pub gateway: Registry,
    /// Every core event (notifications included), for in-process listeners such as tests.
    /// Lagging listeners lose the oldest events; the core never waits for them.
    pub events: broadcast::Sender<Event>,
    /// Routes notifications to the webhook targets and `GET /events`; set by
    /// `Daemon::start`. Publishing only queues: the core's lock is never held on I/O.
    pub notifier: Option<Notifier>,
    /// PGOS post-processing calls to make, for the task that makes them
    /// ([`crate::wiring::post_processing`]). Queuing never blocks; with no task running (a hub used
    /// without the daemon) the calls are never made and the core's timer falls back.
    pub(crate) post_process: mpsc::UnboundedSender<PostProcessJob>,
    /// `GET /metrics`' counters, counted from every event here so none is missed.
    pub(crate) metrics: crate::metrics::Metrics,
    /// What the dashboard shows that the core does not keep (recent events and matches).
    pub(crate) recorder: crate::dashboard::Recorder,
}

/// One post-processing call the core asked for ([`Effect::PostProcess`]).
#[derive(Debug)]
pub(crate) struct PostProcessJob {
    pub(crate) match_id: String,
    pub url: String,
    pub(crate) request: Box<playfield_core::PostProcessingCall>,
}

impl Hub {
    /// Carries out every effect the core has produced: pushes and closes go to the
    /// gateway's connections, events become one log line each.
    /// `now` is the time of the command that produced them.
    pub(crate) fn apply_effects(&mut self, now: Millis) {
        for effect in self.core.take_effects() {
            if let Effect::Event(event) = &effect {
                self.metrics.observe(&self.core, now, event);
                self.recorder.observe(now, event);
            }
            match effect {
                Effect::Push { pid, conn, push } => self.gateway.push(&pid, conn, &push),
                Effect::Close { conn, code, reason } => self.gateway.close(conn, code, reason),
                Effect::PostProcess {
                    match_id,
                    url,
                    request,
                } => {
                    let job = PostProcessJob {
                        match_id,
                        url,
                        request,
                    };
                    if let Err(e) = self.post_process.send(job) {
                        tracing::warn!(
                            target: "playfield",
                            "match {}: post-processing call to {} not made (the daemon is \
                             stopping); the match falls back when its timer fires",
                            e.0.match_id,
                            e.0.url
                        );
                    }
                }
                Effect::Event(Event::Notification(n)) => {
                    // The thin event it details is the log line; this one is for debugging.
                    tracing::debug!(target: "playfield::events", "event {} {} (tickets {})", n.name(), n.id, n.ticket_ids().join(", "));
                    if self.events.receiver_count() > 0 {
                        let _ = self.events.send(Event::Notification(n.clone()));
                    }
                    if let Some(notifier) = &mut self.notifier {
                        notifier.publish(*n);
                    }
                }
                Effect::Event(event) => {
                    self.gateway.observe(&event);
                    log_event(&event);
                    if self.events.receiver_count() > 0 {
                        let _ = self.events.send(event);
                    }
                }
            }
        }
    }
}

fn log_event(event: &Event) {
    // Events carry ids game servers and API callers chose (process, player, ticket ids):
    // escaped, so none of them can forge a log line.
    let text = event.to_string();
    let line = crate::log_safe::log_safe(&text);
    if log_level(event) == tracing::Level::WARN {
        tracing::warn!(target: "playfield", "{line}")
    } else {
        tracing::info!(target: "playfield", "{line}")
    }
}

/// The level an event is logged at: WARN for what a person should look at, INFO otherwise.
fn log_level(event: &Event) -> tracing::Level {
    let warn = match event {
        // A process that ended itself is the normal case; one the core gave up on is not.
        Event::ProcessHealthChanged { healthy: false, .. } => true,
        Event::ProcessGone { reason, .. } => *reason != GoneReason::ProcessEnding,
        Event::Matchmaking(MatchmakingEvent::PostProcessing(e)) => e.is_warning(),
        // A ticket that ends without a match: the line carries its reason and message
        // (issue 17 item 5).
        Event::Matchmaking(MatchmakingEvent::TicketStatus { status, .. }) => {
            matches!(status, TicketStatus::Failed | TicketStatus::TimedOut)
        }
        _ => false,
    };
    if warn {
        tracing::Level::WARN
    } else {
        tracing::Level::INFO
    }
}

/// Events kept for a listener that has not caught up yet.
const EVENT_BUFFER: usize = 4096;

/// What every task of the daemon shares.
pub struct Shared {
    hub: Mutex<Hub>,
    clock: Arc<dyn Clock>,
    /// Wakes the timer task when a command may have made the next deadline earlier.
    pub(crate) timer_wake: Notify,
    next_conn: AtomicU64,
    /// The ws:// URL game servers connect to, once the listener is bound (computes report it
    /// as GameLiftServiceSdkEndpoint).
    sdk_endpoint: std::sync::OnceLock<String>,
    /// The receiving end of [`Hub::post_process`], until the daemon's task takes it.
    post_process_jobs: Mutex<Option<mpsc::UnboundedReceiver<PostProcessJob>>>,
}

impl Shared {
    /// Shared state around `core`, on `clock`.
    pub fn new(core: Core, clock: Arc<dyn Clock>) -> Self {
        let (post_process, jobs) = mpsc::unbounded_channel();
        Self {
            hub: Mutex::new(Hub {
                core,
                gateway: Registry::default(),
                events: broadcast::channel(EVENT_BUFFER).0,
                post_process,
                notifier: None,
                metrics: crate::metrics::Metrics::new(),
                recorder: crate::dashboard::Recorder::default(),
            }),
            clock,
            timer_wake: Notify::new(),
            next_conn: AtomicU64::new(1),
            sdk_endpoint: std::sync::OnceLock::new(),
            post_process_jobs: Mutex::new(Some(jobs)),
        }
    }

    /// The daemon's clock.
    pub(crate) fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Records the game servers' ws:// URL (once; later calls are ignored).
    pub(crate) fn set_sdk_endpoint(&self, url: String) {
        let _ = self.sdk_endpoint.set(url);
    }

    /// The post-processing calls the core asks for; the first caller gets them (the daemon's
    /// post-processing task), later callers `None`.
    pub(crate) fn take_post_process_jobs(&self) -> Option<mpsc::UnboundedReceiver<PostProcessJob>> {
        self.post_process_jobs.lock().take()
    }

    pub(crate) fn sdk_endpoint(&self) -> Option<&str> {
        self.sdk_endpoint.get().map(String::as_str)
    }

    /// The clock's time now.
    pub(crate) fn now(&self) -> Millis {
        self.clock.now_ms()
    }

    pub(crate) fn next_conn_id(&self) -> playfield_core::ConnId {
        playfield_core::ConnId(self.next_conn.fetch_add(1, Ordering::Relaxed))
    }

    /// Runs `f` on the hub with the current time, then carries out the core's effects.
    pub fn with_hub<R>(&self, f: impl FnOnce(&mut Hub, Millis) -> R) -> R {
        let mut hub = self.hub.lock();
        let before = hub.core.next_deadline();
        let now = self.clock.now_ms();
        let r = f(&mut hub, now);
        hub.apply_effects(now);
        let after = hub.core.next_deadline();
        drop(hub);
        if after.is_some() && (before.is_none() || after < before) {
            self.timer_wake.notify_one();
        }
        r
    }

    /// Runs a core command (see [`Shared::with_hub`]).
    pub fn execute<R>(&self, f: impl FnOnce(&mut Core, Millis) -> R) -> R {
        self.with_hub(|hub, now| f(&mut hub.core, now))
    }

    /// A stream of every domain event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.hub.lock().events.subscribe()
    }

    /// Reads core state.
    pub fn read<R>(&self, f: impl FnOnce(&Core) -> R) -> R {
        f(&self.hub.lock().core)
    }

    /// Fires every timer due now; returns the next deadline.
    pub fn fire_due_timers(&self) -> Option<Millis> {
        let mut hub = self.hub.lock();
        let now = self.clock.now_ms();
        hub.core.on_time(now);
        hub.apply_effects(now);
        hub.core.next_deadline()
    }
}

#[cfg(test)]
mod log_level_tests {
    use super::*;

    fn ticket(status: TicketStatus) -> Event {
        Event::Matchmaking(MatchmakingEvent::TicketStatus {
            ticket_id: "t-1".into(),
            configuration: "duel".into(),
            status,
            reason: Some(playfield_core::TicketStatusReason::TimedOut),
            message: Some("no match within 120 s".into()),
        })
    }

    /// Issue 17 item 5: "a FAILED or TIMED_OUT ticket is a WARN with its reason".
    #[test]
    fn a_ticket_that_ends_without_a_match_is_a_warning() {
        assert_eq!(
            log_level(&ticket(TicketStatus::TimedOut)),
            tracing::Level::WARN
        );
        assert_eq!(
            log_level(&ticket(TicketStatus::Failed)),
            tracing::Level::WARN
        );
        assert_eq!(
            log_level(&ticket(TicketStatus::Completed)),
            tracing::Level::INFO
        );
        assert_eq!(
            log_level(&ticket(TicketStatus::Searching)),
            tracing::Level::INFO
        );
        let line = ticket(TicketStatus::TimedOut).to_string();
        assert!(
            line.contains("TIMED_OUT") && line.contains("no match within 120 s"),
            "{line}"
        );
    }
}
