//! FlexMatch end to end with boto3 (awsJson1_1) as the game backend and our server SDK as the
//! game server: what `matchmaking_api_e2e.rs` and `matchmaking_api_backfill.rs` drive with
//! `aws-sdk-gamelift` (rpcv2Cbor), as a Python backend sees it — set up, acceptance,
//! placement, backfill, boto3's own paginators and typed errors. Time moves only with
//! `TestDaemon::advance`.
//!
//! boto3 comes from a virtualenv the test sets up itself (see `support/boto3.rs`); it needs
//! `python3` and, on first run, PyPI.

use crate::support::boto3;
use crate::support::game_server;
use crate::support::matchmaking;

use std::time::Duration;

use boto3::{assert_error, boto3, one, python};
use game_server::{ready_server, started_session};
use matchmaking::next_update;
use playfield_core::testing::teams_rule_set;
use playfield_core::TicketStatus;
use playfield_e2e::{bounded, TestDaemon, FLEET};
use playfield_sdk::model::UpdateReason;
use serde_json::{json, Value};

/// boto3 creates rule set "rules", queue "q" onto the test fleet and configuration "duel"
/// (WITH_QUEUE, AcceptanceRequired with a 10 s timeout, GameProperties, GameSessionData,
/// MANUAL backfill); returns the configuration as CreateMatchmakingConfiguration answered.
async fn set_up(d: &TestDaemon) -> Value {
    let r = boto3(
        d,
        "AKIDLOCAL",
        json!([
            ["create_matchmaking_rule_set", {"Name": "rules", "RuleSetBody": teams_rule_set(1, 1)}],
            ["create_game_session_queue", {"Name": "q", "TimeoutInSeconds": 30,
                "Destinations": [{"DestinationArn": format!("arn:aws:gamelift:us-west-2::fleet/{FLEET}")}]}],
        ]),
    )
    .await;
    assert_eq!(r[0]["RuleSet"]["RuleSetName"], "rules", "{r:?}");
    let queue_arn = r[1]["GameSessionQueue"]["GameSessionQueueArn"]
        .as_str()
        .unwrap_or_else(|| panic!("a queue ARN: {r:?}"))
        .to_string();
    let cfg = one(
        d,
        "create_matchmaking_configuration",
        json!({"Name": "duel", "RuleSetName": "rules", "RequestTimeoutSeconds": 60,
               "AcceptanceRequired": true, "AcceptanceTimeoutSeconds": 10,
               "GameSessionQueueArns": [queue_arn], "BackfillMode": "MANUAL",
               "FlexMatchMode": "WITH_QUEUE",
               "GameProperties": [{"Key": "mode", "Value": "duel"}],
               "GameSessionData": "map=arena"}),
    )
    .await;
    assert_eq!(cfg["Configuration"]["Name"], "duel", "{cfg}");
    cfg["Configuration"].clone()
}

fn start(ticket: &str, player: &str, skill: f64) -> Value {
    json!(["start_matchmaking", {"TicketId": ticket, "ConfigurationName": "duel",
        "Players": [{"PlayerId": player, "PlayerAttributes": {"skill": {"N": skill}}}]}])
}

fn accept(ticket: &str, player: &str) -> Value {
    json!(["accept_match", {"TicketId": ticket, "PlayerIds": [player], "AcceptanceType": "ACCEPT"}])
}

/// Waits (for I/O: the server's ActivateGameSession being handled, never for time) until
/// the core has ticket `id` in `want`.
async fn wait_ticket(d: &TestDaemon, id: &str, want: TicketStatus) {
    d.wait_until(&format!("ticket {id} is {want:?}"), |c| {
        c.ticket(id).is_some_and(|t| t.status == want)
    })
    .await;
}

/// service-api.md StartMatchmaking / AcceptMatch / DescribeMatchmaking / StartMatchBackfill /
/// StopMatchmaking: two tickets REQUIRE_ACCEPTANCE, both accept, the match is placed on the
/// SDK server (onStartGameSession with the matchmaker data, the configuration's
/// GameProperties and GameSessionData), and once it activates DescribeMatchmaking shows
/// both COMPLETED with GameSessionConnectionInfo; timestamps reach boto3 as datetimes. A
/// backfill boto3 starts for the game session and then stops reaches the server as
/// BACKFILL_CANCELLED with that ticket id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_matches_accepts_places_and_backfills() {
    tokio::task::spawn_blocking(python).await.unwrap();
    bounded(async {
        let d = TestDaemon::start().await;
        let cfg = set_up(&d).await;
        let cfg_arn = cfg["ConfigurationArn"].as_str().expect("ConfigurationArn");
        let sdk = ready_server(&d, FLEET, "proc-boto3-mm").await;

        let r = boto3(
            &d,
            "AKIDLOCAL",
            json!([
                start("t-alice", "alice", 12.0),
                start("t-bob", "bob", 14.0),
                ["describe_matchmaking", {"TicketIds": ["t-alice", "t-bob"]}],
            ]),
        )
        .await;
        let queued = &r[0]["MatchmakingTicket"];
        assert_eq!(queued["Status"], "QUEUED", "{r:?}");
        assert_eq!(queued["ConfigurationArn"], cfg_arn);
        // A datetime in boto3 (the script turns datetimes, and only those, into epoch
        // seconds), at the daemon's clock.
        assert_eq!(
            queued["StartTime"],
            json!((d.now() / 1000) as f64),
            "StartTime is a datetime at the daemon's clock: {queued}"
        );
        let tickets = r[2]["TicketList"].as_array().expect("TicketList");
        assert_eq!(tickets.len(), 2);
        for t in tickets {
            assert_eq!(t["Status"], "REQUIRES_ACCEPTANCE", "{t}");
            assert!(t["Players"][0]["Team"].is_string(), "proposed teams: {t}");
        }

        let r = boto3(
            &d,
            "AKIDLOCAL",
            json!([accept("t-alice", "alice"), accept("t-bob", "bob")]),
        )
        .await;
        assert_eq!(
            r,
            [json!({}), json!({})],
            "AcceptMatch answers an empty object"
        );

        let gs = started_session(&sdk).await;
        let md: Value = serde_json::from_str(&gs.matchmaker_data).expect("matchmaker data JSON");
        assert!(
            md["matchId"].as_str().is_some_and(|m| m.len() == 36),
            "{md}"
        );
        assert_eq!(md["matchmakingConfigurationArn"], cfg_arn);
        let mut teams: Vec<(String, Vec<String>)> = md["teams"]
            .as_array()
            .expect("teams")
            .iter()
            .map(|t| {
                let players = t["players"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p["playerId"].as_str().unwrap().to_string())
                    .collect();
                (t["name"].as_str().unwrap().to_string(), players)
            })
            .collect();
        teams.sort();
        let mut placed: Vec<&str> = teams
            .iter()
            .flat_map(|t| &t.1)
            .map(String::as_str)
            .collect();
        placed.sort();
        assert_eq!(placed, ["alice", "bob"], "{md}");
        assert_eq!(
            teams
                .iter()
                .map(|t| (t.0.as_str(), t.1.len()))
                .collect::<Vec<_>>(),
            [("blue", 1), ("red", 1)]
        );
        assert_eq!(
            gs.game_properties.get("mode").map(String::as_str),
            Some("duel")
        );
        assert_eq!(gs.game_session_data, "map=arena");
        sdk.activate_game_session().await.expect("activate");
        wait_ticket(&d, "t-alice", TicketStatus::Completed).await;
        wait_ticket(&d, "t-bob", TicketStatus::Completed).await;

        let r = one(
            &d,
            "describe_matchmaking",
            json!({"TicketIds": ["t-alice", "t-bob"]}),
        )
        .await;
        for (t, p) in r["TicketList"]
            .as_array()
            .unwrap()
            .iter()
            .zip(["alice", "bob"])
        {
            assert_eq!(t["Status"], "COMPLETED", "{t}");
            assert!(t["EndTime"].is_f64(), "EndTime is a datetime: {t}");
            let ci = &t["GameSessionConnectionInfo"];
            assert_eq!(ci["GameSessionArn"], gs.game_session_id.as_str(), "{t}");
            assert!(
                ci["IpAddress"].as_str().is_some_and(|ip| !ip.is_empty()),
                "{t}"
            );
            assert_eq!(ci["Port"], 7777, "{t}");
            let mine = ci["MatchedPlayerSessions"]
                .as_array()
                .expect("MatchedPlayerSessions");
            assert_eq!(mine.len(), 1, "{t}");
            assert_eq!(mine[0]["PlayerId"], p);
            let ps = mine[0]["PlayerSessionId"].as_str().unwrap();
            assert!(ps.starts_with("psess-"), "{ps}");
            sdk.accept_player_session(ps)
                .await
                .unwrap_or_else(|e| panic!("{p}'s session is expected: {e}"));
        }

        // Backfill from the client service, then stopped with StopMatchmaking.
        let players: Vec<Value> = teams
            .iter()
            .flat_map(|(team, ps)| {
                ps.iter().map(move |p| {
                    json!({"PlayerId": p, "Team": team,
                    "PlayerAttributes": {"skill": {"N": 12.0}}})
                })
            })
            .collect();
        let r = boto3(
            &d,
            "AKIDLOCAL",
            json!([
                ["start_match_backfill", {"TicketId": "bf-boto3", "ConfigurationName": "duel",
                    "GameSessionArn": gs.game_session_id, "Players": players}],
                ["stop_matchmaking", {"TicketId": "bf-boto3"}],
                ["describe_matchmaking", {"TicketIds": ["bf-boto3"]}],
            ]),
        )
        .await;
        assert_eq!(r[0]["MatchmakingTicket"]["TicketId"], "bf-boto3", "{r:?}");
        assert_eq!(r[0]["MatchmakingTicket"]["Status"], "QUEUED", "{r:?}");
        assert_eq!(r[1], json!({}), "StopMatchmaking answers an empty object");
        assert_eq!(r[2]["TicketList"][0]["Status"], "CANCELLED", "{r:?}");
        let up = next_update(&sdk).await;
        assert_eq!(up.update_reason, UpdateReason::BackfillCancelled);
        assert_eq!(up.backfill_ticket_id, "bf-boto3");
        sdk.process_ending().await.unwrap();
    })
    .await
}

/// service-api.md DescribeMatchmakingConfigurations, DescribeMatchmakingRuleSets,
/// DescribeGameSessionQueues ("paged by Limit/NextToken"): boto3's own paginators, a page
/// at a time, return every item once, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_paginators_return_every_item() {
    tokio::task::spawn_blocking(python).await.unwrap();
    bounded(async {
        let d = TestDaemon::start().await;
        let mut calls = Vec::new();
        for i in 0..5 {
            calls.push(json!(["create_matchmaking_rule_set",
                {"Name": format!("rs-{i}"), "RuleSetBody": teams_rule_set(1, 1)}]));
            calls.push(json!(["create_game_session_queue", {"Name": format!("q-{i}"),
                "Destinations": [{"DestinationArn": format!("arn:aws:gamelift:us-west-2::fleet/{FLEET}")}]}]));
        }
        for i in 0..5 {
            calls.push(json!(["create_matchmaking_configuration", {"Name": format!("cfg-{i}"),
                "RuleSetName": "rs-0", "RequestTimeoutSeconds": 60, "AcceptanceRequired": false,
                "GameSessionQueueArns": [format!("arn:aws:gamelift:us-west-2::gamesessionqueue/q-{i}")]}]));
        }
        let made = boto3(&d, "AKIDLOCAL", Value::Array(calls)).await;
        assert!(made.iter().all(|r| r.get("Error").is_none()), "{made:?}");

        let r = boto3(
            &d,
            "AKIDLOCAL",
            json!([
                ["paginate:describe_matchmaking_configurations", {"PaginationConfig": {"PageSize": 2}}],
                ["paginate:describe_matchmaking_rule_sets", {"PaginationConfig": {"PageSize": 1}}],
                ["paginate:describe_game_session_queues", {"PaginationConfig": {"PageSize": 2}}],
            ]),
        )
        .await;
        let items = |r: &Value, list: &str, name: &str| -> (Vec<usize>, Vec<String>) {
            let pages = r["Pages"].as_array().unwrap_or_else(|| panic!("pages: {r}"));
            let sizes = pages.iter().map(|p| p[list].as_array().unwrap().len()).collect();
            let names = pages
                .iter()
                .flat_map(|p| p[list].as_array().unwrap())
                .map(|i| i[name].as_str().unwrap().to_string())
                .collect();
            (sizes, names)
        };
        let names = |prefix: &str| (0..5).map(|i| format!("{prefix}{i}")).collect::<Vec<_>>();
        assert_eq!(
            items(&r[0], "Configurations", "Name"),
            (vec![2, 2, 1], names("cfg-"))
        );
        assert_eq!(
            items(&r[1], "RuleSets", "RuleSetName"),
            (vec![1; 5], names("rs-"))
        );
        assert_eq!(
            items(&r[2], "GameSessionQueues", "Name"),
            (vec![2, 2, 1], names("q-"))
        );
    })
    .await
}

/// Errors reach boto3 as its modeled exception classes (service-api.md error lists):
/// AcceptMatch on a SEARCHING ticket and 11 players are InvalidRequestException, an unknown
/// configuration NotFoundException, a broken rule set body InvalidRequestException from
/// ValidateMatchmakingRuleSet ("a broken body is reported as InvalidRequestException"). A
/// proposal nobody answers within AcceptanceTimeoutSeconds FAILS its tickets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_sees_matchmaking_errors_typed() {
    tokio::task::spawn_blocking(python).await.unwrap();
    bounded(async {
        let d = TestDaemon::start().await;
        set_up(&d).await;
        let eleven: Vec<Value> = (0..11)
            .map(|i| json!({"PlayerId": format!("p{i}")}))
            .collect();
        let r = boto3(
            &d,
            "AKIDLOCAL",
            json!([
                start("t-lonely", "lonely", 10.0),
                accept("t-lonely", "lonely"),
                ["start_matchmaking", {"TicketId": "t-x", "ConfigurationName": "no-such-config",
                    "Players": [{"PlayerId": "x"}]}],
                ["start_matchmaking", {"TicketId": "t-crowd", "ConfigurationName": "duel",
                    "Players": eleven}],
                ["validate_matchmaking_rule_set", {"RuleSetBody": teams_rule_set(1, 1)}],
                ["validate_matchmaking_rule_set", {"RuleSetBody": "{\"teams\": ["}],
            ]),
        )
        .await;
        assert_eq!(r[0]["MatchmakingTicket"]["Status"], "QUEUED", "{r:?}");
        assert_error(&r[1], "InvalidRequestException", "SEARCHING");
        assert_error(&r[2], "NotFoundException", "no-such-config");
        assert_error(&r[3], "InvalidRequestException", "Players");
        assert_eq!(r[4], json!({"Valid": true}));
        assert_error(&r[5], "InvalidRequestException", "RuleSetBody");

        // Nobody answers the proposal: at AcceptanceTimeoutSeconds (10) both tickets FAIL.
        let r = boto3(
            &d,
            "AKIDLOCAL",
            json!([
                start("t-late", "late", 10.0),
                ["describe_matchmaking", {"TicketIds": ["t-lonely", "t-late"]}],
            ]),
        )
        .await;
        for t in r[1]["TicketList"].as_array().unwrap() {
            assert_eq!(t["Status"], "REQUIRES_ACCEPTANCE", "{t}");
        }
        d.advance(Duration::from_secs(9));
        let r = one(
            &d,
            "describe_matchmaking",
            json!({"TicketIds": ["t-lonely", "t-late"]}),
        )
        .await;
        for t in r["TicketList"].as_array().unwrap() {
            assert_eq!(t["Status"], "REQUIRES_ACCEPTANCE", "{t}");
        }
        d.advance(Duration::from_secs(1));
        let r = one(
            &d,
            "describe_matchmaking",
            json!({"TicketIds": ["t-lonely", "t-late"]}),
        )
        .await;
        let failed = r["TicketList"].as_array().unwrap();
        assert_eq!(failed.len(), 2, "{r}");
        for t in failed {
            assert_eq!(t["Status"], "FAILED", "{t}");
            assert_eq!(t["StatusReason"], "ACCEPTANCE_FAILED", "{t}");
            assert!(
                t["StatusMessage"].as_str().unwrap().contains("timeout"),
                "{t}"
            );
        }
    })
    .await
}

/// Issue 14, as its report measured it through boto3 (where 16 tickets made two 4 v 4s):
/// 16 compatible tickets within one matchmaking cycle for two teams of 4–8 make one 8 v 8.
/// Guide 002 line 843 (example 1, teams of 4–8): "对于在有效规模范围内的团队，对战构建器会尽量尝试
/// 匹配允许的最大玩家数量" (for teams within the valid size range, the matchmaker tries to match
/// the maximum number of players); guide 002 lines 446–452: the pool's tickets are batched and
/// matches built around each batch's oldest ticket; guide 002 line 193: a match whose slots are
/// filled is ready — the 16th StartMatchmaking forms it, no time passing. One game session
/// gets all 16 players, and DescribeMatchmaking shows all 16 tickets COMPLETED into it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_sixteen_tickets_in_one_cycle_make_one_8v8() {
    const FOUR_TO_EIGHT: &str = r#"{"ruleLanguageVersion": "1.0",
        "playerAttributes": [{"name": "skill", "type": "number", "default": 10}],
        "teams": [{"name": "red", "minPlayers": 4, "maxPlayers": 8},
                  {"name": "blue", "minPlayers": 4, "maxPlayers": 8}]}"#;
    tokio::task::spawn_blocking(python).await.unwrap();
    bounded(async {
        let d = TestDaemon::start().await;
        let sdk = ready_server(&d, FLEET, "proc-boto3-8v8").await;
        let ids: Vec<String> = (0..16).map(|i| format!("t{i:02}")).collect();
        let mut calls = vec![
            json!(["create_matchmaking_rule_set", {"Name": "eight", "RuleSetBody": FOUR_TO_EIGHT}]),
            json!(["create_game_session_queue", {"Name": "q", "TimeoutInSeconds": 30,
                "Destinations": [{"DestinationArn": format!("arn:aws:gamelift:us-west-2::fleet/{FLEET}")}]}]),
            json!(["create_matchmaking_configuration", {"Name": "eight", "RuleSetName": "eight",
                "RequestTimeoutSeconds": 60, "AcceptanceRequired": false,
                "GameSessionQueueArns": ["arn:aws:gamelift:us-west-2::gamesessionqueue/q"]}]),
        ];
        for (i, id) in ids.iter().enumerate().take(15) {
            calls.push(json!(["start_matchmaking", {"TicketId": id, "ConfigurationName": "eight",
                "Players": [{"PlayerId": format!("p{i:02}"), "PlayerAttributes": {"skill": {"N": 10.0}}}]}]));
        }
        calls.push(json!(["describe_matchmaking", {"TicketIds": &ids[..10]}]));
        calls.push(json!(["describe_matchmaking", {"TicketIds": &ids[10..15]}]));
        calls.push(json!(["start_matchmaking", {"TicketId": "t15", "ConfigurationName": "eight",
            "Players": [{"PlayerId": "p15", "PlayerAttributes": {"skill": {"N": 10.0}}}]}]));
        let at = d.now();
        let r = boto3(&d, "AKIDLOCAL", Value::Array(calls)).await;
        assert!(r.iter().all(|x| x.get("Error").is_none()), "{r:?}");
        for t in r[18]["TicketList"]
            .as_array()
            .unwrap()
            .iter()
            .chain(r[19]["TicketList"].as_array().unwrap())
        {
            assert_eq!(t["Status"], "SEARCHING", "15 players fill no match yet: {t}");
        }
        // No time passed: the full match formed in the 16th ticket's call.
        let gs = started_session(&sdk).await;
        assert_eq!(d.now(), at, "the clock did not move");
        let md: Value = serde_json::from_str(&gs.matchmaker_data).expect("matchmaker data JSON");
        let mut sizes: Vec<(String, usize)> = md["teams"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["name"].as_str().unwrap().to_string(),
                    t["players"].as_array().unwrap().len(),
                )
            })
            .collect();
        sizes.sort();
        assert_eq!(
            sizes,
            [("blue".to_string(), 8), ("red".to_string(), 8)],
            "{md}"
        );
        sdk.activate_game_session().await.expect("activate");
        for id in &ids {
            wait_ticket(&d, id, TicketStatus::Completed).await;
        }
        let r = boto3(
            &d,
            "AKIDLOCAL",
            json!([
                ["describe_matchmaking", {"TicketIds": &ids[..10]}],
                ["describe_matchmaking", {"TicketIds": &ids[10..]}],
            ]),
        )
        .await;
        let done: Vec<&Value> = r
            .iter()
            .flat_map(|x| x["TicketList"].as_array().unwrap())
            .collect();
        assert_eq!(done.len(), 16, "{r:?}");
        for t in done {
            assert_eq!(t["Status"], "COMPLETED", "{t}");
            assert_eq!(
                t["GameSessionConnectionInfo"]["GameSessionArn"],
                gs.game_session_id.as_str(),
                "one game session for all 16: {t}"
            );
        }
    })
    .await
}
