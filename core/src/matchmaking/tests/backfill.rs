//! Manual and automatic backfill, and every end of a backfill ticket reaching the server.

use super::notifications::{mm, names, notifications};
use super::*;
use crate::matchmaking::backfill::StartBackfill;
use crate::matchmaking::matchmaker_data::MatchmakerData;
use crate::notifications::MatchmakingEventKind as K;
use crate::{NewPlayerSession, UpdateReason};

/// Teams of 1..2; tickets "a" and "b" matched 1v1 and placed on "p1", which activated the
/// session. Returns the core, the game session id and its matchmaker data.
fn placed(mode: BackfillMode) -> (Core, String, MatchmakerData) {
    let mut c = core_with(&teams_rule_set(1, 2), |s| s.backfill_mode = mode);
    ready(&mut c, T0, "p1", 1);
    start(&mut c, T0, "ta", &["a"]);
    start(&mut c, T0, "tb", &["b"]);
    let gs = match pushes(&mut c).into_iter().next() {
        Some(Push::CreateGameSession(gs)) => gs,
        other => panic!("expected CreateGameSession, got {other:?}"),
    };
    c.activate_game_session(T0 + 10, "p1", &gs.id).unwrap();
    let md = gs.matchmaker_data.clone().unwrap();
    (c, gs.id.into(), md)
}

/// The game's current players with their teams, as a backfill request gives them.
fn players_of(md: &MatchmakerData) -> Vec<Player> {
    md.teams
        .iter()
        .flat_map(|t| {
            t.players.iter().map(|p| {
                let mut pl = player(&p.player_id, 10.0);
                pl.team = Some(t.name.clone());
                pl
            })
        })
        .collect()
}

fn backfill(
    c: &mut Core,
    now: Millis,
    id: &str,
    gs: &str,
    md: &MatchmakerData,
) -> MatchmakingTicket {
    c.start_match_backfill(
        now,
        StartBackfill {
            ticket_id: Some(id.into()),
            configuration_name: "cfg".into(),
            game_session_arn: Some(gs.into()),
            players: players_of(md),
        },
    )
    .unwrap()
}

/// The UpdateGameSession pushes: (reason, backfill ticket id, matchmaker data).
fn updates(c: &mut Core) -> Vec<(UpdateReason, Option<String>, Option<MatchmakerData>)> {
    pushes(c)
        .into_iter()
        .filter_map(|p| match p {
            Push::UpdateGameSession {
                game_session,
                reason,
                backfill_ticket_id,
            } => Some((reason, backfill_ticket_id, game_session.matchmaker_data)),
            _ => None,
        })
        .collect()
}

/// service-api.md §9.1 StartMatchBackfill: "On success the service adds player sessions for
/// the newcomers and updates the game session's `MatchmakerData`"; the server hears
/// MATCHMAKING_DATA_UPDATED with the backfill ticket id (guide line ~2400).
#[test]
fn a_manual_backfill_round_fills_the_open_slot() {
    let (mut c, gs, md) = placed(BackfillMode::Manual);
    assert!(md.auto_backfill_ticket_id.is_none());
    let t = backfill(&mut c, T0 + 100, "bf1", &gs, &md);
    assert_eq!(t.status, TicketStatus::Queued);
    assert_eq!(status(&c, "bf1"), TicketStatus::Searching);
    c.take_effects();
    start(&mut c, T0 + 200, "tc", &["c"]);
    assert_eq!(status(&c, "bf1"), TicketStatus::Completed);
    let tc = c.ticket("tc").unwrap();
    assert_eq!(tc.status, TicketStatus::Completed);
    let ci = tc.connection.clone().unwrap();
    assert_eq!(ci.game_session_arn, gs);
    let ps = c
        .player_session(&ci.matched_player_sessions[0].player_session_id)
        .unwrap();
    assert_eq!(ps.player_id, "c");
    let ups = updates(&mut c);
    assert_eq!(ups.len(), 1, "{ups:?}");
    let (reason, ticket, data) = &ups[0];
    assert_eq!(*reason, UpdateReason::MatchmakingDataUpdated);
    assert_eq!(ticket.as_deref(), Some("bf1"));
    let new = data.as_ref().unwrap();
    assert_eq!(new.match_id, md.match_id, "the same match, one player more");
    assert_eq!(new.teams.iter().map(|t| t.players.len()).sum::<usize>(), 3);
}

/// One active backfill ticket per game session: a new one replaces the old, and each end —
/// replaced, stopped, timed out — reaches the server with its reason and ticket id.
#[test]
fn every_end_of_a_backfill_ticket_reaches_the_server() {
    let (mut c, gs, md) = placed(BackfillMode::Manual);
    c.take_effects();
    backfill(&mut c, T0 + 100, "bf1", &gs, &md);
    backfill(&mut c, T0 + 200, "bf2", &gs, &md);
    assert_eq!(status(&c, "bf1"), TicketStatus::Cancelled);
    assert_eq!(
        updates(&mut c),
        vec![(
            UpdateReason::BackfillCancelled,
            Some("bf1".into()),
            Some(matchmaker_data_of(&c, &gs))
        )]
    );
    c.stop_match_backfill(T0 + 300, &gs, "bf2").unwrap();
    assert_eq!(
        updates(&mut c)[0].0,
        UpdateReason::BackfillCancelled,
        "StopMatchBackfill reaches the server"
    );
    let err = c.stop_match_backfill(T0 + 300, &gs, "nope").unwrap_err();
    assert!(
        err.to_string().contains("no backfill ticket 'nope'"),
        "{err}"
    );
    backfill(&mut c, T0 + 400, "bf3", &gs, &md);
    advance(&mut c, T0 + 400 + 120_000);
    assert_eq!(status(&c, "bf3"), TicketStatus::TimedOut);
    assert_eq!(
        updates(&mut c).last().map(|u| (u.0, u.1.clone())),
        Some((UpdateReason::BackfillTimedOut, Some("bf3".into())))
    );
}

fn matchmaker_data_of(c: &Core, gs: &str) -> MatchmakerData {
    c.game_session(gs).unwrap().matchmaker_data.clone().unwrap()
}

/// Automatic backfill (guide, "打开自动回填"): a session that starts with open slots names a
/// backfill ticket in its matchmaker data; the ticket searches (past the request timeout)
/// and fills the session one newcomer at a time until it is full.
#[test]
fn automatic_backfill_fills_a_session_that_started_at_min_players() {
    let (mut c, gs, md) = placed(BackfillMode::Automatic);
    let auto = md
        .auto_backfill_ticket_id
        .clone()
        .expect("autoBackfillTicketId");
    assert_eq!(md.auto_backfill_mode, Some(BackfillMode::Automatic));
    assert_eq!(status(&c, &auto), TicketStatus::Searching);
    advance(&mut c, T0 + 130_000);
    assert_eq!(
        status(&c, &auto),
        TicketStatus::Searching,
        "automatic tickets keep searching"
    );
    c.take_effects();
    let now = T0 + 130_000;
    start(&mut c, now, "tc", &["c"]);
    assert_eq!(status(&c, &auto), TicketStatus::Completed);
    let ups = updates(&mut c);
    assert_eq!(ups[0].0, UpdateReason::MatchmakingDataUpdated);
    assert_eq!(ups[0].1.as_deref(), Some(auto.as_str()));
    let md2 = ups[0].2.as_ref().unwrap();
    let next = md2
        .auto_backfill_ticket_id
        .clone()
        .expect("one slot still open");
    assert_eq!(status(&c, &next), TicketStatus::Searching);
    start(&mut c, now + 1, "td", &["d"]);
    let ups = updates(&mut c);
    let md3 = ups[0].2.as_ref().unwrap();
    assert_eq!(md3.teams.iter().map(|t| t.players.len()).sum::<usize>(), 4);
    assert!(
        md3.auto_backfill_ticket_id.is_none(),
        "full: no more backfill"
    );
    assert!(c.matchmaking().tickets.backfill_ticket_of(&gs).is_none());
}

/// StopMatchmaking on the automatic ticket (how a client service switches it off for one
/// session) ends it, and the server hears BACKFILL_CANCELLED.
#[test]
fn stopping_automatic_backfill_reaches_the_server() {
    let (mut c, _gs, md) = placed(BackfillMode::Automatic);
    c.take_effects();
    let auto = md.auto_backfill_ticket_id.unwrap();
    c.stop_matchmaking(T0 + 100, &auto).unwrap();
    let ups = updates(&mut c);
    assert_eq!(ups[0].0, UpdateReason::BackfillCancelled);
    assert_eq!(ups[0].1.as_deref(), Some(auto.as_str()));
}

/// A player already in the game, on `team`.
fn in_game(id: &str, team: &str) -> Player {
    let mut p = player(id, 10.0);
    p.team = Some(team.into());
    p
}

/// STANDALONE backfill. gamelift-service-2.json, StartMatchBackfill: "When using FlexMatch as
/// a standalone component, request a backfill match by calling this operation without a game
/// session identifier. As with newly formed matches, matchmaking results are returned in a
/// matchmaking event so that your game can update the game session that is being
/// backfilled." Guide (seed 002) line 200: "找到可接受的匹配项后，将更新所有匹配的票证，并为每张
/// 匹配的票证生成成功的对战事件"; line 202: "FlexMatch 作为一项独立服务：在成功的对战活动中，
/// 您的游戏会收到匹配结果。结果数据包括所有匹配的玩家及其队伍分配的列表".
///
/// The GameSessionArn "is not needed" in STANDALONE mode (StartMatchBackfillInput), which we
/// read as optional, not forbidden: a backend may name its own game session, which FlexMatch
/// does not host and so cannot check; the events then name it in `gameSessionInfo`.
#[test]
fn a_standalone_backfill_tells_the_backend_who_joined() {
    let own_session = "arn:aws:gamelift:us-west-2::gamesession/backend-fleet/game-7";
    for arn in [None, Some(own_session)] {
        let mut c = core_with(&teams_rule_set(1, 2), |s| {
            s.flex_match_mode = FlexMatchMode::Standalone;
            s.game_session_queues.clear();
        });
        c.start_match_backfill(
            T0,
            StartBackfill {
                ticket_id: Some("bf".into()),
                configuration_name: "cfg".into(),
                game_session_arn: arn.map(String::from),
                players: vec![in_game("a", "red"), in_game("b", "blue")],
            },
        )
        .unwrap_or_else(|e| panic!("STANDALONE backfill for {arn:?}: {e}"));
        c.take_effects();
        start(&mut c, T0 + 100, "tc", &["c"]);
        assert_eq!(status(&c, "bf"), TicketStatus::Completed, "{arn:?}");
        assert_eq!(status(&c, "tc"), TicketStatus::Completed, "{arn:?}");
        let team_of_c = c.ticket("tc").unwrap().players[0].team.clone();
        assert!(team_of_c.is_some(), "the newcomer's ticket shows its team");

        let ns = notifications(&c.take_effects());
        assert_eq!(
            names(&ns),
            [
                "MatchmakingSearching",
                "PotentialMatchCreated",
                "MatchmakingSucceeded"
            ],
            "{arn:?}"
        );
        let (pmc, ok) = (mm(&ns[1]), mm(&ns[2]));
        let match_id = pmc.kind.match_id().expect("matchId").to_string();
        assert_eq!(ok.kind.match_id(), Some(match_id.as_str()));
        for e in [pmc, ok] {
            let mut ids: Vec<&str> = e.tickets.iter().map(|t| t.ticket_id.as_str()).collect();
            ids.sort();
            assert_eq!(ids, ["bf", "tc"], "the backfill ticket and the newcomer's");
            // The whole game with its teams: the players already in it and the newcomer.
            let everyone: Vec<(&str, Option<&str>)> = e
                .game_session
                .players
                .iter()
                .map(|p| (p.player_id.as_str(), p.team.as_deref()))
                .collect();
            assert_eq!(everyone.len(), 3, "{everyone:?}");
            assert!(everyone.contains(&("a", Some("red"))), "{everyone:?}");
            assert!(everyone.contains(&("b", Some("blue"))), "{everyone:?}");
            assert!(
                everyone.contains(&("c", team_of_c.as_deref())),
                "{everyone:?}"
            );
            assert_eq!(e.game_session.game_session_arn.as_deref(), arn);
            // FlexMatch places nothing in STANDALONE mode: no address, no player sessions.
            assert!(e.game_session.ip_address.is_none());
            assert!(e
                .game_session
                .players
                .iter()
                .all(|p| p.player_session_id.is_none()));
        }
    }
}

/// A ticket back to SEARCHING. Seed 001 line 13 (MatchmakingSearching): "티켓이 매치메이킹에
/// 입력되었습니다. 여기에는 신규 요청과 실패한 제안된 매치의 일부였던 요청이 포함됩니다" — the
/// event is sent again for a ticket that was part of a failed match, and its example (line 19)
/// shows players without a team. Here the match is a backfill whose game session filled up
/// meanwhile (other players joined directly): the newcomer cannot be seated, so their ticket
/// searches again, told so and without the team of the failed match; the backfill ticket fails
/// and its MatchmakingFailed carries the match id (seed 001 line 87: "세부 정보: type,
/// tickets, ruleEvaluationMetrics, message, matchId, gameSessionInfo"), which for a backfill
/// is the game session's match (its matchmaker data's `matchId`).
#[test]
fn a_newcomer_a_full_game_cannot_seat_searches_again_without_a_team() {
    let (mut c, gs, md) = placed(BackfillMode::Manual);
    let others = ["x", "y"].map(|p| NewPlayerSession {
        player_id: p.into(),
        player_data: None,
    });
    c.create_player_sessions(T0 + 50, &gs, others.to_vec())
        .expect("the two open slots taken directly");
    backfill(&mut c, T0 + 100, "bf1", &gs, &md);
    c.take_effects();
    start(&mut c, T0 + 200, "tc", &["c"]);
    let effects = c.take_effects();
    let ns = notifications(&effects);
    assert_eq!(
        names(&ns),
        [
            "MatchmakingSearching",
            "PotentialMatchCreated",
            "MatchmakingSearching",
            "MatchmakingFailed"
        ]
    );
    assert_eq!(
        mm(&ns[1]).kind.match_id(),
        Some(md.match_id.as_str()),
        "a backfill match is the game session's match"
    );
    let again = mm(&ns[2]);
    assert_eq!(again.tickets[0].ticket_id, "tc");
    assert!(
        again.tickets[0].players.iter().all(|p| p.team.is_none()),
        "no team from the failed match: {again:?}"
    );
    assert!(again.game_session.players.iter().all(|p| p.team.is_none()));
    let tc = c.ticket("tc").unwrap();
    assert_eq!(tc.status, TicketStatus::Searching);
    assert_eq!(
        tc.players[0].team, None,
        "DescribeMatchmaking shows no team"
    );
    assert_eq!(tc.match_id, None);

    let failed = mm(&ns[3]);
    assert_eq!(failed.tickets[0].ticket_id, "bf1");
    match &failed.kind {
        K::Failed {
            match_id, reason, ..
        } => {
            assert_eq!(match_id.as_deref(), Some(md.match_id.as_str()));
            assert_eq!(reason, "UNEXPECTED_ERROR");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(status(&c, "bf1"), TicketStatus::Failed);
    let ups: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Push {
                push:
                    Push::UpdateGameSession {
                        reason,
                        backfill_ticket_id,
                        ..
                    },
                ..
            } => Some((*reason, backfill_ticket_id.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(ups, [(UpdateReason::BackfillFailed, Some("bf1".into()))]);
}

/// Guide (seed 002) line 2381: "回填请求的对战票证 ([MatchmakingTicket](#)) 在进行处理时具有游戏
/// 会话 ID；在放置对战之前，新对战请求的票证不会获取游戏会话 ID；提供游戏会话 ID 是用于区分新对战
/// 票证和回填票证的一种方式" (also line 2340, from the game server). The MatchmakingTicket's only
/// game session field is GameSessionConnectionInfo.GameSessionArn (gamelift-service-2.json), so
/// a backfill ticket carries its game session there from StartMatchBackfill's answer on, while
/// a new ticket has no connection info until its match is placed.
#[test]
fn a_searching_backfill_ticket_names_its_game_session() {
    let (mut c, gs, md) = placed(BackfillMode::Manual);
    let answer = backfill(&mut c, T0 + 100, "bf1", &gs, &md);
    let arn_of =
        |t: &MatchmakingTicket| t.connection.as_ref().map(|ci| ci.game_session_arn.clone());
    assert_eq!(
        arn_of(&answer),
        Some(gs.clone()),
        "StartMatchBackfill's answer"
    );
    let searching = c.ticket("bf1").unwrap();
    assert_eq!(searching.status, TicketStatus::Searching);
    assert_eq!(arn_of(&searching), Some(gs.clone()));
    let ci = searching.connection.unwrap();
    assert!(
        ci.ip_address.is_empty() && ci.port.is_none() && ci.matched_player_sessions.is_empty(),
        "only the game session is known: {ci:?}"
    );
    c.stop_matchmaking(T0 + 160, "bf1").unwrap();
    assert_eq!(
        arn_of(&c.ticket("bf1").unwrap()),
        Some(gs.clone()),
        "a backfill ticket keeps naming its game session when it ends"
    );
    // A new ticket has none while searching.
    let mut c = core_with(&teams_rule_set(1, 2), |_| {});
    start(&mut c, T0, "lonely", &["z"]);
    assert_eq!(c.ticket("lonely").unwrap().connection, None);
}

/// sdk-wire-protocol.md §5.2: the matchmaker data carries `"autoBackfillMode"` — "`AUTOMATIC`
/// or `MANUAL`; GO turns any other value into `NOT_SET`" — beside `autoBackfillTicketId`
/// (the §5.2 example has both). The mode is the configuration's, in every document: at
/// placement and after each backfill, with or without an automatic ticket.
#[test]
fn the_matchmaker_data_names_the_backfill_mode() {
    let (mut c, gs, md) = placed(BackfillMode::Manual);
    assert_eq!(md.auto_backfill_mode, Some(BackfillMode::Manual));
    assert_eq!(
        md.auto_backfill_ticket_id, None,
        "MANUAL: no automatic ticket"
    );
    // That the document's JSON says "MANUAL" is checked where the JSON is written:
    // sdk_wire::tests::the_matchmaker_data_names_the_backfill_mode.
    backfill(&mut c, T0 + 100, "bf1", &gs, &md);
    c.take_effects();
    start(&mut c, T0 + 200, "tc", &["c"]);
    let ups = updates(&mut c);
    let md2 = ups[0].2.as_ref().unwrap();
    assert_eq!(md2.auto_backfill_mode, Some(BackfillMode::Manual));

    // AUTOMATIC, filled up: no ticket any more, still AUTOMATIC.
    let (mut c, _gs, _md) = placed(BackfillMode::Automatic);
    c.take_effects();
    start(&mut c, T0 + 100, "tc", &["c"]);
    start(&mut c, T0 + 101, "td", &["d"]);
    let ups = updates(&mut c);
    let full = ups.last().unwrap().2.as_ref().unwrap();
    assert_eq!(full.player_count(), 4);
    assert_eq!(full.auto_backfill_ticket_id, None);
    assert_eq!(full.auto_backfill_mode, Some(BackfillMode::Automatic));
}

/// gamelift-service-2.json, StartMatchBackfill: "When using FlexMatch with Amazon GameLift
/// Servers managed hosting, you can request a backfill match from a client service by calling
/// this operation with a `GameSessions` ID ... When using FlexMatch as a standalone component,
/// request a backfill match by calling this operation without a game session identifier." A
/// WITH_QUEUE backfill without one could seat its newcomers nowhere (they used to end
/// COMPLETED with no connection info and no event): it is refused, naming the parameter.
#[test]
fn a_with_queue_backfill_must_name_its_game_session() {
    let mut c = core_with(&teams_rule_set(1, 2), |_| {});
    let err = c
        .start_match_backfill(
            T0,
            StartBackfill {
                ticket_id: Some("bf".into()),
                configuration_name: "cfg".into(),
                game_session_arn: None,
                players: vec![in_game("a", "red"), in_game("b", "blue")],
            },
        )
        .unwrap_err();
    assert!(err.to_string().starts_with("GameSessionArn: "), "{err}");
    assert!(err.to_string().contains("WITH_QUEUE"), "{err}");
    assert!(c.ticket("bf").is_none(), "no ticket is pretended");
}

/// Guide 002 line 2389: with a latency rule, a backfill request gives each current player's
/// latency "only for the region the game session is in", which the server reads from the
/// GameSessionId ARN. Locally that ARN names the daemon's region (us-west-2) while players
/// report latency for the session's custom location: the backfill's region key stands for the
/// session's location, and the backfill fills (issue 17 item 3).
#[test]
fn a_backfill_reporting_the_arn_region_latency_fills_under_a_latency_rule() {
    let body = r#"{
        "ruleLanguageVersion": "1.0",
        "playerAttributes": [{"name": "skill", "type": "number", "default": 10}],
        "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 2},
                  {"name": "blue", "minPlayers": 1, "maxPlayers": 2}],
        "rules": [{"name": "ping", "type": "latency", "maxLatency": 100}]
    }"#;
    let mut c = core_with(body, |s| s.backfill_mode = BackfillMode::Manual);
    let with_latency = |id: &str, region: &str| {
        let mut p = player(id, 10.0);
        p.latency_ms.insert(region.into(), 30);
        p
    };
    ready(&mut c, T0, "p1", 1);
    for (ticket, id) in [("ta", "a"), ("tb", "b")] {
        c.start_matchmaking(
            T0,
            StartMatchmaking {
                ticket_id: Some(ticket.into()),
                configuration_name: "cfg".into(),
                players: vec![with_latency(id, "custom-home")],
            },
        )
        .unwrap();
    }
    let gs = match pushes(&mut c).into_iter().next() {
        Some(Push::CreateGameSession(gs)) => gs,
        other => panic!("expected CreateGameSession, got {other:?}"),
    };
    c.activate_game_session(T0 + 10, "p1", &gs.id).unwrap();
    let md = gs.matchmaker_data.clone().unwrap();
    let region = gs.id.split(':').nth(3).unwrap().to_string();
    assert_eq!(
        region, "us-west-2",
        "the region the server reads from the ARN"
    );
    let current: Vec<Player> = players_of(&md)
        .into_iter()
        .map(|mut p| {
            p.latency_ms.insert(region.clone(), 30);
            p
        })
        .collect();
    c.start_match_backfill(
        T0 + 100,
        StartBackfill {
            ticket_id: Some("bf1".into()),
            configuration_name: "cfg".into(),
            game_session_arn: Some(gs.id.to_string()),
            players: current,
        },
    )
    .expect("a backfill with the session region's latency is accepted");
    c.start_matchmaking(
        T0 + 200,
        StartMatchmaking {
            ticket_id: Some("tc".into()),
            configuration_name: "cfg".into(),
            players: vec![with_latency("c", "custom-home")],
        },
    )
    .unwrap();
    assert_eq!(status(&c, "bf1"), TicketStatus::Completed);
    assert_eq!(status(&c, "tc"), TicketStatus::Completed);
}
