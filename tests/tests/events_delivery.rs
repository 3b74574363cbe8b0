//! Delivery end to end: the SNS subscription handshake, retries of a failing receiver,
//! routing of configurations created through the API, and `GET /events`.
//!
//! Spec: issue 6 ("Delivery that never blocks the matchmaker: retries with exponential
//! backoff on failures and non-2xx answers; each ticket's events in order"; "the
//! subscription confirmation an SNS HTTP subscriber expects"; "an in-process live stream of
//! all events (for example Server-Sent Events at GET /events)"); the SNS HTTP envelope is
//! general SNS knowledge (see emulator/src/events/sns.rs).

use crate::support::api_client::client;
use crate::support::events::*;
use aws_sdk_gamelift::types::{AttributeValue, FlexMatchMode, Player};
use aws_sdk_gamelift::Client;
use playfield::config::EventFormat;
use playfield::events::{Backoff, DeliveryConfig, SnsPending};
use playfield_e2e::bounded;
use playfield_testkit::{Received, Webhook};
use serde_json::Value;
use std::time::Duration;

/// SNS: the SubscriptionConfirmation arrives first; nothing else until the receiver GETs
/// its SubscribeURL (which the daemon answers like SNS); then notifications flow, each the
/// EventBridge JSON in `Message`.
#[tokio::test]
async fn sns_confirmation_comes_first_and_notifications_wait_for_it() {
    bounded(async {
        let hook = Webhook::start().await;
        let d = daemon_with(vec![target("duel-topic", &hook.url(), EventFormat::Sns)]).await;
        set_up(
            &d,
            Setup {
                target: Some("duel-topic".into()),
                ..Setup::default()
            },
        );
        let got = hook.wait_accepted(1).await;
        let confirmation = got[0].json();
        assert_eq!(confirmation["Type"], "SubscriptionConfirmation");
        assert_eq!(
            got[0].header("x-amz-sns-message-type"),
            Some("SubscriptionConfirmation")
        );
        let topic = "arn:aws:sns:us-west-2:123456789012:duel-topic";
        assert_eq!(confirmation["TopicArn"], topic);
        let subscribe_url = confirmation["SubscribeURL"].as_str().unwrap().to_string();
        assert!(
            subscribe_url.starts_with(&format!("{}/sns", d.api_url())),
            "SubscribeURL points at the daemon: {subscribe_url}"
        );

        // Before confirmation: the event is queued, not sent.
        let api = client(&d, "AKIDEXAMPLE");
        start_ticket(&api, "ticket-a", "player-a").await;
        let stats = d.handle.events().target_stats("duel-topic").unwrap();
        assert_eq!((stats.enqueued, stats.delivered), (1, 0));
        assert_eq!(hook.received().len(), 1, "only the confirmation so far");

        // The receiver confirms as an SNS subscriber does: GET SubscribeURL.
        let answer = reqwest::get(&subscribe_url).await.unwrap();
        assert_eq!(answer.status(), 200);
        let xml = answer.text().await.unwrap();
        assert!(xml.contains("<ConfirmSubscriptionResponse"), "{xml}");
        assert!(xml.contains(&format!("<SubscriptionArn>{topic}:")), "{xml}");

        let got = hook.wait_accepted(2).await;
        let note = got[1].json();
        assert_eq!(note["Type"], "Notification");
        assert_eq!(
            got[1].header("x-amz-sns-message-type"),
            Some("Notification")
        );
        assert_eq!(note["TopicArn"], topic);
        let message: Value = serde_json::from_str(note["Message"].as_str().unwrap()).unwrap();
        assert_eq!(message["detail"]["type"], "MatchmakingSearching");
        assert_eq!(message["detail"]["tickets"][0]["ticketId"], "ticket-a");

        // A wrong token is refused the way SNS refuses it.
        let bad = reqwest::get(format!(
            "{}/sns/?Action=ConfirmSubscription&Token=nope",
            d.api_url()
        ))
        .await
        .unwrap();
        assert_eq!(bad.status(), 404);
        d.shutdown().await;
    })
    .await;
}

/// An SNS receiver that accepts the SubscriptionConfirmation but does not visit its
/// SubscribeURL gets no Notification (Amazon SNS developer guide, "HTTP/HTTPS subscription
/// confirmation JSON format": "Amazon SNS doesn't send notifications to this endpoint until the
/// subscription is confirmed"), only the confirmation again (resent with backoff, here in
/// milliseconds; the default schedule is pinned on a paused clock in the emulator's
/// events_delivery tests). Its events are held meanwhile, and arrive in order once it
/// confirms, here as an AWS SDK's ConfirmSubscription does: a form POST to the SNS endpoint.
#[tokio::test]
async fn sns_receiver_gets_only_confirmations_until_it_confirms_then_every_held_event() {
    bounded(async {
        let hook = Webhook::start().await;
        let delivery = DeliveryConfig {
            sns_pending: SnsPending {
                resend: Backoff {
                    base: Duration::from_millis(20),
                    cap: Duration::from_millis(100),
                },
                ..SnsPending::default()
            },
            ..fast_delivery()
        };
        let d = daemon_with_delivery(
            vec![target("duel-topic", &hook.url(), EventFormat::Sns)],
            delivery,
        )
        .await;
        set_up(
            &d,
            Setup {
                target: Some("duel-topic".into()),
                ..Setup::default()
            },
        );
        let api = client(&d, "AKIDEXAMPLE");
        start_ticket(&api, "ticket-a", "player-a").await;
        start_ticket(&api, "ticket-b", "player-b").await;
        // A match below maxPlayers forms at the end of its matchmaking cycle.
        d.end_matchmaking_cycle();
        let got = hook
            .wait_until("three SubscriptionConfirmations", |r| r.len() >= 3)
            .await;
        for r in &got {
            assert_eq!(
                r.header("x-amz-sns-message-type"),
                Some("SubscriptionConfirmation"),
                "nothing but confirmations before it confirms: {}",
                r.body
            );
        }
        let stats = d.handle.events().target_stats("duel-topic").unwrap();
        assert_eq!(stats.delivered, 0);
        assert!(stats.held >= 3, "the tickets' events are held: {stats:?}");

        let confirmation = got.last().unwrap().json();
        let answer = reqwest::Client::new()
            .post(format!("{}/sns", d.api_url()))
            .form(&[
                ("Action", "ConfirmSubscription"),
                ("Version", "2010-03-31"),
                ("TopicArn", confirmation["TopicArn"].as_str().unwrap()),
                ("Token", confirmation["Token"].as_str().unwrap()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        assert!(answer
            .text()
            .await
            .unwrap()
            .contains("<ConfirmSubscriptionResponse"));

        let is_note = |r: &Received| r.header("x-amz-sns-message-type") == Some("Notification");
        let all = hook
            .wait_until("three Notifications", |r| {
                r.iter().filter(|r| is_note(r)).count() >= 3
            })
            .await;
        let events: Vec<Value> = all
            .iter()
            .filter(|r| is_note(r))
            .map(|r| serde_json::from_str(r.json()["Message"].as_str().unwrap()).unwrap())
            .collect();
        let kinds: Vec<&str> = events
            .iter()
            .map(|e| e["detail"]["type"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds[..3],
            [
                "MatchmakingSearching",
                "MatchmakingSearching",
                "PotentialMatchCreated"
            ]
        );
        assert_eq!(events[0]["detail"]["tickets"][0]["ticketId"], "ticket-a");
        assert_eq!(events[1]["detail"]["tickets"][0]["ticketId"], "ticket-b");
        d.shutdown().await;
    })
    .await;
}

/// A receiver answering 500, 500, then 200 gets every event exactly once, in order: the
/// first event is retried (with the tiny test backoff) and the others wait behind it.
#[tokio::test]
async fn a_failing_receiver_gets_each_event_once_in_order() {
    bounded(async {
        let hook = Webhook::answering(vec![500, 500]).await;
        let d = daemon_with(vec![target(
            "duel-events",
            &hook.url(),
            EventFormat::Flexmatch,
        )])
        .await;
        set_up(
            &d,
            Setup {
                target: Some("duel-events".into()),
                ..Setup::default()
            },
        );
        let api = client(&d, "AKIDEXAMPLE");
        start_ticket(&api, "ticket-a", "player-a").await;
        start_ticket(&api, "ticket-b", "player-b").await;
        // A match below maxPlayers forms at the end of its matchmaking cycle.
        d.end_matchmaking_cycle();
        let accepted = hook.wait_accepted(3).await;
        let all = hook.received();
        assert_eq!(all.len(), 5, "two failed attempts, three deliveries");
        assert_eq!(
            all.iter().map(|r| r.status).collect::<Vec<_>>(),
            [500, 500, 200, 200, 200]
        );
        // The failed attempts were the first event, sent again unchanged.
        assert_eq!(all[0].body, all[2].body);
        assert_eq!(all[1].body, all[2].body);
        let ids: Vec<String> = accepted
            .iter()
            .map(|r| r.json()["id"].as_str().unwrap().to_string())
            .collect();
        let mut unique = ids.clone();
        unique.dedup();
        assert_eq!(ids, unique, "each event once");
        assert_eq!(
            types(&accepted),
            [
                "MatchmakingSearching",
                "MatchmakingSearching",
                "PotentialMatchCreated"
            ]
        );
        assert_eq!(ticket_ids(&detail(&accepted[0])), ["ticket-a"]);
        assert_eq!(ticket_ids(&detail(&accepted[1])), ["ticket-b"]);
        tokio::time::timeout(playfield_e2e::IO_TIMEOUT, d.handle.events().flush())
            .await
            .expect("the queue drains");
        let stats = d.handle.events().target_stats("duel-events").unwrap();
        assert_eq!(
            (stats.delivered, stats.failed_attempts, stats.attempts),
            (3, 2, 5)
        );
        d.shutdown().await;
    })
    .await;
}

async fn create_standalone(api: &Client, name: &str, notification_target: &str) {
    api.create_matchmaking_configuration()
        .name(name)
        .rule_set_name("duel-rules")
        .request_timeout_seconds(60)
        .acceptance_required(false)
        .flex_match_mode(FlexMatchMode::Standalone)
        .notification_target(notification_target)
        .send()
        .await
        .expect("CreateMatchmakingConfiguration");
}

async fn start_in(api: &Client, cfg: &str, ticket: &str, player: &str) {
    api.start_matchmaking()
        .ticket_id(ticket)
        .configuration_name(cfg)
        .players(
            Player::builder()
                .player_id(player)
                .player_attributes("skill", AttributeValue::builder().n(10.0).build())
                .build(),
        )
        .send()
        .await
        .expect("StartMatchmaking");
}

/// A configuration created through the API names an SNS topic ARN: the target whose topic
/// ARN it is gets its events; an ARN no target has goes to the `default = true` target.
#[tokio::test]
async fn api_configurations_route_by_topic_arn_or_to_the_default_target() {
    bounded(async {
        let named = Webhook::start().await;
        let fallback = Webhook::start().await;
        let mut default = target("fallback", &fallback.url(), EventFormat::Flexmatch);
        default.default = true;
        let d = daemon_with(vec![
            target("named", &named.url(), EventFormat::Flexmatch),
            default,
        ])
        .await;
        set_up(&d, Setup::default());
        let api = client(&d, "AKIDEXAMPLE");
        create_standalone(&api, "by-arn", "arn:aws:sns:us-west-2:123456789012:named").await;
        create_standalone(
            &api,
            "by-default",
            "arn:aws:sns:us-west-2:123456789012:elsewhere",
        )
        .await;
        start_in(&api, "by-arn", "ticket-1", "player-1").await;
        start_in(&api, "by-default", "ticket-2", "player-2").await;
        let to_named = named.wait_accepted(1).await;
        let to_fallback = fallback.wait_accepted(1).await;
        assert_eq!(ticket_ids(&detail(&to_named[0])), ["ticket-1"]);
        assert_eq!(ticket_ids(&detail(&to_fallback[0])), ["ticket-2"]);
        assert!(to_named[0].json()["resources"][0]
            .as_str()
            .unwrap()
            .ends_with("/by-arn"));
        // Standalone: the match completes without placement (MatchmakingSucceeded).
        start_in(&api, "by-arn", "ticket-3", "player-3").await;
        // A match below maxPlayers forms at the end of its matchmaking cycle.
        d.end_matchmaking_cycle();
        let got = named.wait_accepted(4).await;
        assert_eq!(
            types(&got),
            [
                "MatchmakingSearching",
                "MatchmakingSearching",
                "PotentialMatchCreated",
                "MatchmakingSucceeded"
            ]
        );
        assert!(detail(&got[3])["gameSessionInfo"]
            .get("ipAddress")
            .is_none());
        assert_eq!(
            fallback.received().len(),
            1,
            "nothing of by-arn went to the default"
        );
        d.shutdown().await;
    })
    .await;
}

/// Reads Server-Sent Events until `n` arrived: `(event name, data JSON)`.
async fn read_sse(resp: &mut reqwest::Response, n: usize) -> Vec<(String, Value)> {
    let mut buf = String::new();
    let mut out = Vec::new();
    while out.len() < n {
        let chunk = tokio::time::timeout(playfield_e2e::IO_TIMEOUT, resp.chunk())
            .await
            .expect("an SSE chunk in time")
            .unwrap()
            .expect("the stream stays open");
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let message: String = buf.drain(..end + 2).collect();
            let mut name = None;
            let mut data = String::new();
            for line in message.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    name = Some(v.trim().to_string());
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim_start());
                }
            }
            if let Some(name) = name {
                out.push((name, serde_json::from_str(&data).unwrap()));
            }
        }
    }
    out
}

/// GET /events streams every event as SSE: name = FlexMatch type, data = the same
/// EventBridge JSON a webhook target receives (same event ids).
#[tokio::test]
async fn get_events_streams_the_same_events_as_the_targets() {
    bounded(async {
        let (hook, d) = flexmatch_to_webhook(Setup::default()).await;
        let mut sse = reqwest::get(format!("{}/events", d.api_url()))
            .await
            .unwrap();
        assert_eq!(sse.status(), 200);
        assert_eq!(
            sse.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        let api = client(&d, "AKIDEXAMPLE");
        start_ticket(&api, "ticket-a", "player-a").await;
        start_ticket(&api, "ticket-b", "player-b").await;
        // A match below maxPlayers forms at the end of its matchmaking cycle.
        d.end_matchmaking_cycle();
        let streamed = read_sse(&mut sse, 3).await;
        let names: Vec<&str> = streamed.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "MatchmakingSearching",
                "MatchmakingSearching",
                "PotentialMatchCreated"
            ]
        );
        let delivered = hook.wait_accepted(3).await;
        for ((_, data), r) in streamed.iter().zip(&delivered) {
            assert_eq!(
                data,
                &r.json(),
                "the stream and the target see the same event"
            );
        }
        // Shutting down with the stream still open ends it instead of waiting on it.
        d.shutdown().await;
        assert!(
            sse.chunk().await.map_or(true, |c| c.is_none()),
            "the stream ended"
        );
    })
    .await;
}
