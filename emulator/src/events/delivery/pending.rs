//! An SNS subscription waiting for its confirmation (SNS's `PendingConfirmation`): the
//! `SubscriptionConfirmation` is sent, and sent again on the [`SnsPending::resend`] schedule;
//! events are held, at most [`SnsPending::hold_limit`], and nothing is delivered; it ends when
//! the subscription is confirmed ([`EventHub::confirm`]), the hub stops, or the subscription
//! expires ([`SnsPending::expires_after`]). Why each rule, with its sources: [`SnsPending`].
//!
//! The log says it in sentences: once when the first event is held (with the SubscribeURL to
//! visit), once when the hold is full, then one summary per resend (events held and dropped),
//! and once at the end (confirmed, stopped or expired). Never one line per held event.
//!
//! Time is tokio's clock, as everywhere in the delivery engine: tests on a paused clock
//! drive resends and expiry without waiting.
//!
//! [`EventHub::confirm`]: super::EventHub::confirm

use super::worker::{self, Payload};
use super::{DeliveryConfig, Shared, SnsPending, SubscriptionState};
use crate::events::format::Rendered;
use crate::events::model::{DomainEvent, EpochMillis};
use crate::events::sns::{self, SnsSubscription};
use std::collections::VecDeque;
use std::future::Future;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use uuid::Uuid;

/// How the wait ended.
pub(super) enum Outcome {
    /// Confirmed: these held events go first, in order, then the queue.
    Confirmed(VecDeque<Arc<DomainEvent>>),
    /// The hub stopped first: what was held or queued is counted as abandoned.
    Stopped,
    /// Not confirmed in time: the subscription is deleted; what was held is counted as
    /// dropped, and so is every later event (see [`drop_all`]).
    Expired,
}

/// What interrupted a step of the wait.
enum Interrupt {
    Confirmed,
    Stopping,
    Expired,
}

/// The events held while unconfirmed, and what was dropped past the limit.
struct Hold {
    events: VecDeque<Arc<DomainEvent>>,
    limit: usize,
    dropped: u64,
}

/// The wait of one subscription.
struct Pending<'a> {
    shared: &'a Shared,
    policy: SnsPending,
    sub: &'a SnsSubscription,
    queue: &'a mut mpsc::Receiver<Arc<DomainEvent>>,
    /// `false` once every sender is gone (the hub was dropped; `stopping` says so too).
    queue_open: bool,
    state: watch::Receiver<SubscriptionState>,
    stopping: watch::Receiver<bool>,
    expiry: std::pin::Pin<Box<tokio::time::Sleep>>,
    hold: Hold,
}

/// Sends the confirmation and resends it until the subscription is confirmed, holding events
/// meanwhile. `subscribed_at` is the core clock's time at start (the first `Timestamp`; later
/// ones add the time elapsed since).
pub(super) async fn await_confirmation(
    shared: &Shared,
    client: &reqwest::Client,
    config: &DeliveryConfig,
    sub: &SnsSubscription,
    queue: &mut mpsc::Receiver<Arc<DomainEvent>>,
    subscribed_at: EpochMillis,
) -> Outcome {
    let started = Instant::now();
    let policy = config.sns_pending;
    let mut p = Pending {
        shared,
        policy,
        sub,
        queue,
        queue_open: true,
        state: shared.subscription.subscribe(),
        stopping: shared.stopping.subscribe(),
        expiry: Box::pin(tokio::time::sleep_until(expiry(
            started,
            policy.expires_after,
        ))),
        hold: Hold {
            events: VecDeque::new(),
            limit: policy.hold_limit,
            dropped: 0,
        },
    };
    let mut sent: u32 = 0;
    let mut failures = super::failure_log::FailureLog::default();
    let interrupt = loop {
        let elapsed = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let payload = confirmation(sub, EpochMillis(subscribed_at.0.saturating_add(elapsed)));
        // Retried like any message until accepted (or abandoned per `max_attempts`: the next
        // resend tries again).
        if let Err(i) = p
            .while_pending(worker::deliver(
                shared,
                client,
                config,
                &payload,
                &[],
                &mut failures,
            ))
            .await
        {
            break i;
        }
        sent = sent.saturating_add(1);
        let delay = policy.resend.delay(sent);
        if let Err(i) = p.while_pending(tokio::time::sleep(delay)).await {
            break i;
        }
        p.summarise(sent, policy.resend.delay(sent.saturating_add(1)));
    };
    p.finish(interrupt)
}

/// When a subscription pending since `started` expires; a span too long to add (an embedder's
/// `Duration::MAX` for "never") is a century.
fn expiry(started: Instant, after: Duration) -> Instant {
    started
        .checked_add(after)
        .unwrap_or_else(|| started + Duration::from_secs(100 * 365 * 24 * 3600))
}

/// The `SubscriptionConfirmation` as sent at `timestamp`: a new message each time (its own
/// `MessageId`), the same `Token` and `SubscribeURL`.
fn confirmation(sub: &SnsSubscription, timestamp: EpochMillis) -> Payload {
    let msg = sns::subscription_confirmation(sub, Uuid::new_v4(), timestamp);
    Rendered {
        name: "SubscriptionConfirmation",
        content_type: sns::CONTENT_TYPE,
        headers: msg.headers,
        body: msg.body,
    }
    .into()
}

impl Pending<'_> {
    /// Runs `step` (sending the confirmation, or waiting to resend it) while holding the
    /// events that arrive, unless the subscription is confirmed, the hub stops or the
    /// subscription expires first.
    async fn while_pending<F: Future>(&mut self, step: F) -> Result<F::Output, Interrupt> {
        tokio::pin!(step);
        loop {
            let arrived = tokio::select! {
                // Confirmation first: a confirmed subscription delivers what it holds, even
                // when the hub is stopping (one attempt each, as for any queued event).
                biased;
                _ = self.state.wait_for(|s| *s != SubscriptionState::PendingConfirmation) => {
                    return Err(Interrupt::Confirmed);
                }
                _ = self.stopping.wait_for(|s| *s) => return Err(Interrupt::Stopping),
                _ = self.expiry.as_mut() => return Err(Interrupt::Expired),
                event = self.queue.recv(), if self.queue_open => event,
                out = &mut step => return Ok(out),
            };
            match arrived {
                Some(e) => self.hold(e),
                None => self.queue_open = false,
            }
        }
    }

    /// Holds `event`, or drops it (counted) when the hold is full. Warns once for the first
    /// held event and once for the first dropped one; resends summarise the rest.
    fn hold(&mut self, event: Arc<DomainEvent>) {
        let counters = &self.shared.counters;
        if self.hold.events.len() < self.hold.limit {
            if self.hold.events.is_empty() && self.hold.dropped == 0 {
                tracing::warn!(
                    target_name = %self.shared.name,
                    "events: SNS subscription for target {} is not confirmed yet: its events are held (at most {}) and none is delivered until its SubscribeURL is visited; visit {} or have your endpoint do so",
                    self.shared.name,
                    self.hold.limit,
                    self.sub.subscribe_url()
                );
            }
            self.hold.events.push_back(event);
            counters.held.fetch_add(1, Ordering::Relaxed);
            return;
        }
        self.hold.dropped += 1;
        counters.unconfirmed_dropped.fetch_add(1, Ordering::AcqRel);
        self.shared.progress.notify_waiters();
        if self.hold.dropped == 1 {
            tracing::warn!(
                target_name = %self.shared.name,
                event = event.name(),
                tickets = %event.ticket_ids().join(","),
                "events: SNS subscription for target {} is not confirmed yet and holds {} events, its limit: newer events are dropped (counted) until it is confirmed; visit {} or have your endpoint do so",
                self.shared.name,
                self.hold.limit,
                self.sub.subscribe_url()
            );
        }
    }

    /// One line per resend: what is held and dropped, and what to do.
    fn summarise(&self, sent: u32, next: Duration) {
        tracing::warn!(
            target_name = %self.shared.name,
            held = self.hold.events.len(),
            dropped = self.hold.dropped,
            "events: SNS subscription for target {} is not confirmed yet: {} events held, {} dropped; sending the SubscriptionConfirmation again (resend {sent}, the next {next:?} later); visit {} or have your endpoint do so",
            self.shared.name,
            self.hold.events.len(),
            self.hold.dropped,
            self.sub.subscribe_url()
        );
    }

    fn finish(self, interrupt: Interrupt) -> Outcome {
        let shared = self.shared;
        let held = self.hold.events.len() as u64;
        shared.counters.held.store(0, Ordering::Relaxed);
        match interrupt {
            Interrupt::Confirmed => {
                tracing::info!(
                    target_name = %shared.name,
                    "events: SNS subscription for target {} confirmed: delivering the {held} events held, in order ({} were dropped while unconfirmed)",
                    shared.name,
                    self.hold.dropped
                );
                Outcome::Confirmed(self.hold.events)
            }
            Interrupt::Stopping => {
                // Close first so nothing slips in between counting and leaving.
                self.queue.close();
                let mut left = held;
                while self.queue.try_recv().is_ok() {
                    left += 1;
                }
                shared.counters.abandoned.fetch_add(left, Ordering::AcqRel);
                shared.progress.notify_waiters();
                tracing::warn!(
                    target_name = %shared.name,
                    abandoned = left,
                    "events: stopped before the SNS subscription for target {} was confirmed; its {left} events are abandoned",
                    shared.name
                );
                Outcome::Stopped
            }
            Interrupt::Expired => {
                let expired = shared.subscription.send_if_modified(|s| {
                    let pending = *s == SubscriptionState::PendingConfirmation;
                    if pending {
                        *s = SubscriptionState::Expired;
                    }
                    pending
                });
                if !expired {
                    // Confirmed in the same instant: confirmation wins.
                    return self.finish(Interrupt::Confirmed);
                }
                shared
                    .counters
                    .unconfirmed_dropped
                    .fetch_add(held, Ordering::AcqRel);
                shared.progress.notify_waiters();
                tracing::warn!(
                    target_name = %shared.name,
                    "events: SNS subscription for target {} was not confirmed within {:?} and is deleted, as SNS deletes unconfirmed subscriptions: its {held} held events are dropped ({} were dropped before), and so is every later event for this target (counted); restart the daemon to subscribe again",
                    shared.name,
                    self.policy.expires_after,
                    self.hold.dropped
                );
                Outcome::Expired
            }
        }
    }
}

/// An expired subscription: every event is dropped and counted, until the hub stops.
pub(super) async fn drop_all(shared: &Shared, queue: &mut mpsc::Receiver<Arc<DomainEvent>>) {
    let mut stopping = shared.stopping.subscribe();
    loop {
        tokio::select! {
            biased;
            event = queue.recv() => {
                if event.is_none() {
                    break;
                }
                shared.counters.unconfirmed_dropped.fetch_add(1, Ordering::AcqRel);
                shared.progress.notify_waiters();
            }
            _ = stopping.wait_for(|s| *s) => {
                // Close: `recv` then yields what is left, and `None` once it is empty.
                queue.close();
            }
        }
    }
}
