//! Backfill end to end (guide, "利用 FlexMatch 回填现有游戏" and "在游戏服务器上更新对战数据",
//! lines 2290–2405; sdk-wire-protocol.md §3.7, §3.8, §4.2): the backend on `aws-sdk-gamelift`,
//! the game server on our `ServerSdk`. A backfill started by the server (SDK
//! StartMatchBackfill) or by the client service (the StartMatchBackfill operation) is filled
//! by a new player's ticket; the server hears MATCHMAKING_DATA_UPDATED with the new matchmaker
//! data and the backfill ticket id, and the newcomer gets a player session. Automatic
//! backfill fills a session that started at minPlayers. Stopping a backfill, from either
//! side, reaches the server as BACKFILL_CANCELLED.

use crate::support::api_client;
use crate::support::game_server;
use crate::support::matchmaking;

use api_client::client;
use aws_sdk_gamelift::types::{
    BackfillMode, MatchmakingConfigurationStatus as Status, PlayerSessionStatus,
};
use aws_sdk_gamelift::Client;
use game_server::{ready_server, started_session};
use matchmaking::*;
use playfield_e2e::{bounded, TestDaemon, FLEET};
use playfield_sdk::model::{GameSession, MatchmakerData, UpdateReason};
use playfield_sdk::request::{StartMatchBackfillRequest, StopMatchBackfillRequest};
use playfield_sdk::ServerSdk;
use serde_json::Value;

/// A 1v1 of alice and bob on the DUEL rule set (two slots still open), placed on a ready SDK
/// server and activated, the players' sessions accepted.
struct Played {
    d: TestDaemon,
    c: Client,
    sdk: ServerSdk,
    gs: GameSession,
    md: MatchmakerData,
}

async fn play_a_duel(backfill: BackfillMode) -> Played {
    let d = TestDaemon::start().await;
    let c = client(&d, "AKIDLOCAL");
    set_up(&c, "duel", &duel_rules(), |b| b.backfill_mode(backfill)).await;
    let sdk = ready_server(&d, FLEET, "proc-bf").await;
    start(&c, "duel", "t-alice", player("alice", 12.0)).await;
    start(&c, "duel", "t-bob", player("bob", 14.0)).await;
    // A match below maxPlayers forms at the end of its matchmaking cycle.
    d.end_matchmaking_cycle();
    let gs = started_session(&sdk).await;
    let md = gs
        .parsed_matchmaker_data()
        .unwrap()
        .expect("matchmaker data");
    sdk.activate_game_session().await.unwrap();
    for t in ["t-alice", "t-bob"] {
        let done = wait_status(&c, t, Status::Completed).await;
        let ps = done
            .game_session_connection_info()
            .unwrap()
            .matched_player_sessions()[0]
            .player_session_id()
            .unwrap()
            .to_string();
        sdk.accept_player_session(&ps).await.unwrap();
    }
    Played { d, c, sdk, gs, md }
}

/// A newcomer's ticket fills the backfill `bf`: the server hears MATCHMAKING_DATA_UPDATED
/// with `bf` and `expect_players` players in the new matchmaker data (same match id), the
/// newcomer's ticket COMPLETES on this game session, and the server accepts their session.
async fn newcomer_fills(
    p: &Played,
    ticket_id: &str,
    who: &str,
    bf: &str,
    expect_players: usize,
) -> MatchmakerData {
    start(&p.c, "duel", ticket_id, player(who, 11.0)).await;
    let up = next_update(&p.sdk).await;
    assert_eq!(up.update_reason, UpdateReason::MatchmakingDataUpdated);
    assert_eq!(up.backfill_ticket_id, bf);
    assert_eq!(up.game_session.game_session_id, p.gs.game_session_id);
    let md = up.game_session.parsed_matchmaker_data().unwrap().unwrap();
    assert_eq!(md.match_id, p.md.match_id, "the same match, grown");
    assert_eq!(player_count(&md), expect_players);
    assert!(md
        .teams
        .iter()
        .any(|t| t.players.iter().any(|x| x.player_id == who)));
    let done = wait_status(&p.c, ticket_id, Status::Completed).await;
    let ci = done.game_session_connection_info().unwrap();
    assert_eq!(ci.game_session_arn(), Some(p.gs.game_session_id.as_str()));
    assert_eq!(ci.matched_player_sessions()[0].player_id(), Some(who));
    p.sdk
        .accept_player_session(ci.matched_player_sessions()[0].player_session_id().unwrap())
        .await
        .unwrap_or_else(|e| panic!("{who}'s session is expected: {e}"));
    md
}

/// The players of the game session ACTIVE for DescribePlayerSessions, sorted.
async fn active_players(p: &Played) -> Vec<String> {
    let out =
        p.c.describe_player_sessions()
            .game_session_id(&p.gs.game_session_id)
            .send()
            .await
            .unwrap();
    let mut ids: Vec<String> = out
        .player_sessions()
        .iter()
        .filter(|ps| ps.status() == Some(&PlayerSessionStatus::Active))
        .map(|ps| ps.player_id().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

/// Backfill from the game server ("发送回填请求（从游戏服务器）"): the SDK's StartMatchBackfill
/// with the current players; carol's ticket fills a slot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backfill_started_by_the_server_adds_a_newcomer() {
    bounded(async {
        let p = play_a_duel(BackfillMode::Manual).await;
        // sdk-wire-protocol.md §5.2: the SDK reads `autoBackfillMode`; without it GO reports
        // NOT_SET.
        assert_eq!(
            p.md.auto_backfill_mode,
            Some(playfield_sdk::model::BackfillMode::Manual)
        );
        let bf = p
            .sdk
            .start_match_backfill(StartMatchBackfillRequest::new(
                &p.gs.game_session_id,
                &p.md.matchmaking_configuration_arn,
                sdk_players(&p.md),
            ))
            .await
            .expect("a backfill ticket")
            .ticket_id;
        assert_eq!(status(&p.c, &bf).await, Status::Searching);
        newcomer_fills(&p, "t-carol", "carol", &bf, 3).await;
        assert_eq!(
            status(&p.c, &bf).await,
            Status::Completed,
            "the backfill ticket is done"
        );
        assert_eq!(active_players(&p).await, ["alice", "bob", "carol"]);

        // The game ends with a backfill still searching: the ticket is not left behind, it
        // ends CANCELLED naming the game session.
        let md = p.gs.parsed_matchmaker_data().unwrap().unwrap();
        let bf = p
            .sdk
            .start_match_backfill(StartMatchBackfillRequest::new(
                &p.gs.game_session_id,
                &md.matchmaking_configuration_arn,
                sdk_players(&md),
            ))
            .await
            .unwrap()
            .ticket_id;
        p.sdk.process_ending().await.expect("ProcessEnding");
        let gone = wait_status(&p.c, &bf, Status::Cancelled).await;
        assert!(
            gone.status_message()
                .unwrap()
                .contains(&p.gs.game_session_id),
            "{:?}",
            gone.status_message()
        );
    })
    .await
}

/// Backfill from the client service ("从客户端服务发送回填请求"): the StartMatchBackfill
/// operation with the game session ARN and the current players (teams from the matchmaker
/// data); dave's ticket fills a slot and the server hears of it with the client's ticket id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backfill_started_by_the_client_adds_a_newcomer() {
    bounded(async {
        let p = play_a_duel(BackfillMode::Manual).await;
        let t =
            p.c.start_match_backfill()
                .ticket_id("bf-client")
                .configuration_name("duel")
                .game_session_arn(&p.gs.game_session_id)
                .set_players(Some(api_players(&p.md)))
                .send()
                .await
                .expect("StartMatchBackfill")
                .matchmaking_ticket
                .unwrap();
        assert_eq!(t.ticket_id(), Some("bf-client"));
        assert_eq!(t.status(), Some(&Status::Queued));
        // Guide line 2381: "回填请求的对战票证 (MatchmakingTicket) 在进行处理时具有游戏会话 ID；
        // 在放置对战之前，新对战请求的票证不会获取游戏会话 ID；提供游戏会话 ID 是用于区分新对战票证
        // 和回填票证的一种方式": the ticket's GameSessionConnectionInfo.GameSessionArn, from the
        // answer on and while it searches; nothing else is known yet.
        let arn_of = |t: &aws_sdk_gamelift::types::MatchmakingTicket| {
            t.game_session_connection_info()
                .and_then(|ci| ci.game_session_arn())
                .map(str::to_string)
        };
        assert_eq!(arn_of(&t), Some(p.gs.game_session_id.clone()));
        let searching = ticket(&p.c, "bf-client").await;
        assert_eq!(searching.status(), Some(&Status::Searching));
        assert_eq!(arn_of(&searching), Some(p.gs.game_session_id.clone()));
        let ci = searching.game_session_connection_info().unwrap();
        assert_eq!(ci.ip_address(), None);
        assert_eq!(ci.port(), None);
        assert!(ci.matched_player_sessions().is_empty());
        newcomer_fills(&p, "t-dave", "dave", "bf-client", 3).await;
        assert_eq!(active_players(&p).await, ["alice", "bob", "dave"]);
    })
    .await
}

/// Stopping a backfill ("BACKFILL_CANCELLED – 对战回填请求已通过调用 StopMatchmaking (客户端) 或
/// StopMatchBackfill (服务器) 而被取消"): from the server with the SDK's StopMatchBackfill, and
/// from the client with StopMatchmaking on the backfill ticket; either way the server gets
/// BACKFILL_CANCELLED with the ticket id, the ticket is CANCELLED, and a newcomer then finds
/// no backfill to join.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_a_backfill_from_either_side_reaches_the_server_as_cancelled() {
    bounded(async {
        let p = play_a_duel(BackfillMode::Manual).await;
        let cfg_arn = p.md.matchmaking_configuration_arn.clone();
        let bf = p
            .sdk
            .start_match_backfill(
                StartMatchBackfillRequest::new(&p.gs.game_session_id, &cfg_arn, sdk_players(&p.md))
                    .ticket_id("bf-server"),
            )
            .await
            .unwrap()
            .ticket_id;
        assert_eq!(bf, "bf-server");
        p.sdk
            .stop_match_backfill(StopMatchBackfillRequest::new(
                "bf-server",
                &p.gs.game_session_id,
                &cfg_arn,
            ))
            .await
            .expect("StopMatchBackfill");
        let up = next_update(&p.sdk).await;
        assert_eq!(up.update_reason, UpdateReason::BackfillCancelled);
        assert_eq!(up.backfill_ticket_id, "bf-server");
        assert_eq!(
            up.game_session.parsed_matchmaker_data().unwrap().unwrap(),
            p.md,
            "the game session is unchanged"
        );
        assert_eq!(status(&p.c, "bf-server").await, Status::Cancelled);

        p.c.start_match_backfill()
            .ticket_id("bf-client")
            .configuration_name("duel")
            .game_session_arn(&p.gs.game_session_id)
            .set_players(Some(api_players(&p.md)))
            .send()
            .await
            .expect("StartMatchBackfill");
        p.c.stop_matchmaking()
            .ticket_id("bf-client")
            .send()
            .await
            .expect("StopMatchmaking on a backfill ticket");
        let up = next_update(&p.sdk).await;
        assert_eq!(up.update_reason, UpdateReason::BackfillCancelled);
        assert_eq!(up.backfill_ticket_id, "bf-client");
        assert_eq!(status(&p.c, "bf-client").await, Status::Cancelled);

        start(&p.c, "duel", "t-erin", player("erin", 11.0)).await;
        assert_eq!(status(&p.c, "t-erin").await, Status::Searching);
        expect_no_event(&p.sdk).await;
    })
    .await
}

/// One active backfill ticket per game session, a new one replacing the old (issue 5): the
/// replaced ticket ends CANCELLED and the server hears BACKFILL_CANCELLED for it; the new one
/// still works. A backfill nobody fills ends with the configuration's RequestTimeoutSeconds
/// (60) as TIMED_OUT, and the server hears BACKFILL_TIMED_OUT ("对战构建器未能在时间限制内找到
/// 回填对战") with the ticket id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_backfill_replaces_the_older_and_an_unfilled_one_times_out() {
    bounded(async {
        let p = play_a_duel(BackfillMode::Manual).await;
        let cfg_arn = p.md.matchmaking_configuration_arn.clone();
        p.c.start_match_backfill()
            .ticket_id("bf-old")
            .configuration_name("duel")
            .game_session_arn(&p.gs.game_session_id)
            .set_players(Some(api_players(&p.md)))
            .send()
            .await
            .expect("StartMatchBackfill");
        let bf = p
            .sdk
            .start_match_backfill(
                StartMatchBackfillRequest::new(&p.gs.game_session_id, &cfg_arn, sdk_players(&p.md))
                    .ticket_id("bf-new"),
            )
            .await
            .unwrap()
            .ticket_id;
        let up = next_update(&p.sdk).await;
        assert_eq!(up.update_reason, UpdateReason::BackfillCancelled);
        assert_eq!(up.backfill_ticket_id, "bf-old");
        let old = ticket(&p.c, "bf-old").await;
        assert_eq!(old.status(), Some(&Status::Cancelled));
        assert!(old.status_message().unwrap().contains("bf-new"));
        assert_eq!(status(&p.c, &bf).await, Status::Searching);

        p.d.advance(std::time::Duration::from_secs(59));
        assert_eq!(status(&p.c, &bf).await, Status::Searching);
        p.d.advance(std::time::Duration::from_secs(1));
        let up = next_update(&p.sdk).await;
        assert_eq!(up.update_reason, UpdateReason::BackfillTimedOut);
        assert_eq!(up.backfill_ticket_id, "bf-new");
        assert_eq!(status(&p.c, &bf).await, Status::TimedOut);
    })
    .await
}

/// Automatic backfill ("打开自动回填": "每当游戏会话开始时有一个或多个玩家位置未满，Amazon
/// GameLift 都将自动触发回填请求"): the session that started at minPlayers (1v1 of 2v2) names
/// its backfill ticket in the matchmaker data (autoBackfillMode, autoBackfillTicketId); carol
/// is added and the server hears MATCHMAKING_DATA_UPDATED with that ticket; the next automatic
/// ticket is named in the new data, and the client's StopMatchmaking on it ("要停止自动回填，
/// 请...发起 Amazon GameLift API 调用 StopMatchmaking") comes back as BACKFILL_CANCELLED and
/// switches it off for the session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn automatic_backfill_fills_a_session_that_started_at_min_players() {
    bounded(async {
        let p = play_a_duel(BackfillMode::Automatic).await;
        let raw: Value = serde_json::from_str(&p.gs.matchmaker_data).unwrap();
        assert_eq!(raw["autoBackfillMode"], "AUTOMATIC", "{raw}");
        let auto =
            p.md.auto_backfill_ticket_id
                .clone()
                .expect("autoBackfillTicketId");
        assert_eq!(raw["autoBackfillTicketId"], auto.as_str());
        assert_eq!(status(&p.c, &auto).await, Status::Searching);

        let md2 = newcomer_fills(&p, "t-carol", "carol", &auto, 3).await;
        assert_eq!(active_players(&p).await, ["alice", "bob", "carol"]);
        let next = md2
            .auto_backfill_ticket_id
            .clone()
            .expect("one slot still open: a new automatic ticket");
        assert_ne!(next, auto);
        assert_eq!(status(&p.c, &next).await, Status::Searching);

        p.c.stop_matchmaking()
            .ticket_id(&next)
            .send()
            .await
            .expect("StopMatchmaking on the automatic ticket");
        let up = next_update(&p.sdk).await;
        assert_eq!(up.update_reason, UpdateReason::BackfillCancelled);
        assert_eq!(up.backfill_ticket_id, next);
        start(&p.c, "duel", "t-dave", player("dave", 11.0)).await;
        assert_eq!(
            status(&p.c, "t-dave").await,
            Status::Searching,
            "automatic backfill is off for this session"
        );
        expect_no_event(&p.sdk).await;
    })
    .await
}
