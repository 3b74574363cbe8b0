//! The delivery engine's own tokio runtime, on its own OS thread(s) named
//! [`THREAD_NAME`].
//!
//! Why: the matchmaker is one thread at a time (the core's mutex), and issue 6 allows the
//! event targets at most 10 % of its throughput. When the workers (rendering, HTTP) share the
//! daemon's runtime, a burst of deliveries occupies the runtime threads that also serve the
//! API requests that drive the matcher. On their own thread, delivery competes for a core only
//! through the OS scheduler, and [`DeliveryRuntime::Dedicated::nice`] lets the OS favour the
//! matcher when cores are short. Measured with `cargo bench -p playfield --bench events`
//! (`matching` group); see the bench's doc comment for the figures.
//!
//! Lifetime: the runtime lives as long as the engine. [`EventsThread::stop`] (from
//! `EventHub::shutdown`) ends it after the workers ended and waits until the thread is gone;
//! dropping the last hub clone hands the workers to the thread, which lets them drain, then
//! ends by itself (a drop must not block: it may run on an async task).
//!
//! [`DeliveryRuntime::Dedicated::nice`]: super::DeliveryRuntime::Dedicated

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The name of the delivery engine's OS thread(s) (visible in `top -H`, debuggers, `/proc`).
pub const THREAD_NAME: &str = "playfield-events";

/// A running dedicated runtime.
pub(super) struct EventsThread {
    handle: tokio::runtime::Handle,
    /// Tells the thread to end once the given workers ended.
    stop: Option<oneshot::Sender<Vec<JoinHandle<()>>>>,
    /// Fires when the runtime has been dropped (its worker threads are gone).
    done: Option<oneshot::Receiver<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl EventsThread {
    /// Starts a runtime of `threads` threads (at least 1) whose threads run at `nice`
    /// (see [`lower_priority`]).
    pub(super) fn start(threads: usize, nice: i32) -> std::io::Result<Self> {
        let threads = threads.max(1);
        // One thread: a current-thread runtime driven by our own thread (no work-stealing
        // machinery, no extra thread). More: a multi-thread runtime whose workers carry the
        // name; our thread then only waits for the stop signal.
        let runtime = if threads == 1 {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
        } else {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(threads)
                .thread_name(THREAD_NAME)
                .on_thread_start(move || lower_priority(nice))
                .enable_all()
                .build()?
        };
        let handle = runtime.handle().clone();
        let (stop, stop_rx) = oneshot::channel::<Vec<JoinHandle<()>>>();
        let (done_tx, done) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name(THREAD_NAME.to_owned())
            .spawn(move || {
                lower_priority(nice);
                runtime.block_on(async {
                    // A dropped sender (the engine went away without saying) ends the thread too.
                    for w in stop_rx.await.unwrap_or_default() {
                        if let Err(e) = w.await {
                            tracing::error!(error = %e, "events: worker ended abnormally");
                        }
                    }
                });
                drop(runtime);
                let _ = done_tx.send(());
                tracing::debug!("events: delivery thread stopped");
            })?;
        Ok(EventsThread {
            handle,
            stop: Some(stop),
            done: Some(done),
            thread: Some(thread),
        })
    }

    /// Where the workers are spawned.
    pub(super) fn handle(&self) -> &tokio::runtime::Handle {
        &self.handle
    }

    /// Ends the runtime once `workers` ended, without waiting (for `Drop`).
    pub(super) fn stop_after(&mut self, workers: Vec<JoinHandle<()>>) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(workers);
        }
    }

    /// Ends the runtime (its workers must have ended already) and waits until its thread is
    /// gone.
    pub(super) async fn stop(&mut self) {
        self.stop_after(Vec::new());
        if let Some(done) = self.done.take() {
            let _ = done.await;
        }
        if let Some(thread) = self.thread.take() {
            // The runtime is gone (`done` fired): the thread is past its last statement, so
            // this join returns at once and never blocks the caller's runtime.
            if thread.join().is_err() {
                tracing::error!("events: delivery thread panicked");
            }
        }
    }
}

/// Lowers the calling thread's scheduling priority to `nice` (0: unchanged; 1–19: the OS
/// gives the thread less CPU than the matcher's when both want a core). Never raises it: a
/// daemon started with a higher nice value keeps it. Linux only, where a nice value applies to
/// one thread; a no-op elsewhere. A refusal is logged, not an error: delivery works the same,
/// only less politely.
fn lower_priority(nice: i32) {
    if nice == 0 {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        // SAFETY: plain syscalls on the calling thread's own id; no memory is shared.
        let r = unsafe {
            let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
            if libc::getpriority(libc::PRIO_PROCESS, tid) >= nice {
                return;
            }
            libc::setpriority(libc::PRIO_PROCESS, tid, nice)
        };
        if r != 0 {
            tracing::warn!(
                nice,
                error = %std::io::Error::last_os_error(),
                "events: cannot lower the delivery thread's priority"
            );
        }
    }
}
