//! Sample game server: the whole life of a server process against `playfield serve` (or the
//! real service).
//!
//! 1. connect (`init`) with the `GAMELIFT_SDK_*` environment or the CLI flags;
//! 2. `process_ready`, taking events from the SDK's queue on the main task (poll mode);
//! 3. for each game session: print the matchmaker data, `activate_game_session`, accept the
//!    reserved player sessions, let one player "leave" (`remove_player_session`) and, when the
//!    session came from FlexMatch, ask for a replacement (`start_match_backfill`), logging
//!    every `UpdateGameSession` and stopping the ticket if nothing came of it in time;
//! 4. on TerminateProcess, Ctrl-C or after the last session: `process_ending`, `destroy`,
//!    exit 0.
//!
//! ```text
//! GAMELIFT_SDK_WEBSOCKET_URL=ws://127.0.0.1:7778 GAMELIFT_SDK_AUTH_TOKEN=dev \
//! GAMELIFT_SDK_FLEET_ID=fleet-1 GAMELIFT_SDK_HOST_ID=local GAMELIFT_SDK_PROCESS_ID=ManagedResource \
//!   cargo run -p playfield-sample-server -- --port 7777
//! ```

use anyhow::{Context, Result};
use clap::Parser;
use playfield_sdk::model::{AttributeValue, GameSession, PlayerSessionStatus, UpdateGameSession};
use playfield_sdk::request::{
    DescribePlayerSessionsRequest, StartMatchBackfillRequest, StopMatchBackfillRequest,
};
use playfield_sdk::{ProcessParameters, SdkOptions, ServerEvent, ServerParameters, ServerSdk};
use std::time::Duration;
use tokio::sync::watch;
use tracing::{info, warn};

/// Command line. Every connection flag can also come from its `GAMELIFT_SDK_*` variable,
/// which wins when both are given (as in the official SDKs).
#[derive(Parser, Debug)]
#[command(about = "Playfield sample game server (Rust SDK)")]
struct Args {
    /// Service endpoint (GAMELIFT_SDK_WEBSOCKET_URL).
    #[arg(long, default_value = "")]
    url: String,
    /// Auth token (GAMELIFT_SDK_AUTH_TOKEN).
    #[arg(long, default_value = "")]
    auth_token: String,
    /// Fleet ID (GAMELIFT_SDK_FLEET_ID).
    #[arg(long, default_value = "")]
    fleet_id: String,
    /// Host / compute ID (GAMELIFT_SDK_HOST_ID).
    #[arg(long, default_value = "")]
    host_id: String,
    /// Process ID (GAMELIFT_SDK_PROCESS_ID); `ManagedResource` makes one up.
    #[arg(long, default_value = "ManagedResource")]
    process_id: String,
    /// Port players would connect to.
    #[arg(long, default_value_t = 7777)]
    port: i32,
    /// Log file the service should keep.
    #[arg(long)]
    log_path: Vec<String>,
    /// Accept a self-signed certificate on wss:// (playfield serve generates one).
    #[arg(long)]
    accept_invalid_certs: bool,
    /// How many game sessions to host before ending (0 = until TerminateProcess). A game
    /// session ends only with its process's ProcessEnding (server SDK 5), so past the first
    /// one a server just waits: keep 1 when a fleet launches it, and it is replaced.
    #[arg(long, default_value_t = 1)]
    sessions: u32,
    /// How long each game session "plays".
    #[arg(long, default_value = "5", value_parser = seconds)]
    session_seconds: Duration,
    /// How long to wait for the result of a backfill request before stopping it.
    #[arg(long, default_value = "10", value_parser = seconds)]
    backfill_wait: Duration,
    /// The latency (ms) a backfill request reports for each current player, in the game
    /// session's region: with a latency rule a backfill needs it (guide 002 line 2389). A
    /// real server measures its players; this sample has none to measure.
    #[arg(long, default_value_t = 50)]
    player_latency_ms: i32,
}

fn seconds(s: &str) -> Result<Duration, String> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("{s:?} is not a number of seconds"))
}

/// What happened while we were waiting for something.
enum Outcome {
    Done,
    Terminate,
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,playfield_sdk=info".into()),
        )
        .init();
    let args = Args::parse();
    let sdk = ServerSdk::with_options(
        SdkOptions::from_env().accept_invalid_certs(args.accept_invalid_certs),
    );
    let params = ServerParameters::new()
        .web_socket_url(&args.url)
        .auth_token(&args.auth_token)
        .fleet_id(&args.fleet_id)
        .host_id(&args.host_id)
        .process_id(&args.process_id);
    sdk.init(params).await.context("init")?;
    info!(sdk_version = ServerSdk::sdk_version(), "connected");

    sdk.process_ready(
        ProcessParameters::new(args.port)
            .log_paths(args.log_path.clone())
            .poll_events()
            .on_health_check(|| true),
    )
    .await
    .context("process_ready")?;
    info!(
        port = args.port,
        "process ready; waiting for a game session"
    );

    let mut interrupted = interrupt_signal();
    let mut hosted = 0;
    loop {
        let event = tokio::select! {
            event = sdk.next_event() => event,
            _ = interrupted.changed() => {
                info!("interrupted");
                break;
            }
        };
        match event {
            ServerEvent::StartGameSession(gs) => {
                hosted += 1;
                if let Outcome::Terminate = host(&sdk, &args, gs, &mut interrupted).await {
                    break;
                }
                if args.sessions != 0 && hosted >= args.sessions {
                    info!(hosted, "hosted enough game sessions");
                    break;
                }
            }
            ServerEvent::UpdateGameSession(update) => log_update(&update),
            ServerEvent::ProcessTerminate { termination_time } => {
                info!(termination_time, "TerminateProcess received");
                break;
            }
        }
    }

    if let Err(e) = sdk.process_ending().await {
        warn!("process_ending failed: {e}");
    }
    sdk.destroy().await.context("destroy")?;
    info!("bye");
    Ok(())
}

/// Flips to `true` on Ctrl-C.
fn interrupt_signal() -> watch::Receiver<bool> {
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = tx.send(true);
        }
        // Keep the sender alive so receivers do not see a spurious change.
        std::future::pending::<()>().await;
    });
    rx
}

/// One game session, start to end.
async fn host(
    sdk: &ServerSdk,
    args: &Args,
    gs: GameSession,
    interrupted: &mut watch::Receiver<bool>,
) -> Outcome {
    info!(
        id = %gs.game_session_id,
        name = %gs.name,
        max_players = gs.maximum_player_session_count,
        properties = %key_values(gs.game_properties.iter().map(|(k, v)| (k, v.clone()))),
        "game session started"
    );
    let matchmaker_data = match gs.parsed_matchmaker_data() {
        Ok(data) => data,
        Err(e) => {
            warn!(
                "matchmaker data does not parse: {e}; raw: {}",
                gs.matchmaker_data
            );
            None
        }
    };
    match &matchmaker_data {
        None => info!("not a FlexMatch game session (no matchmaker data)"),
        Some(data) => {
            info!(match_id = %data.match_id, configuration = %data.matchmaking_configuration_arn, "matchmaker data");
            for team in &data.teams {
                for player in &team.players {
                    info!(team = %team.name, player = %player.player_id, attributes = %key_values(player.attributes.iter().map(|(k, v)| (k, attribute_text(v)))), "matched player");
                }
            }
        }
    }
    if let Err(e) = sdk.activate_game_session().await {
        warn!("activate_game_session failed: {e}");
        return Outcome::Done;
    }
    info!("game session active");

    // Players connect with their player session IDs; here we read them from the service.
    let mut players = Vec::new();
    match sdk
        .describe_player_sessions(DescribePlayerSessionsRequest::for_game_session(
            &gs.game_session_id,
        ))
        .await
    {
        Ok(result) => {
            for ps in result.player_sessions {
                if ps.status != PlayerSessionStatus::Reserved {
                    continue;
                }
                match sdk.accept_player_session(&ps.player_session_id).await {
                    Ok(()) => {
                        info!(player = %ps.player_id, session = %ps.player_session_id, "player accepted");
                        players.push((ps.player_id, ps.player_session_id));
                    }
                    Err(e) => warn!(session = %ps.player_session_id, "accept failed: {e}"),
                }
            }
        }
        Err(e) => warn!("describe_player_sessions failed: {e}"),
    }

    // One player leaves; a FlexMatch session asks for a replacement.
    if let Some((left_player, left_session)) = players.pop() {
        match sdk.remove_player_session(&left_session).await {
            Ok(()) => info!(player = %left_player, "player left"),
            Err(e) => warn!("remove_player_session failed: {e}"),
        }
        if let Some(data) = matchmaker_data
            .as_ref()
            .filter(|d| !d.matchmaking_configuration_arn.is_empty())
        {
            // Guide 002 line 2389: a backfill needs each player's latency only for the region
            // the game session is in, read from its ARN (arn:aws:gamelift:<region>::...).
            let region = gs.game_session_id.split(':').nth(3).unwrap_or_default();
            let remaining: Vec<_> = data
                .backfill_players()
                .into_iter()
                .filter(|p| p.player_id != left_player)
                .map(|mut p| {
                    p.latency_in_ms
                        .insert(region.to_owned(), args.player_latency_ms);
                    p
                })
                .collect();
            if let Outcome::Terminate = backfill(
                sdk,
                args,
                &gs,
                &data.matchmaking_configuration_arn,
                remaining,
                interrupted,
            )
            .await
            {
                return Outcome::Terminate;
            }
        }
    }

    info!(seconds = args.session_seconds.as_secs_f64(), "playing");
    if let Outcome::Terminate = wait_events(sdk, args.session_seconds, interrupted, |_| false).await
    {
        return Outcome::Terminate;
    }
    for (player, session) in players {
        match sdk.remove_player_session(&session).await {
            Ok(()) => info!(player = %player, "player left"),
            Err(e) => warn!("remove_player_session failed: {e}"),
        }
    }
    info!("game session over");
    Outcome::Done
}

/// Requests a backfill and waits for its end; stops the ticket if nothing came in time.
async fn backfill(
    sdk: &ServerSdk,
    args: &Args,
    gs: &GameSession,
    configuration_arn: &str,
    players: Vec<playfield_sdk::model::Player>,
    interrupted: &mut watch::Receiver<bool>,
) -> Outcome {
    if players.is_empty() {
        info!("nobody left to backfill around");
        return Outcome::Done;
    }
    let request = StartMatchBackfillRequest::new(&gs.game_session_id, configuration_arn, players);
    let ticket = match sdk.start_match_backfill(request).await {
        Ok(result) => result.ticket_id,
        Err(e) => {
            warn!("start_match_backfill failed: {e}");
            return Outcome::Done;
        }
    };
    info!(ticket = %ticket, "backfill requested");
    let mut finished = false;
    let outcome = wait_events(sdk, args.backfill_wait, interrupted, |update| {
        finished = update.backfill_ticket_id == ticket;
        finished
    })
    .await;
    if !finished {
        let stop = StopMatchBackfillRequest::new(&ticket, &gs.game_session_id, configuration_arn);
        match sdk.stop_match_backfill(stop).await {
            Ok(()) => info!(ticket = %ticket, "backfill stopped"),
            Err(e) => warn!(ticket = %ticket, "stop_match_backfill failed: {e}"),
        }
    }
    outcome
}

/// Handles events for `duration`, or until `done` returns true for an update.
/// TerminateProcess and Ctrl-C end the wait with [`Outcome::Terminate`].
async fn wait_events(
    sdk: &ServerSdk,
    duration: Duration,
    interrupted: &mut watch::Receiver<bool>,
    mut done: impl FnMut(&UpdateGameSession) -> bool,
) -> Outcome {
    let deadline = tokio::time::Instant::now() + duration;
    loop {
        let event = tokio::select! {
            event = sdk.next_event() => event,
            _ = tokio::time::sleep_until(deadline) => return Outcome::Done,
            _ = interrupted.changed() => {
                info!("interrupted");
                return Outcome::Terminate;
            }
        };
        match event {
            ServerEvent::UpdateGameSession(update) => {
                log_update(&update);
                if done(&update) {
                    return Outcome::Done;
                }
            }
            ServerEvent::ProcessTerminate { termination_time } => {
                info!(termination_time, "TerminateProcess received");
                return Outcome::Terminate;
            }
            ServerEvent::StartGameSession(gs) => {
                warn!(id = %gs.game_session_id, "a second game session while hosting one: ignored");
            }
        }
    }
}

fn log_update(update: &UpdateGameSession) {
    let players = update
        .game_session
        .parsed_matchmaker_data()
        .ok()
        .flatten()
        .map(|d| d.player_count());
    info!(
        reason = update.update_reason.as_str(),
        ticket = %update.backfill_ticket_id,
        players = %players.map_or_else(|| "unknown".to_string(), |n| n.to_string()),
        "game session updated"
    );
}

/// `k=v, k=v` for a log line (not Rust's Debug form of a map).
fn key_values<'a>(pairs: impl Iterator<Item = (&'a String, String)>) -> String {
    pairs
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A player attribute as a person writes it: `1000`, `"sword"`, `[a, b]`, `{eu: 50}`.
fn attribute_text(v: &AttributeValue) -> String {
    match v {
        AttributeValue::None => "none".into(),
        AttributeValue::String(s) => format!("{s:?}"),
        AttributeValue::Double(n) => n.to_string(),
        AttributeValue::StringList(l) => format!("[{}]", l.join(", ")),
        AttributeValue::StringDoubleMap(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, n)| format!("{k}: {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
