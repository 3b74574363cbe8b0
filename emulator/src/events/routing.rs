//! Which target gets an event: from the startup file's `[[notification_targets]]` to the
//! delivery engine's [`Target`]s, and from a configuration's (or queue's)
//! `NotificationTarget` to one of them.
//!
//! A `NotificationTarget` is free text in GameLift (an SNS topic ARN). It resolves to the
//! target whose name it is, or whose SNS topic ARN it is
//! (`arn:aws:sns:<region>:<account>:<name>`); otherwise to the target marked `default = true`;
//! otherwise to none, and the events are only on `GET /events` (said once per target value
//! in the log). Resolutions are cached: routing an event is a map lookup under the core's
//! lock (the event carries its configuration's or queue's target, copied in by the core), and
//! publishing never waits (see `EventHub::publish_to`).

use std::collections::HashMap;

use super::gpm::{GpmOptions, MatchTokens};
use super::model::{DomainEvent, EventBody};
use super::pgos::PgosOptions;
use super::sns::SnsSubscription;
use super::{EventHub, Format, Target};
use crate::config::{EventFormat, NotificationTarget};
use playfield_core::{Arn, ArnIssuer};

/// The SNS topic ARN a target named `name` stands for (itself when it already is an ARN).
pub fn topic_arn(name: &str, region: &str, account: &str) -> String {
    match Arn::parse(name) {
        Ok(_) => name.to_string(),
        Err(_) => ArnIssuer::new(region, account).sns_topic(name).into(),
    }
}

/// The delivery targets for the startup file's notification targets. `sns_endpoint` is the
/// base URL of the daemon's SNS stand-in (`http://<api address>/sns`): SubscribeURLs point
/// there.
pub fn targets_from_config(
    targets: &[NotificationTarget],
    region: &str,
    account: &str,
    sns_endpoint: &str,
) -> Vec<Target> {
    targets
        .iter()
        .map(|t| {
            let format = match t.format {
                EventFormat::Flexmatch => Format::EventBridge,
                EventFormat::Sns => Format::Sns(SnsSubscription::new(
                    topic_arn(&t.name, region, account),
                    sns_endpoint,
                )),
                EventFormat::Gpm => {
                    let token = t
                        .match_token
                        .clone()
                        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
                    if t.match_token.is_none() {
                        tracing::info!(target: "playfield", "notification target {}: no match_token set; GPM pushes carry the generated token {token}", t.name);
                    }
                    let tokens = MatchTokens::new(token.clone()).unwrap_or_else(|e| {
                        // The config checked the token; a generated one is always valid.
                        tracing::warn!(target: "playfield", "notification target {}: match token {token:?} refused ({e}); using a generated one", t.name);
                        MatchTokens::new(uuid::Uuid::new_v4().simple().to_string())
                            .expect("a simple UUID is a valid GPM token")
                    });
                    Format::Gpm(GpmOptions {
                        account: account.to_string(),
                        region: region.to_string(),
                        tokens,
                    })
                }
                EventFormat::Pgos => Format::Pgos(PgosOptions {
                    trigger_id: t.name.clone(),
                    args: t
                        .args
                        .iter()
                        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                        .collect(),
                }),
            };
            Target {
                name: t.name.clone(),
                url: t.url.clone(),
                format,
            }
        })
        .collect()
}

/// Routes the core's notifications to the delivery engine. Lives in the hub, under its lock.
pub struct Notifier {
    hub: EventHub,
    routes: Routes,
}

/// NotificationTarget values → configured target names.
struct Routes {
    /// `(name, SNS topic ARN)` of every configured target.
    names: Vec<(String, String)>,
    default: Option<String>,
    /// NotificationTarget value → resolved target name (None: stream only).
    cache: HashMap<String, Option<String>>,
}

impl Notifier {
    /// Routes to `targets` through `hub`; each target's name is also known by the SNS topic ARN
    /// it has in `region` and `account`.
    pub fn new(hub: EventHub, targets: &[NotificationTarget], region: &str, account: &str) -> Self {
        Notifier {
            hub,
            routes: Routes {
                names: targets
                    .iter()
                    .map(|t| (t.name.clone(), topic_arn(&t.name, region, account)))
                    .collect(),
                default: targets.iter().find(|t| t.default).map(|t| t.name.clone()),
                cache: HashMap::new(),
            },
        }
    }

    /// Publishes `event` to the broadcast and to the target its configuration (or queue)
    /// names. Never waits; allocates nothing once the route is cached.
    pub fn publish(&mut self, event: DomainEvent) {
        let target = notification_target(&event).and_then(|nt| self.routes.resolve(nt));
        self.hub.publish_to(event, target);
    }
}

impl Routes {
    /// The configured target `nt` stands for (looked up once, then cached).
    fn resolve(&mut self, nt: &str) -> Option<&str> {
        if !self.cache.contains_key(nt) {
            let resolved = self.lookup(nt);
            self.cache.insert(nt.to_string(), resolved);
        }
        self.cache.get(nt).and_then(|t| t.as_deref())
    }

    fn lookup(&self, nt: &str) -> Option<String> {
        let found = self
            .names
            .iter()
            .find(|(name, arn)| name == nt || arn == nt)
            .map(|(name, _)| name.clone());
        match (found, &self.default) {
            (Some(name), _) => Some(name),
            (None, Some(default)) => {
                tracing::info!(target: "playfield", "notification target {nt:?} matches no [[notification_targets]] entry; its events go to the default target {default:?}");
                Some(default.clone())
            }
            (None, None) => {
                tracing::warn!(target: "playfield", "notification target {nt:?} matches no [[notification_targets]] entry and none is `default = true`; its events are only visible on GET /events");
                None
            }
        }
    }
}

/// The `NotificationTarget` an event belongs to, as the core copied it into the event.
fn notification_target(event: &DomainEvent) -> Option<&str> {
    let nt = match &event.body {
        EventBody::Matchmaking(m) => m.configuration.notification_target.as_deref(),
        EventBody::Placement(p) => p.queue.notification_target.as_deref(),
    };
    nt.filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_arns_come_from_names() {
        assert_eq!(
            topic_arn("events", "us-west-2", "123456789012"),
            "arn:aws:sns:us-west-2:123456789012:events"
        );
        let arn = "arn:aws:sns:eu-west-1:1:t";
        assert_eq!(topic_arn(arn, "us-west-2", "123456789012"), arn);
    }
}
