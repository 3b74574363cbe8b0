//! A repeated RequestId gets the first answer again and acts only once: the CPP SDK re-sends
//! the same message after a timeout, even over a new connection (sdk-wire-protocol.md §1.9,
//! §10 "Answer duplicate RequestIds idempotently").

use std::time::Duration;

use playfield_core::{Event, PlayerSessionStatus};
use playfield_e2e::{bounded, drain_events, GameServer, TestDaemon};
use serde_json::json;

/// sdk-wire-protocol.md §1.9 (CPP: "The same message object is re-sent, so the RequestId is
/// unchanged").
#[tokio::test]
async fn duplicate_request_id_gets_the_same_answer_and_no_second_effect() {
    bounded(async {
        let d = TestDaemon::start().await;
        let (mut gs, id) = GameServer::hosting(&d, "proc-1", 2).await;
        let ps = d.create_player_sessions(&id, &["alice"]).unwrap();
        let fields = json!({"GameSessionId": id, "PlayerSessionId": ps[0].id});

        let mut events = d.events();
        let first = gs
            .request_with_id("AcceptPlayerSession", "dup-1", fields.clone())
            .await;
        assert_eq!(first["StatusCode"], 200);
        let again = gs
            .request_with_id("AcceptPlayerSession", "dup-1", fields.clone())
            .await;
        assert_eq!(
            again, first,
            "the first answer, not 'is ACTIVE, not RESERVED'"
        );
        let accepted = drain_events(&mut events)
            .into_iter()
            .filter(|e| matches!(e, Event::PlayerSessionAccepted { .. }))
            .count();
        assert_eq!(accepted, 1, "accepted once");

        // A new RequestId is a new request: now the state says no.
        let fresh = gs.request("AcceptPlayerSession", fields.clone()).await;
        assert_eq!(fresh["StatusCode"], 400);

        // An error answer is repeated too.
        let e1 = gs
            .request_with_id("ActivateGameSession", "dup-2", json!({"GameSessionId": id}))
            .await;
        let e2 = gs
            .request_with_id("ActivateGameSession", "dup-2", json!({"GameSessionId": id}))
            .await;
        assert_eq!(e1["StatusCode"], 400);
        assert_eq!(e1, e2);
        d.shutdown().await;
    })
    .await;
}

/// No second effect: a re-sent RemovePlayerSession does not remove twice, and a re-sent
/// ProcessEnding over a new connection (CPP reconnects after two failed sends, §1.9) does
/// not end anything twice.
#[tokio::test]
async fn retries_over_a_new_connection_are_recognised() {
    bounded(async {
        let d = TestDaemon::start().await;
        let (mut gs, id) = GameServer::hosting(&d, "proc-1", 2).await;
        let ps = d.create_player_sessions(&id, &["alice"]).unwrap();
        let fields = json!({"GameSessionId": id, "PlayerSessionId": ps[0].id});
        let first = gs
            .request_with_id("RemovePlayerSession", "rm-1", fields.clone())
            .await;
        assert_eq!(first["StatusCode"], 200);

        let mut again = GameServer::connect_as(&d, "proc-1").await;
        let second = again
            .request_with_id("RemovePlayerSession", "rm-1", fields)
            .await;
        assert_eq!(second, first);
        assert_eq!(
            d.read(|c| c.player_session(&ps[0].id).unwrap().status),
            PlayerSessionStatus::Completed
        );
        // Same RequestId, different action: refused, not confused.
        let r = again
            .request_with_id(
                "HeartbeatServerProcess",
                "rm-1",
                json!({"HealthStatus": true}),
            )
            .await;
        assert_eq!(r["StatusCode"], 400);
        assert!(
            r["ErrorMessage"]
                .as_str()
                .unwrap()
                .contains("already used for RemovePlayerSession"),
            "{r}"
        );
        d.shutdown().await;
    })
    .await;
}

/// A duplicated ActivateServerProcess (the CPP SDK retries it, §1.9) is acknowledged twice
/// and makes the process ready once.
#[tokio::test]
async fn duplicate_process_ready_acts_once() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut events = d.events();
        let mut gs = GameServer::connect_as(&d, "proc-1").await;
        let fields = json!({"SdkVersion":"5.4.0","SdkLanguage":"Cpp","Port":7777});
        let a = gs
            .request_with_id("ActivateServerProcess", "ready-1", fields.clone())
            .await;
        let b = gs
            .request_with_id("ActivateServerProcess", "ready-1", fields)
            .await;
        assert_eq!(a, b);
        assert_eq!(a["StatusCode"], 200);
        let ready = drain_events(&mut events)
            .into_iter()
            .filter(|e| matches!(e, Event::ProcessReady { .. }))
            .count();
        assert_eq!(ready, 1);
        // Exactly one process, ready once: a game session can be created on it.
        let id = d.create_game_session(2).unwrap().id;
        let push = gs.expect_push("CreateGameSession").await;
        assert_eq!(push["GameSessionId"], id.as_str());
        gs.expect_silence(Duration::from_millis(50)).await;
        d.shutdown().await;
    })
    .await;
}

/// The reply memory is per process and goes with it: a process that ended and closed its
/// socket leaves nothing behind (lessons-from-peers.md: state never freed was a trap).
#[tokio::test]
async fn reply_memory_is_freed_with_the_process() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut gs = GameServer::ready(&d, "proc-1").await;
        let r = gs
            .request_with_id("TerminateServerProcess", "end-1", json!({}))
            .await;
        assert_eq!(r["StatusCode"], 200);
        let again = gs
            .request_with_id("TerminateServerProcess", "end-1", json!({}))
            .await;
        assert_eq!(again, r, "a retried ProcessEnding gets its first answer");
        assert_eq!(
            d.handle.with_hub(|hub, _| hub.gateway.reply_cache_count()),
            1
        );
        gs.drop_connection();
        d.wait_until("proc-1 forgotten", |c| c.process("proc-1").is_none())
            .await;
        d.wait_until_hub("reply memory freed", |hub| {
            hub.gateway.reply_cache_count() == 0
        })
        .await;
        d.shutdown().await;
    })
    .await;
}
