//! A blocking facade over [`crate::ServerSdk`] for code that is not async: game engines, the
//! C ABI, a plain `main`.
//!
//! [`ServerSdk`] owns a small multi-threaded Tokio runtime (one worker thread) on which the
//! connection, heartbeats and the dispatcher run, so they keep going while your game thread is
//! busy. Each method blocks the calling thread until the call completes. Clones share the SDK
//! and the runtime.
//!
//! Callbacks run on the SDK's callback thread, which is an ordinary thread: they can call this
//! facade directly (e.g. `activate_game_session` from `on_start_game_session`). Calling the
//! facade from inside an async task also works (the call is run on a helper thread), but
//! async code should use [`crate::ServerSdk`].
//!
//! ```no_run
//! use playfield_sdk::blocking::ServerSdk;
//! use playfield_sdk::{ProcessParameters, ServerParameters};
//! let sdk = ServerSdk::new().expect("runtime");
//! sdk.init(ServerParameters::from_env()).expect("init");
//! sdk.process_ready(ProcessParameters::new(7777).poll_events()).expect("ready");
//! loop {
//!     // game loop ...
//!     while let Some(event) = sdk.poll_event() {
//!         println!("{event:?}");
//!     }
//! #   break;
//! }
//! ```

use crate::error::Result;
use crate::events::ServerEvent;
use crate::model::PlayerSessionCreationPolicy;
use crate::params::ServerParameters;
use crate::process::ProcessParameters;
use crate::request::{
    DescribePlayerSessionsRequest, GetFleetRoleCredentialsRequest, StartMatchBackfillRequest,
    StopMatchBackfillRequest,
};
use crate::result::{
    DescribePlayerSessionsResult, GetComputeCertificateResult, GetFleetRoleCredentialsResult,
    StartMatchBackfillResult,
};
use crate::SdkOptions;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::runtime::Runtime;

/// Owns the runtime; shuts it down without blocking, so dropping the last handle anywhere
/// (even on a runtime thread) is safe.
struct RuntimeHolder(Option<Runtime>);

impl Drop for RuntimeHolder {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

/// The blocking server SDK. Same operations as [`crate::ServerSdk`].
#[derive(Clone)]
pub struct ServerSdk {
    sdk: crate::ServerSdk,
    runtime: Arc<RuntimeHolder>,
}

impl std::fmt::Debug for ServerSdk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.sdk.fmt(f)
    }
}

impl ServerSdk {
    /// A blocking SDK with the default tuning. Fails only if the runtime cannot start.
    pub fn new() -> std::io::Result<Self> {
        Self::with_options(SdkOptions::default())
    }

    /// A blocking SDK with custom tuning.
    pub fn with_options(options: SdkOptions) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("playfield-sdk")
            .enable_all()
            .build()?;
        Ok(ServerSdk {
            sdk: crate::ServerSdk::with_options(options),
            runtime: Arc::new(RuntimeHolder(Some(runtime))),
        })
    }

    /// The async SDK behind this facade.
    pub fn as_async(&self) -> &crate::ServerSdk {
        &self.sdk
    }

    fn run<F>(&self, future: F) -> F::Output
    where
        F: Future + Send,
        F::Output: Send,
    {
        let Some(rt) = self.runtime.0.as_ref() else {
            unreachable_runtime()
        };
        if tokio::runtime::Handle::try_current().is_ok() {
            // Blocking inside an async context would panic; block a helper thread instead.
            std::thread::scope(|scope| match scope.spawn(|| rt.block_on(future)).join() {
                Ok(output) => output,
                Err(panic) => std::panic::resume_unwind(panic),
            })
        } else {
            rt.block_on(future)
        }
    }

    /// See [`crate::ServerSdk::sdk_version`].
    pub fn sdk_version() -> &'static str {
        crate::SDK_VERSION
    }
    /// See [`crate::ServerSdk::init`].
    pub fn init(&self, params: ServerParameters) -> Result<()> {
        self.run(self.sdk.init(params))
    }
    /// See [`crate::ServerSdk::init_from_environment`].
    pub fn init_from_environment(&self) -> Result<()> {
        self.run(self.sdk.init_from_environment())
    }
    /// See [`crate::ServerSdk::process_ready`].
    pub fn process_ready(&self, params: ProcessParameters) -> Result<()> {
        self.run(self.sdk.process_ready(params))
    }
    /// See [`crate::ServerSdk::process_ending`].
    pub fn process_ending(&self) -> Result<()> {
        self.run(self.sdk.process_ending())
    }
    /// See [`crate::ServerSdk::activate_game_session`].
    pub fn activate_game_session(&self) -> Result<()> {
        self.run(self.sdk.activate_game_session())
    }
    /// See [`crate::ServerSdk::update_player_session_creation_policy`].
    pub fn update_player_session_creation_policy(
        &self,
        policy: PlayerSessionCreationPolicy,
    ) -> Result<()> {
        self.run(self.sdk.update_player_session_creation_policy(policy))
    }
    /// See [`crate::ServerSdk::get_game_session_id`].
    pub fn get_game_session_id(&self) -> Result<String> {
        self.sdk.get_game_session_id()
    }
    /// See [`crate::ServerSdk::get_termination_time`].
    pub fn get_termination_time(&self) -> Result<i64> {
        self.sdk.get_termination_time()
    }
    /// See [`crate::ServerSdk::accept_player_session`].
    pub fn accept_player_session(&self, player_session_id: &str) -> Result<()> {
        self.run(self.sdk.accept_player_session(player_session_id))
    }
    /// See [`crate::ServerSdk::remove_player_session`].
    pub fn remove_player_session(&self, player_session_id: &str) -> Result<()> {
        self.run(self.sdk.remove_player_session(player_session_id))
    }
    /// See [`crate::ServerSdk::describe_player_sessions`].
    pub fn describe_player_sessions(
        &self,
        request: DescribePlayerSessionsRequest,
    ) -> Result<DescribePlayerSessionsResult> {
        self.run(self.sdk.describe_player_sessions(request))
    }
    /// See [`crate::ServerSdk::start_match_backfill`].
    pub fn start_match_backfill(
        &self,
        request: StartMatchBackfillRequest,
    ) -> Result<StartMatchBackfillResult> {
        self.run(self.sdk.start_match_backfill(request))
    }
    /// See [`crate::ServerSdk::stop_match_backfill`].
    pub fn stop_match_backfill(&self, request: StopMatchBackfillRequest) -> Result<()> {
        self.run(self.sdk.stop_match_backfill(request))
    }
    /// See [`crate::ServerSdk::get_compute_certificate`].
    pub fn get_compute_certificate(&self) -> Result<GetComputeCertificateResult> {
        self.run(self.sdk.get_compute_certificate())
    }
    /// See [`crate::ServerSdk::get_fleet_role_credentials`].
    pub fn get_fleet_role_credentials(
        &self,
        request: GetFleetRoleCredentialsRequest,
    ) -> Result<GetFleetRoleCredentialsResult> {
        self.run(self.sdk.get_fleet_role_credentials(request))
    }
    /// See [`crate::ServerSdk::destroy`].
    pub fn destroy(&self) -> Result<()> {
        self.run(self.sdk.destroy())
    }
    /// The next queued event, if any, without waiting.
    pub fn poll_event(&self) -> Option<ServerEvent> {
        self.sdk.poll_event()
    }
    /// Waits up to `timeout` for the next queued event.
    pub fn next_event(&self, timeout: Duration) -> Option<ServerEvent> {
        let sdk = self.sdk.clone();
        self.run(async move { tokio::time::timeout(timeout, sdk.next_event()).await.ok() })
    }
}

/// The holder only loses its runtime in `drop`.
fn unreachable_runtime() -> ! {
    unreachable!("the runtime lives as long as the SDK")
}
