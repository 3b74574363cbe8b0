//! Round trips against the JSON examples of `docs/sdk-wire-protocol.md`.
//!
//! Each test decodes a message written the way the reference shows it (and, where the Go and
//! C++ SDKs differ, both ways), checks the typed values, encodes it again and checks the keys
//! that go back on the wire.

use super::*;
use serde_json::{json, Value};

fn decode_request(v: Value) -> Request {
    serde_json::from_value(v).expect("request decodes")
}

fn encode<T: serde::Serialize>(t: &T) -> Value {
    serde_json::to_value(t).expect("encodes")
}

/// §3.1 ActivateServerProcess, Go form: optional tool keys present, `LogPaths` a list.
#[test]
fn activate_server_process_go_form() {
    let v = json!({"Action":"ActivateServerProcess","RequestId":"2b0d9c8e-5c1a-4a55-9f3e-0f4f7c1d2e3a",
        "SdkVersion":"5.6.0","SdkLanguage":"Go","SdkToolName":"Metrics","SdkToolVersion":"1.0.0",
        "Port":7777,"LogPaths":["/local/game/logs"]});
    let Request::ActivateServerProcess(r) = decode_request(v.clone()) else {
        panic!("wrong variant")
    };
    assert_eq!(r.request_id, "2b0d9c8e-5c1a-4a55-9f3e-0f4f7c1d2e3a");
    assert_eq!(r.sdk_version, "5.6.0");
    assert_eq!(r.sdk_language, "Go");
    assert_eq!(r.sdk_tool_name.as_deref(), Some("Metrics"));
    assert_eq!(r.port, Some(7777));
    assert_eq!(r.log_paths, vec!["/local/game/logs".to_owned()]);
    assert_eq!(encode(&Request::ActivateServerProcess(r)), v);
}

/// §3.1 and §9 rows 14–15: Go sends `"LogPaths":null`; C++ leaves `LogPaths` and `Port` out.
#[test]
fn activate_server_process_null_and_missing_keys() {
    let go = decode_request(
        json!({"Action":"ActivateServerProcess","RequestId":"r","SdkVersion":"5.6.0","SdkLanguage":"Go","Port":7777,"LogPaths":null}),
    );
    let cpp = decode_request(
        json!({"Action":"ActivateServerProcess","RequestId":"r","SdkVersion":"5.4.0","SdkLanguage":"Cpp"}),
    );
    let (Request::ActivateServerProcess(go), Request::ActivateServerProcess(cpp)) = (go, cpp)
    else {
        panic!("wrong variant")
    };
    assert!(go.log_paths.is_empty());
    assert!(cpp.log_paths.is_empty());
    assert_eq!(cpp.port, None);
    assert_eq!(cpp.sdk_tool_name, None);
}

/// §3.2: `HealthStatus` is a required JSON boolean.
#[test]
fn heartbeat_requires_a_boolean() {
    let ok = decode_request(
        json!({"Action":"HeartbeatServerProcess","RequestId":"r","HealthStatus":false}),
    );
    assert_eq!(
        ok,
        Request::HeartbeatServerProcess(HeartbeatServerProcess {
            request_id: "r".into(),
            health_status: false
        })
    );
    let missing = serde_json::from_value::<Request>(
        json!({"Action":"HeartbeatServerProcess","RequestId":"r"}),
    );
    assert!(missing.unwrap_err().to_string().contains("HealthStatus"));
}

/// §3.3–§3.5: game-session-scoped actions; C++ leaves `GameSessionId` out when empty.
#[test]
fn game_session_scoped_requests() {
    let gs = "arn:aws:gamelift:us-west-2::gamesession/fleet-1a2b/gsess-77";
    let act = json!({"Action":"ActivateGameSession","RequestId":"r","GameSessionId":gs});
    let Request::ActivateGameSession(a) = decode_request(act.clone()) else {
        panic!()
    };
    assert_eq!(a.game_session_id, gs);
    assert_eq!(encode(&Request::ActivateGameSession(a)), act);

    let cpp = decode_request(json!({"Action":"ActivateGameSession","RequestId":"r"}));
    assert_eq!(
        cpp,
        Request::ActivateGameSession(ActivateGameSession {
            request_id: "r".into(),
            game_session_id: String::new()
        })
    );

    for action in ["AcceptPlayerSession", "RemovePlayerSession"] {
        let v = json!({"Action":action,"RequestId":"r","GameSessionId":gs,"PlayerSessionId":"psess-5f0e"});
        let req = decode_request(v.clone());
        assert_eq!(req.action(), action);
        assert_eq!(req.request_id(), "r");
        assert_eq!(encode(&req), v);
    }

    let policy = json!({"Action":"UpdatePlayerSessionCreationPolicy","RequestId":"r","GameSessionId":gs,"PlayerSessionPolicy":"DENY_ALL"});
    let Request::UpdatePlayerSessionCreationPolicy(p) = decode_request(policy.clone()) else {
        panic!()
    };
    assert_eq!(
        p.player_session_policy,
        PlayerSessionCreationPolicy::DenyAll
    );
    assert_eq!(
        encode(&Request::UpdatePlayerSessionCreationPolicy(p)),
        policy
    );
    // §9 row 23: C++ may send NOT_SET; it must decode so the daemon can refuse it by name.
    let not_set = decode_request(
        json!({"Action":"UpdatePlayerSessionCreationPolicy","RequestId":"r","GameSessionId":gs,"PlayerSessionPolicy":"NOT_SET"}),
    );
    let Request::UpdatePlayerSessionCreationPolicy(p) = not_set else {
        panic!()
    };
    assert_eq!(p.player_session_policy, PlayerSessionCreationPolicy::NotSet);
}

/// §3.6: DescribePlayerSessions request and reply, integers as integers, `Status` present.
#[test]
fn describe_player_sessions_round_trip() {
    let req = json!({"Action":"DescribePlayerSessions","RequestId":"r","GameSessionId":"arn:x/gsess-77","PlayerSessionStatusFilter":"ACTIVE","NextToken":"t-1","Limit":10});
    let Request::DescribePlayerSessions(d) = decode_request(req.clone()) else {
        panic!()
    };
    assert_eq!(d.limit, Some(10));
    assert_eq!(d.player_id, None);
    assert_eq!(encode(&Request::DescribePlayerSessions(d)), req);

    let reply = json!({"Action":"DescribePlayerSessions","RequestId":"r","StatusCode":200,"NextToken":"t-2",
        "PlayerSessions":[{"PlayerSessionId":"psess-5f0e","PlayerId":"player-1","GameSessionId":"arn:x/gsess-77",
        "FleetId":"fleet-1a2b","CreationTime":1735689600000i64,"TerminationTime":0,"Status":"ACTIVE",
        "IpAddress":"10.0.0.5","Port":7777,"PlayerData":"{\"lvl\":3}","DnsName":"ec2-10-0-0-5.compute.internal"}]});
    let parsed: Reply<DescribePlayerSessionsReply> = serde_json::from_value(reply.clone()).unwrap();
    assert!(parsed.is_ok());
    let ps = &parsed.payload.player_sessions[0];
    assert_eq!(ps.status, PlayerSessionStatus::Active);
    assert_eq!(ps.creation_time, 1_735_689_600_000);
    assert_eq!(ps.port, 7777);
    assert_eq!(encode(&parsed), reply);
}

/// §3.7 and §5.6: StartMatchBackfill in the Go form (integer `N`, `TicketId:""`) and the C++
/// form (`N` as `23.0`, empty maps as `{}`, `TicketId` left out).
#[test]
fn start_match_backfill_go_and_cpp_forms() {
    let go = json!({"Action":"StartMatchBackfill","RequestId":"r",
        "GameSessionArn":"arn:aws:gamelift:us-west-2::gamesession/fleet-1a2b/gsess-77",
        "MatchmakingConfigurationArn":"arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/Duel",
        "TicketId":"",
        "Players":[{"PlayerId":"player-1","Team":"red",
            "PlayerAttributes":{"skill":{"AttrType":"DOUBLE","N":23},"mode":{"AttrType":"STRING","S":"ctf"},
                "items":{"AttrType":"STRING_LIST","SL":["a","b"]},
                "ranks":{"AttrType":"STRING_DOUBLE_MAP","SDM":{"ctf":3.5}}},
            "LatencyInMs":{"us-west-2":42}},
            {"PlayerId":"player-2","Team":"","PlayerAttributes":null,"LatencyInMs":null}]});
    let Request::StartMatchBackfill(b) = decode_request(go) else {
        panic!()
    };
    assert_eq!(b.ticket_id, "");
    let p = &b.players[0];
    assert_eq!(p.player_attributes["skill"], AttributeValue::Double(23.0));
    assert_eq!(
        p.player_attributes["mode"],
        AttributeValue::String("ctf".into())
    );
    assert_eq!(
        p.player_attributes["items"],
        AttributeValue::StringList(vec!["a".into(), "b".into()])
    );
    assert_eq!(
        p.player_attributes["ranks"],
        AttributeValue::StringDoubleMap([("ctf".to_owned(), 3.5)].into_iter().collect())
    );
    assert_eq!(p.latency_in_ms["us-west-2"], 42);
    assert!(b.players[1].player_attributes.is_empty());
    assert!(b.players[1].latency_in_ms.is_empty());

    let cpp = json!({"Action":"StartMatchBackfill","RequestId":"r","GameSessionArn":"g","MatchmakingConfigurationArn":"m",
        "Players":[{"PlayerId":"player-1","PlayerAttributes":{"skill":{"AttrType":"DOUBLE","N":23.0}},"LatencyInMs":{}}]});
    let Request::StartMatchBackfill(c) = decode_request(cpp) else {
        panic!()
    };
    assert_eq!(c.ticket_id, "");
    assert_eq!(c.players[0].team, "");
    assert_eq!(
        c.players[0].player_attributes["skill"],
        AttributeValue::Double(23.0)
    );

    let reply: Reply<StartMatchBackfillReply> = serde_json::from_value(
        json!({"Action":"StartMatchBackfill","RequestId":"r","StatusCode":200,"TicketId":"b1f6"}),
    )
    .unwrap();
    assert_eq!(reply.payload.ticket_id, "b1f6");
}

/// §5.6: `AttrType` is matched without regard to case (Go), an empty value key reads as empty
/// (Go leaves it out), and a DOUBLE without `N` or an unknown type is refused by name.
#[test]
fn attribute_value_leniency_and_errors() {
    let lower: AttributeValue =
        serde_json::from_value(json!({"AttrType":"string","S":"x"})).unwrap();
    assert_eq!(lower, AttributeValue::String("x".into()));
    let empty: AttributeValue = serde_json::from_value(json!({"AttrType":"STRING_LIST"})).unwrap();
    assert_eq!(empty, AttributeValue::StringList(vec![]));
    let none: AttributeValue = serde_json::from_value(json!({"AttrType":"NONE"})).unwrap();
    assert_eq!(encode(&none), json!({"AttrType":"NONE"}));
    let err = serde_json::from_value::<AttributeValue>(json!({"AttrType":"DOUBLE"})).unwrap_err();
    assert!(err.to_string().contains("needs a number in N"), "{err}");
    let err =
        serde_json::from_value::<AttributeValue>(json!({"AttrType":"BOOL","S":"x"})).unwrap_err();
    assert!(
        err.to_string().contains("unknown AttrType \"BOOL\""),
        "{err}"
    );
}

/// §3.8–§3.11: the remaining requests and their replies.
#[test]
fn remaining_requests_and_replies() {
    for v in [
        json!({"Action":"StopMatchBackfill","RequestId":"r","GameSessionArn":"arn:x/gsess-77","MatchmakingConfigurationArn":"arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/Duel","TicketId":"b1f6"}),
        json!({"Action":"TerminateServerProcess","RequestId":"r"}),
        json!({"Action":"GetComputeCertificate","RequestId":"r"}),
        json!({"Action":"GetFleetRoleCredentials","RequestId":"r","RoleArn":"arn:aws:iam::123456789012:role/game-role","RoleSessionName":"fleet-1a2b-my-host"}),
    ] {
        assert_eq!(encode(&decode_request(v.clone())), v);
    }
    let cert: Reply<GetComputeCertificateReply> = serde_json::from_value(json!({"Action":"GetComputeCertificate","RequestId":"r","StatusCode":200,"CertificatePath":"/local/gamemetadata/cert.pem","ComputeName":"my-host"})).unwrap();
    assert_eq!(cert.payload.compute_name, "my-host");
    let creds: Reply<GetFleetRoleCredentialsReply> = serde_json::from_value(json!({"Action":"GetFleetRoleCredentials","RequestId":"r","StatusCode":200,
        "AssumedRoleUserArn":"arn:aws:sts::123456789012:assumed-role/game-role/fleet-1a2b-my-host",
        "AssumedRoleId":"AROAEXAMPLE:fleet-1a2b-my-host","AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"s",
        "SessionToken":"t","Expiration":1735693200000i64})).unwrap();
    assert_eq!(creds.payload.expiration, 1_735_693_200_000);
    assert_eq!(creds.payload.access_key_id, "ASIAEXAMPLE");
}

/// §3: the minimal success reply and the error reply, exactly as the reference prints them.
#[test]
fn success_and_error_replies() {
    assert_eq!(
        encode(&Reply::ok("AcceptPlayerSession", "abc", Empty {})),
        json!({"Action":"AcceptPlayerSession","RequestId":"abc","StatusCode":200})
    );
    assert_eq!(
        encode(&Reply::error(
            "AcceptPlayerSession",
            "abc",
            400,
            "Player session psess-123 is not RESERVED"
        )),
        json!({"Action":"AcceptPlayerSession","RequestId":"abc","StatusCode":400,"ErrorMessage":"Player session psess-123 is not RESERVED"})
    );
}

/// An unknown `Action` does not decode as a request: the daemon answers it with an error.
#[test]
fn unknown_action_is_refused() {
    let err =
        serde_json::from_value::<Request>(json!({"Action":"Fly","RequestId":"r"})).unwrap_err();
    assert!(err.to_string().contains("unknown variant `Fly`"), "{err}");
    assert_eq!(Request::ACTIONS.len(), 12);
}

/// §4.1 CreateGameSession: `GameSessionName`, `GameProperties` as an object, integers.
#[test]
fn create_game_session_push() {
    let v = json!({"Action":"CreateGameSession","RequestId":"c0ffee00-0000-4000-8000-000000000001","StatusCode":200,
        "GameSessionId":"arn:aws:gamelift:us-west-2::gamesession/fleet-1a2b/gsess-77",
        "GameSessionName":"duel-77","GameSessionData":"map=arena","MatchmakerData":"{\"matchId\":\"m\"}",
        "DnsName":"ec2-1-2-3-4.us-west-2.compute.amazonaws.com","IpAddress":"1.2.3.4","Port":7777,
        "MaximumPlayerSessionCount":8,"GameProperties":{"difficulty":"hard","mode":"ctf"}});
    let Inbound::Push(Push::CreateGameSession(c)) = Inbound::classify(&v.to_string()).unwrap()
    else {
        panic!("not classified as a CreateGameSession push")
    };
    assert_eq!(c.game_session_name, "duel-77");
    assert_eq!(c.maximum_player_session_count, 8);
    assert_eq!(c.game_properties["mode"], "ctf");
    assert_eq!(encode(&Push::CreateGameSession(c)), v);

    // GameProperties may be null or hold non-string values, which are skipped (§4.1).
    let lenient: CreateGameSession =
        serde_json::from_value(json!({"GameSessionId":"g","GameProperties":{"a":"b","n":3}}))
            .unwrap();
    assert_eq!(lenient.game_properties.len(), 1);
    let null: CreateGameSession =
        serde_json::from_value(json!({"GameSessionId":"g","GameProperties":null})).unwrap();
    assert!(null.game_properties.is_empty());
}

/// §4.2 UpdateGameSession: the nested object calls the name `Name`; unknown reasons → UNKNOWN.
#[test]
fn update_game_session_push() {
    let v = json!({"Action":"UpdateGameSession","RequestId":"u","StatusCode":200,
        "GameSession":{"GameSessionId":"arn:x/gsess-77","Name":"duel-77","FleetId":"fleet-1a2b",
            "MaximumPlayerSessionCount":8,"Port":7777,"IpAddress":"1.2.3.4","DnsName":"ec2-x",
            "GameSessionData":"map=arena","MatchmakerData":"{}","GameProperties":{"mode":"ctf"}},
        "UpdateReason":"MATCHMAKING_DATA_UPDATED","BackfillTicketId":"b1f6"});
    let Ok(Inbound::Push(Push::UpdateGameSession(u))) = Inbound::classify(&v.to_string()) else {
        panic!("not an UpdateGameSession push")
    };
    assert_eq!(u.game_session.name, "duel-77");
    assert_eq!(u.update_reason, Some(UpdateReason::MatchmakingDataUpdated));
    assert_eq!(u.backfill_ticket_id, "b1f6");
    assert_eq!(encode(&Push::UpdateGameSession(u)), v);

    let odd: UpdateGameSession =
        serde_json::from_value(json!({"UpdateReason":"SOMETHING_NEW"})).unwrap();
    assert_eq!(odd.update_reason, Some(UpdateReason::Unknown));
    let absent: UpdateGameSession = serde_json::from_value(json!({})).unwrap();
    assert_eq!(absent.update_reason, None);
}

/// §4.3–§4.4: TerminateProcess (epoch ms) and RefreshConnection.
#[test]
fn terminate_and_refresh_pushes() {
    let t = json!({"Action":"TerminateProcess","RequestId":"t","StatusCode":200,"TerminationTime":1735690500000i64});
    let Ok(Inbound::Push(Push::TerminateProcess(p))) = Inbound::classify(&t.to_string()) else {
        panic!()
    };
    assert_eq!(p.termination_time, 1_735_690_500_000);
    let r = json!({"Action":"RefreshConnection","RequestId":"x","StatusCode":200,"RefreshConnectionEndpoint":"wss://h","AuthToken":"tok"});
    let Ok(Inbound::Push(Push::RefreshConnection(p))) = Inbound::classify(&r.to_string()) else {
        panic!()
    };
    assert_eq!(p.auth_token, "tok");
    assert_eq!(encode(&Push::RefreshConnection(p)), r);
}

/// §2.2: the dispatch rules of both SDKs.
#[test]
fn classify_follows_the_dispatch_rules() {
    // A push without RequestId and StatusCode is still a push.
    assert!(matches!(
        Inbound::classify(r#"{"Action":"TerminateProcess","TerminationTime":5}"#),
        Ok(Inbound::Push(Push::TerminateProcess(_)))
    ));
    // A push WITH RequestId but without StatusCode is an error reply (and so dropped by SDKs).
    assert!(matches!(
        Inbound::classify(r#"{"Action":"CreateGameSession","RequestId":"q","GameSessionId":"g"}"#),
        Ok(Inbound::ErrorReply {
            status_code: -1,
            ..
        })
    ));
    // Any status other than 200, other 2xx included, is an error.
    let Ok(Inbound::ErrorReply {
        status_code,
        error_message,
        action,
        ..
    }) = Inbound::classify(
        r#"{"Action":"AcceptPlayerSession","RequestId":"q","StatusCode":201,"ErrorMessage":"no"}"#,
    )
    else {
        panic!()
    };
    assert_eq!(
        (status_code, error_message.as_deref(), action.as_str()),
        (201, Some("no"), "AcceptPlayerSession")
    );
    // A 200 with a non-push action is a success reply carrying the whole body.
    let Ok(Inbound::Reply {
        request_id, body, ..
    }) = Inbound::classify(
        r#"{"Action":"StartMatchBackfill","RequestId":"q","StatusCode":200,"TicketId":"t"}"#,
    )
    else {
        panic!()
    };
    assert_eq!(request_id, "q");
    assert_eq!(body["TicketId"], "t");
    // Not JSON, or not an object.
    assert!(matches!(
        Inbound::classify("nope"),
        Err(InboundError::NotJson(_))
    ));
    assert!(matches!(
        Inbound::classify("[1]"),
        Err(InboundError::NotJson(_))
    ));
}

/// §5.2 and the guide's "使用对战构建器数据" example: camelCase keys, attributes typed by the
/// JSON type of `valueAttribute`, written back with `attributeType`.
#[test]
fn matchmaker_data_document() {
    let text = r#"{"matchId":"1111aaaa-22bb-33cc-44dd-5555eeee66ff",
      "matchmakingConfigurationArn":"arn:aws:gamelift:us-west-2:111122223333:matchmakingconfiguration/MyMatchmakerConfig",
      "teams":[{"name":"attacker","players":[{"playerId":"4444dddd-55ee-66ff-77aa-8888bbbb99cc",
          "attributes":{"skills":{"attributeType":"STRING_DOUBLE_MAP","valueAttribute":{"Body":10.0,"Mind":12.0,"Heart":15.0,"Soul":33.0}}}}]},
        {"name":"defender","players":[{"playerId":"3333cccc-44dd-55ee-66ff-7777aaaa88bb",
          "attributes":{"skills":{"attributeType":"STRING_DOUBLE_MAP","valueAttribute":{"Body":11.0,"Mind":12.0,"Heart":11.0,"Soul":40.0}}}}]}],
      "autoBackfillTicketId":"b1f6","autoBackfillMode":"AUTOMATIC"}"#;
    let md = MatchmakerData::parse(text).unwrap();
    assert_eq!(md.configuration_name(), Some("MyMatchmakerConfig"));
    assert_eq!(md.teams.len(), 2);
    assert_eq!(md.teams[1].name, "defender");
    let AttributeValue::StringDoubleMap(skills) = &md.teams[1].players[0].attributes["skills"]
    else {
        panic!("skills is a map")
    };
    assert_eq!(skills["Soul"], 40.0);
    assert_eq!(md.auto_backfill_mode, Some(BackfillMode::Automatic));

    let again: Value = serde_json::from_str(&md.to_json()).unwrap();
    assert_eq!(
        again["teams"][0]["players"][0]["attributes"]["skills"]["attributeType"],
        "STRING_DOUBLE_MAP"
    );
    assert_eq!(
        again["teams"][0]["players"][0]["attributes"]["skills"]["valueAttribute"]["Body"],
        10.0
    );
    assert_eq!(MatchmakerData::parse(&md.to_json()).unwrap(), md);

    // Number → DOUBLE, string → STRING, list → STRING_LIST with non-strings dropped (§5.2).
    let mixed = MatchmakerData::parse(r#"{"teams":[{"name":"t","players":[{"playerId":"p","attributes":{
        "skill":{"attributeType":"STRING","valueAttribute":23},"maps":{"valueAttribute":["a",1,"b"]}}}]}]}"#).unwrap();
    let attrs = &mixed.teams[0].players[0].attributes;
    assert_eq!(attrs["skill"], AttributeValue::Double(23.0));
    assert_eq!(
        attrs["maps"],
        AttributeValue::StringList(vec!["a".into(), "b".into()])
    );
}

/// §5.2: the daemon writes `matchmakingConfigurationArn` and `teams` only when they hold
/// something. A matched game session's document always has both (FlexMatch names its
/// configuration and every team of the rule set), so its JSON keeps every key; a document
/// with only a match id, which a test or a tool hands the daemon, renders as just that. A
/// reader sees a missing key as empty (`#[serde(default)]` here; Go's `encoding/json`, which
/// `model/matchmaker_data.go` uses per §5.2, leaves the zero value), so both read back the same.
#[test]
fn matchmaker_data_leaves_out_an_empty_arn_and_no_teams() {
    let bare = MatchmakerData {
        match_id: "m-1".into(),
        ..MatchmakerData::default()
    };
    assert_eq!(bare.to_json(), r#"{"matchId":"m-1"}"#);
    assert_eq!(MatchmakerData::parse(&bare.to_json()).unwrap(), bare);

    let full = MatchmakerData {
        match_id: "m-2".into(),
        matchmaking_configuration_arn:
            "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/Duel".into(),
        teams: vec![
            MatchedTeam {
                name: "red".into(),
                players: vec![MatchedPlayer {
                    player_id: "p1".into(),
                    attributes: [("skill".to_string(), AttributeValue::Double(23.0))].into(),
                }],
            },
            MatchedTeam {
                name: "blue".into(),
                players: Vec::new(),
            },
        ],
        auto_backfill_ticket_id: None,
        auto_backfill_mode: Some(BackfillMode::Manual),
    };
    assert_eq!(
        full.to_json(),
        concat!(
            r#"{"matchId":"m-2","#,
            r#""matchmakingConfigurationArn":"arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/Duel","#,
            r#""teams":[{"name":"red","players":[{"playerId":"p1","attributes":{"skill":{"attributeType":"DOUBLE","valueAttribute":23.0}}}]},"#,
            r#"{"name":"blue","players":[]}],"autoBackfillMode":"MANUAL"}"#
        )
    );
}
