//! Issue 15's load test, bounded in count and time, on loopback: 1,000 game servers connected
//! and ready at once (raw SDK 5 WebSocket clients, sdk-wire-protocol.md §1–§4), 2,000
//! tickets started through the service API with the real `aws-sdk-gamelift` client, matched
//! 1v1 and placed on those servers. Checked: every ticket ends COMPLETED exactly once, every
//! game session starts on exactly one process and every process gets exactly one, no player
//! session is given twice, and the event stream carries each ticket's events once.
//!
//! No sleeps: every wait is on a condition with a deadline. Time (heartbeats, timeouts) is the
//! daemon's injected clock, which does not move here. Prints its wall time.

use crate::support::api_client;
use crate::support::matchmaking;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use api_client::client;
use futures_util::{stream, SinkExt, StreamExt};
use matchmaking::{player, set_up};
use playfield_core::Event;
use playfield_core::{MatchmakingEvent, TicketStatus};
use playfield_e2e::{GameServer, TestDaemon};
use serde_json::{json, Value};
use tokio::sync::{broadcast, watch};
use tokio_tungstenite::tungstenite::Message;

const SERVERS: usize = 1000;
const TICKETS: usize = 2000;

/// Everything must be over by then (debug build, two loaded cores: it takes 10–30 s).
const DEADLINE: Duration = Duration::from_secs(120);

/// 1v1: two tickets make a full match, formed as soon as the second arrives.
const ONE_VS_ONE: &str = r#"{
    "ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number", "default": 10}],
    "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 1},
              {"name": "blue", "minPlayers": 1, "maxPlayers": 1}]
}"#;

/// Raises the soft limit on open files when it is too low for 2,000 sockets (both ends of
/// 1,000 connections in this process) plus the API's.
fn enough_file_descriptors() {
    let need: libc::rlim_t = 4 * SERVERS as libc::rlim_t + 1024;
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid pointer to a local rlimit.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim), 0);
        if lim.rlim_cur < need {
            lim.rlim_cur = need.min(lim.rlim_max);
            assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &lim), 0);
        }
    }
    assert!(
        lim.rlim_cur >= need,
        "the load test needs {need} open files; the hard limit is {} (ulimit -Hn)",
        lim.rlim_max
    );
}

/// What one game server saw: the CreateGameSession pushes it got (it activates the first),
/// and anything else that came.
struct Seen {
    pid: String,
    game_sessions: Vec<String>,
    other: Vec<Value>,
}

/// Runs a ready game server until `stop`: activates the game session of each
/// CreateGameSession push, answers nothing else, records everything.
async fn serve(pid: String, mut gs: GameServer, mut stop: watch::Receiver<bool>) -> Seen {
    let mut seen = Seen {
        pid,
        game_sessions: Vec::new(),
        other: Vec::new(),
    };
    let mut pending: Option<String> = None;
    loop {
        let msg = tokio::select! {
            m = gs.ws.next() => m,
            _ = stop.wait_for(|s| *s) => break,
        };
        let text = match msg {
            Some(Ok(Message::Text(t))) => t,
            Some(Ok(Message::Close(f))) => panic!("{}: closed by the daemon: {f:?}", seen.pid),
            Some(Ok(_)) => continue,
            Some(Err(e)) => panic!("{}: {e}", seen.pid),
            None => panic!("{}: the connection ended", seen.pid),
        };
        let v: Value = serde_json::from_str(text.as_str()).expect("messages are JSON");
        if v["Action"] == "CreateGameSession" {
            let id = v["GameSessionId"].as_str().expect("an id").to_string();
            seen.game_sessions.push(id.clone());
            let rid = gs.fresh_request_id();
            pending = Some(rid.clone());
            let msg =
                json!({"Action": "ActivateGameSession", "RequestId": rid, "GameSessionId": id});
            gs.ws
                .send(Message::text(msg.to_string()))
                .await
                .expect("send");
        } else if v["Action"] == "ActivateGameSession"
            && pending.as_deref() == v["RequestId"].as_str()
        {
            assert_eq!(v["StatusCode"], 200, "{}: {v}", seen.pid);
            pending = None;
        } else {
            seen.other.push(v);
        }
    }
    assert!(
        pending.is_none(),
        "{}: ActivateGameSession unanswered",
        seen.pid
    );
    seen
}

/// Reads every event until `stop`; a lagging reader would miss events, which the test must
/// not take for a daemon's fault: it says so.
async fn record(mut rx: broadcast::Receiver<Event>, mut stop: watch::Receiver<bool>) -> Vec<Event> {
    let mut out = Vec::new();
    loop {
        tokio::select! {
            e = rx.recv() => match e {
                Ok(e) => out.push(e),
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    panic!("the test's event reader fell {n} events behind")
                }
                Err(broadcast::error::RecvError::Closed) => break,
            },
            _ = stop.wait_for(|s| *s) => {
                while let Ok(e) = rx.try_recv() {
                    out.push(e);
                }
                break;
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_servers_and_two_thousand_tickets_lose_and_repeat_nothing() {
    enough_file_descriptors();
    let run = async {
        let started = Instant::now();
        let d = TestDaemon::start().await;
        let c = client(&d, "AKIDLOCAL");
        set_up(&c, "duel", ONE_VS_ONE, |b| b).await;
        let (stop_tx, stop_rx) = watch::channel(false);
        let events = tokio::spawn(record(d.events(), stop_rx.clone()));

        // 1,000 game servers, connected and ready, 50 at a time.
        let servers: Vec<(String, GameServer)> = stream::iter(0..SERVERS)
            .map(|i| {
                let d = &d;
                async move {
                    let pid = format!("proc-{i:04}");
                    let gs = GameServer::ready(d, &pid).await;
                    (pid, gs)
                }
            })
            .buffer_unordered(50)
            .collect()
            .await;
        let ready = d.read(|core| core.running_process_count());
        assert_eq!(ready, SERVERS, "every server is ready");
        let connected = Instant::now();
        let serving: Vec<_> = servers
            .into_iter()
            .map(|(pid, gs)| tokio::spawn(serve(pid, gs, stop_rx.clone())))
            .collect();

        // 2,000 tickets, 16 calls at a time.
        stream::iter(0..TICKETS)
            .map(|i| {
                let c = &c;
                async move {
                    c.start_matchmaking()
                        .ticket_id(format!("t-{i:04}"))
                        .configuration_name("duel")
                        .players(player(&format!("p-{i:04}"), 10.0))
                        .send()
                        .await
                        .unwrap_or_else(|e| panic!("StartMatchmaking t-{i:04}: {e:?}"))
                }
            })
            .buffer_unordered(16)
            .for_each(|_| async {})
            .await;
        let submitted = Instant::now();

        // Every game session active: its tickets are COMPLETED then.
        d.wait_until_within(DEADLINE, "every ticket is COMPLETED", |core| {
            core.tickets()
                .filter(|t| t.status == TicketStatus::Completed)
                .count()
                == TICKETS
        })
        .await;
        let completed = Instant::now();

        // What the backend sees: DescribeMatchmaking, 10 tickets a call.
        let ids: Vec<String> = (0..TICKETS).map(|i| format!("t-{i:04}")).collect();
        let mut player_sessions = HashSet::new();
        let mut per_game: HashMap<String, Vec<String>> = HashMap::new();
        for chunk in ids.chunks(10) {
            let out = c
                .describe_matchmaking()
                .set_ticket_ids(Some(chunk.to_vec()))
                .send()
                .await
                .expect("DescribeMatchmaking");
            assert_eq!(out.ticket_list().len(), chunk.len());
            for t in out.ticket_list() {
                let id = t.ticket_id().unwrap().to_string();
                assert_eq!(
                    t.status(),
                    Some(&aws_sdk_gamelift::types::MatchmakingConfigurationStatus::Completed),
                    "{id}"
                );
                let info = t.game_session_connection_info().expect("connection info");
                let arn = info.game_session_arn().expect("a game session").to_string();
                for s in info.matched_player_sessions() {
                    let ps = s.player_session_id().expect("a player session").to_string();
                    assert!(player_sessions.insert(ps.clone()), "{ps} given twice");
                }
                per_game.entry(arn).or_default().push(id);
            }
        }
        assert_eq!(
            player_sessions.len(),
            TICKETS,
            "one player session per player"
        );
        assert_eq!(per_game.len(), SERVERS, "a game per two tickets");
        assert!(
            per_game.values().all(|t| t.len() == 2),
            "two tickets per game"
        );

        // What the game servers saw: one game session each, all different, and nothing else.
        stop_tx.send(true).unwrap();
        let mut by_game: HashMap<String, String> = HashMap::new();
        for task in serving {
            let seen = task.await.expect("a game server task");
            assert_eq!(
                seen.game_sessions.len(),
                1,
                "{} got {:?}",
                seen.pid,
                seen.game_sessions
            );
            assert!(seen.other.is_empty(), "{}: {:?}", seen.pid, seen.other);
            let gs = seen.game_sessions[0].clone();
            if let Some(other) = by_game.insert(gs.clone(), seen.pid.clone()) {
                panic!("{gs} started on {other} and {}", seen.pid);
            }
        }
        let games: HashSet<&String> = by_game.keys().collect();
        let placed: HashSet<&String> = per_game.keys().collect();
        assert_eq!(
            games, placed,
            "the games started are the games the tickets name"
        );

        // The event stream: per ticket, each status once, in order, ending COMPLETED, and
        // in exactly one potential match.
        let events = events.await.expect("the event reader");
        let mut statuses: BTreeMap<String, Vec<TicketStatus>> = BTreeMap::new();
        let mut matched: HashMap<String, usize> = HashMap::new();
        for e in &events {
            match e {
                Event::Matchmaking(MatchmakingEvent::TicketStatus {
                    ticket_id, status, ..
                }) => statuses
                    .entry(ticket_id.to_string())
                    .or_default()
                    .push(*status),
                Event::Matchmaking(MatchmakingEvent::PotentialMatchCreated {
                    ticket_ids, ..
                }) => {
                    for t in ticket_ids {
                        *matched.entry(t.to_string()).or_default() += 1;
                    }
                }
                _ => {}
            }
        }
        assert_eq!(statuses.len(), TICKETS, "events for every ticket");
        for (id, seq) in &statuses {
            let distinct: HashSet<String> = seq.iter().map(|s| format!("{s:?}")).collect();
            assert_eq!(distinct.len(), seq.len(), "{id}: a status twice: {seq:?}");
            assert_eq!(seq.last(), Some(&TicketStatus::Completed), "{id}: {seq:?}");
            assert_eq!(matched.get(id), Some(&1), "{id}: in one potential match");
        }

        println!(
            "load: {SERVERS} servers ready in {:.1} s, {TICKETS} tickets submitted in {:.1} s, \
             all COMPLETED {:.1} s later; {:.1} s in all",
            (connected - started).as_secs_f64(),
            (submitted - connected).as_secs_f64(),
            (completed - submitted).as_secs_f64(),
            started.elapsed().as_secs_f64(),
        );
        d.shutdown().await;
    };
    tokio::time::timeout(DEADLINE, run)
        .await
        .expect("the load test finishes in time");
}
