//! Shared set-up of the events tests: a daemon with notification targets and fast retries, a
//! 1v1 configuration whose events go to a target, and tickets through the service API.
#![allow(dead_code)]

use std::time::Duration;

use aws_sdk_gamelift::types::{AttributeValue, Player};
use aws_sdk_gamelift::Client;
use playfield::config::{EventFormat, NotificationTarget};
use playfield::events::{Backoff, DeliveryConfig, SnsConfirmation};
use playfield_core::ConfigurationSpec;
use playfield_core::CoreConfig;
use playfield_core::FlexMatchMode;
use playfield_core::QueueSpec;
use playfield_e2e::{TestDaemon, FLEET};
use playfield_testkit::{Received, Webhook};
use serde_json::Value;

pub const CONFIG: &str = "duel";
pub const QUEUE: &str = "duel-queue";
/// The custom event data the configuration carries into every event.
pub const CUSTOM: &str = "duel-events";

/// Two teams of one or two: two tickets make a match at once, and leave room to backfill.
pub const RULES: &str = r#"{
    "ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number", "default": 10}],
    "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 2},
              {"name": "blue", "minPlayers": 1, "maxPlayers": 2}],
    "rules": [{"name": "FairSkill", "type": "distance", "measurements": ["avg(teams[*].players.attributes[skill])"],
               "referenceValue": 10, "maxDistance": 100}]
}"#;

/// Retries in milliseconds, so a test never waits long for a retry; SNS waits for its
/// confirmation as SNS does.
pub fn fast_delivery() -> DeliveryConfig {
    DeliveryConfig {
        backoff: Backoff {
            base: Duration::from_millis(2),
            cap: Duration::from_millis(20),
        },
        sns_confirmation: SnsConfirmation::Wait,
        ..DeliveryConfig::default()
    }
}

pub fn target(name: &str, url: &str, format: EventFormat) -> NotificationTarget {
    NotificationTarget {
        name: name.into(),
        url: url.into(),
        format,
        match_token: None,
        args: Default::default(),
        default: false,
    }
}

pub async fn daemon_with(targets: Vec<NotificationTarget>) -> TestDaemon {
    daemon_with_delivery(targets, fast_delivery()).await
}

/// A daemon with these targets and delivery settings.
pub async fn daemon_with_delivery(
    targets: Vec<NotificationTarget>,
    delivery: DeliveryConfig,
) -> TestDaemon {
    TestDaemon::start_configured(CoreConfig::default(), |c| {
        c.notification_targets = targets;
        c.delivery = delivery;
    })
    .await
}

/// The target most tests use: the `duel` configuration's events as FlexMatch EventBridge JSON.
pub const FLEXMATCH_TARGET: &str = "duel-events";

/// A webhook receiver, a daemon with one FlexMatch target posting to it, and the `duel`
/// configuration (as `setup` says) routed to that target.
pub async fn flexmatch_to_webhook(setup: Setup) -> (Webhook, TestDaemon) {
    let hook = Webhook::start().await;
    let d = daemon_with(vec![target(
        FLEXMATCH_TARGET,
        &hook.url(),
        EventFormat::Flexmatch,
    )])
    .await;
    set_up(
        &d,
        Setup {
            target: Some(FLEXMATCH_TARGET.into()),
            ..setup
        },
    );
    (hook, d)
}

/// How the configuration differs between tests.
#[derive(Clone, Default)]
pub struct Setup {
    pub target: Option<String>,
    pub acceptance: bool,
    pub standalone: bool,
    pub request_timeout_seconds: Option<u32>,
    pub automatic_backfill: bool,
}

/// Rule set, queue (on the test fleet) and the `duel` configuration.
pub fn set_up(d: &TestDaemon, s: Setup) {
    d.execute(|core, now| {
        core.create_rule_set(now, "duel-rules", RULES).unwrap();
        core.create_queue(QueueSpec {
            name: QUEUE.into(),
            destinations: vec![FLEET.into()],
            timeout_seconds: 30,
            ..Default::default()
        })
        .unwrap();
        let mut spec = ConfigurationSpec::new(CONFIG, "duel-rules", QUEUE);
        spec.notification_target = s.target.clone();
        spec.custom_event_data = Some(CUSTOM.into());
        spec.acceptance_required = s.acceptance;
        spec.acceptance_timeout_seconds = s.acceptance.then_some(20);
        if s.standalone {
            spec.flex_match_mode = FlexMatchMode::Standalone;
            spec.game_session_queues.clear();
        }
        if let Some(t) = s.request_timeout_seconds {
            spec.request_timeout_seconds = t;
        }
        if s.automatic_backfill {
            spec.backfill_mode = playfield_core::BackfillMode::Automatic;
        }
        core.create_configuration(now, spec).unwrap();
    });
}

/// StartMatchmaking through the API: one player with a skill and a latency.
pub async fn start_ticket(client: &Client, ticket: &str, player: &str) {
    client
        .start_matchmaking()
        .ticket_id(ticket)
        .configuration_name(CONFIG)
        .players(
            Player::builder()
                .player_id(player)
                .player_attributes("skill", AttributeValue::builder().n(10.0).build())
                .latency_in_ms("us-west-2", 40)
                .build(),
        )
        .send()
        .await
        .expect("StartMatchmaking");
}

/// The FlexMatch `detail` of an EventBridge body.
pub fn detail(r: &Received) -> Value {
    r.json()["detail"].clone()
}

/// `detail.type` of each body.
pub fn types(rs: &[Received]) -> Vec<String> {
    rs.iter()
        .map(|r| {
            let j = r.json();
            j["detail"]["type"].as_str().unwrap_or("?").to_string()
        })
        .collect()
}

/// Ticket ids of a detail.
pub fn ticket_ids(d: &Value) -> Vec<String> {
    let mut v: Vec<String> = d["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["ticketId"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}
