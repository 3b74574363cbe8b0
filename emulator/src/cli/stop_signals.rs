//! The signals that stop `playfield serve`: Ctrl-C (SIGINT), SIGTERM and SIGHUP.
//!
//! SIGTERM is how everything but a terminal asks a process to stop: IDE stop buttons,
//! `docker stop`, `systemctl stop`, `kill`. SIGHUP comes when the terminal or ssh session the
//! daemon runs in closes. Long-running daemons often read SIGHUP as "reload the configuration",
//! but Playfield has nothing to reload, and SIGHUP's default action is to end the process: it is
//! taken as a request to stop, done the graceful way. Under `nohup` (SIGHUP ignored when the
//! daemon starts) it stays ignored, as the user asked.
//!
//! All three take the same path: the first starts a graceful shutdown, a second one (of any of
//! them) exits at once.

use std::io;

/// Which signal asked the daemon to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StopSignal {
    /// SIGINT: Ctrl-C in the terminal.
    Interrupt,
    /// SIGTERM: `kill`, IDE stop buttons, `docker stop`, `systemctl stop`.
    Terminate,
    /// SIGHUP: the terminal closed.
    Hangup,
}

impl StopSignal {
    /// How the log names it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            StopSignal::Interrupt => "Ctrl-C (SIGINT)",
            StopSignal::Terminate => "SIGTERM",
            StopSignal::Hangup => "SIGHUP (terminal closed)",
        }
    }

    /// How to skip the wait for game servers, in the words of whoever sent it.
    pub(crate) fn again(self) -> &'static str {
        match self {
            StopSignal::Interrupt => "press Ctrl-C again to exit at once",
            StopSignal::Terminate => "send SIGTERM again to exit at once",
            StopSignal::Hangup => "a second signal exits at once",
        }
    }

    /// The exit code of a daemon that exits at once on this signal: 128 + the signal's number,
    /// as a shell reports a process the signal ended.
    pub(crate) fn exit_code(self) -> i32 {
        128 + match self {
            StopSignal::Interrupt => 2,
            StopSignal::Terminate => 15,
            StopSignal::Hangup => 1,
        }
    }
}

/// The stop signals, listened to from the start: a signal that arrives while the listeners
/// start must still mean "stop gracefully", not end the process outright (tokio's `ctrl_c()`
/// only installs its handler when first awaited).
pub(crate) struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    /// `None` when SIGHUP was ignored at start (`nohup`).
    #[cfg(unix)]
    hangup: Option<tokio::signal::unix::Signal>,
}

impl StopSignals {
    /// Installs the handlers. Must be called inside a tokio runtime.
    pub(crate) fn listen() -> io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            // Checked before tokio installs its handler, which would replace the SIG_IGN.
            let hangup = if ignored_from_the_start(libc::SIGHUP) {
                tracing::info!(target: "playfield", "SIGHUP is ignored (nohup): a closed terminal leaves the daemon running");
                None
            } else {
                Some(signal(SignalKind::hangup())?)
            };
            Ok(StopSignals {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
                hangup,
            })
        }
        #[cfg(not(unix))]
        Ok(StopSignals {})
    }

    /// The next stop signal.
    pub(crate) async fn next(&mut self) -> StopSignal {
        #[cfg(unix)]
        {
            let hangup = async {
                match self.hangup.as_mut() {
                    Some(s) => s.recv().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                Some(()) = self.interrupt.recv() => StopSignal::Interrupt,
                Some(()) = self.terminate.recv() => StopSignal::Terminate,
                Some(()) = hangup => StopSignal::Hangup,
                // The signal driver is gone (the runtime is shutting down): nothing will come.
                else => std::future::pending().await,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            StopSignal::Interrupt
        }
    }
}

/// Whether `signal` was set to be ignored by whoever started the daemon (as `nohup` does for
/// SIGHUP).
#[cfg(unix)]
fn ignored_from_the_start(signal: libc::c_int) -> bool {
    // SAFETY: with a null new action, sigaction only reads the current one into `current`,
    // a zeroed (valid) sigaction.
    unsafe {
        let mut current: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut current) == 0
            && current.sa_sigaction == libc::SIG_IGN
    }
}
