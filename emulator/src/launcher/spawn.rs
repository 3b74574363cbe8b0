//! Starting launched processes so that none outlives the daemon, and killing them with what
//! they started.
//!
//! Three mechanisms, from the gentlest:
//! 1. Shutdown (Ctrl-C, SIGTERM, SIGHUP) asks every game server to end (TerminateProcess),
//!    waits the grace, and kills what is left ([`runner`](super::runner)).
//! 2. Each launched process leads a process group of its own and is killed with its whole
//!    group ([`kill_group`]): a wrapper script dies with the server it started. Being in a group
//!    of their own also keeps a terminal's Ctrl-C (sent to the terminal's foreground process
//!    group) from reaching the game servers behind the daemon's back: the daemon gets it alone
//!    and takes the same graceful path as for SIGTERM, which only ever reaches the daemon.
//! 3. On Linux each launched process gets a parent-death signal (`prctl(PR_SET_PDEATHSIG)`), so
//!    that it dies with the daemon even when the daemon has no say: SIGKILL, a crash, the OOM
//!    killer, a second Ctrl-C. The signal is SIGKILL, not SIGTERM: by then nobody is left to
//!    send TerminateProcess or to wait for the server, and a server that ignores SIGTERM (or
//!    handles it slowly) would linger; the promise is that none does.
//!
//! # Which thread forks
//!
//! The parent-death signal fires when the *thread* that forked the child ends, not when the
//! process does: prctl(2), PR_SET_PDEATHSIG, "the 'parent' in this case is considered to be the
//! thread that created this process. In other words, the signal will be sent when that thread
//! terminates". `tokio::process::Command::spawn` forks synchronously on the thread that calls
//! it (it calls `std::process::Command::spawn`, tokio 1.54 `src/process/mod.rs`), and for the
//! launcher that would be a runtime worker thread. Worker threads do not live as long as the
//! process: the multi-thread runtime runs its workers on its blocking pool
//! (`runtime/scheduler/multi_thread/worker.rs`, `Launch::launch`); a worker whose core is handed
//! to another thread by `block_in_place` becomes a plain blocking-pool thread, and an idle
//! blocking-pool thread exits after 10 s (`runtime/blocking/pool.rs`, `KEEP_ALIVE`); a
//! current-thread runtime runs on whichever thread called `block_on` (a test's thread ends with
//! the test). A game server forked on such a thread would be killed some time later for no
//! reason. So on Linux every launched process is forked on one dedicated thread that is never
//! told to stop and so ends only with the process ([`forker`]).
//!
//! The daemon may also die between the fork and the child's prctl; the signal would then never
//! come. So after prctl the child checks that its parent is still the daemon, and gives up
//! before exec if not.
//!
//! Limits: the parent-death setting is reset on fork, so only the process the daemon started
//! gets it; if the daemon is killed with SIGKILL, a wrapper script's children outlive it (a
//! wrapper should `exec` its server). Elsewhere than Linux there is no parent-death signal
//! (FreeBSD's `procctl(PROC_PDEATHSIG_CTL)` is not used): the graceful path and a second signal
//! still kill every process group, but processes outlive a daemon killed with SIGKILL.

use std::io;
use tokio::process::{Child, Command};

/// Starts `cmd` as a launched process: in a process group of its own and, on Linux, with a
/// parent-death signal, forked on the dedicated thread (see the module docs).
pub(super) async fn spawn(mut cmd: Command) -> io::Result<Child> {
    #[cfg(unix)]
    cmd.process_group(0);
    #[cfg(target_os = "linux")]
    {
        die_with_daemon(&mut cmd);
        forker::spawn(cmd).await
    }
    #[cfg(not(target_os = "linux"))]
    cmd.spawn()
}

/// Kills (SIGKILL) the process group that the launched process `leader` leads: it and every
/// process it started that stayed in its group. A group already gone is not an error.
pub(super) fn kill_group(leader: u32) {
    #[cfg(unix)]
    if let Ok(group) = libc::pid_t::try_from(leader) {
        // Never 0 (our own group) or 1 (init's): only a launched process's pid is passed here.
        if group > 1 {
            // SAFETY: killpg has no memory-safety preconditions.
            unsafe { libc::killpg(group, libc::SIGKILL) };
        }
    }
    #[cfg(not(unix))]
    let _ = leader;
}

/// Makes the child ask for SIGKILL when its parent goes, or give up if it has gone already.
#[cfg(target_os = "linux")]
fn die_with_daemon(cmd: &mut Command) {
    // Pids fit an i32 (pid_max is at most 2^22).
    let daemon = std::process::id() as libc::pid_t;
    // SAFETY: the closure runs in the child between fork and exec, where only
    // async-signal-safe calls are allowed: prctl and getppid are plain system calls, and the
    // errors are made from a raw errno without allocating.
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong) == -1 {
                return Err(io::Error::last_os_error());
            }
            // The forking thread lives as long as the daemon, so a parent other than the
            // daemon means the daemon died before prctl ran: the signal will never come.
            if libc::getppid() != daemon {
                return Err(io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(())
        });
    }
}

/// The thread every launched process is forked on (Linux): started on first use, never
/// stopped, so a launched process's parent-death signal fires only when the daemon's process
/// ends.
#[cfg(target_os = "linux")]
mod forker {
    use std::io;
    use std::sync::mpsc;
    use std::sync::{Mutex, PoisonError};
    use tokio::process::{Child, Command};
    use tokio::runtime::Handle;
    use tokio::sync::oneshot;

    /// A command to start, the runtime its child belongs to, and where the result goes.
    type Job = (Command, Handle, oneshot::Sender<io::Result<Child>>);

    /// The forker's queue. The sender is never dropped, so the thread never ends.
    static FORKER: Mutex<Option<mpsc::Sender<Job>>> = Mutex::new(None);

    pub(super) async fn spawn(cmd: Command) -> io::Result<Child> {
        let gone = || io::Error::other("the launcher's forking thread is gone");
        let (reply, result) = oneshot::channel();
        queue()?
            .send((cmd, Handle::current(), reply))
            .map_err(|_| gone())?;
        result.await.map_err(|_| gone())?
    }

    fn queue() -> io::Result<mpsc::Sender<Job>> {
        let mut forker = FORKER.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(queue) = forker.as_ref() {
            return Ok(queue.clone());
        }
        let (queue, jobs) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("playfield-launch".into())
            .spawn(move || {
                for (mut cmd, runtime, reply) in jobs {
                    // tokio registers the child with the caller's runtime (its pidfd or its
                    // SIGCHLD handler), so the caller's task can wait for it.
                    let _runtime = runtime.enter();
                    // A caller that went away drops the child, which kills it (kill_on_drop).
                    let _ = reply.send(cmd.spawn());
                }
            })?;
        *forker = Some(queue.clone());
        Ok(queue)
    }
}
