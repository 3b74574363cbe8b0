//! The matchmaking handlers through the whole API pipeline (decode, validate against the
//! model, handler, encode) in both protocols, without a socket (`api::testing::call`).

use std::sync::Arc;

use serde_json::{json, Value};

use crate::api::protocol::Protocol;
use crate::api::testing::{call, CallError};
use crate::api::{Router, ServiceModel};
use crate::wiring::hub::Shared;
use playfield_core::{Clock, ManualClock};
use playfield_core::{ConnId, ConnectInfo, Core, CoreConfig, Fleet, ProcessReady};

pub(super) const FLEET: &str = "fleet-1a2b";
pub(super) const RULES: &str = r#"{"ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number", "default": 10}],
    "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 1},
              {"name": "blue", "minPlayers": 1, "maxPlayers": 1}]}"#;
pub(super) const PROTOCOLS: [Protocol; 2] = [Protocol::AwsJson11, Protocol::RpcV2Cbor];

/// The handlers behind one protocol: a daemon state with fleet FLEET and one ready process
/// "p1", and the router of every operation, so each call is one line (`api.ok(op, input)`).
pub(super) struct Api {
    shared: Shared,
    router: Router<Shared>,
    protocol: Protocol,
}

pub(super) fn setup(protocol: Protocol) -> Api {
    setup_with(protocol, CoreConfig::default())
}

/// [`setup`] with a core configured by `cfg` (another region or account, ...).
pub(super) fn setup_with(protocol: Protocol, cfg: CoreConfig) -> Api {
    let mut core = Core::new(cfg);
    core.register_fleet(Fleet {
        id: FLEET.into(),
        name: "t".into(),
        locations: vec![],
    })
    .unwrap();
    let shared = Shared::new(core, Arc::new(ManualClock::new()) as Arc<dyn Clock>);
    shared.execute(|c, now| {
        let info = ConnectInfo {
            pid: "p1".into(),
            fleet_id: FLEET.into(),
            ..Default::default()
        };
        c.connect(now, ConnId(1), info).unwrap();
        c.process_ready(
            now,
            "p1",
            ProcessReady {
                port: Some(7777),
                ..Default::default()
            },
        )
        .unwrap();
    });
    let router = super::router(ServiceModel::gamelift());
    Api {
        shared,
        router,
        protocol,
    }
}

impl Api {
    /// The daemon state behind the router (to drive game servers and read the core).
    pub(super) fn shared(&self) -> &Shared {
        &self.shared
    }

    /// Calls `op`, which must succeed; its output.
    pub(super) fn ok(&self, op: &str, input: Value) -> Value {
        let p = self.protocol;
        call(&self.router, &self.shared, p, op, &input)
            .unwrap_or_else(|e| panic!("{op} over {p:?}: {e:?}"))
    }

    /// Calls `op`, which must fail; its error.
    pub(super) fn err(&self, op: &str, input: Value) -> CallError {
        call(&self.router, &self.shared, self.protocol, op, &input).expect_err(op)
    }

    /// Rule set "duel", queue "q" onto FLEET and configuration "cfg" using them.
    pub(super) fn configure(&self) {
        self.ok(
            "CreateMatchmakingRuleSet",
            json!({"Name": "duel", "RuleSetBody": RULES}),
        );
        let fleet_arn = format!("arn:aws:gamelift:us-west-2::fleet/{FLEET}");
        let q = self.ok(
            "CreateGameSessionQueue",
            json!({
                "Name": "q", "TimeoutInSeconds": 30,
                "Destinations": [{"DestinationArn": fleet_arn}]
            }),
        );
        let arn = q["GameSessionQueue"]["GameSessionQueueArn"]
            .as_str()
            .unwrap()
            .to_string();
        let c = self.ok(
            "CreateMatchmakingConfiguration",
            json!({
                "Name": "cfg", "RuleSetName": "duel", "RequestTimeoutSeconds": 60,
                "AcceptanceRequired": false, "GameSessionQueueArns": [arn],
                "AdditionalPlayerCount": 1, "GameProperties": [{"Key": "mode", "Value": "duel"}],
                "BackfillMode": "MANUAL", "FlexMatchMode": "WITH_QUEUE"
            }),
        );
        assert_eq!(c["Configuration"]["GameSessionQueueArns"][0], arn.as_str());
        assert_eq!(c["Configuration"]["GameProperties"][0]["Key"], "mode");
    }
}

/// service-api.md §9.1: a ticket starts QUEUED, is PLACING once matched, and COMPLETED with
/// GameSessionConnectionInfo once the game session is up.
#[test]
fn a_ticket_goes_from_queued_to_completed_through_the_api() {
    for p in PROTOCOLS {
        let api = setup(p);
        api.configure();
        let player =
            |id: &str| json!([{"PlayerId": id, "PlayerAttributes": {"skill": {"N": 12.0}}}]);
        let t1 = api.ok(
            "StartMatchmaking",
            json!({"TicketId": "t1", "ConfigurationName": "cfg", "Players": player("alice")}),
        );
        assert_eq!(t1["MatchmakingTicket"]["Status"], "QUEUED");
        assert!(t1["MatchmakingTicket"]["ConfigurationArn"]
            .as_str()
            .unwrap()
            .ends_with(":matchmakingconfiguration/cfg"));
        api.ok(
            "StartMatchmaking",
            json!({"TicketId": "t2", "ConfigurationName": "cfg", "Players": player("bob")}),
        );
        let d = api.ok(
            "DescribeMatchmaking",
            json!({"TicketIds": ["t1", "t2", "gone"]}),
        );
        let list = d["TicketList"].as_array().unwrap();
        assert_eq!(list.len(), 2, "unknown ids are left out");
        assert_eq!(list[0]["Status"], "PLACING");
        assert!(list[0]["Players"][0]["Team"].is_string());
        let gs = api
            .shared
            .read(|c| c.process("p1").unwrap().game_session_id.clone().unwrap());
        assert_eq!(
            api.shared
                .read(|c| c.game_session(&gs).unwrap().maximum_player_session_count),
            3
        );
        api.shared
            .execute(|c, now| c.activate_game_session(now, "p1", &gs))
            .unwrap();
        let d = api.ok("DescribeMatchmaking", json!({"TicketIds": ["t1"]}));
        let t = &d["TicketList"][0];
        assert_eq!(t["Status"], "COMPLETED");
        let ci = &t["GameSessionConnectionInfo"];
        assert_eq!(ci["GameSessionArn"], gs.as_str());
        assert_eq!(ci["Port"], 7777);
        assert_eq!(ci["MatchedPlayerSessions"][0]["PlayerId"], "alice");
        assert!(ci["MatchedPlayerSessions"][0]["PlayerSessionId"]
            .as_str()
            .unwrap()
            .starts_with("psess-"));
    }
}

/// Errors come from each operation's modeled list and name the thing.
#[test]
fn errors_are_modeled_and_name_the_thing() {
    for p in PROTOCOLS {
        let api = setup(p);
        api.configure();
        let e = api.err(
            "StartMatchmaking",
            json!({"ConfigurationName": "nope", "Players": [{"PlayerId": "a"}]}),
        );
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("NotFoundException", "no matchmaking configuration 'nope'")
        );
        api.ok(
            "StartMatchmaking",
            json!({"TicketId": "t1", "ConfigurationName": "cfg", "Players": [{"PlayerId": "a"}]}),
        );
        let e = api.err(
            "AcceptMatch",
            json!({"TicketId": "t1", "PlayerIds": ["a"], "AcceptanceType": "ACCEPT"}),
        );
        assert_eq!(e.code, "InvalidRequestException");
        assert!(
            e.message.contains("ticket 't1' is SEARCHING"),
            "{}",
            e.message
        );
        api.ok("StopMatchmaking", json!({"TicketId": "t1"}));
        let e = api.err("StopMatchmaking", json!({"TicketId": "zz"}));
        assert_eq!(e.code, "NotFoundException");
        let e = api.err(
            "ValidateMatchmakingRuleSet",
            json!({"RuleSetBody": "{\"ruleLanguageVersion\": \"1.0\", \"teams\": []}"}),
        );
        assert_eq!(e.code, "InvalidRequestException");
        assert!(e.message.starts_with("RuleSetBody: "), "{}", e.message);
        let v = api.ok("ValidateMatchmakingRuleSet", json!({"RuleSetBody": RULES}));
        assert_eq!(v["Valid"], true);
        let e = api.err("DeleteGameSessionQueue", json!({"Name": "q"}));
        assert!(
            e.message
                .contains("used by matchmaking configuration 'cfg'"),
            "{}",
            e.message
        );
        let e = api.err("DeleteMatchmakingRuleSet", json!({"Name": "duel"}));
        assert_eq!(e.code, "InvalidRequestException");
    }
}

/// UpdateMatchmakingConfiguration changes what it is given and keeps the rest; Describe and
/// Delete see the result.
#[test]
fn update_keeps_what_it_is_not_given() {
    for p in PROTOCOLS {
        let api = setup(p);
        api.configure();
        let u = api.ok(
            "UpdateMatchmakingConfiguration",
            json!({"Name": "cfg", "AcceptanceRequired": true, "AcceptanceTimeoutSeconds": 20}),
        );
        let c = &u["Configuration"];
        assert_eq!(c["AcceptanceRequired"], true);
        assert_eq!(c["AdditionalPlayerCount"], 1);
        assert_eq!(c["RuleSetName"], "duel");
        let d = api.ok(
            "DescribeMatchmakingConfigurations",
            json!({"RuleSetName": "duel"}),
        );
        assert_eq!(d["Configurations"][0]["AcceptanceTimeoutSeconds"], 20);
        let d = api.ok("DescribeMatchmakingRuleSets", json!({}));
        assert_eq!(d["RuleSets"][0]["RuleSetName"], "duel");
        let policy = json!({"MaximumIndividualPlayerLatencyMilliseconds": 100});
        let q = api.ok(
            "UpdateGameSessionQueue",
            json!({"Name": "q", "PlayerLatencyPolicies": [policy]}),
        );
        assert_eq!(q["GameSessionQueue"]["TimeoutInSeconds"], 30);
        let d = api.ok("DescribeGameSessionQueues", json!({"Names": ["q"]}));
        assert_eq!(
            d["GameSessionQueues"][0]["PlayerLatencyPolicies"][0]
                ["MaximumIndividualPlayerLatencyMilliseconds"],
            100
        );
        api.ok("DeleteMatchmakingConfiguration", json!({"Name": "cfg"}));
        api.ok("DeleteGameSessionQueue", json!({"Name": "q"}));
        api.ok("DeleteMatchmakingRuleSet", json!({"Name": "duel"}));
        let d = api.ok("DescribeMatchmakingConfigurations", json!({}));
        assert_eq!(d["Configurations"], json!([]));
    }
}

/// StartMatchBackfill from a client service names the game session; a session it does not
/// know is refused.
#[test]
fn client_backfill_needs_a_known_session() {
    for p in PROTOCOLS {
        let api = setup(p);
        api.configure();
        let e = api.err(
            "StartMatchBackfill",
            json!({
                "ConfigurationName": "cfg",
                "GameSessionArn": "arn:aws:gamelift:us-west-2::gamesession/fleet-1a2b/nope",
                "Players": [{"PlayerId": "a", "Team": "red"}]
            }),
        );
        assert_eq!(e.code, "NotFoundException");
    }
}

/// service-api.md §9.2: StartGameSessionPlacement answers PENDING; once the session is up
/// the placement is FULFILLED with the session's values and the placed player sessions.
#[test]
fn a_placement_through_the_api() {
    for p in PROTOCOLS {
        let api = setup(p);
        api.configure();
        let latency = json!({"PlayerId": "alice", "RegionIdentifier": "us-west-2", "LatencyInMilliseconds": 20.0});
        let out = api.ok(
            "StartGameSessionPlacement",
            json!({
                "PlacementId": "pl-1", "GameSessionQueueName": "q", "MaximumPlayerSessionCount": 4,
                "GameSessionName": "arena", "GameProperties": [{"Key": "mode", "Value": "ffa"}],
                "PlayerLatencies": [latency],
                "DesiredPlayerSessions": [{"PlayerId": "alice", "PlayerData": "hat"}]
            }),
        );
        assert_eq!(out["GameSessionPlacement"]["Status"], "PENDING");
        assert!(out["GameSessionPlacement"].get("GameSessionArn").is_none());
        let gs = api
            .shared
            .read(|c| c.process("p1").unwrap().game_session_id.clone().unwrap());
        api.shared
            .execute(|c, now| c.activate_game_session(now, "p1", &gs))
            .unwrap();
        let d = api.ok(
            "DescribeGameSessionPlacement",
            json!({"PlacementId": "pl-1"}),
        );
        let pl = &d["GameSessionPlacement"];
        assert_eq!(pl["Status"], "FULFILLED");
        assert_eq!(pl["GameSessionArn"], gs.as_str());
        assert_eq!(pl["Port"], 7777);
        assert_eq!(pl["PlacedPlayerSessions"][0]["PlayerId"], "alice");
        let e = api.err("StopGameSessionPlacement", json!({"PlacementId": "pl-1"}));
        assert_eq!(e.code, "InvalidRequestException");
        let e = api.err(
            "DescribeGameSessionPlacement",
            json!({"PlacementId": "nope"}),
        );
        assert_eq!(e.code, "NotFoundException");
    }
}

/// service-api.md §9.1/§9.2: DescribeMatchmakingRuleSets, DescribeMatchmakingConfigurations
/// and DescribeGameSessionQueues page by `Limit` and `NextToken` (in name order), and refuse a
/// token another operation gave out.
#[test]
fn describe_operations_page_by_limit_and_next_token() {
    for p in PROTOCOLS {
        let api = setup(p);
        for i in 0..3 {
            api.ok(
                "CreateMatchmakingRuleSet",
                json!({"Name": format!("rs-{i}"), "RuleSetBody": RULES}),
            );
            api.ok(
                "CreateGameSessionQueue",
                json!({"Name": format!("q-{i}"), "Destinations": [{"DestinationArn": FLEET}]}),
            );
            api.ok(
                "CreateMatchmakingConfiguration",
                json!({"Name": format!("cfg-{i}"), "RuleSetName": "rs-0",
                       "RequestTimeoutSeconds": 60, "AcceptanceRequired": false,
                       "FlexMatchMode": "STANDALONE"}),
            );
        }
        for (op, list, field, prefix) in [
            (
                "DescribeMatchmakingRuleSets",
                "RuleSets",
                "RuleSetName",
                "rs-",
            ),
            (
                "DescribeMatchmakingConfigurations",
                "Configurations",
                "Name",
                "cfg-",
            ),
            (
                "DescribeGameSessionQueues",
                "GameSessionQueues",
                "Name",
                "q-",
            ),
        ] {
            let names = |v: &Value| -> Vec<String> {
                v[list]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x[field].as_str().unwrap().to_string())
                    .collect()
            };
            let first = api.ok(op, json!({"Limit": 2}));
            assert_eq!(names(&first), [format!("{prefix}0"), format!("{prefix}1")]);
            let token = first["NextToken"]
                .as_str()
                .expect("a NextToken")
                .to_string();
            let second = api.ok(op, json!({"Limit": 2, "NextToken": token}));
            assert_eq!(names(&second), [format!("{prefix}2")], "{op}");
            assert!(second.get("NextToken").is_none(), "{op}: last page");
            let all = api.ok(op, json!({}));
            assert_eq!(names(&all).len(), 3, "{op}: no Limit, one page");
            assert!(all.get("NextToken").is_none());
            let e = api.err(op, json!({"NextToken": "fleets-1"}));
            assert!(format!("{e:?}").contains("fleets-1"), "{op}: {e:?}");
        }
    }
}
