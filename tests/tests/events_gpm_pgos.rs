//! GPM pushes and PGOS trigger calls end to end, from the same matches as the FlexMatch
//! events.
//!
//! Spec: seed 000 (GPM event push: the body fields, `MatchTokens`, and when each type is
//! pushed — MatchCreated when the match forms, MatchmakingSucceeded once a GSE match is
//! placed); seed 003 (PGOS triggers: trigger_id, execution_id, event_name, event_time in ms,
//! event_data, args; event_matchmaking_completed and
//! event_battle_session_placement_fulfilled / _failed / _timedout).

use std::time::Duration;

use crate::support::api_client::client;
use crate::support::events::*;
use crate::support::game_server::{ready_server, started_session};
use aws_sdk_gamelift::types::DesiredPlayerSession;
use playfield::config::EventFormat;
use playfield_core::QueueSpec;
use playfield_e2e::{bounded, FLEET};
use playfield_testkit::{Received, Webhook};
use serde_json::{json, Value};

fn gpm_types(rs: &[Received]) -> Vec<String> {
    rs.iter()
        .map(|r| r.json()["Type"].as_str().unwrap().to_string())
        .collect()
}

/// Seed 000: Searching per ticket, MatchCreated when the match forms (tickets PLACING in a
/// GSE match), MatchmakingSucceeded after placement with the server's address in
/// MatchResult; every push carries the target's MatchTokens.
#[tokio::test]
async fn gpm_pushes_carry_match_tokens_at_the_seed_moments() {
    bounded(async {
        let hook = Webhook::start().await;
        let mut gpm = target("gpm-push", &hook.url(), EventFormat::Gpm);
        gpm.match_token = Some("tok-duel-1".into());
        let d = daemon_with(vec![gpm]).await;
        set_up(
            &d,
            Setup {
                target: Some("gpm-push".into()),
                ..Setup::default()
            },
        );
        let server = ready_server(&d, FLEET, "proc-1").await;
        let api = client(&d, "AKIDEXAMPLE");
        start_ticket(&api, "ticket-a", "player-a").await;
        start_ticket(&api, "ticket-b", "player-b").await;
        // A match below maxPlayers forms at the end of its matchmaking cycle.
        d.end_matchmaking_cycle();
        let got = hook.wait_accepted(3).await;
        assert_eq!(
            gpm_types(&got),
            [
                "MatchmakingSearching",
                "MatchmakingSearching",
                "MatchCreated"
            ]
        );
        for r in &got {
            let push = r.json();
            assert_eq!(push["MatchTokens"], json!(["tok-duel-1"]));
            assert_eq!(push["CustomEventPushData"], CUSTOM);
            assert_eq!(push["Region"], "us-west-2");
        }
        let searching = got[0].json();
        let t = &searching["MatchTickets"][0];
        assert_eq!(t["Id"], "ticket-a");
        assert_eq!(t["MatchCode"], "duel");
        assert_eq!(t["MatchType"], "GSE");
        assert_eq!(t["Status"], "SEARCHING");
        assert_eq!(t["Players"][0]["Id"], "player-a");
        assert_eq!(t["Players"][0]["RegionLatencies"][0]["Region"], "us-west-2");
        assert!(t.get("EndTime").is_none());
        let created = got[2].json();
        let tickets = created["MatchTickets"].as_array().unwrap();
        assert_eq!(tickets.len(), 2);
        for t in tickets {
            assert_eq!(t["Status"], "PLACING", "a GSE match is placed next");
            assert!(t["Players"][0]["Team"].is_string());
        }

        let gs = started_session(&server).await;
        server.activate_game_session().await.unwrap();
        let got = hook.wait_accepted(4).await;
        assert_eq!(gpm_types(&got[3..]), ["MatchmakingSucceeded"]);
        let ok = got[3].json();
        assert_eq!(ok["MatchTokens"], json!(["tok-duel-1"]));
        for t in ok["MatchTickets"].as_array().unwrap() {
            assert_eq!(t["Status"], "COMPLETED");
            assert!(t["EndTime"].is_string());
            let result: Value = serde_json::from_str(t["MatchResult"].as_str().unwrap()).unwrap();
            assert_eq!(result["GameServerSessionId"], gs.game_session_id.as_str());
            assert_eq!(result["IpAddress"], "127.0.0.1");
            assert_eq!(result["Port"], 7777);
            assert_eq!(result["PlayerSessions"].as_array().unwrap().len(), 2);
        }
        // Placement events have no GPM push: nothing more arrives for them.
        let stats = {
            tokio::time::timeout(playfield_e2e::IO_TIMEOUT, d.handle.events().flush())
                .await
                .unwrap();
            d.handle.events().target_stats("gpm-push").unwrap()
        };
        assert_eq!(stats.delivered, 4);
        assert!(
            stats.skipped >= 1,
            "PotentialMatchCreated-only moments and placements are skipped"
        );
        d.shutdown().await;
    })
    .await;
}

/// Seed 003: a placed match triggers event_matchmaking_completed then
/// event_battle_session_placement_fulfilled; a direct placement that finds no server within
/// its queue's timeout triggers event_battle_session_placement_timedout, one that fails
/// event_battle_session_placement_failed. Every call has the
/// trigger id, a fresh execution id, the event time in ms and the portal's args.
#[tokio::test]
async fn pgos_triggers_fire_for_matches_and_placements() {
    bounded(async {
        let hook = Webhook::start().await;
        let mut pgos = target("pgos-trigger", &hook.url(), EventFormat::Pgos);
        pgos.args.insert("env".into(), "test".into());
        let d = daemon_with(vec![pgos]).await;
        set_up(
            &d,
            Setup {
                target: Some("pgos-trigger".into()),
                ..Setup::default()
            },
        );
        d.execute(|core, _| {
            core.create_queue(QueueSpec {
                name: "direct-queue".into(),
                destinations: vec![FLEET.into()],
                timeout_seconds: 5,
                notification_target: Some("pgos-trigger".into()),
                ..Default::default()
            })
        })
        .unwrap();
        let server = ready_server(&d, FLEET, "proc-1").await;
        let api = client(&d, "AKIDEXAMPLE");
        start_ticket(&api, "ticket-a", "player-a").await;
        start_ticket(&api, "ticket-b", "player-b").await;
        // A match below maxPlayers forms at the end of its matchmaking cycle.
        d.end_matchmaking_cycle();
        let gs = started_session(&server).await;
        server.activate_game_session().await.unwrap();
        let activated_at = d.now();
        let got = hook.wait_accepted(2).await;
        let names: Vec<Value> = got.iter().map(|r| r.json()["event_name"].clone()).collect();
        assert_eq!(
            names,
            [
                "event_matchmaking_completed",
                "event_battle_session_placement_fulfilled"
            ]
        );
        let completed = got[0].json();
        assert_eq!(completed["trigger_id"], "pgos-trigger");
        assert_eq!(completed["args"], json!({"env": "test"}));
        assert_eq!(completed["event_time"], activated_at);
        assert!(completed["execution_id"].as_str().unwrap().len() >= 32);
        assert_ne!(completed["execution_id"], got[1].json()["execution_id"]);
        let data = &completed["event_data"];
        assert_eq!(data["battle_session_id"], gs.game_session_id.as_str());
        assert_eq!(data["configuration_name"], "duel");
        assert_eq!(data["ruleset_name"], "duel-rules");
        let players = data["matched_players"].as_array().unwrap();
        assert_eq!(players.len(), 2);
        for p in players {
            assert_eq!(p["is_new"], true);
            assert!(p["team"].is_string());
        }
        let fulfilled = &got[1].json()["event_data"];
        assert_eq!(fulfilled["placer"], "duel-queue");
        assert_eq!(fulfilled["source_type"], "matchmaking");
        assert_eq!(fulfilled["ip_address"], "127.0.0.1");
        assert_eq!(fulfilled["port"], 7777);
        assert_eq!(
            fulfilled["player_battle_sessions"]
                .as_array()
                .unwrap()
                .len(),
            2
        );

        // The only process hosts the match now: a direct placement waits, then times out.
        api.start_game_session_placement()
            .placement_id("direct-1")
            .game_session_queue_name("direct-queue")
            .maximum_player_session_count(4)
            .send()
            .await
            .unwrap();
        d.advance(Duration::from_secs(6));
        let got = hook.wait_accepted(3).await;
        let timed_out = got[2].json();
        assert_eq!(
            timed_out["event_name"],
            "event_battle_session_placement_timedout"
        );
        assert_eq!(timed_out["event_data"]["placer"], "direct-queue");
        assert_eq!(timed_out["event_data"]["source_type"], "placement");
        assert_eq!(timed_out["event_data"]["placing_timeout"], 5);
        assert_eq!(timed_out["event_data"]["max_players"], 4);

        // A placement whose desired players do not fit its game session fails once the
        // session is up: event_battle_session_placement_failed, naming that session.
        let server2 = ready_server(&d, FLEET, "proc-2").await;
        api.start_game_session_placement()
            .placement_id("direct-2")
            .game_session_queue_name("direct-queue")
            .maximum_player_session_count(1)
            .desired_player_sessions(
                DesiredPlayerSession::builder()
                    .player_id("player-x")
                    .build(),
            )
            .desired_player_sessions(
                DesiredPlayerSession::builder()
                    .player_id("player-y")
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let gs2 = started_session(&server2).await;
        server2.activate_game_session().await.unwrap();
        let got = hook.wait_accepted(4).await;
        let failed = got[3].json();
        assert_eq!(
            failed["event_name"],
            "event_battle_session_placement_failed"
        );
        assert_eq!(failed["event_data"]["placer"], "direct-queue");
        assert_eq!(
            failed["event_data"]["battle_session_id"],
            gs2.game_session_id.as_str()
        );
        assert!(failed["event_data"].get("player_battle_sessions").is_none());
        d.shutdown().await;
    })
    .await;
}
