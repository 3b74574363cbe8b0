//! One inbound message → one reply (sdk-wire-protocol.md §2–§3).
//!
//! Split in two so the hub lock is held only for the part that touches state:
//! [`parse`] (size, JSON, envelope, the action's fields) runs outside it, and
//! [`execute`] (idempotency check, the core command, caching the answer) inside it.
//! Every failure becomes an error reply that echoes whatever `Action` and `RequestId`
//! could be read and says what is wrong and where; nothing here panics.
//!
//! A well-formed request is read in one pass straight into [`Request`]; only a message that
//! fails that is read again as a generic JSON value, to say precisely what is wrong with it.

use playfield_sdk::validate;
use playfield_sdk::wire::{self, Request};
use serde::Deserialize;
use serde_json::Value;

use super::{render, MAX_MESSAGE_BYTES};
use crate::wiring::hub::Hub;
use playfield_core::Millis;
use playfield_core::{self as core, CoreError};

/// Who sent the message: fixed for the connection by its query string.
#[derive(Debug, Clone)]
pub(crate) struct ConnCtx {
    pub(crate) pid: String,
    pub(crate) compute_id: Option<String>,
}

/// A request that parsed.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub(crate) action: &'static str,
    pub(crate) request_id: String,
    pub(crate) request: Request,
}

/// Reads a message. `Err` is the error reply to send.
pub(crate) fn parse(text: &str) -> Result<Parsed, String> {
    if text.len() > MAX_MESSAGE_BYTES {
        let (action, request_id) = peek_envelope(text);
        return Err(render::error(
            &action,
            &request_id,
            400,
            format!(
                "message is {} bytes; the limit is {MAX_MESSAGE_BYTES} bytes",
                text.len()
            ),
        ));
    }
    // The common case: one pass, no intermediate JSON tree. Whatever this accepts,
    // `parse_tree` accepts the same way (tested below); the rest it explains.
    if let Ok(request) = serde_json::from_str::<Request>(text) {
        if !request.request_id().is_empty() {
            return Ok(Parsed {
                action: request.action(),
                request_id: request.request_id().to_owned(),
                request,
            });
        }
    }
    parse_tree(text)
}

/// Reads a message through a generic JSON value, so that each way it can be wrong gets its
/// own error reply.
fn parse_tree(text: &str) -> Result<Parsed, String> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| render::error("", "", 400, format!("message is not valid JSON: {e}")))?;
    let Value::Object(map) = &value else {
        return Err(render::error(
            "",
            "",
            400,
            format!("message must be a JSON object, got {}", json_kind(&value)),
        ));
    };
    let request_id = match map.get("RequestId") {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    let action =
        match map.get("Action") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                return Err(render::error(
                    "",
                    &request_id,
                    400,
                    format!("\"Action\" must be a string, got {}", json_kind(other)),
                ))
            }
            None => return Err(render::error(
                "",
                &request_id,
                400,
                "\"Action\" is missing: every message names its action (sdk-wire-protocol.md §2.1)",
            )),
        };
    let Some(known) = Request::ACTIONS.iter().find(|a| **a == action) else {
        let why = if wire::Push::is_push_action(&action) {
            format!("{action} is a push the service sends; a game server cannot send it")
        } else {
            format!(
                "unknown Action \"{action}\"; expected one of {}",
                Request::ACTIONS.join(", ")
            )
        };
        return Err(render::error(&action, &request_id, 400, why));
    };
    if request_id.is_empty() {
        return Err(render::error(
            known,
            "",
            400,
            format!("{known}: \"RequestId\" is missing or not a string; every request needs one (sdk-wire-protocol.md §2.1)"),
        ));
    }
    let request: Request = match Request::deserialize(&value) {
        Ok(request) => request,
        Err(e) => {
            let why = match culprit(known, &value) {
                Some(member) => format!("{known}: \"{member}\": {e}"),
                None => format!("{known}: {e}"),
            };
            return Err(render::error(known, &request_id, 400, why));
        }
    };
    Ok(Parsed {
        action: known,
        request_id,
        request,
    })
}

/// Answers a parsed request; a repeated RequestId gets the first answer again.
pub(crate) fn execute(hub: &mut Hub, now: Millis, ctx: &ConnCtx, p: Parsed) -> String {
    if let Some((action, reply)) = hub.gateway.cached_reply(&ctx.pid, &p.request_id) {
        if action == p.action {
            return reply.to_string();
        }
        return render::error(
            p.action,
            &p.request_id,
            400,
            format!(
                "RequestId '{}' was already used for {action}; a retry must repeat the same action",
                p.request_id
            ),
        );
    }
    let reply = match run(hub, now, ctx, &p) {
        Ok(reply) => reply,
        Err((status, message)) => render::error(p.action, &p.request_id, status, message),
    };
    hub.gateway
        .replies_for(&ctx.pid)
        .insert(p.request_id, p.action, reply.clone());
    reply
}

type Outcome = Result<String, (u16, String)>;

fn core_err(e: CoreError) -> (u16, String) {
    (render::status_code(&e), e.to_string())
}

fn bad(message: impl Into<String>) -> (u16, String) {
    (400, message.into())
}

/// A field the SDK's own checks refuse (the GO SDK makes them on its side, sdk-wire-protocol.md
/// §7.14; the CPP SDK only checks for emptiness, so its game servers get the same error here).
fn invalid(e: playfield_sdk::Error) -> (u16, String) {
    match e {
        playfield_sdk::Error::Validation { field, reason } => bad(format!("{field}: {reason}")),
        other => bad(other.to_string()),
    }
}

fn required(field: &str, value: &str) -> Result<(), (u16, String)> {
    if value.is_empty() {
        return Err(bad(format!("{field} is missing")));
    }
    Ok(())
}

fn run(hub: &mut Hub, now: Millis, ctx: &ConnCtx, p: &Parsed) -> Outcome {
    let core = &mut hub.core;
    let pid = ctx.pid.as_str();
    let (action, rid) = (p.action, p.request_id.as_str());
    let done = |r: Result<(), CoreError>| r.map(|_| render::ok(action, rid, wire::Empty {}));
    match &p.request {
        Request::ActivateServerProcess(r) => {
            let port = match r.port {
                None | Some(0) => None,
                Some(n) => Some(
                    u16::try_from(n)
                        .map_err(|_| bad(format!("Port {n} is out of range 1..65535")))?,
                ),
            };
            let ready = core::ProcessReady {
                port,
                log_paths: r.log_paths.clone(),
                sdk_version: Some(r.sdk_version.clone()).filter(|s| !s.is_empty()),
                sdk_language: Some(r.sdk_language.clone()).filter(|s| !s.is_empty()),
            };
            done(core.process_ready(now, pid, ready)).map_err(core_err)
        }
        Request::HeartbeatServerProcess(r) => {
            done(core.heartbeat(now, pid, r.health_status)).map_err(core_err)
        }
        Request::ActivateGameSession(r) => {
            required("GameSessionId", &r.game_session_id)?;
            done(core.activate_game_session(now, pid, &r.game_session_id)).map_err(core_err)
        }
        Request::AcceptPlayerSession(r) => {
            required("GameSessionId", &r.game_session_id)?;
            required("PlayerSessionId", &r.player_session_id)?;
            let res =
                core.accept_player_session(now, pid, &r.game_session_id, &r.player_session_id);
            done(res).map_err(core_err)
        }
        Request::RemovePlayerSession(r) => {
            required("GameSessionId", &r.game_session_id)?;
            required("PlayerSessionId", &r.player_session_id)?;
            let res =
                core.remove_player_session(now, pid, &r.game_session_id, &r.player_session_id);
            done(res).map_err(core_err)
        }
        Request::UpdatePlayerSessionCreationPolicy(r) => {
            required("GameSessionId", &r.game_session_id)?;
            let policy =
                match r.player_session_policy {
                    wire::PlayerSessionCreationPolicy::AcceptAll => {
                        core::PlayerSessionCreationPolicy::AcceptAll
                    }
                    wire::PlayerSessionCreationPolicy::DenyAll => {
                        core::PlayerSessionCreationPolicy::DenyAll
                    }
                    wire::PlayerSessionCreationPolicy::NotSet => return Err(bad(
                        "PlayerSessionPolicy NOT_SET is not a policy; send ACCEPT_ALL or DENY_ALL",
                    )),
                };
            let res = core.update_player_session_creation_policy(pid, &r.game_session_id, policy);
            done(res).map_err(core_err)
        }
        Request::DescribePlayerSessions(r) => {
            let q = core::DescribePlayerSessions::from_parts(
                r.game_session_id.clone(),
                r.player_id.clone(),
                r.player_session_id.clone(),
                r.player_session_status_filter.as_deref(),
                r.limit.map(i64::from),
                r.next_token.as_deref(),
            )
            .map_err(core_err)?;
            let page = core.describe_player_sessions(&q).map_err(core_err)?;
            let payload = wire::DescribePlayerSessionsReply {
                next_token: page.next_token,
                player_sessions: page
                    .player_sessions
                    .iter()
                    .map(render::player_session)
                    .collect(),
            };
            Ok(render::ok(action, rid, payload))
        }
        Request::StartMatchBackfill(r) => {
            required("GameSessionArn", &r.game_session_arn)?;
            validate::arn_like("GameSessionArn", &r.game_session_arn).map_err(invalid)?;
            check_configuration_arn(&r.matchmaking_configuration_arn)?;
            validate::optional_ticket_id(&r.ticket_id).map_err(invalid)?;
            if r.players.is_empty() {
                return Err(bad(
                    "Players is empty; a backfill request needs the players in the game",
                ));
            }
            check_hosted(core, pid, &r.game_session_arn)?;
            let players = r
                .players
                .iter()
                .map(crate::sdk_wire::player_from_wire)
                .collect::<Result<Vec<_>, _>>()
                .map_err(bad)?;
            let req = core::StartBackfill {
                ticket_id: (!r.ticket_id.is_empty()).then(|| r.ticket_id.clone()),
                configuration_name: r.matchmaking_configuration_arn.clone(),
                game_session_arn: Some(r.game_session_arn.clone()),
                players,
            };
            let ticket = core.start_match_backfill(now, req).map_err(core_err)?;
            Ok(render::ok(
                action,
                rid,
                wire::StartMatchBackfillReply {
                    ticket_id: ticket.id.into(),
                },
            ))
        }
        Request::StopMatchBackfill(r) => {
            required("GameSessionArn", &r.game_session_arn)?;
            validate::arn_like("GameSessionArn", &r.game_session_arn).map_err(invalid)?;
            check_configuration_arn(&r.matchmaking_configuration_arn)?;
            required("TicketId", &r.ticket_id)?;
            validate::optional_ticket_id(&r.ticket_id).map_err(invalid)?;
            check_hosted(core, pid, &r.game_session_arn)?;
            // The ticket ends CANCELLED and the server hears BACKFILL_CANCELLED with its id.
            done(core.stop_match_backfill(now, &r.game_session_arn, &r.ticket_id)).map_err(core_err)
        }
        Request::TerminateServerProcess(_) => done(core.process_ending(now, pid)).map_err(core_err),
        Request::GetComputeCertificate(_) => {
            // An Anywhere compute: no certificate is generated for it, so the path is
            // empty; the compute name is the ComputeId it connected with.
            Ok(render::ok(
                action,
                rid,
                wire::GetComputeCertificateReply {
                    certificate_path: String::new(),
                    compute_name: ctx.compute_id.clone().unwrap_or_default(),
                },
            ))
        }
        Request::GetFleetRoleCredentials(r) => {
            required("RoleArn", &r.role_arn)?;
            validate::arn_like("RoleArn", &r.role_arn).map_err(invalid)?;
            if !r.role_session_name.is_empty() {
                validate::role_session_name(&r.role_session_name).map_err(invalid)?;
            }
            // An empty AccessKeyId is how the service says "not a managed fleet, no role
            // credentials here"; the SDKs turn it into a local error (§3.11).
            Ok(render::ok(
                action,
                rid,
                wire::GetFleetRoleCredentialsReply::default(),
            ))
        }
    }
}

fn check_configuration_arn(arn: &str) -> Result<(), (u16, String)> {
    required("MatchmakingConfigurationArn", arn)?;
    if !validate::is_gamelift_arn(arn) {
        return Err(bad(format!(
            "MatchmakingConfigurationArn '{arn}' is not a GameLift ARN \
             (arn:aws:gamelift:<region>:<account>:matchmakingconfiguration/<name>)"
        )));
    }
    Ok(())
}

fn check_hosted(core: &core::Core, pid: &str, game_session_id: &str) -> Result<(), (u16, String)> {
    let gs = core.game_session(game_session_id).ok_or_else(|| {
        core_err(CoreError::UnknownGameSession {
            id: game_session_id.into(),
        })
    })?;
    if gs.pid != pid {
        return Err(core_err(CoreError::NotHosted {
            id: game_session_id.into(),
            pid: pid.into(),
        }));
    }
    Ok(())
}

/// Where in `value` the typed read of `action` fails (`Players[0].PlayerAttributes.skill.N`),
/// or `None` when the message as a whole is wrong (a missing top-level field, which the error
/// names). serde reads an `Action`-tagged message through a buffer that loses the member's
/// name ("invalid type: string \"yes\", expected a boolean"), so the action's own type is read
/// again here, tracking the path. Runs only for a message already refused.
fn culprit(action: &str, value: &Value) -> Option<String> {
    macro_rules! path_of {
        ($($name:ident),*) => {
            match action {
                $(stringify!($name) => serde_path_to_error::deserialize::<_, wire::$name>(value)
                    .err()
                    .map(|e| e.path().to_string()),)*
                _ => None,
            }
        };
    }
    let path = path_of!(
        ActivateServerProcess,
        HeartbeatServerProcess,
        ActivateGameSession,
        AcceptPlayerSession,
        RemovePlayerSession,
        UpdatePlayerSessionCreationPolicy,
        DescribePlayerSessions,
        StartMatchBackfill,
        StopMatchBackfill,
        TerminateServerProcess,
        GetComputeCertificate,
        GetFleetRoleCredentials
    )?;
    (path != ".").then_some(path)
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads only `Action` and `RequestId` of a message too large to process, so the error
/// reply can still be matched to its request.
fn peek_envelope(text: &str) -> (String, String) {
    #[derive(Deserialize)]
    struct Envelope {
        #[serde(rename = "Action")]
        action: Option<Value>,
        #[serde(rename = "RequestId")]
        request_id: Option<Value>,
    }
    match serde_json::from_str::<Envelope>(text) {
        Ok(e) => {
            let s = |v: Option<Value>| match v {
                Some(Value::String(s)) => s,
                _ => String::new(),
            };
            (s(e.action), s(e.request_id))
        }
        Err(_) => (String::new(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn assert_error_reply(reply: &str) {
        let v: Value = serde_json::from_str(reply).expect("error replies are JSON");
        assert_eq!(v["StatusCode"], 400, "{reply}");
        assert!(v["ErrorMessage"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(v["Action"].is_string() && v["RequestId"].is_string());
    }

    proptest! {
        /// Nothing on the network makes the gateway panic (architecture.md): any text either
        /// parses into a request or yields a well-formed 400 reply.
        #[test]
        fn any_text_parses_or_gets_a_400(text in ".{0,200}") {
            if let Err(reply) = parse(&text) {
                assert_error_reply(&reply);
            }
        }

        /// Known actions with arbitrary field values of any JSON type.
        #[test]
        fn known_actions_with_junk_fields(
            action in prop::sample::select(Request::ACTIONS.to_vec()),
            key in prop::sample::select(vec![
                "HealthStatus", "GameSessionId", "PlayerSessionId", "Port", "LogPaths",
                "Limit", "Players", "PlayerSessionPolicy", "NextToken", "RoleArn",
            ]),
            value in prop_oneof![
                Just(json!(null)), any::<bool>().prop_map(Value::from),
                any::<i64>().prop_map(Value::from), any::<f64>().prop_map(Value::from),
                ".{0,20}".prop_map(Value::from), Just(json!([1, "a", {}])), Just(json!({"x": 1})),
            ],
        ) {
            let msg = json!({"Action": action, "RequestId": "r-1", key: value}).to_string();
            match parse(&msg) {
                Ok(p) => prop_assert_eq!(p.action, action),
                Err(reply) => assert_error_reply(&reply),
            }
        }

        /// The one-pass read of a request is only a shortcut: any message, well-formed or
        /// not, gets the same request or the same error reply as the careful read (§2.1).
        #[test]
        fn one_pass_read_agrees_with_the_careful_read(
            action in prop::sample::select(Request::ACTIONS.to_vec()),
            request_id in prop_oneof![
                Just(json!("r-1")), Just(json!("")), Just(json!(7)), Just(json!(null)),
            ],
            key in prop::sample::select(vec![
                "HealthStatus", "GameSessionId", "PlayerSessionId", "Port", "Limit", "Players",
            ]),
            value in prop_oneof![
                Just(json!(null)), any::<bool>().prop_map(Value::from),
                any::<u16>().prop_map(Value::from), ".{0,20}".prop_map(Value::from),
            ],
        ) {
            let msg = json!({"Action": action, "RequestId": request_id, key: value}).to_string();
            let one_pass = parse(&msg).map(|p| (p.action, p.request_id, p.request));
            let careful = parse_tree(&msg).map(|p| (p.action, p.request_id, p.request));
            prop_assert_eq!(one_pass, careful);
        }
    }

    /// Messages as the SDKs send them: sdk-wire-protocol.md §3.1 and §3.7 quote
    /// ActivateServerProcess and StartMatchBackfill; the others carry the fields of the §3
    /// table, written as the GO SDK writes them.
    const SEEDS: &[&str] = &[
        r#"{"Action":"ActivateServerProcess","RequestId":"7d0b","SdkVersion":"5.6.0","SdkLanguage":"Go","SdkToolName":"Metrics","SdkToolVersion":"1.0.0","Port":7000,"LogPaths":["/var/log/game"]}"#,
        r#"{"Action":"HeartbeatServerProcess","RequestId":"r-2","HealthStatus":true}"#,
        r#"{"Action":"ActivateGameSession","RequestId":"r-3","GameSessionId":"arn:aws:gamelift:us-east-1::gamesession/fleet-9/gs-3"}"#,
        r#"{"Action":"AcceptPlayerSession","RequestId":"r-4","GameSessionId":"gs-3","PlayerSessionId":"psess-42"}"#,
        r#"{"Action":"RemovePlayerSession","RequestId":"9c1e","GameSessionId":"gs-3","PlayerSessionId":"psess-42"}"#,
        r#"{"Action":"UpdatePlayerSessionCreationPolicy","RequestId":"r-6","GameSessionId":"gs-3","PlayerSessionPolicy":"DENY_ALL"}"#,
        r#"{"Action":"DescribePlayerSessions","RequestId":"r-7","GameSessionId":"gs-3","PlayerSessionStatusFilter":"ACTIVE","NextToken":"page-2","Limit":10}"#,
        r#"{"Action":"StartMatchBackfill","RequestId":"r-8","TicketId":"","GameSessionArn":"arn:aws:gamelift:us-east-1::gamesession/fleet-9/gs-3","MatchmakingConfigurationArn":"arn:aws:gamelift:us-east-1:123456789012:matchmakingconfiguration/duel","Players":[{"PlayerId":"alice","Team":"blue","PlayerAttributes":{"skill":{"AttrType":"DOUBLE","N":1500},"maps":{"AttrType":"STRING_LIST","SL":["dunes"]}},"LatencyInMs":{"us-east-1":35}}]}"#,
        r#"{"Action":"StopMatchBackfill","RequestId":"r-9","GameSessionArn":"arn:aws:gamelift:us-east-1::gamesession/fleet-9/gs-3","MatchmakingConfigurationArn":"arn:aws:gamelift:us-east-1:123456789012:matchmakingconfiguration/duel","TicketId":"t-1"}"#,
        r#"{"Action":"TerminateServerProcess","RequestId":"r-10"}"#,
        r#"{"Action":"GetComputeCertificate","RequestId":"r-11"}"#,
        r#"{"Action":"GetFleetRoleCredentials","RequestId":"r-12","RoleArn":"arn:aws:iam::123456789012:role/game","RoleSessionName":"fleet-9-host-1"}"#,
    ];

    /// The case count: 1024 by default (about a second in a debug build), `PROPTEST_CASES`
    /// to run longer by hand.
    fn cases() -> u32 {
        std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1024)
    }

    /// Characters that matter to a JSON reader, and any other.
    fn arb_char() -> impl Strategy<Value = char> {
        prop_oneof![
            prop::sample::select(vec![
                '{', '}', '[', ']', '"', ':', ',', '\\', '0', '-', 'e', '.', 't', 'n', ' ', '\n',
                'é', '\u{0}',
            ]),
            any::<char>(),
        ]
    }

    /// The seeds with a field besides `Action` and `RequestId`.
    fn with_fields() -> Vec<&'static str> {
        SEEDS
            .iter()
            .copied()
            .filter(|s| {
                serde_json::from_str::<Value>(s)
                    .unwrap()
                    .as_object()
                    .unwrap()
                    .len()
                    > 2
            })
            .collect()
    }

    /// The error reply's message, checked for what every refusal must say.
    fn refusal(reply: &str) -> Result<String, TestCaseError> {
        let v: Value = serde_json::from_str(reply)
            .map_err(|e| TestCaseError::fail(format!("the reply is not JSON: {e}: {reply}")))?;
        prop_assert_eq!(&v["StatusCode"], 400, "{}", reply);
        prop_assert!(
            v["Action"].is_string() && v["RequestId"].is_string(),
            "{}",
            reply
        );
        let message = v["ErrorMessage"].as_str().unwrap_or_default().to_string();
        prop_assert!(!message.is_empty(), "{}", reply);
        Ok(message)
    }

    /// The SDKs' own messages parse (the seeds are right).
    #[test]
    fn the_sdk_messages_parse() {
        for seed in SEEDS {
            let p = parse(seed).unwrap_or_else(|e| panic!("{seed}: {e}"));
            assert_eq!(
                serde_json::from_str::<Value>(seed).unwrap()["Action"],
                p.action
            );
        }
    }

    /// Found by `a_member_of_the_wrong_kind_is_named`: the error named no member.
    #[test]
    fn a_wrong_kind_names_its_member() {
        let reply =
            parse(r#"{"Action":"HeartbeatServerProcess","RequestId":"r-1","HealthStatus":"yes"}"#)
                .unwrap_err();
        let v: Value = serde_json::from_str(&reply).unwrap();
        let message = v["ErrorMessage"].as_str().unwrap();
        assert!(message.contains("\"HealthStatus\""), "{message}");
        assert!(message.contains("expected a boolean"), "{message}");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

        /// A real message with characters replaced, inserted or removed, or cut short, parses
        /// or is refused with a 400 that says what is wrong; a frame that is not JSON is
        /// refused with where the reader stopped.
        #[test]
        fn mutated_sdk_messages_parse_or_say_what_is_wrong(
            seed in prop::sample::select(SEEDS),
            edits in prop::collection::vec((any::<prop::sample::Index>(), arb_char(), 0u8..4), 1..5),
        ) {
            let mut chars: Vec<char> = seed.chars().collect();
            for (at, c, kind) in edits {
                match kind {
                    0 if !chars.is_empty() => { let i = at.index(chars.len()); chars[i] = c; }
                    1 => { let i = at.index(chars.len() + 1); chars.insert(i, c); }
                    2 if !chars.is_empty() => { let i = at.index(chars.len()); chars.remove(i); }
                    3 if !chars.is_empty() => { let i = at.index(chars.len()); chars.truncate(i); }
                    _ => {}
                }
            }
            let text: String = chars.into_iter().collect();
            if let Err(reply) = parse(&text) {
                let message = refusal(&reply)?;
                if serde_json::from_str::<Value>(&text).is_err() {
                    prop_assert!(message.contains("not valid JSON") && message.contains("line"), "{}", message);
                }
            }
        }

        /// A real message with one member (at any depth) of the wrong JSON kind parses (the
        /// SDKs' leniencies, e.g. a null list) or is refused naming the top-level member.
        #[test]
        fn a_member_of_the_wrong_kind_is_named(
            seed in prop::sample::select(with_fields()),
            member in any::<prop::sample::Index>(),
            depth in 0usize..4,
            value in prop_oneof![
                Just(json!(null)), Just(json!(true)), Just(json!(-7)), Just(json!(1.5)),
                Just(json!("text")), Just(json!([1, "a"])), Just(json!({"x": {}})),
            ],
        ) {
            let mut msg: Value = serde_json::from_str(seed).unwrap();
            let keys: Vec<String> = msg.as_object().unwrap().keys()
                .filter(|k| !matches!(k.as_str(), "Action" | "RequestId")).cloned().collect();
            let top = keys[member.index(keys.len())].clone();
            // Go down `depth` levels from the member (first element, first member) and
            // replace what is there.
            let mut node = &mut msg[top.as_str()];
            for _ in 0..depth {
                let next = match node {
                    Value::Array(a) if !a.is_empty() => 0.to_string(),
                    Value::Object(m) if !m.is_empty() => m.keys().next().unwrap().clone(),
                    _ => break,
                };
                node = match node {
                    Value::Array(a) => &mut a[0],
                    Value::Object(m) => m.get_mut(&next).unwrap(),
                    _ => unreachable!(),
                };
            }
            *node = value;
            let text = msg.to_string();
            match parse(&text) {
                Ok(p) => prop_assert_eq!(p.action, msg["Action"].as_str().unwrap()),
                Err(reply) => {
                    let message = refusal(&reply)?;
                    prop_assert!(message.contains(&top), "{} -> {}", text, message);
                }
            }
        }
    }

    #[test]
    fn repeated_keys_read_as_the_careful_read_does() {
        // serde rejects a repeated field in one pass; the JSON tree keeps the last value.
        let msg = r#"{"Action":"HeartbeatServerProcess","RequestId":"r-1","HealthStatus":false,"HealthStatus":true}"#;
        let p = parse(msg).expect("a repeated key is not an error");
        assert_eq!(p.request_id, "r-1");
        assert_eq!(
            p.request,
            parse_tree(msg)
                .expect("the careful read accepts it")
                .request
        );
    }

    #[test]
    fn error_replies_echo_what_could_be_read() {
        let reply = parse(r#"{"Action":"AcceptPlayerSession","RequestId":"r-7"}"#);
        assert!(
            reply.is_ok(),
            "missing ids are reported by the handler, not the parser"
        );
        let reply = parse(r#"{"Action":"HeartbeatServerProcess","RequestId":"r-8"}"#).unwrap_err();
        let v: Value = serde_json::from_str(&reply).unwrap();
        assert_eq!(v["Action"], "HeartbeatServerProcess");
        assert_eq!(v["RequestId"], "r-8");
        assert!(v["ErrorMessage"].as_str().unwrap().contains("HealthStatus"));
    }
}
