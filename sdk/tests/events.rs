//! Pushes (§4) and how they reach the game server: callbacks on the SDK's callback thread, or
//! the poll queue.

use crate::support::*;
use playfield_sdk::model::{GameSession, UpdateGameSession, UpdateReason};
use playfield_sdk::{Error, ProcessParameters, ServerEvent};
use serde_json::json;
use std::sync::mpsc;
use std::time::Duration;

fn recv<T>(rx: &mpsc::Receiver<T>) -> T {
    rx.recv_timeout(Duration::from_secs(10))
        .expect("callback called")
}

/// §4.1/§7.3: CreateGameSession and UpdateGameSession before process_ready are ignored.
#[tokio::test]
async fn pushes_before_process_ready_are_ignored() {
    let (sdk, _service, mut conn) = connected(options()).await;
    let (tx, rx) = mpsc::channel::<String>();
    let (utx, urx) = mpsc::channel::<String>();
    conn.push_create_game_session().await;
    conn.push(
        "UpdateGameSession",
        json!({"GameSession": {"GameSessionId": GAME_SESSION}, "UpdateReason": "BACKFILL_FAILED"}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let process = ProcessParameters::new(7777)
        .on_start_game_session(move |gs| tx.send(gs.game_session_id).unwrap())
        .on_update_game_session(move |u| utx.send(u.backfill_ticket_id).unwrap());
    make_ready(&sdk, &mut conn, process).await;
    assert_eq!(sdk.get_game_session_id(), Err(Error::GameSessionIdNotSet));
    assert!(rx.recv_timeout(Duration::from_millis(200)).is_err());
    assert!(urx.try_recv().is_err());
    // After process_ready the same push is taken.
    conn.push_create_game_session().await;
    assert_eq!(
        tokio::task::spawn_blocking(move || recv(&rx))
            .await
            .unwrap(),
        GAME_SESSION
    );
}

/// §4.1: CreateGameSession → stored ID, `on_start_game_session` with the GameSessionName as
/// `name` and FleetId filled in from the SDK's own state; matchmaker data parses (§5.2).
#[tokio::test]
async fn create_game_session_calls_back() {
    let (tx, rx) = mpsc::channel::<GameSession>();
    let process =
        ProcessParameters::new(7777).on_start_game_session(move |gs| tx.send(gs).unwrap());
    let (sdk, _service, mut conn) = ready(options(), process).await;
    conn.push_create_game_session().await;
    let gs = tokio::task::spawn_blocking(move || recv(&rx))
        .await
        .unwrap();
    assert_eq!(gs.game_session_id, GAME_SESSION);
    assert_eq!(gs.name, "duel-77");
    assert_eq!(gs.fleet_id, FLEET);
    assert_eq!(gs.port, 7777);
    assert_eq!(gs.maximum_player_session_count, 8);
    assert_eq!(gs.game_properties["mode"], "ctf");
    let data = gs.parsed_matchmaker_data().unwrap().unwrap();
    assert_eq!(data.matchmaking_configuration_arn, CONFIG_ARN);
    assert_eq!(data.backfill_players().len(), 2);
    assert_eq!(sdk.get_game_session_id().unwrap(), GAME_SESSION);
}

/// §4.2: UpdateGameSession → `on_update_game_session` with reason and backfill ticket; the
/// stored game session ID does not change. Every reason reaches the server (lessons).
#[tokio::test]
async fn update_game_session_calls_back_with_reason_and_ticket() {
    let (tx, rx) = mpsc::channel::<UpdateGameSession>();
    let process = ProcessParameters::new(7777).on_update_game_session(move |u| tx.send(u).unwrap());
    let (sdk, _service, mut conn) = ready(options(), process).await;
    let reasons = [
        (
            "MATCHMAKING_DATA_UPDATED",
            UpdateReason::MatchmakingDataUpdated,
        ),
        ("BACKFILL_FAILED", UpdateReason::BackfillFailed),
        ("BACKFILL_TIMED_OUT", UpdateReason::BackfillTimedOut),
        ("BACKFILL_CANCELLED", UpdateReason::BackfillCancelled),
        ("SOMETHING_NEW", UpdateReason::Unknown),
    ];
    for (i, (wire, _)) in reasons.iter().enumerate() {
        conn.push(
            "UpdateGameSession",
            json!({"GameSession": {"GameSessionId": "arn:aws:gamelift:us-west-2::gamesession/fleet-1a2b/other",
                "Name": "duel-77", "FleetId": FLEET, "MatchmakerData": matchmaker_data()},
                "UpdateReason": wire, "BackfillTicketId": format!("ticket-{i}")}),
        )
        .await;
    }
    let updates =
        tokio::task::spawn_blocking(move || (0..5).map(|_| recv(&rx)).collect::<Vec<_>>())
            .await
            .unwrap();
    for (i, ((_, reason), update)) in reasons.iter().zip(&updates).enumerate() {
        assert_eq!(update.update_reason, *reason);
        assert_eq!(update.backfill_ticket_id, format!("ticket-{i}"));
        assert_eq!(update.game_session.name, "duel-77");
    }
    assert_eq!(sdk.get_game_session_id(), Err(Error::GameSessionIdNotSet));
}

/// §4.3: TerminateProcess → termination time stored as ms/1000, then `on_process_terminate`.
#[tokio::test]
async fn terminate_process_stores_the_time_and_calls_back() {
    let (tx, rx) = mpsc::channel::<()>();
    let process = ProcessParameters::new(7777).on_process_terminate(move || tx.send(()).unwrap());
    let (sdk, _service, mut conn) = ready(options(), process).await;
    conn.push(
        "TerminateProcess",
        json!({"TerminationTime": 1735690500123i64}),
    )
    .await;
    tokio::task::spawn_blocking(move || recv(&rx))
        .await
        .unwrap();
    assert_eq!(sdk.get_termination_time().unwrap(), 1735690500);
    // No reply to a push (§4): nothing but heartbeats arrives.
    assert!(conn
        .maybe_request(Duration::from_millis(200))
        .await
        .is_none());
}

/// §4.3: with no `on_process_terminate`, the SDK calls process_ending then destroy itself
/// (it does not exit the OS process).
#[tokio::test]
async fn terminate_without_callback_ends_and_destroys() {
    let (sdk, _service, mut conn) = ready(options(), ProcessParameters::new(7777)).await;
    conn.push(
        "TerminateProcess",
        json!({"TerminationTime": 1735690500000i64}),
    )
    .await;
    let req = conn.expect("TerminateServerProcess").await;
    conn.reply_ok(&req, json!({})).await;
    assert!(
        conn.maybe_request(Duration::from_secs(5)).await.is_none(),
        "socket closed"
    );
    tokio::time::timeout(WAIT, async {
        while sdk.get_game_session_id() != Err(Error::NotInitialized) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("destroyed");
}

/// §8 + lessons: a callback may call back into the SDK (activate_game_session from
/// on_start_game_session) without deadlocking.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callback_can_call_back_into_the_sdk() {
    let (tx, rx) = mpsc::channel::<Result<(), Error>>();
    let handle = tokio::runtime::Handle::current();
    let sdk_slot: std::sync::Arc<std::sync::OnceLock<playfield_sdk::ServerSdk>> =
        Default::default();
    let slot = sdk_slot.clone();
    let process = ProcessParameters::new(7777).on_start_game_session(move |_gs| {
        let sdk = slot.get().expect("sdk set").clone();
        let id = sdk.get_game_session_id();
        let result = handle.block_on(sdk.activate_game_session());
        tx.send(id.and(result)).unwrap();
    });
    let (sdk, _service, mut conn) = connected(options()).await;
    sdk_slot.set(sdk.clone()).unwrap();
    make_ready(&sdk, &mut conn, process).await;
    conn.push_create_game_session().await;
    let req = conn.expect("ActivateGameSession").await;
    assert_eq!(req["GameSessionId"], GAME_SESSION);
    conn.reply_ok(&req, json!({})).await;
    let result = tokio::task::spawn_blocking(move || recv(&rx))
        .await
        .unwrap();
    assert_eq!(result, Ok(()));
}

/// Poll mode: events go to the queue in arrival order, callbacks are not called, and
/// TerminateProcess has no default action.
#[tokio::test]
async fn poll_mode_delivers_events() {
    let (tx, rx) = mpsc::channel::<()>();
    let process = ProcessParameters::new(7777)
        .poll_events()
        .on_start_game_session(move |_| tx.send(()).unwrap());
    let (sdk, _service, mut conn) = ready(options(), process).await;
    assert_eq!(sdk.poll_event(), None);
    conn.push_create_game_session().await;
    conn.push(
        "UpdateGameSession",
        json!({"GameSession": {"GameSessionId": GAME_SESSION}, "UpdateReason": "BACKFILL_CANCELLED", "BackfillTicketId": "t-9"}),
    )
    .await;
    conn.push("TerminateProcess", json!({"TerminationTime": 2000}))
        .await;
    let first = tokio::time::timeout(WAIT, sdk.next_event()).await.unwrap();
    assert!(
        matches!(&first, ServerEvent::StartGameSession(gs) if gs.fleet_id == FLEET),
        "{first:?}"
    );
    let second = tokio::time::timeout(WAIT, sdk.next_event()).await.unwrap();
    assert!(
        matches!(&second, ServerEvent::UpdateGameSession(u) if u.update_reason == UpdateReason::BackfillCancelled && u.backfill_ticket_id == "t-9"),
        "{second:?}"
    );
    let third = tokio::time::timeout(WAIT, sdk.next_event()).await.unwrap();
    assert_eq!(
        third,
        ServerEvent::ProcessTerminate {
            termination_time: 2
        }
    );
    assert_eq!(sdk.poll_event(), None);
    assert!(
        rx.try_recv().is_err(),
        "callbacks are not called in poll mode"
    );
    // No automatic process_ending in poll mode.
    assert!(conn
        .maybe_request(Duration::from_millis(300))
        .await
        .is_none());
    assert_eq!(sdk.get_termination_time().unwrap(), 2);
}

/// §2.2: a push without RequestId/StatusCode is still a push; a push-named message with a
/// RequestId and no StatusCode is an error reply and is dropped.
#[tokio::test]
async fn push_envelope_rules() {
    let (sdk, _service, mut conn) =
        ready(options(), ProcessParameters::new(7777).poll_events()).await;
    conn.send(json!({"Action": "CreateGameSession", "RequestId": "r-1", "GameSessionId": "arn:aws:gamelift:us-west-2::gamesession/fleet-1a2b/dropped"}))
        .await;
    conn.send(json!({"Action": "CreateGameSession", "GameSessionId": GAME_SESSION}))
        .await;
    let event = tokio::time::timeout(WAIT, sdk.next_event()).await.unwrap();
    assert!(
        matches!(&event, ServerEvent::StartGameSession(gs) if gs.game_session_id == GAME_SESSION),
        "{event:?}"
    );
    assert_eq!(sdk.poll_event(), None);
}

/// A panicking callback does not take the SDK down; later events are still delivered.
#[tokio::test]
async fn a_panicking_callback_is_contained() {
    let (tx, rx) = mpsc::channel::<String>();
    let process = ProcessParameters::new(7777).on_start_game_session(move |gs| {
        if gs.name == "boom" {
            panic!("game code bug");
        }
        tx.send(gs.name).unwrap();
    });
    let (_sdk, _service, mut conn) = ready(options(), process).await;
    conn.push(
        "CreateGameSession",
        json!({"GameSessionId": GAME_SESSION, "GameSessionName": "boom"}),
    )
    .await;
    conn.push(
        "CreateGameSession",
        json!({"GameSessionId": GAME_SESSION, "GameSessionName": "fine"}),
    )
    .await;
    assert_eq!(
        tokio::task::spawn_blocking(move || recv(&rx))
            .await
            .unwrap(),
        "fine"
    );
}

/// A CreateGameSession sent right behind the ActivateServerProcess reply (a placement that
/// was waiting for a free process) must not be lost to the moment between the reply arriving
/// and process_ready returning. Both are written in one flush, on a multi-threaded runtime.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_game_session_right_behind_the_ready_reply_is_not_lost() {
    for _ in 0..20 {
        let (tx, rx) = mpsc::channel::<String>();
        let process = ProcessParameters::new(7777)
            .on_start_game_session(move |gs| tx.send(gs.game_session_id).unwrap());
        let (sdk, _service, mut conn) = connected(options()).await;
        let ready = {
            let sdk = sdk.clone();
            tokio::spawn(async move { sdk.process_ready(process).await })
        };
        let req = conn.expect("ActivateServerProcess").await;
        conn.send_burst(vec![
            json!({"Action": "ActivateServerProcess", "RequestId": req["RequestId"], "StatusCode": 200}),
            json!({"Action": "CreateGameSession", "StatusCode": 200, "GameSessionId": GAME_SESSION}),
        ])
        .await;
        ready.await.unwrap().unwrap();
        let id = tokio::task::spawn_blocking(move || recv(&rx))
            .await
            .unwrap();
        assert_eq!(id, GAME_SESSION);
        assert_eq!(sdk.get_game_session_id().unwrap(), GAME_SESSION);
        sdk.destroy().await.unwrap();
    }
}

/// If the caller gives up on process_ready (its future is dropped) the dispatcher does not
/// keep waiting for the activation: later pushes are still handled.
#[tokio::test]
async fn a_cancelled_process_ready_does_not_stall_pushes() {
    let (sdk, _service, mut conn) = connected(options()).await;
    let ready = {
        let sdk = sdk.clone();
        tokio::spawn(async move {
            sdk.process_ready(ProcessParameters::new(7777).poll_events())
                .await
        })
    };
    conn.expect("ActivateServerProcess").await;
    ready.abort();
    assert!(ready.await.unwrap_err().is_cancelled());
    conn.push_create_game_session().await;
    conn.push("TerminateProcess", json!({"TerminationTime": 7000}))
        .await;
    let event = tokio::time::timeout(Duration::from_secs(10), sdk.next_event())
        .await
        .expect("pushes still flow");
    assert_eq!(
        event,
        ServerEvent::ProcessTerminate {
            termination_time: 7
        }
    );
    assert_eq!(sdk.get_game_session_id(), Err(Error::GameSessionIdNotSet));
}
