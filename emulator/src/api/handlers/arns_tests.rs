//! ARNs and Anywhere details through the whole API pipeline in both protocols: every ARN the
//! daemon makes carries its one region and account, an ARN a caller gives is echoed as
//! given, CreateFleet echoes AnywhereConfiguration, and ListCompute lists the computes
//! connected game servers come from.

use serde_json::{json, Value};

use super::tests::{setup, setup_with, Api, FLEET, PROTOCOLS, RULES};
use playfield_core::Arn;
use playfield_core::{ConnId, ConnectInfo, CoreConfig, Event, ProcessReady};

/// Neither is the default, so an ARN made from a constant instead of the configuration shows.
const REGION: &str = "eu-central-1";
const ACCOUNT: &str = "210987654321";

/// A game server `pid` in FLEET, connected from compute `compute` and ready.
fn ready_process(api: &Api, pid: &str, compute: &str, conn: u64) {
    api.shared().execute(|c, now| {
        let info = ConnectInfo {
            pid: pid.into(),
            fleet_id: FLEET.into(),
            compute_id: Some(compute.into()),
            ..Default::default()
        };
        c.connect(now, ConnId(conn), info).unwrap();
        let ready = ProcessReady {
            port: Some(7777),
            ..Default::default()
        };
        c.process_ready(now, pid, ready).unwrap();
    });
}

/// Every string in `v` that is an ARN, with where it was found.
fn arns_in(place: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::String(s) if s.starts_with("arn:") => out.push((place.to_string(), s.clone())),
        Value::Array(items) => items.iter().for_each(|i| arns_in(place, i, out)),
        Value::Object(members) => {
            for (k, m) in members {
                arns_in(&format!("{place}.{k}"), m, out);
            }
        }
        _ => {}
    }
}

/// service-api.md §7: "a fixed fake account ID for everything except game sessions";
/// §7: a game session's ARN is "arn:aws:gamelift:<region>::gamesession/<fleet-id>/
/// <id-string>" (account field empty), as the model's GameSessionId documentation writes it.
/// All are in the daemon's Region.
/// The daemon is configured with a region and an account that are not the defaults, and
/// the ARNs are collected from every answer and every event of a whole session of use.
#[test]
fn every_arn_the_daemon_makes_has_its_one_region_and_account() {
    for p in PROTOCOLS {
        let cfg = CoreConfig {
            region: REGION.into(),
            account_id: ACCOUNT.into(),
            ..CoreConfig::default()
        };
        let api = setup_with(p, cfg);
        let mut events = api.shared().subscribe();
        let mut answers: Vec<(String, Value)> = Vec::new();
        let mut ok = |op: &str, input: Value| {
            let out = api.ok(op, input);
            answers.push((op.to_string(), out.clone()));
            out
        };

        ok("CreateLocation", json!({"LocationName": "custom-office"}));
        let fleet = ok(
            "CreateFleet",
            json!({"Name": "office", "ComputeType": "ANYWHERE",
                   "Locations": [{"Location": "custom-office"}]}),
        )["FleetAttributes"]["FleetId"]
            .as_str()
            .unwrap()
            .to_string();
        let compute = json!({"FleetId": fleet, "ComputeName": "pc-1"});
        ok(
            "RegisterCompute",
            json!({"FleetId": fleet, "ComputeName": "pc-1", "IpAddress": "127.0.0.1",
                   "Location": "custom-office"}),
        );
        ok("GetComputeAuthToken", compute.clone());
        ok("DescribeCompute", compute);
        ok("ListCompute", json!({"FleetId": fleet}));
        ok("DescribeFleetAttributes", json!({}));

        // Matchmaking onto FLEET: the match goes to p1, a placement to p2, a game session
        // made by hand to p3. The queue names its destination by fleet id only, so its
        // DestinationArn is one the daemon makes.
        ok(
            "CreateMatchmakingRuleSet",
            json!({"Name": "duel", "RuleSetBody": RULES}),
        );
        let queue = ok(
            "CreateGameSessionQueue",
            json!({"Name": "q", "Destinations": [{"DestinationArn": FLEET}]}),
        )["GameSessionQueue"]["GameSessionQueueArn"]
            .clone();
        ok(
            "CreateMatchmakingConfiguration",
            json!({"Name": "cfg", "RuleSetName": "duel", "RequestTimeoutSeconds": 60,
                   "AcceptanceRequired": false, "GameSessionQueueArns": [queue],
                   "BackfillMode": "MANUAL", "FlexMatchMode": "WITH_QUEUE"}),
        );
        for (ticket, player) in [("t1", "alice"), ("t2", "bob")] {
            ok(
                "StartMatchmaking",
                json!({"TicketId": ticket, "ConfigurationName": "cfg",
                       "Players": [{"PlayerId": player}]}),
            );
        }
        let matched = api
            .shared()
            .read(|c| c.process("p1").unwrap().game_session_id.clone())
            .expect("the match is placed on p1");
        api.shared()
            .execute(|c, now| c.activate_game_session(now, "p1", &matched))
            .unwrap();
        ok("DescribeMatchmaking", json!({"TicketIds": ["t1", "t2"]}));

        ready_process(&api, "p2", "host-2", 2);
        ok(
            "StartGameSessionPlacement",
            json!({"PlacementId": "pl-1", "GameSessionQueueName": "q",
                   "MaximumPlayerSessionCount": 2}),
        );
        let placed = api
            .shared()
            .read(|c| c.process("p2").unwrap().game_session_id.clone())
            .expect("the placement is on p2");
        api.shared()
            .execute(|c, now| c.activate_game_session(now, "p2", &placed))
            .unwrap();
        ok(
            "DescribeGameSessionPlacement",
            json!({"PlacementId": "pl-1"}),
        );

        ready_process(&api, "p3", "host-3", 3);
        let gs = ok(
            "CreateGameSession",
            json!({"FleetId": FLEET, "MaximumPlayerSessionCount": 2}),
        )["GameSession"]["GameSessionId"]
            .as_str()
            .unwrap()
            .to_string();
        api.shared()
            .execute(|c, now| c.activate_game_session(now, "p3", &gs))
            .unwrap();
        ok(
            "CreatePlayerSession",
            json!({"GameSessionId": gs, "PlayerId": "carol"}),
        );
        ok("DescribeGameSessions", json!({"FleetId": FLEET}));
        ok("ListCompute", json!({"FleetId": FLEET}));

        let mut found = Vec::new();
        for (op, out) in &answers {
            arns_in(op, out, &mut found);
        }
        let mut detail_types = std::collections::BTreeSet::new();
        while let Ok(e) = events.try_recv() {
            if let Event::Notification(n) = e {
                let body: Value =
                    serde_json::from_str(&crate::events::flexmatch::render(&n)).unwrap();
                // The EventBridge envelope copies the region and account of its resource.
                assert_eq!(
                    (body["region"].as_str(), body["account"].as_str()),
                    (Some(REGION), Some(ACCOUNT)),
                    "{p:?}: {body}"
                );
                arns_in(&format!("event {}", n.name()), &body, &mut found);
                detail_types.insert(body["detail-type"].as_str().unwrap().to_string());
            }
        }
        assert_eq!(
            detail_types.iter().map(String::as_str).collect::<Vec<_>>(),
            [
                "GameLift Matchmaking Event",
                "GameLift Queue Placement Event"
            ],
            "{p:?}: ticket and placement events were both seen"
        );

        let mut kinds = std::collections::BTreeSet::new();
        for (place, text) in &found {
            let arn = Arn::parse(text).unwrap_or_else(|e| panic!("{place}: {e}"));
            let kind = arn.resource_type().unwrap_or_default().to_string();
            let account = if kind == "gamesession" { "" } else { ACCOUNT };
            assert_eq!(
                (arn.partition(), arn.service(), arn.region(), arn.account()),
                ("aws", "gamelift", REGION, account),
                "{p:?}: {place} answered {text}"
            );
            kinds.insert(kind);
        }
        let expected = [
            "compute",
            "fleet",
            "gamesession",
            "gamesessionqueue",
            "location",
            "matchmakingconfiguration",
            "matchmakingruleset",
        ];
        assert_eq!(
            kinds.iter().map(String::as_str).collect::<Vec<_>>(),
            expected,
            "{p:?}: every kind of ARN was seen"
        );
    }
}

/// A queue destination is stored and echoed as the caller gave it: an ARN with an account
/// stays one. service-api.md §9.2 CreateGameSessionQueue: "`Destinations` lists fleet or alias ARNs"; the model
/// (gamelift-service-2.json line 7171, GameSessionQueueDestination.DestinationArn): "The
/// Amazon Resource Name (ARN) that is assigned to fleet or fleet alias". Placement still
/// finds the fleet it names. A bare fleet id (the startup file's queues take them) is
/// answered with the fleet's ARN, since DestinationArn is an ARN.
#[test]
fn a_queue_destination_is_echoed_as_the_caller_gave_it() {
    for p in PROTOCOLS {
        let api = setup(p);
        let given = format!("arn:aws:gamelift:us-west-2:123456789012:fleet/{FLEET}");
        let created = api.ok(
            "CreateGameSessionQueue",
            json!({"Name": "q", "Destinations": [{"DestinationArn": given}, {"DestinationArn": "fleet-other"}]}),
        );
        let own = "arn:aws:gamelift:us-west-2:123456789012:fleet/fleet-other";
        let expected = json!([{"DestinationArn": given}, {"DestinationArn": own}]);
        assert_eq!(
            created["GameSessionQueue"]["Destinations"], expected,
            "{p:?}"
        );
        let described = api.ok("DescribeGameSessionQueues", json!({"Names": ["q"]}));
        assert_eq!(described["GameSessionQueues"][0]["Destinations"], expected);
        // An update that does not name destinations keeps them as they were given.
        let updated = api.ok(
            "UpdateGameSessionQueue",
            json!({"Name": "q", "TimeoutInSeconds": 20}),
        );
        assert_eq!(updated["GameSessionQueue"]["Destinations"], expected);

        api.ok(
            "StartGameSessionPlacement",
            json!({"PlacementId": "pl-1", "GameSessionQueueName": "q",
                   "MaximumPlayerSessionCount": 2}),
        );
        assert!(
            api.shared()
                .read(|c| c.process("p1").unwrap().game_session_id.is_some()),
            "{p:?}: the placement went to the fleet the ARN names"
        );
    }
}
/// CreateFleet with ComputeType ANYWHERE answers the FleetAttributes the service answers
/// for an Anywhere fleet. service-api.md §9.3 CreateFleet: "EC2-only members (... `FleetType` ...)
/// do not apply", and the developer guide's example response ("Create an Amazon
/// GameLift Servers Anywhere fleet", AWS CLI tab,
/// https://docs.aws.amazon.com/gamelift/latest/developerguide/fleets-creating-anywhere.html)
/// has FleetId, FleetArn, Name, CreationTime, Status ACTIVE, MetricGroups ["default"],
/// CertificateConfiguration DISABLED and ComputeType ANYWHERE, and no FleetType (On-Demand
/// versus Spot is about EC2 instances). AnywhereConfiguration is "a set of attributes that
/// are specific to an Anywhere fleet" (model, FleetAttributes): the Cost given is echoed,
/// by DescribeFleetAttributes too.
#[test]
fn create_fleet_anywhere_echoes_its_configuration_and_no_fleet_type() {
    for p in PROTOCOLS {
        let api = setup(p);
        let out = api.ok(
            "CreateFleet",
            json!({"Name": "office", "ComputeType": "ANYWHERE",
                   "Locations": [{"Location": "custom-office"}],
                   "AnywhereConfiguration": {"Cost": "12.5"}}),
        );
        let attrs = &out["FleetAttributes"];
        let id = attrs["FleetId"].as_str().unwrap();
        assert_eq!(attrs["ComputeType"], "ANYWHERE", "{p:?}");
        assert_eq!(attrs["Status"], "ACTIVE");
        assert_eq!(attrs["AnywhereConfiguration"], json!({"Cost": "12.5"}));
        assert_eq!(attrs["MetricGroups"], json!(["default"]));
        assert_eq!(
            attrs["CertificateConfiguration"],
            json!({"CertificateType": "DISABLED"})
        );
        assert_eq!(attrs.get("FleetType"), None, "{attrs}");
        let described = api.ok("DescribeFleetAttributes", json!({"FleetIds": [id]}));
        assert_eq!(
            described["FleetAttributes"][0]["AnywhereConfiguration"],
            json!({"Cost": "12.5"})
        );
        // Without one, none is reported.
        let plain = api.ok(
            "CreateFleet",
            json!({"Name": "plain", "ComputeType": "ANYWHERE"}),
        );
        assert_eq!(plain["FleetAttributes"].get("AnywhereConfiguration"), None);
        // Cost is a number of up to 5 digits and 5 decimals (model shape
        // NonNegativeLimitedLengthDouble); anything else is refused, naming the member.
        let e = api.err(
            "CreateFleet",
            json!({"Name": "bad", "ComputeType": "ANYWHERE",
                   "AnywhereConfiguration": {"Cost": "cheap"}}),
        );
        assert_eq!(e.code, "InvalidRequestException", "{p:?}");
        assert!(e.message.contains("cost"), "{}", e.message);
    }
}
/// A game server connects with the ComputeId (HostId) of the machine it runs on
/// (sdk-wire-protocol.md §1.2: "`ComputeId` | Host ID (compute name) | always"):
/// ListCompute lists that compute, next to registered ones,
/// and DescribeCompute describes it, in the fleet's location, at the daemon's address.
#[test]
fn list_compute_lists_the_computes_connected_game_servers_come_from() {
    for p in PROTOCOLS {
        let api = setup(p);
        api.ok(
            "RegisterCompute",
            json!({"FleetId": FLEET, "ComputeName": "registered", "IpAddress": "10.0.0.1"}),
        );
        ready_process(&api, "p2", "laptop", 2);
        ready_process(&api, "p3", "laptop", 3);
        let listed = api.ok("ListCompute", json!({"FleetId": FLEET}));
        let names: Vec<&str> = listed["ComputeList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["ComputeName"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["laptop", "registered"], "{p:?}: {listed}");
        let laptop = &listed["ComputeList"][0];
        assert_eq!(
            laptop["ComputeArn"],
            "arn:aws:gamelift:us-west-2:123456789012:compute/laptop"
        );
        assert_eq!(laptop["ComputeStatus"], "ACTIVE");
        assert_eq!(laptop["IpAddress"], "127.0.0.1");
        let described = api.ok(
            "DescribeCompute",
            json!({"FleetId": FLEET, "ComputeName": "laptop"}),
        );
        assert_eq!(described["Compute"]["Location"], laptop["Location"]);
    }
}
