//! The daemon's log as a person (or a log collector) reads it: `--log-level`, `--log-format
//! pretty|json`, `RUST_LOG` still honoured, and colour only on a terminal without `NO_COLOR`
//! (issue 17 item 5).

use clap::ValueEnum;
use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum LogFormat {
    /// One readable line per event: time, level, where, message.
    #[default]
    Pretty,
    /// One JSON object per line (`timestamp`, `level`, `target`, `message` and the
    /// event's other fields).
    Json,
}

/// How much is logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum LogLevel {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warn,
    /// What the daemon does (the default).
    Info,
    /// Details for finding a problem.
    Debug,
    /// Everything.
    Trace,
}

impl LogLevel {
    fn directive(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }
}

/// The filter: `--log-level` when given, else `RUST_LOG` (its full directive syntax, e.g.
/// `playfield::events=debug`), else `info`. An unreadable `RUST_LOG` falls back to `info`.
pub(crate) fn filter(level: Option<LogLevel>, rust_log: Option<&str>) -> EnvFilter {
    match (level, rust_log.filter(|v| !v.trim().is_empty())) {
        (Some(level), _) => EnvFilter::new(level.directive()),
        (None, Some(directives)) => {
            EnvFilter::try_new(directives).unwrap_or_else(|_| EnvFilter::new("info"))
        }
        (None, None) => EnvFilter::new("info"),
    }
}

/// Whether to colour the output: only on a terminal, and never when `NO_COLOR` is set to
/// anything but the empty string (no-color.org). JSON is never coloured.
pub(crate) fn use_colour(format: LogFormat, is_terminal: bool, no_color: Option<&str>) -> bool {
    format == LogFormat::Pretty && is_terminal && no_color.is_none_or(str::is_empty)
}

/// Installs the process's subscriber, writing to stdout.
pub(crate) fn init(level: Option<LogLevel>, format: LogFormat) {
    use std::io::IsTerminal;
    let rust_log = std::env::var("RUST_LOG").ok();
    let no_color = std::env::var("NO_COLOR").ok();
    let colour = use_colour(format, std::io::stdout().is_terminal(), no_color.as_deref());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter(level, rust_log.as_deref()))
        .with_ansi(colour);
    match format {
        LogFormat::Pretty => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 17 item 5: "no colour codes when the output is not a terminal or NO_COLOR is set".
    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(use_colour(LogFormat::Pretty, true, None));
        assert!(use_colour(LogFormat::Pretty, true, Some("")));
        assert!(!use_colour(LogFormat::Pretty, false, None));
        assert!(!use_colour(LogFormat::Pretty, true, Some("1")));
        assert!(!use_colour(LogFormat::Json, true, None));
    }

    /// `--log-level` wins; else RUST_LOG's directives; else info.
    #[test]
    fn the_level_comes_from_the_flag_then_rust_log() {
        assert_eq!(
            filter(Some(LogLevel::Warn), Some("debug")).to_string(),
            "warn"
        );
        assert_eq!(
            filter(None, Some("playfield=debug")).to_string(),
            "playfield=debug"
        );
        assert_eq!(filter(None, None).to_string(), "info");
        assert_eq!(filter(None, Some(" ")).to_string(), "info");
    }
}
