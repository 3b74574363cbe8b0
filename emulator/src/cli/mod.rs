//! The `playfield` command line: `serve` runs the daemon, `ruleset validate` checks rule set
//! files.
//!
//! - `certificate`: the generated wss:// certificate, written where a game server can trust it.
//! - `logging`: `--log-level`, `--log-format`, colour.
//! - `ruleset_validate`: the `ruleset validate` subcommand.
//! - `stop_signals`: the signals that stop `playfield serve` (Ctrl-C, SIGTERM, SIGHUP).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use crate::config::{Config, ListenFlags};
use crate::events::{DeliveryConfig, SnsPending};
use crate::launcher::{Launcher, LauncherSettings, RestartPolicy};
use crate::wiring::server::{Daemon, DaemonConfig};
use clap::{Args, Parser, Subcommand};
use playfield_core::SystemClock;
use playfield_core::{CoreConfig, Fleet};
use stop_signals::StopSignals;

pub(crate) mod certificate;
pub(crate) mod logging;
pub(crate) mod ruleset_validate;
pub(crate) mod stop_signals;

#[derive(Parser)]
#[command(
    name = "playfield",
    version,
    about = "Local stand-in for FlexMatch and GameLift session placement"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// How much to log: error, warn, info, debug or trace [default: RUST_LOG's directives
    /// when set, else info].
    #[arg(long, global = true, value_enum, value_name = "LEVEL")]
    log_level: Option<logging::LogLevel>,
    /// How to write the log: `pretty` lines (coloured only on a terminal without NO_COLOR) or
    /// `json`, one object per line.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "FORMAT",
        default_value_t
    )]
    log_format: logging::LogFormat,
}

#[derive(Subcommand)]
// Parsed once at start-up: the size of the larger variant costs nothing worth a Box.
#[allow(clippy::large_enum_variant)]
enum Command {
    /// Run the daemon: game servers connect over the GameLift Servers SDK 5 WebSocket protocol.
    Serve(ServeArgs),
    /// Work with FlexMatch rule sets.
    #[command(subcommand)]
    Ruleset(RulesetCommand),
}

#[derive(Subcommand)]
enum RulesetCommand {
    /// Check rule set files as ValidateMatchmakingRuleSet would; every problem is printed with
    /// its file, line and JSON path. Exit code 0: all valid, 1: some invalid, 2: unreadable.
    Validate {
        /// Rule set JSON files (`//` comments allowed, as in the FlexMatch guide).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Print one JSON report per file instead, for tools.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// Startup configuration file (TOML); without it the embedded default is used.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Service API listener (AWS SDKs, boto3, AWS CLI) [default: from the configuration, 127.0.0.1:9080].
    #[arg(long, value_name = "ADDR")]
    api_listen: Option<SocketAddr>,
    /// Plain WebSocket listener for game servers [default: from the configuration, 127.0.0.1:9081].
    #[arg(long, value_name = "ADDR")]
    ws_listen: Option<SocketAddr>,
    /// TLS WebSocket listener for game servers [default: from the configuration, 127.0.0.1:9443].
    #[arg(long, value_name = "ADDR")]
    wss_listen: Option<SocketAddr>,
    /// Certificate chain (PEM) for wss://; without it a self-signed certificate is generated.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// Private key (PEM) for wss://.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// A server process that sends no heartbeat for this long is gone.
    #[arg(long, value_name = "SECS")]
    heartbeat_timeout: Option<u64>,
    /// How long a disconnected server process keeps its game session awaiting a reconnect.
    #[arg(long, value_name = "SECS")]
    reconnect_grace: Option<u64>,
    /// A game session still ACTIVATING after this long is terminated.
    #[arg(long, value_name = "SECS")]
    activation_timeout: Option<u64>,
    /// Seed for generated ids (reproducible runs).
    #[arg(long)]
    seed: Option<u64>,
    /// On Ctrl-C, SIGTERM or SIGHUP, how long game servers get to end after TerminateProcess;
    /// the processes the daemon launched that are still running then are killed.
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    shutdown_grace: u64,
}

/// Parses the command line and runs the command; the process's exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init(cli.log_level, cli.log_format);
    let result = match cli.command {
        Command::Serve(args) => serve(args),
        Command::Ruleset(RulesetCommand::Validate { files, json }) => {
            return validate_rule_sets(&files, json)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("playfield: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn validate_rule_sets(files: &[PathBuf], json: bool) -> ExitCode {
    let reports = ruleset_validate::check_files(files);
    if json {
        match serde_json::to_string_pretty(&reports) {
            Ok(text) => println!("{text}"),
            Err(e) => eprintln!("playfield: cannot render the report: {e}"),
        }
    } else {
        print!("{}", ruleset_validate::render_human(&reports));
    }
    ExitCode::from(ruleset_validate::exit_code(&reports))
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    // The listen flags replace the file's addresses before the file is checked: a fleet's
    // port_range must not hold a port the daemon really listens on.
    let flags = ListenFlags {
        api: args.api_listen,
        ws: args.ws_listen,
        wss: args.wss_listen,
    };
    let config = match &args.config {
        Some(path) => Config::load(path, flags),
        None => Config::embedded(flags),
    }
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let daemon_config = daemon_config(&args, &config);
    let generates_certificate = daemon_config.tls_files.is_none();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let grace = Duration::from_secs(args.shutdown_grace);
    runtime.block_on(async move {
        // Listen before anything is up: a signal that arrives while the listeners start must
        // still mean "shut down gracefully", not kill the process outright.
        let mut signals = StopSignals::listen()?;
        let handle = Daemon::start(daemon_config, Arc::new(SystemClock)).await?;
        if let (true, Some(addr), Some(der)) = (
            generates_certificate,
            handle.wss_addr(),
            handle.tls_certificate(),
        ) {
            match certificate::write(der, addr.port()) {
                Ok(path) => tracing::info!(target: "playfield", "wss:// certificate written to {path}; a Go game server trusts it with SSL_CERT_FILE={path}", path = path.display()),
                Err(e) => tracing::warn!(target: "playfield", "wss:// certificate not written to {}: {e}; Go game servers cannot verify wss://", certificate::path_for(addr.port()).display()),
            }
        }
        // With [auth] required, the game servers the daemon launches itself need a token the
        // gateway accepts; theirs never expires.
        let auth_token = if config.auth.required {
            handle.execute(|core, _| core.issue_launcher_token())
        } else {
            "playfield".to_string()
        };
        let launcher = match handle.ws_addr() {
            Some(addr) => Some(Launcher::start(
                &config.fleets,
                LauncherSettings {
                    websocket_url: format!("ws://{addr}"),
                    host_id: "playfield-local".into(),
                    auth_token,
                    policy: RestartPolicy::default(),
                    run_id: crate::launcher::new_run_id(),
                },
            )),
            None => None,
        };
        let kill_launched = launcher.as_ref().map(Launcher::kill_switch);
        // Ctrl-C, SIGTERM and SIGHUP all take this one graceful path.
        let first = signals.next().await;
        handle.ask_processes_to_end(grace, |asked| {
            tracing::info!(target: "playfield", "received {}: shutting down, {asked} game server(s) asked to end within {} s; {}", first.name(), grace.as_secs(), first.again());
        });
        // Game servers have `grace` to call ProcessEnding; meanwhile the launcher stops
        // restarting and kills what it launched that is still running after `grace`. Then the
        // sockets close.
        let stop_launched = async {
            if let Some(launcher) = launcher {
                launcher.shutdown(grace).await;
            }
        };
        let graceful = async {
            let (left, ()) = tokio::join!(handle.wait_for_processes_to_end(grace), stop_launched);
            if left > 0 {
                tracing::warn!(target: "playfield", "{left} game server(s) did not end within {} s", grace.as_secs());
            }
            handle.shutdown().await;
        };
        tokio::select! {
            () = graceful => Ok(()),
            again = signals.next() => {
                // The impatient way out: no more waiting for game servers. What the daemon
                // launched goes with it (on Linux its parent-death signal would see to that
                // too, but not to what a launched wrapper script started).
                let killed = kill_launched.map_or(0, |k| k.kill_all());
                tracing::warn!(target: "playfield", "second signal, {}: exiting at once without waiting for game servers; killed {killed} launched process(es)", again.name());
                std::process::exit(again.exit_code());
            }
        }
    })
}

fn daemon_config(args: &ServeArgs, config: &Config) -> DaemonConfig {
    let secs = |cli: Option<u64>, file: u64| cli.unwrap_or(file) * 1000;
    let g = &config.gateway;
    let tls_files = match (&args.tls_cert, &args.tls_key) {
        (Some(c), Some(k)) => Some((c.clone(), k.clone())),
        _ => config.tls.as_ref().map(|t| (t.cert.clone(), t.key.clone())),
    };
    DaemonConfig {
        api_listen: Some(config.listen.api),
        api_access_keys: if config.auth.required {
            config.auth.access_keys.clone()
        } else {
            Vec::new()
        },
        ws_listen: Some(config.listen.ws),
        wss_listen: Some(config.listen.wss),
        tls_files,
        core: CoreConfig {
            region: config.region.clone(),
            heartbeat_timeout_ms: secs(args.heartbeat_timeout, g.heartbeat_timeout_seconds),
            reconnect_grace_ms: secs(args.reconnect_grace, g.reconnect_grace_seconds),
            activation_timeout_ms: secs(args.activation_timeout, g.activation_timeout_seconds),
            seed: args.seed.unwrap_or_else(rand::random),
            account_id: config.account_id.clone(),
            accept_any_fleet: g.accept_unknown_fleets,
            require_compute_auth: config.auth.required,
            matchmaking_cycle_ms: config.matchmaking_cycle_millis,
            ..CoreConfig::default()
        },
        fleets: config
            .fleets
            .iter()
            .map(|f| Fleet {
                id: f.id.clone(),
                name: f.name.clone(),
                locations: f.locations.clone(),
            })
            .collect(),
        notification_targets: config.notification_targets.clone(),
        delivery: delivery_config(config),
        matchmaking: config.matchmaking_setup(),
        ..DaemonConfig::default()
    }
}

/// The delivery engine's settings from `[events]`: one limit bounds both what a target's
/// queue holds and what an unconfirmed SNS subscription holds.
fn delivery_config(config: &Config) -> DeliveryConfig {
    let defaults = DeliveryConfig::default();
    let limit = config.events.max_pending_events;
    DeliveryConfig {
        queue_capacity: limit,
        sns_pending: SnsPending {
            hold_limit: limit,
            ..defaults.sns_pending
        },
        ..defaults
    }
}
