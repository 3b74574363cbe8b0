//! Delivery of rendered events to listeners: webhooks with retry, and an in-process broadcast.
//!
//! # Semantics
//! - **One worker per target.** Each target (URL + [`Format`]) has its own tokio task and its
//!   own bounded queue, so a slow or dead listener never delays another.
//! - **Own thread.** By default the workers run on the engine's own runtime, on one OS thread
//!   named [`THREAD_NAME`] at a lower priority ([`DeliveryRuntime`], [`DEFAULT_NICE`]), so
//!   rendering and HTTP never occupy the runtime threads that serve the API, and the OS favours
//!   the matcher when cores are short. Publishing is the only work done on the matcher's side:
//!   an `Arc` and a non-blocking queue send.
//! - **Order: per-target FIFO.** A target receives events in publish order; an event that
//!   fails blocks the events behind it on that target until it is delivered (head-of-line).
//!   That gives "each ticket's events in order" trivially, and also keeps a match's events in
//!   order across its tickets, which a per-ticket scheme would not. The price: one poisoned
//!   event delays its target's later events; see `max_attempts`.
//! - **At-least-once, never silently lost.** Connection errors, timeouts and non-2xx answers
//!   are retried with exponential [`Backoff`]. With `max_attempts: None` (the default) an
//!   event is retried until delivered, so an SNS subscriber that is down gets everything when
//!   it returns. With `Some(n)` the event is abandoned after `n` attempts: logged at `error`
//!   and counted in [`TargetStats::abandoned`].
//! - **Bounded memory.** When a target's queue is full, [`EventHub::publish`] does not wait:
//!   the event is not queued for that target, a `warn` is logged and
//!   [`TargetStats::overflowed`] counts it.
//! - **Every attempt is logged** with target, event name, tickets, attempt number, and HTTP
//!   status or error.
//! - **SNS subscriptions** start `PendingConfirmation`, as SNS's HTTP/HTTPS subscriptions
//!   do: a `SubscriptionConfirmation` goes first, and no notification is sent until
//!   [`EventHub::confirm`] is called with its token (the daemon calls it when the receiver
//!   visits the SubscribeURL). Meanwhile events are held, bounded, and the confirmation is
//!   sent again with backoff; see [`SnsPending`] and the `pending` module.
//! - **Shutdown.** [`EventHub::shutdown`] (or dropping the last hub clone) ends the workers
//!   after a best-effort drain: one attempt per queued event, no further retries. What is not
//!   delivered then is logged and counted as abandoned.
//! - **Broadcast.** Every published event also goes, unrendered, to a
//!   `tokio::sync::broadcast` channel for the dashboard and `GET /events`
//!   (see [`crate::events::stream`]).
//!
//! [`virtual_server::post_process`] is the one synchronous exchange: the PGOS matchmaking
//! post-processing call, made by the matchmaker and answered by the title's virtual server.

mod backoff;
mod pending;
mod thread;
pub mod virtual_server;
mod worker;

pub use backoff::Backoff;
pub use thread::THREAD_NAME;

use super::format::Format;
use super::gpm::TokenError;
use super::model::{DomainEvent, EpochMillis};
use parking_lot::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, watch, Notify};
use tokio::task::JoinHandle;

/// Largest broadcast capacity honoured (the channel allocates every slot at start).
pub(crate) const MAX_BROADCAST_CAPACITY: usize = 1 << 20;

/// What an SNS target does about the subscription confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SnsConfirmation {
    /// SNS's own rule, the default: send the `SubscriptionConfirmation`, then deliver nothing
    /// until the subscription is confirmed. Amazon SNS developer guide, "HTTP/HTTPS
    /// subscription confirmation JSON format": "Amazon SNS doesn't send notifications to this
    /// endpoint until the subscription is confirmed". What happens meanwhile (events held,
    /// confirmation resent, the subscription expiring) is [`SnsPending`].
    #[default]
    Wait,
    /// Send no confirmation: the receiver is treated as already subscribed (for embedders and
    /// benchmarks whose receiver does not speak the handshake).
    Skip,
}

/// An SNS subscription that waits for its confirmation.
///
/// What SNS does, and what Playfield does differently:
/// - SNS's documentation describes no resend of a confirmation the endpoint accepted: the
///   `SubscriptionConfirmation` is retried only when its delivery fails (the HTTP delivery
///   policy; by default "up to three retries with a delay between failed attempts set at 20
///   seconds", SNS developer guide, "Set the delivery policy for the Amazon SNS
///   subscription"). And SNS fans a message out to the subscriptions confirmed when it is
///   published, so one published while a subscription is pending never reaches it. Playfield
///   **holds** those events instead (at most [`SnsPending::hold_limit`]) and delivers them, in
///   order, once the subscription is confirmed: a local receiver that confirms late, or is
///   fixed to confirm and restarted, still sees the first tickets' events. It also
///   **resends** the confirmation (a new `MessageId`, the same `Token` and `SubscribeURL`) on
///   the [`SnsPending::resend`] schedule, so a receiver that missed or ignored the first one
///   gets another to act on. (Retries of one send keep its `MessageId`, as SNS's do.)
/// - SNS deletes a subscription left pending for 48 hours (AWS What's New, 2023-05-10,
///   "Amazon SNS now supports automatic deletion of unconfirmed subscriptions once they have
///   been in a pending confirmation state for 48 hours", down from 72), and the Subscribe API
///   reference says "Confirmation tokens are valid for two days" (older SDK documentation
///   says three days: the 72-hour rule). Playfield does the same after
///   [`SnsPending::expires_after`]: the token stops confirming (SNS's `NotFound`), the held
///   events are dropped and counted, and so is every later event for that target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnsPending {
    /// Events held per unconfirmed subscription (default 10 000, the same as a target's queue).
    /// Past it, newer events are dropped: counted in [`TargetStats::unconfirmed_dropped`] and
    /// warned about once, then in each resend's summary. The held ones stay a gap-free prefix
    /// of what was published, the gap being at the end, as for a full queue.
    pub hold_limit: usize,
    /// When the `SubscriptionConfirmation` is sent again while unconfirmed: `base` after the
    /// previous one was accepted, doubling up to `cap` (default 1 minute doubling to 1 hour:
    /// resends at 1, 3, 7, 15, 31, 63 minutes, then hourly, about 50 in 48 hours). Each resend
    /// logs one summary line (events held and dropped, the SubscribeURL).
    pub resend: Backoff,
    /// How long a subscription may stay pending before it is deleted as SNS deletes it
    /// (default 48 hours, see above).
    pub expires_after: Duration,
}

impl Default for SnsPending {
    fn default() -> Self {
        SnsPending {
            hold_limit: 10_000,
            resend: Backoff {
                base: Duration::from_secs(60),
                cap: Duration::from_secs(3600),
            },
            expires_after: Duration::from_secs(48 * 3600),
        }
    }
}

/// Where an SNS target's subscription stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionState {
    /// SNS's `PendingConfirmation`: nothing is delivered; events are held.
    PendingConfirmation,
    /// Confirmed (or [`SnsConfirmation::Skip`], or not an SNS target): events flow.
    Confirmed,
    /// Left pending past [`SnsPending::expires_after`]: deleted, as SNS deletes it.
    Expired,
}

/// Where the workers run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryRuntime {
    /// On the tokio runtime [`EventHub::start`] is called on. For tests on a paused clock
    /// (backoff waits then take no real time) and for embedders that manage their runtime.
    Caller,
    /// On the engine's own runtime of `threads` OS threads named [`THREAD_NAME`] (the
    /// default: one), started with the hub and ended by [`EventHub::shutdown`]. Delivery
    /// then never occupies the threads that serve the API and drive the matcher.
    Dedicated {
        /// Threads of the runtime (0 counts as 1).
        threads: usize,
        /// Nice value of those threads (Linux; 0 leaves them as they are, 1–19 lets the OS
        /// favour the matcher when cores are short; ignored elsewhere).
        nice: i32,
    },
}

impl Default for DeliveryRuntime {
    fn default() -> Self {
        DeliveryRuntime::Dedicated {
            threads: 1,
            nice: DEFAULT_NICE,
        }
    }
}

/// The default nice value of the delivery thread; see [`DeliveryRuntime::Dedicated`].
///
/// Why 10: delivery is CPU-bound whenever events come faster than the receiver takes them,
/// and the matcher should not have to share its core with it. Measured on 2 cores (bench
/// `matching/four_targets` vs `four_targets_nice0`): on an otherwise idle machine the two are
/// within noise (50.6k vs 48.9k matches/s), because the matcher, the delivery thread and the
/// receiver then fit on the cores the OS has; with another build running on the machine, the
/// matcher kept 55.7k matches/s at nice 10 against 25.5k at nice 0. The price: when the
/// machine is busy, events wait longer in their queues; none is lost.
pub const DEFAULT_NICE: i32 = 10;

/// Engine settings.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryConfig {
    /// Events a target may hold waiting (default 10 000).
    pub queue_capacity: usize,
    /// Retry timing.
    pub backoff: Backoff,
    /// Give up on an event after this many attempts; `None` retries forever (default).
    pub max_attempts: Option<u32>,
    /// Timeout of one HTTP attempt; `None` for none. Tests on a paused clock use `None`: a
    /// paused clock would otherwise jump straight to the timeout while a request is in flight.
    pub request_timeout: Option<Duration>,
    /// SNS subscription confirmation policy (default: wait for it, as SNS does).
    pub sns_confirmation: SnsConfirmation,
    /// What an SNS target does while unconfirmed: events held, resends, expiry.
    pub sns_pending: SnsPending,
    /// Capacity of the in-process broadcast (default 4096, at most
    /// `MAX_BROADCAST_CAPACITY`); slow subscribers lag, see
    /// [`crate::events::stream`].
    pub broadcast_capacity: usize,
    /// Where the workers run (default: one dedicated thread).
    pub runtime: DeliveryRuntime,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            queue_capacity: 10_000,
            backoff: Backoff::default(),
            max_attempts: None,
            request_timeout: Some(Duration::from_secs(10)),
            sns_confirmation: SnsConfirmation::Wait,
            sns_pending: SnsPending::default(),
            broadcast_capacity: 4096,
            runtime: DeliveryRuntime::default(),
        }
    }
}

/// Why the engine could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StartError {
    /// With [`DeliveryRuntime::Caller`], [`EventHub::start`] must run inside a tokio runtime
    /// (it spawns the workers there).
    #[error("the events delivery engine must be started inside a tokio runtime")]
    NoRuntime,
    /// The dedicated delivery runtime or its thread could not be started.
    #[error("cannot start the events delivery thread: {0}")]
    Thread(String),
    /// The HTTP client could not be built.
    #[error("cannot build the webhook HTTP client: {0}")]
    HttpClient(String),
}

/// A listener: where to POST and in which format.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Name used in logs and [`EventHub::stats`] (e.g. the configuration's target name).
    pub name: String,
    /// URL events are POSTed to.
    pub url: String,
    /// Format and its per-target options.
    pub format: Format,
}

/// Counters of one target, as read from [`EventHub::stats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TargetStats {
    /// Events accepted into the queue.
    pub enqueued: u64,
    /// Events waiting or being delivered now (`enqueued` minus those that left the queue).
    pub pending: u64,
    /// Events the format has no rendering for (e.g. AcceptMatch for GPM); not sent.
    pub skipped: u64,
    /// Events delivered (2xx received).
    pub delivered: u64,
    /// Events refused because the queue was full.
    pub overflowed: u64,
    /// Events given up after `max_attempts`.
    pub abandoned: u64,
    /// SNS: events held now because the subscription is not confirmed yet (see
    /// [`SnsPending`]); part of `pending`.
    pub held: u64,
    /// SNS: events dropped because the subscription was not confirmed: past
    /// [`SnsPending::hold_limit`], or once the subscription expired.
    pub unconfirmed_dropped: u64,
    /// HTTP attempts made (events and SNS confirmations).
    pub attempts: u64,
    /// Attempts that failed (connection error or non-2xx).
    pub failed_attempts: u64,
}

#[derive(Default)]
pub(crate) struct Counters {
    enqueued: AtomicU64,
    skipped: AtomicU64,
    delivered: AtomicU64,
    overflowed: AtomicU64,
    abandoned: AtomicU64,
    held: AtomicU64,
    unconfirmed_dropped: AtomicU64,
    attempts: AtomicU64,
    failed_attempts: AtomicU64,
}

impl Counters {
    fn snapshot(&self) -> TargetStats {
        let r = |a: &AtomicU64| a.load(Ordering::Relaxed);
        TargetStats {
            enqueued: r(&self.enqueued),
            pending: r(&self.enqueued).saturating_sub(self.finished()),
            skipped: r(&self.skipped),
            delivered: r(&self.delivered),
            overflowed: r(&self.overflowed),
            abandoned: r(&self.abandoned),
            held: r(&self.held),
            unconfirmed_dropped: r(&self.unconfirmed_dropped),
            attempts: r(&self.attempts),
            failed_attempts: r(&self.failed_attempts),
        }
    }

    /// Events that left the queue one way or another.
    fn finished(&self) -> u64 {
        let r = |a: &AtomicU64| a.load(Ordering::Acquire);
        r(&self.skipped) + r(&self.delivered) + r(&self.abandoned) + r(&self.unconfirmed_dropped)
    }
}

/// State shared by a target's worker and the hub.
pub(crate) struct Shared {
    pub(crate) name: String,
    pub(crate) url: String,
    /// Behind a lock because GPM tokens can be rolled while the worker runs.
    pub(crate) format: Mutex<Format>,
    pub(crate) counters: Counters,
    /// Signalled whenever an event leaves the queue (for [`EventHub::flush`]).
    pub(crate) progress: Notify,
    /// SNS: where the subscription stands; [`EventHub::confirm`] and the worker move it on.
    pub(crate) subscription: watch::Sender<SubscriptionState>,
    /// Becomes `true` on [`EventHub::shutdown`] or when the last hub clone is dropped.
    pub(crate) stopping: watch::Sender<bool>,
}

struct TargetHandle {
    shared: Arc<Shared>,
    queue: mpsc::Sender<Arc<DomainEvent>>,
    worker: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for TargetHandle {
    /// The last hub clone is gone: let the worker finish what it holds and end.
    fn drop(&mut self) {
        self.shared.stopping.send_replace(true);
    }
}

/// The targets and, with [`DeliveryRuntime::Dedicated`], the runtime their workers run on.
struct Engine {
    targets: Vec<TargetHandle>,
    thread: Mutex<Option<thread::EventsThread>>,
}

impl std::ops::Deref for Engine {
    type Target = Vec<TargetHandle>;
    fn deref(&self) -> &Vec<TargetHandle> {
        &self.targets
    }
}

impl Drop for Engine {
    /// The last hub clone is gone: the workers drain (see [`TargetHandle`]'s drop), then the
    /// dedicated runtime ends by itself. Nothing here waits.
    fn drop(&mut self) {
        if let Some(mut thread) = self.thread.get_mut().take() {
            let workers = self
                .targets
                .iter()
                .filter_map(|t| {
                    t.shared.stopping.send_replace(true);
                    t.worker.lock().take()
                })
                .collect();
            thread.stop_after(workers);
        }
    }
}

/// The events face's running engine: publish here, and every target and subscriber gets it.
///
/// Cloning is cheap; all clones drive the same workers. Workers stop when every clone is
/// dropped (after draining what they hold).
#[derive(Clone)]
pub struct EventHub {
    targets: Arc<Engine>,
    broadcast: broadcast::Sender<Arc<DomainEvent>>,
}

impl EventHub {
    /// Starts one worker per target, on the runtime `config.runtime` says. `now` is the core
    /// clock's time at start: the `Timestamp` of SNS subscription confirmations (this module
    /// reads no clock of its own).
    ///
    /// Fails when the runtime cannot be had (outside a tokio runtime with
    /// [`DeliveryRuntime::Caller`]; no thread for [`DeliveryRuntime::Dedicated`]) or when the
    /// HTTP client cannot be built.
    pub fn start(
        config: DeliveryConfig,
        targets: Vec<Target>,
        now: EpochMillis,
    ) -> Result<Self, StartError> {
        let thread = match config.runtime {
            DeliveryRuntime::Caller => None,
            DeliveryRuntime::Dedicated { threads, nice } => Some(
                thread::EventsThread::start(threads, nice)
                    .map_err(|e| StartError::Thread(e.to_string()))?,
            ),
        };
        let runtime = match &thread {
            Some(t) => t.handle().clone(),
            None => tokio::runtime::Handle::try_current().map_err(|_| StartError::NoRuntime)?,
        };
        let mut builder = reqwest::Client::builder();
        if let Some(t) = config.request_timeout {
            builder = builder.timeout(t);
        }
        let client = builder
            .build()
            .map_err(|e| StartError::HttpClient(e.to_string()))?;
        // Both channels panic on out-of-range capacities, and the broadcast allocates its
        // capacity up front: clamp what the configuration file asked for.
        let (broadcast, _) =
            broadcast::channel(config.broadcast_capacity.clamp(1, MAX_BROADCAST_CAPACITY));
        let config = Arc::new(config);
        let handles = targets
            .into_iter()
            .map(|t| {
                let (tx, rx) = mpsc::channel(
                    config
                        .queue_capacity
                        .clamp(1, tokio::sync::Semaphore::MAX_PERMITS),
                );
                // Only an SNS subscription waits for its confirmation; every other target
                // (and SNS with `Skip`) delivers from the start.
                let state = match (&t.format, config.sns_confirmation) {
                    (Format::Sns(_), SnsConfirmation::Wait) => {
                        SubscriptionState::PendingConfirmation
                    }
                    _ => SubscriptionState::Confirmed,
                };
                let shared = Arc::new(Shared {
                    name: t.name,
                    url: t.url,
                    format: Mutex::new(t.format),
                    counters: Counters::default(),
                    progress: Notify::new(),
                    subscription: watch::channel(state).0,
                    stopping: watch::channel(false).0,
                });
                let worker = runtime.spawn(worker::run(
                    Arc::clone(&shared),
                    rx,
                    client.clone(),
                    Arc::clone(&config),
                    now,
                ));
                TargetHandle {
                    shared,
                    queue: tx,
                    worker: Mutex::new(Some(worker)),
                }
            })
            .collect();
        Ok(EventHub {
            targets: Arc::new(Engine {
                targets: handles,
                thread: Mutex::new(thread),
            }),
            broadcast,
        })
    }

    /// Publishes `event` to every target's queue and to the broadcast. Never waits: a full
    /// queue is logged and counted as overflow for that target.
    pub fn publish(&self, event: DomainEvent) {
        self.publish_filtered(event, |_| true);
    }

    /// Publishes `event` to the broadcast and to the queue of the target called `target`
    /// only (none: broadcast only). This is how the daemon routes an event to its
    /// configuration's notification target. Never waits, like [`EventHub::publish`].
    pub(crate) fn publish_to(&self, event: DomainEvent, target: Option<&str>) {
        self.publish_filtered(event, |name| Some(name) == target);
    }

    fn publish_filtered(&self, event: DomainEvent, wanted: impl Fn(&str) -> bool) {
        let event = Arc::new(event);
        // No subscriber is not an error: the broadcast is for whoever listens now.
        let _ = self.broadcast.send(Arc::clone(&event));
        for t in self.targets.iter().filter(|t| wanted(&t.shared.name)) {
            match t.queue.try_send(Arc::clone(&event)) {
                Ok(()) => {
                    t.shared.counters.enqueued.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => {
                    let why = match e {
                        mpsc::error::TrySendError::Full(_) => "queue full",
                        mpsc::error::TrySendError::Closed(_) => "worker stopped",
                    };
                    let n = t.shared.counters.overflowed.fetch_add(1, Ordering::Relaxed) + 1;
                    tracing::warn!(
                        target_name = %t.shared.name,
                        event = event.name(),
                        tickets = ?event.ticket_ids(),
                        overflowed = n,
                        "events: {why}; event not queued for this target"
                    );
                }
            }
        }
    }

    /// A new receiver of every event published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<DomainEvent>> {
        self.broadcast.subscribe()
    }

    /// Counters per target, in the order the targets were given.
    pub fn stats(&self) -> Vec<(String, TargetStats)> {
        self.targets
            .iter()
            .map(|t| (t.shared.name.clone(), t.shared.counters.snapshot()))
            .collect()
    }

    /// Counters of the target called `name`.
    pub fn target_stats(&self, name: &str) -> Option<TargetStats> {
        self.targets
            .iter()
            .find(|t| t.shared.name == name)
            .map(|t| t.shared.counters.snapshot())
    }

    /// Confirms the SNS subscription whose token is `token` (the receiver visited its
    /// SubscribeURL, or called ConfirmSubscription with the token). Returns whether a
    /// subscription had that token and was not expired.
    pub fn confirm(&self, token: &str) -> bool {
        self.confirm_subscription(token).is_some()
    }

    /// Like [`EventHub::confirm`], answering the confirmed subscription's ARN (what SNS's
    /// ConfirmSubscriptionResponse carries), or `None` when no live subscription has that
    /// token (none ever had, or it expired: SNS deleted it). Confirming twice answers the ARN
    /// again.
    pub(crate) fn confirm_subscription(&self, token: &str) -> Option<String> {
        let mut found = None;
        for t in self.targets.iter() {
            let arn = match &*t.shared.format.lock() {
                Format::Sns(s) if s.token == token => Some(s.subscription_arn()),
                _ => None,
            };
            let Some(arn) = arn else { continue };
            // One atomic step, so a confirmation and the expiry never both win.
            let mut live = false;
            t.shared.subscription.send_if_modified(|state| {
                live = *state != SubscriptionState::Expired;
                let pending = *state == SubscriptionState::PendingConfirmation;
                if pending {
                    *state = SubscriptionState::Confirmed;
                }
                pending
            });
            if live {
                found = Some(arn);
            }
        }
        found
    }

    /// Where the SNS subscription of target `name` stands; `None` when no target has that
    /// name. Targets of other formats, and SNS targets with [`SnsConfirmation::Skip`], are
    /// always [`SubscriptionState::Confirmed`].
    pub fn subscription_state(&self, name: &str) -> Option<SubscriptionState> {
        self.targets
            .iter()
            .find(|t| t.shared.name == name)
            .map(|t| *t.shared.subscription.borrow())
    }

    /// Rolls the GPM token of target `name` at `now`; pushes carry the old token too for
    /// `compatible_span_secs`. Returns `Ok(false)` when no GPM target has that name.
    pub fn set_gpm_token(
        &self,
        name: &str,
        token: &str,
        compatible_span_secs: u64,
        now: EpochMillis,
    ) -> Result<bool, TokenError> {
        for t in self.targets.iter().filter(|t| t.shared.name == name) {
            if let Format::Gpm(o) = &mut *t.shared.format.lock() {
                o.tokens.replace(token, compatible_span_secs, now)?;
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Stops every worker after a best-effort drain, ends the dedicated delivery thread (if
    /// any), and returns the final counters.
    ///
    /// Queued events get one more attempt each, without retries; an event being retried gets
    /// no further retry; an SNS target still waiting for confirmation sends nothing. Whatever
    /// is not delivered is logged and counted as abandoned. Events published afterwards are
    /// refused (counted as overflow).
    pub async fn shutdown(&self) -> Vec<(String, TargetStats)> {
        for t in self.targets.iter() {
            t.shared.stopping.send_replace(true);
        }
        for t in self.targets.iter() {
            let worker = t.worker.lock().take();
            if let Some(w) = worker {
                if let Err(e) = w.await {
                    tracing::error!(target_name = %t.shared.name, error = %e, "events: worker ended abnormally");
                }
            }
        }
        let thread = self.targets.thread.lock().take();
        if let Some(mut thread) = thread {
            thread.stop().await;
        }
        self.stats()
    }

    /// Waits until every event queued so far has left its queue (delivered, skipped,
    /// abandoned, or dropped unconfirmed). With `max_attempts: None` and a dead receiver, or
    /// an SNS subscription nobody confirms (its events are held), this waits for ever: callers
    /// bound it with a timeout.
    pub async fn flush(&self) {
        for t in self.targets.iter() {
            loop {
                let notified = t.shared.progress.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                let c = &t.shared.counters;
                if c.finished() >= c.enqueued.load(Ordering::Acquire) {
                    break;
                }
                notified.await;
            }
        }
    }
}
