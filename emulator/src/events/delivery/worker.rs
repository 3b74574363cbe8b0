//! The per-target worker: takes events off the target's queue in order and delivers each one,
//! retrying until it is delivered (or abandoned per `max_attempts`) before taking the next.

use super::{DeliveryConfig, Shared, SnsConfirmation};
use crate::events::format::{self, Format, Rendered};
use crate::events::model::{DomainEvent, EpochMillis};
use crate::events::sns;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::mpsc;
use uuid::Uuid;

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
    let subscription = match &*shared.format.lock() {
        Format::Sns(s) => Some(s.clone()),
        _ => None,
    };
    if let Some(sub) = subscription {
        if config.sns_confirmation != SnsConfirmation::Skip {
            let msg = sns::subscription_confirmation(&sub, Uuid::new_v4(), subscribed_at);
            let rendered = Rendered {
                name: "SubscriptionConfirmation",
                content_type: sns::CONTENT_TYPE,
                headers: msg.headers,
                body: msg.body,
            };
            deliver(&shared, &client, &config, &rendered, &[]).await;
            await_confirmation(&shared, config.sns_confirmation).await;
        }
    }

    while let Some(event) = queue.recv().await {
        let rendered = {
            let format = shared.format.lock();
            format::render(&format, &event, Uuid::new_v4())
        };
        match rendered {
            Some(r) => {
                let tickets = event.ticket_ids();
                if deliver(&shared, &client, &config, &r, &tickets).await {
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
    }
}

async fn await_confirmation(shared: &Shared, policy: SnsConfirmation) {
    let mut confirmed = shared.confirmed.subscribe();
    match policy {
        SnsConfirmation::Skip => {}
        SnsConfirmation::Wait => {
            // Err only if the sender is gone, which cannot happen while `shared` lives.
            let _ = confirmed.wait_for(|c| *c).await;
            tracing::info!(target_name = %shared.name, "events: SNS subscription confirmed");
        }
        SnsConfirmation::WaitAtMost(limit) => {
            match tokio::time::timeout(limit, confirmed.wait_for(|c| *c)).await {
                Ok(_) => {
                    tracing::info!(target_name = %shared.name, "events: SNS subscription confirmed")
                }
                Err(_) => tracing::warn!(
                    target_name = %shared.name,
                    waited = ?limit,
                    "events: SNS subscription not confirmed; delivering anyway"
                ),
            }
        }
    }
}

/// Sends `r` until a 2xx answer; returns `false` if abandoned after `max_attempts`.
async fn deliver(
    shared: &Shared,
    client: &reqwest::Client,
    config: &DeliveryConfig,
    r: &Rendered,
    tickets: &[&str],
) -> bool {
    let mut attempt: u32 = 0;
    loop {
        attempt = attempt.saturating_add(1);
        shared.counters.attempts.fetch_add(1, Ordering::Relaxed);
        match send(client, &shared.url, r).await {
            Attempt::Delivered(status) => {
                tracing::info!(
                    target_name = %shared.name,
                    event = r.name,
                    ?tickets,
                    attempt,
                    status,
                    "events: delivered"
                );
                return true;
            }
            Attempt::Failed(why) => {
                shared
                    .counters
                    .failed_attempts
                    .fetch_add(1, Ordering::Relaxed);
                if config.max_attempts.is_some_and(|max| attempt >= max) {
                    tracing::error!(
                        target_name = %shared.name,
                        event = r.name,
                        ?tickets,
                        attempt,
                        status = %why,
                        "events: delivery abandoned"
                    );
                    return false;
                }
                let delay = config.backoff.delay(attempt);
                tracing::warn!(
                    target_name = %shared.name,
                    event = r.name,
                    ?tickets,
                    attempt,
                    status = %why,
                    retry_in = ?delay,
                    "events: delivery failed; will retry"
                );
                tokio::time::sleep(delay).await;
            }
        }
    }
}

async fn send(client: &reqwest::Client, url: &str, r: &Rendered) -> Attempt {
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
