//! C callbacks: function pointers with a user-data pointer, run on the SDK's threads, and
//! the gate that guarantees none runs after `playfield_destroy` / `playfield_sdk_free`.

use crate::arena::Owned;
use crate::types::{self, PlayfieldGameSession, PlayfieldUpdateGameSession};
use std::cell::Cell;
use std::ffi::c_void;
use std::sync::{Arc, Condvar, Mutex};

/// `onStartGameSession`: the game session is valid only during the call (copy what you keep).
/// No callback may unwind (a C++ exception, `longjmp`) out into the library: catch inside it.
pub type PlayfieldStartGameSessionCallback =
    Option<unsafe extern "C" fn(game_session: *const PlayfieldGameSession, user_data: *mut c_void)>;
/// `onUpdateGameSession`: the update is valid only during the call.
pub type PlayfieldUpdateGameSessionCallback =
    Option<unsafe extern "C" fn(update: *const PlayfieldUpdateGameSession, user_data: *mut c_void)>;
/// `onProcessTerminate`: read the deadline with `playfield_get_termination_time`.
pub type PlayfieldProcessTerminateCallback = Option<unsafe extern "C" fn(user_data: *mut c_void)>;
/// `onHealthCheck`: return whether the server is healthy.
pub type PlayfieldHealthCheckCallback =
    Option<unsafe extern "C" fn(user_data: *mut c_void) -> bool>;

thread_local! {
    /// How many gated callbacks this thread is inside (a callback may free the SDK).
    static IN_CALLBACK: Cell<usize> = const { Cell::new(0) };
}

#[derive(Default)]
struct GateState {
    closed: bool,
    running: usize,
}

/// Lets callbacks run until closed; closing waits for the running ones (except the caller's
/// own, when a callback closes it).
#[derive(Default)]
pub(crate) struct Gate {
    state: Mutex<GateState>,
    idle: Condvar,
}

impl Gate {
    /// Runs `f` unless the gate is closed.
    pub fn run<R>(&self, f: impl FnOnce() -> R) -> Option<R> {
        {
            let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if s.closed {
                return None;
            }
            s.running += 1;
        }
        IN_CALLBACK.with(|c| c.set(c.get() + 1));
        struct Leave<'a>(&'a Gate);
        impl Drop for Leave<'_> {
            fn drop(&mut self) {
                IN_CALLBACK.with(|c| c.set(c.get() - 1));
                let mut s = self.0.state.lock().unwrap_or_else(|e| e.into_inner());
                s.running -= 1;
                self.0.idle.notify_all();
            }
        }
        let _leave = Leave(self);
        Some(f())
    }

    /// Stops further callbacks and waits until the running ones have returned.
    pub fn close(&self) {
        let mine = IN_CALLBACK.with(|c| c.get());
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.closed = true;
        // A callback that closes the gate cannot wait for itself; other threads' callbacks
        // are waited for. (`mine` over-counts only when nested in another SDK's callback.)
        while s.running > mine {
            s = self.idle.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// The caller's user-data pointer. The caller promises (header docs) that it may be used
/// from the SDK's threads.
#[derive(Clone, Copy)]
pub(crate) struct UserData(pub *mut c_void);
// SAFETY: the header documents that callbacks run on other threads with this pointer.
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

/// The callbacks of one `process_ready` call, ready to be handed to the SDK.
pub(crate) struct CCallbacks {
    pub on_start: PlayfieldStartGameSessionCallback,
    pub on_update: PlayfieldUpdateGameSessionCallback,
    pub on_terminate: PlayfieldProcessTerminateCallback,
    pub on_health: PlayfieldHealthCheckCallback,
    pub user_data: UserData,
}

impl CCallbacks {
    /// Installs the callbacks on `params`, each behind `gate`. Panics inside never reach C
    /// code (there is no Rust code between here and the C function that could unwind into
    /// it); a C callback that unwinds (C++ exception) aborts the process, as `extern "C"`
    /// requires.
    pub fn install(
        self,
        mut params: playfield_sdk::ProcessParameters,
        gate: &Arc<Gate>,
    ) -> playfield_sdk::ProcessParameters {
        let ud = self.user_data;
        if let Some(f) = self.on_start {
            let gate = gate.clone();
            params = params.on_start_game_session(move |gs| {
                let ud = ud;
                let c = Owned::build(|a| types::game_session(a, &gs));
                gate.run(|| unsafe { f(&c.c, ud.0) });
            });
        }
        if let Some(f) = self.on_update {
            let gate = gate.clone();
            params = params.on_update_game_session(move |u| {
                let ud = ud;
                let c = Owned::build(|a| types::update_game_session(a, &u));
                gate.run(|| unsafe { f(&c.c, ud.0) });
            });
        }
        if let Some(f) = self.on_terminate {
            let gate = gate.clone();
            params = params.on_process_terminate(move || {
                let ud = ud;
                gate.run(|| unsafe { f(ud.0) });
            });
        }
        if let Some(f) = self.on_health {
            let gate = gate.clone();
            params = params.on_health_check(move || {
                let ud = ud;
                // After destroy nobody asks; if a late check slips through, say healthy.
                gate.run(|| unsafe { f(ud.0) }).unwrap_or(true)
            });
        }
        params
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn a_closed_gate_runs_nothing() {
        let gate = Gate::default();
        assert_eq!(gate.run(|| 1), Some(1));
        gate.close();
        assert_eq!(gate.run(|| 2), None);
    }

    /// close() returns only after a callback running on another thread has returned.
    #[test]
    fn close_waits_for_a_running_callback() {
        let gate = Arc::new(Gate::default());
        let (entered_tx, entered) = mpsc::channel();
        let (release_tx, release) = mpsc::channel::<()>();
        let (done_tx, done) = mpsc::channel();
        let g = gate.clone();
        let callback = std::thread::spawn(move || {
            g.run(|| {
                entered_tx.send(()).unwrap();
                release.recv().unwrap();
                done_tx.send("callback returned").unwrap();
            })
        });
        entered.recv().unwrap();
        let g = gate.clone();
        let (closed_tx, closed) = mpsc::channel();
        let closer = std::thread::spawn(move || {
            g.close();
            closed_tx.send("close returned").unwrap();
        });
        // While the callback runs, close() must still be waiting.
        assert!(closed.recv_timeout(Duration::from_millis(100)).is_err());
        release_tx.send(()).unwrap();
        assert_eq!(done.recv().unwrap(), "callback returned");
        assert_eq!(closed.recv().unwrap(), "close returned");
        closer.join().unwrap();
        assert_eq!(callback.join().unwrap(), Some(()));
    }

    /// A callback that closes its own gate (destroy from a callback) does not deadlock.
    #[test]
    fn close_from_inside_a_callback_returns() {
        let gate = Arc::new(Gate::default());
        let g = gate.clone();
        assert_eq!(gate.run(move || g.close()), Some(()));
        assert_eq!(gate.run(|| ()), None);
    }
}
