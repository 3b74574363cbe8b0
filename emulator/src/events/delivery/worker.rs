//! The per-target worker: takes events off the target's queue in order and delivers each one,
//! retrying until it is delivered (or abandoned per `max_attempts`) before taking the next.
//! An SNS target first waits for its subscription's confirmation ([`super::pending`]).

use super::failure_log::FailureLog;
use super::pending::{self, Outcome};
use super::{DeliveryConfig, Shared, SnsConfirmation};
use crate::events::format::{self, Format, Rendered};
use crate::events::model::{DomainEvent, EpochMillis};
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::mpsc;
use uuid::Uuid;

/// An event rendered once, as every attempt sends it: retries resend these exact bytes (the
/// same SNS `MessageId`, PGOS `execution_id`), and an attempt costs a reference count, not a
/// copy of the body.
pub(super) struct Payload {
    name: &'static str,
    content_type: &'static str,
    headers: Vec<(&'static str, String)>,
    body: bytes::Bytes,
}

impl From<Rendered> for Payload {
    fn from(r: Rendered) -> Self {
        Payload {
            name: r.name,
            content_type: r.content_type,
            headers: r.headers,
            body: bytes::Bytes::from(r.body),
        }
    }
}

/// How one attempt ended.
enum Attempt {
    Delivered(u16),
    Failed(String),
}

pub(super) async fn run(
    shared: Arc<Shared>,
    mut queue: mpsc::Receiver<Arc<DomainEvent>>,
    client: reqwest::Client,
    config: Arc<DeliveryConfig>,
    subscribed_at: EpochMillis,
) {
    let mut stopping = shared.stopping.subscribe();
    let subscription = match &*shared.format.lock() {
        Format::Sns(s) if config.sns_confirmation == SnsConfirmation::Wait => Some(s.clone()),
        _ => None,
    };
    // Events that go before the queue: those held until the SNS subscription was confirmed.
    let mut backlog = VecDeque::new();
    let mut failures = FailureLog::default();
    if let Some(sub) = subscription {
        let outcome =
            pending::await_confirmation(&shared, &client, &config, &sub, &mut queue, subscribed_at)
                .await;
        match outcome {
            Outcome::Confirmed(held) => backlog = held,
            Outcome::Stopped => return,
            Outcome::Expired => {
                pending::drop_all(&shared, &mut queue).await;
                tracing::debug!(target_name = %shared.name, "events: worker stopped");
                return;
            }
        }
    }

    loop {
        // The backlog first, then queued events. When the hub stops, close the queue: `recv`
        // then yields what is left (each gets one attempt, see `deliver`) and `None` once it is
        // empty.
        let event = match backlog.pop_front() {
            Some(e) => e,
            None => tokio::select! {
                biased;
                event = queue.recv() => match event {
                    Some(e) => e,
                    None => break,
                },
                _ = stopping.wait_for(|s| *s) => {
                    queue.close();
                    continue;
                }
            },
        };
        let rendered = {
            let format = shared.format.lock();
            format::render(&format, &event, Uuid::new_v4())
        };
        match rendered {
            Some(r) => {
                let tickets = event.ticket_ids();
                if deliver(
                    &shared,
                    &client,
                    &config,
                    &r.into(),
                    &tickets,
                    &mut failures,
                )
                .await
                {
                    shared.counters.delivered.fetch_add(1, Ordering::AcqRel);
                } else {
                    shared.counters.abandoned.fetch_add(1, Ordering::AcqRel);
                }
            }
            None => {
                tracing::debug!(
                    target_name = %shared.name,
                    event = event.name(),
                    "events: format has no such event; skipped"
                );
                shared.counters.skipped.fetch_add(1, Ordering::AcqRel);
            }
        }
        shared.progress.notify_waiters();
        let overflowed = shared.counters.overflowed.load(Ordering::Relaxed);
        shared.overflow.flush_due(&shared.name, overflowed);
    }
    failures.report_shutdown(&shared.name);
    tracing::debug!(target_name = %shared.name, "events: worker stopped");
}

/// Sends `r` until a 2xx answer; returns `false` if abandoned after `max_attempts` or when
/// the hub stops. Failed attempts are logged through `failures` (summarised, see
/// [`super::failure_log`]).
pub(super) async fn deliver(
    shared: &Shared,
    client: &reqwest::Client,
    config: &DeliveryConfig,
    r: &Payload,
    tickets: &[&str],
    failures: &mut FailureLog,
) -> bool {
    let mut attempt: u32 = 0;
    loop {
        attempt = attempt.saturating_add(1);
        shared.counters.attempts.fetch_add(1, Ordering::Relaxed);
        match send(client, &shared.url, r).await {
            Attempt::Delivered(status) => {
                failures.delivered(&shared.name);
                tracing::info!(
                    target_name = %shared.name,
                    tickets = %tickets.join(","),
                    "events: {} delivered to {} (attempt {attempt}, HTTP {status})",
                    r.name,
                    shared.name
                );
                return true;
            }
            Attempt::Failed(why) => {
                shared
                    .counters
                    .failed_attempts
                    .fetch_add(1, Ordering::Relaxed);
                let stopping = *shared.stopping.borrow();
                if stopping {
                    // Shutting down: the event's one last attempt failed. Not an error (the
                    // daemon was asked to stop); counted and reported once per target.
                    failures.dropped_at_shutdown(&why);
                    return false;
                }
                if config.max_attempts.is_some_and(|max| attempt >= max) {
                    tracing::error!(
                        target_name = %shared.name,
                        tickets = %tickets.join(","),
                        "events: {} to {} abandoned after attempt {attempt}: {why}",
                        r.name,
                        shared.name
                    );
                    return false;
                }
                let delay = config.backoff.delay(attempt);
                failures.failed(&shared.name, r.name, tickets, attempt, &why, delay);
                let mut stop = shared.stopping.subscribe();
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    // One last attempt right away, then give up (see the `stopping` check).
                    _ = stop.wait_for(|s| *s) => {}
                }
            }
        }
    }
}

async fn send(client: &reqwest::Client, url: &str, r: &Payload) -> Attempt {
    let mut req = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, r.content_type)
        .body(r.body.clone());
    for (k, v) in &r.headers {
        req = req.header(*k, v.as_str());
    }
    match req.send().await {
        Ok(resp) => {
            let status = resp.status();
            // Read the body so the connection can be reused.
            let _ = resp.bytes().await;
            if status.is_success() {
                Attempt::Delivered(status.as_u16())
            } else {
                Attempt::Failed(format!("HTTP {}", status.as_u16()))
            }
        }
        Err(e) => Attempt::Failed(format!("{e}")),
    }
}
