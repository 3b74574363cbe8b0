//! PGOS matchmaking post-processing end to end: a configuration names a "virtual server" (an
//! axum hook inside this test); the daemon POSTs it each match the rule engine forms and
//! applies the answer. The backend is the real AWS SDK (`aws-sdk-gamelift`), the game servers
//! are our Rust server SDK.
//!
//! Spec: seed `003_b88cb9fe2efe5cb2.txt`, "This is the schema of request triggered by
//! matchmaking service, which is sent to binded virtual server and contains original
//! matchmaking result" (`trigger_id`, `operation`, `trigger_time`, `data.battle.tickets[]`
//! with `id`, `match_code`, `players[]` (`player_id`, `team`, `match_attributes`,
//! `region_latencies`), `status`, `start_time`, `requeued_count`; `data.battle_properties`)
//! and "This is the schema of response from virtual server" (`battles`: "virtual server can
//! split the original battle into multiple battles"; `requeued_tickets`: "These tickets will
//! be reput into matchmaking queue in order to continue matchmaking").

use crate::support::api_client;
use crate::support::game_server;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use api_client::client;
use aws_sdk_gamelift::types::{AttributeValue, MatchmakingConfigurationStatus, Player};
use axum::body::Bytes;
use game_server::{ready_server, started_session};
use playfield_core::testing::teams_rule_set;
use playfield_core::ConfigurationSpec;
use playfield_core::QueueSpec;
use playfield_core::POST_PROCESSING_TIMEOUT_MS;
use playfield_e2e::{bounded, TestDaemon, FLEET};
use serde_json::{json, Value};
use tokio::sync::mpsc;

/// A virtual server on 127.0.0.1:0: every request it receives goes to the returned channel,
/// and `answer` makes the response body from it (`None`: HTTP 500).
async fn hook(
    answer: impl Fn(&Value) -> Option<Value> + Send + Sync + 'static,
) -> (String, mpsc::UnboundedReceiver<Value>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let answer = Arc::new(answer);
    let app = axum::Router::new().route(
        "/postprocess",
        axum::routing::post(move |body: Bytes| {
            let (tx, answer) = (tx.clone(), answer.clone());
            async move {
                let req: Value = serde_json::from_slice(&body).expect("the request is JSON");
                let reply = answer(&req);
                let _ = tx.send(req);
                match reply {
                    Some(body) => (axum::http::StatusCode::OK, body.to_string()),
                    None => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "boom".into()),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/postprocess", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, rx)
}

/// A virtual server that takes requests and never answers.
async fn silent_hook() -> (String, mpsc::UnboundedReceiver<Value>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/postprocess",
        axum::routing::post(move |body: Bytes| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(serde_json::from_slice::<Value>(&body).unwrap_or_default());
                std::future::pending::<String>().await
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/postprocess", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, rx)
}

/// Rule set, queue onto the test fleet, and configuration "pp" with game properties and the
/// hook's URL (the startup file's `post_processing_url`; given here in the spec).
fn set_up(d: &TestDaemon, url: &str) {
    d.execute(|c, now| {
        c.create_rule_set(now, "two-two", &teams_rule_set(2, 2))
            .unwrap();
        c.create_queue(QueueSpec {
            name: "pp-queue".into(),
            destinations: vec![FLEET.into()],
            timeout_seconds: 30,
            ..Default::default()
        })
        .unwrap();
        let mut spec = ConfigurationSpec::new("pp", "two-two", "pp-queue");
        spec.game_properties = [("mode".to_string(), "duel".to_string())].into();
        spec.post_processing_url = Some(url.into());
        c.create_configuration(now, spec).unwrap();
    });
}

async fn start_ticket(c: &aws_sdk_gamelift::Client, ticket: &str, player: &str, skill: f64) {
    c.start_matchmaking()
        .configuration_name("pp")
        .ticket_id(ticket)
        .players(
            Player::builder()
                .player_id(player)
                .player_attributes("skill", AttributeValue::builder().n(skill).build())
                .latency_in_ms("us-west-2", 40)
                .build(),
        )
        .send()
        .await
        .expect("StartMatchmaking");
}

/// The tickets as DescribeMatchmaking shows them: (status, game session ARN, player ids).
async fn describe(
    c: &aws_sdk_gamelift::Client,
    ids: &[&str],
) -> Vec<(MatchmakingConfigurationStatus, Option<String>, Vec<String>)> {
    let out = c
        .describe_matchmaking()
        .set_ticket_ids(Some(ids.iter().map(|s| s.to_string()).collect()))
        .send()
        .await
        .expect("DescribeMatchmaking");
    out.ticket_list()
        .iter()
        .map(|t| {
            let info = t.game_session_connection_info();
            (
                t.status().cloned().expect("a status"),
                info.and_then(|i| i.game_session_arn().map(str::to_string)),
                info.map(|i| {
                    i.matched_player_sessions()
                        .iter()
                        .filter_map(|m| m.player_id().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            )
        })
        .collect()
}

/// The battle's tickets from a request, as a response entity with each player's team set.
fn ticket_with_team(req: &Value, id: &str, team: &str) -> Value {
    let mut t = req["data"]["battle"]["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("{id} is in the battle"))
        .clone();
    for p in t["players"].as_array_mut().unwrap() {
        p["team"] = json!(team);
    }
    t
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hook_splits_a_battle_into_two_placed_game_sessions() {
    bounded(async {
        // The virtual server splits the 2v2 battle into two 1v1 battles.
        let (url, mut requests) = hook(|req| {
            Some(json!({
                "battles": [
                    {"tickets": [ticket_with_team(req, "t1", "red"), ticket_with_team(req, "t2", "blue")]},
                    {"tickets": [ticket_with_team(req, "t3", "red"), ticket_with_team(req, "t4", "blue")]},
                ],
                "requeued_tickets": [],
            }))
        })
        .await;
        let d = TestDaemon::start().await;
        set_up(&d, &url);
        let api = client(&d, "AKIDLOCAL");
        let s1 = ready_server(&d, FLEET, "proc-1").await;
        let s2 = ready_server(&d, FLEET, "proc-2").await;

        for (i, (t, p)) in [("t1", "a"), ("t2", "b"), ("t3", "c"), ("t4", "d")]
            .into_iter()
            .enumerate()
        {
            start_ticket(&api, t, p, 10.0 + i as f64).await;
        }

        // The request, field by field against the seed's schema.
        let req = requests.recv().await.expect("the hook is called");
        assert_eq!(req["operation"], "matchmaking_post_processing");
        let trigger_time: u64 = req["trigger_time"]
            .as_str()
            .expect("trigger_time is a string")
            .parse()
            .expect("of epoch milliseconds");
        assert_eq!(trigger_time, d.now());
        assert!(req["trigger_id"].as_str().is_some_and(|s| !s.is_empty()));
        let tickets = req["data"]["battle"]["tickets"].as_array().unwrap();
        let ids: Vec<&str> = tickets.iter().map(|t| t["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["t1", "t2", "t3", "t4"]);
        let t1 = &tickets[0];
        assert_eq!(t1["match_code"], "pp");
        assert_eq!(t1["requeued_count"], 0);
        assert_eq!(t1["start_time"].as_u64(), Some(d.now()));
        assert!(t1["status"].is_string() && t1["status_message"].is_string());
        let a = &t1["players"][0];
        assert_eq!(a["player_id"], "a");
        assert!(a["team"] == "red" || a["team"] == "blue", "team: {}", a["team"]);
        assert_eq!(a["is_new"], true);
        assert_eq!(
            a["match_attributes"],
            json!([{"name": "skill", "type": 0, "number_value": 10.0, "string_value": "", "list_value": []}])
        );
        assert_eq!(a["region_latencies"][0]["region"], "us-west-2");
        assert_eq!(a["region_latencies"][0]["latency"], 40);
        assert_eq!(a["region_latencies"][0]["player_id"], "a");
        assert_eq!(
            req["data"]["battle_properties"],
            json!([{"key": "mode", "value": "duel"}])
        );

        // Each battle is placed on its own game server.
        let g1 = started_session(&s1).await;
        let g2 = started_session(&s2).await;
        s1.activate_game_session().await.unwrap();
        s2.activate_game_session().await.unwrap();
        d.wait_until("every ticket is COMPLETED", |c| {
            ["t1", "t2", "t3", "t4"].iter().all(|t| {
                c.ticket(t).is_some_and(|t| {
                    t.status == playfield_core::TicketStatus::Completed
                })
            })
        })
        .await;
        let seen = describe(&api, &["t1", "t2", "t3", "t4"]).await;
        let arns: Vec<String> = seen.iter().map(|(_, a, _)| a.clone().unwrap()).collect();
        assert_eq!(arns[0], arns[1], "t1 and t2 share a game session");
        assert_eq!(arns[2], arns[3], "t3 and t4 share a game session");
        assert_ne!(arns[0], arns[2], "two game sessions");
        let placed: BTreeSet<&str> = [g1.game_session_id.as_str(), g2.game_session_id.as_str()].into();
        assert_eq!(placed, [arns[0].as_str(), arns[2].as_str()].into());
        for (i, (status, _, players)) in seen.iter().enumerate() {
            assert_eq!(status, &MatchmakingConfigurationStatus::Completed);
            assert_eq!(players.len(), 1, "ticket {i}: its one player's session");
        }
        // The servers' matchmaker data: each session has its battle's two players.
        for gs in [&g1, &g2] {
            let md = gs.parsed_matchmaker_data().unwrap().expect("matchmaker data");
            let mut players: Vec<&str> = md
                .teams
                .iter()
                .flat_map(|t| t.players.iter().map(|p| p.player_id.as_str()))
                .collect();
            players.sort();
            assert!(
                players == ["a", "b"] || players == ["c", "d"],
                "a battle's players: {players:?}"
            );
        }
        assert!(requests.try_recv().is_err(), "one call for one match");
        d.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_requeued_ticket_searches_again_while_the_rest_is_placed() {
    bounded(async {
        // The virtual server keeps t1..t3 in one battle (t3 moves to red) and requeues t4.
        let (url, mut requests) = hook(|req| {
            Some(json!({
                "battles": [{"tickets": [
                    ticket_with_team(req, "t1", "red"),
                    ticket_with_team(req, "t2", "blue"),
                    ticket_with_team(req, "t3", "red"),
                ]}],
                "requeued_tickets": [ticket_with_team(req, "t4", "")],
            }))
        })
        .await;
        let d = TestDaemon::start().await;
        set_up(&d, &url);
        let api = client(&d, "AKIDLOCAL");
        let s1 = ready_server(&d, FLEET, "proc-1").await;
        for (t, p) in [("t1", "a"), ("t2", "b"), ("t3", "c"), ("t4", "d")] {
            start_ticket(&api, t, p, 10.0).await;
        }
        requests.recv().await.expect("the hook is called");
        let g = started_session(&s1).await;
        s1.activate_game_session().await.unwrap();
        d.wait_until("t1 is COMPLETED", |c| {
            c.ticket("t1")
                .is_some_and(|t| t.status == playfield_core::TicketStatus::Completed)
        })
        .await;
        let seen = describe(&api, &["t1", "t2", "t3", "t4"]).await;
        for (status, arn, _) in &seen[..3] {
            assert_eq!(status, &MatchmakingConfigurationStatus::Completed);
            assert_eq!(arn.as_deref(), Some(g.game_session_id.as_str()));
        }
        assert_eq!(
            seen[3].0,
            MatchmakingConfigurationStatus::Searching,
            "the requeued ticket searches again"
        );
        assert_eq!(seen[3].1, None);
        assert_eq!(
            d.read(|c| c.held_matches().count()),
            0,
            "t4 is in the pool, not held"
        );
        assert!(requests.try_recv().is_err(), "t4 alone makes no match");
        d.shutdown().await;
    })
    .await;
}

/// The task's rule: a failing hook (HTTP 500 here) falls back to the original match, which
/// is placed as if there were no post-processing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_hook_places_the_original_match() {
    bounded(async {
        let (url, mut requests) = hook(|_| None).await;
        let d = TestDaemon::start().await;
        set_up(&d, &url);
        let api = client(&d, "AKIDLOCAL");
        let s1 = ready_server(&d, FLEET, "proc-1").await;
        for (t, p) in [("t1", "a"), ("t2", "b"), ("t3", "c"), ("t4", "d")] {
            start_ticket(&api, t, p, 10.0).await;
        }
        requests.recv().await.expect("the hook is called");
        let g = started_session(&s1).await;
        let md = g
            .parsed_matchmaker_data()
            .unwrap()
            .expect("matchmaker data");
        assert_eq!(
            md.teams.iter().map(|t| t.players.len()).sum::<usize>(),
            4,
            "the original 2v2 battle"
        );
        s1.activate_game_session().await.unwrap();
        d.wait_until("t4 is COMPLETED", |c| {
            c.ticket("t4")
                .is_some_and(|t| t.status == playfield_core::TicketStatus::Completed)
        })
        .await;
        let seen = describe(&api, &["t1", "t2", "t3", "t4"]).await;
        for (status, arn, _) in &seen {
            assert_eq!(status, &MatchmakingConfigurationStatus::Completed);
            assert_eq!(arn.as_deref(), Some(g.game_session_id.as_str()));
        }
        d.shutdown().await;
    })
    .await;
}

/// A virtual server that does not answer: once the daemon's clock has moved past the wait
/// (`POST_PROCESSING_TIMEOUT_MS`, 10 s), the original match is placed. Time is advanced, not
/// slept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_hook_places_the_original_match_after_the_wait() {
    bounded(async {
        let (url, mut requests) = silent_hook().await;
        let d = TestDaemon::start().await;
        set_up(&d, &url);
        let api = client(&d, "AKIDLOCAL");
        let s1 = ready_server(&d, FLEET, "proc-1").await;
        for (t, p) in [("t1", "a"), ("t2", "b"), ("t3", "c"), ("t4", "d")] {
            start_ticket(&api, t, p, 10.0).await;
        }
        requests.recv().await.expect("the hook is called");
        d.advance(Duration::from_millis(POST_PROCESSING_TIMEOUT_MS - 1));
        let seen = describe(&api, &["t1", "t2", "t3", "t4"]).await;
        for (status, _, _) in &seen {
            assert_eq!(
                status,
                &MatchmakingConfigurationStatus::Searching,
                "still held"
            );
        }
        d.advance(Duration::from_millis(1));
        let g = started_session(&s1).await;
        let md = g
            .parsed_matchmaker_data()
            .unwrap()
            .expect("matchmaker data");
        assert_eq!(
            md.teams.iter().map(|t| t.players.len()).sum::<usize>(),
            4,
            "the original 2v2 battle"
        );
        let seen = describe(&api, &["t1", "t2", "t3", "t4"]).await;
        for (status, _, _) in &seen {
            assert_eq!(status, &MatchmakingConfigurationStatus::Placing);
        }
        d.shutdown().await;
    })
    .await;
}
