//! [`ServerSdk`]: the async server SDK, one method per call of the official SDKs (§8.1).

use crate::error::{Error, Result};
use crate::events::{EventQueue, ServerEvent};
use crate::model::PlayerSessionCreationPolicy;
use crate::params::ServerParameters;
use crate::process::{EventDelivery, ProcessParameters};
use crate::request::{
    DescribePlayerSessionsRequest, GetFleetRoleCredentialsRequest, StartMatchBackfillRequest,
    StopMatchBackfillRequest,
};
use crate::result::{
    DescribePlayerSessionsResult, GetComputeCertificateResult, GetFleetRoleCredentialsResult,
    StartMatchBackfillResult,
};
use crate::session::{DefaultTerminate, Session};
use crate::transport::url::ConnectIdentity;
use crate::transport::{Transport, TransportConfig};
use crate::validate;
use crate::wire::{self, Request};
use crate::SdkOptions;
use parking_lot::Mutex;
use std::sync::{Arc, Weak};
use std::time::{Duration, SystemTime};
use tracing::{info, warn};

/// Credentials are reused while they are valid for more than this (§3.11).
const CREDENTIALS_REUSE_MARGIN: Duration = Duration::from_secs(15 * 60);

/// The server SDK: connects a game server process to the service and carries its calls.
///
/// Cheap to clone; all clones are the same SDK. The life of one process:
///
/// ```no_run
/// # async fn run() -> playfield_sdk::Result<()> {
/// use playfield_sdk::{ProcessParameters, ServerParameters, ServerSdk};
/// let sdk = ServerSdk::new();
/// sdk.init(ServerParameters::from_env()).await?;
/// let on_start = sdk.clone();
/// sdk.process_ready(ProcessParameters::new(7777).on_start_game_session(move |gs| {
///     let sdk = on_start.clone();
///     tokio::spawn(async move { sdk.activate_game_session().await });
/// }))
/// .await?;
/// // ... host game sessions ...
/// sdk.process_ending().await?;
/// sdk.destroy().await?;
/// # Ok(()) }
/// ```
///
/// Calls need a Tokio runtime. For code that is not async, use
/// [`blocking::ServerSdk`](crate::blocking::ServerSdk).
#[derive(Clone)]
pub struct ServerSdk {
    inner: Arc<Inner>,
}

struct Inner {
    options: SdkOptions,
    session: Mutex<Option<Arc<Session>>>,
    events: Arc<EventQueue>,
    /// Serializes init and destroy.
    lifecycle: tokio::sync::Mutex<()>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(session) = self.session.get_mut().take() {
            session.shutdown();
        }
    }
}

impl Default for ServerSdk {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for ServerSdk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let session = self.inner.session.lock().clone();
        let mut d = f.debug_struct("ServerSdk");
        match session {
            None => d.field("initialized", &false),
            Some(s) => d
                .field("initialized", &true)
                .field("process_id", &s.params.process_id)
                .field("process_ready", &s.state.lock().process_ready),
        };
        d.finish()
    }
}

impl ServerSdk {
    /// An SDK with the Go SDK's default tuning, not yet initialized.
    pub fn new() -> Self {
        Self::with_options(SdkOptions::default())
    }

    /// An SDK with custom tuning, not yet initialized.
    pub fn with_options(options: SdkOptions) -> Self {
        ServerSdk {
            inner: Arc::new(Inner {
                options,
                session: Mutex::new(None),
                events: Arc::new(EventQueue::default()),
                lifecycle: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// The version of the protocol this SDK speaks (`5.6.0`).
    pub fn sdk_version() -> &'static str {
        crate::SDK_VERSION
    }

    /// InitSDK: applies the `GAMELIFT_SDK_*` environment over `params` (§1.5), checks them
    /// (§1.6) and connects (§1.7: retried on the reconnect schedule).
    ///
    /// Errors: [`Error::AlreadyInitialized`], [`Error::Validation`],
    /// [`Error::WebsocketConnectFailure`]. Unlike the Go SDK, a failed init leaves the SDK
    /// uninitialized, so it can simply be called again.
    pub async fn init(&self, params: ServerParameters) -> Result<()> {
        let _lifecycle = self.inner.lifecycle.lock().await;
        if self.inner.session.lock().is_some() {
            return Err(Error::AlreadyInitialized);
        }
        let options = &self.inner.options;
        let params = params.with_env_overrides(&options.environment).validate()?;
        let identity = ConnectIdentity::new(&params, &options.sdk_version, &options.sdk_language);
        let config = TransportConfig {
            reconnect_delays: options.reconnect_delays.clone(),
            timeout_reconnect_threshold: options.timeout_reconnect_threshold,
            old_socket_grace: options.old_socket_grace,
            handshake_timeout: options.handshake_timeout,
            accept_invalid_certs: options.accept_invalid_certs,
        };
        let (transport, pushes) =
            Transport::connect(config, identity, &params.web_socket_url, &params.auth).await?;
        info!(process_id = %params.process_id, fleet_id = %params.fleet_id, "connected");
        self.inner.events.clear();
        let session = Session::new(
            params,
            options.clone(),
            transport,
            self.inner.events.clone(),
        );
        session.spawn_dispatcher(pushes, self.default_terminate());
        *self.inner.session.lock() = Some(session);
        Ok(())
    }

    /// InitSDK from the environment only (`GAMELIFT_SDK_*`).
    pub async fn init_from_environment(&self) -> Result<()> {
        self.init(ServerParameters::new()).await
    }

    /// What TerminateProcess does when no `on_process_terminate` is registered: process_ending
    /// then destroy, in a task of its own. The process itself is not exited.
    fn default_terminate(&self) -> DefaultTerminate {
        let weak: Weak<Inner> = Arc::downgrade(&self.inner);
        Arc::new(move || {
            let Some(inner) = weak.upgrade() else {
                return;
            };
            let sdk = ServerSdk { inner };
            tokio::spawn(async move {
                if let Err(e) = sdk.process_ending().await {
                    warn!("process_ending after TerminateProcess failed: {e}");
                }
                if let Err(e) = sdk.destroy().await {
                    warn!("destroy after TerminateProcess failed: {e}");
                }
            });
        })
    }

    fn session(&self) -> Result<Arc<Session>> {
        self.inner
            .session
            .lock()
            .clone()
            .ok_or(Error::NotInitialized)
    }

    /// ProcessReady: tells the service this process can host a game session
    /// (`ActivateServerProcess`, 6 s reply timeout) and starts heartbeats.
    ///
    /// The callbacks are stored before the request is sent, as in the Go SDK. On failure the
    /// underlying error is returned as it is (the Go SDK wraps it as `ProcessNotReady`).
    pub async fn process_ready(&self, params: ProcessParameters) -> Result<()> {
        let session = self.session()?;
        if !(1..=60000).contains(&params.port) {
            return Err(Error::validation(
                "Port",
                format!("must be in 1..60000, got {}", params.port),
            ));
        }
        if params.delivery == EventDelivery::Callbacks {
            session.ensure_callback_thread()?;
        }
        let env = &self.inner.options.environment;
        let request = Request::ActivateServerProcess(wire::ActivateServerProcess {
            request_id: Session::request_id(),
            sdk_version: self.inner.options.sdk_version.clone(),
            sdk_language: self.inner.options.sdk_language.clone(),
            sdk_tool_name: env.get("GAMELIFT_SDK_TOOL_NAME"),
            sdk_tool_version: env.get("GAMELIFT_SDK_TOOL_VERSION"),
            port: Some(params.port),
            log_paths: params.log_paths.clone(),
        });
        session.state.lock().process = Some(Arc::new(params));
        let activation = session.begin_activation();
        let result = session
            .call::<wire::Empty>(request, self.inner.options.activate_timeout)
            .await;
        activation.finish(result.is_ok());
        result?;
        session.start_heartbeat();
        info!("process ready");
        Ok(())
    }

    /// ProcessEnding: tells the service this process is shutting down
    /// (`TerminateServerProcess`). On success heartbeats stop and the process is no longer
    /// ready; the connection stays open until [`destroy`](Self::destroy).
    pub async fn process_ending(&self) -> Result<()> {
        let session = self.session()?;
        let request = Request::TerminateServerProcess(wire::TerminateServerProcess {
            request_id: Session::request_id(),
        });
        session.call_empty(request).await?;
        session.state.lock().process_ready = false;
        session.stop_heartbeat();
        Ok(())
    }

    /// ActivateGameSession: the game session from the last `on_start_game_session` is ready
    /// for players.
    pub async fn activate_game_session(&self) -> Result<()> {
        let session = self.session()?;
        let game_session_id = session.require_game_session()?;
        let request = Request::ActivateGameSession(wire::ActivateGameSession {
            request_id: Session::request_id(),
            game_session_id,
        });
        session.call_empty(request).await
    }

    /// UpdatePlayerSessionCreationPolicy: accept or deny new player sessions.
    /// `NotSet` is rejected locally, as in the Go SDK.
    pub async fn update_player_session_creation_policy(
        &self,
        policy: PlayerSessionCreationPolicy,
    ) -> Result<()> {
        let session = self.session()?;
        let game_session_id = session.require_game_session()?;
        if policy == PlayerSessionCreationPolicy::NotSet {
            return Err(Error::validation(
                "PlayerSessionPolicy",
                "must be ACCEPT_ALL or DENY_ALL",
            ));
        }
        let request =
            Request::UpdatePlayerSessionCreationPolicy(wire::UpdatePlayerSessionCreationPolicy {
                request_id: Session::request_id(),
                game_session_id,
                player_session_policy: policy,
            });
        session.call_empty(request).await
    }

    /// The current game session's ID. [`Error::GameSessionIdNotSet`] before the first
    /// `CreateGameSession` (the Go SDK returns `""` instead).
    pub fn get_game_session_id(&self) -> Result<String> {
        self.session()?
            .state
            .lock()
            .game_session_id
            .clone()
            .ok_or(Error::GameSessionIdNotSet)
    }

    /// When the service will stop this process, in epoch **seconds** (TerminateProcess's
    /// milliseconds / 1000, as the Go SDK). [`Error::TerminationTimeNotSet`] before that.
    pub fn get_termination_time(&self) -> Result<i64> {
        self.session()?
            .state
            .lock()
            .termination_time
            .ok_or(Error::TerminationTimeNotSet)
    }

    /// AcceptPlayerSession: a player connected with this player session ID.
    pub async fn accept_player_session(&self, player_session_id: &str) -> Result<()> {
        let session = self.session()?;
        let game_session_id = session.require_game_session()?;
        validate::player_session_id(player_session_id)?;
        let request = Request::AcceptPlayerSession(wire::AcceptPlayerSession {
            request_id: Session::request_id(),
            game_session_id,
            player_session_id: player_session_id.to_owned(),
        });
        session.call_empty(request).await
    }

    /// RemovePlayerSession: a player left.
    pub async fn remove_player_session(&self, player_session_id: &str) -> Result<()> {
        let session = self.session()?;
        let game_session_id = session.require_game_session()?;
        validate::player_session_id(player_session_id)?;
        let request = Request::RemovePlayerSession(wire::RemovePlayerSession {
            request_id: Session::request_id(),
            game_session_id,
            player_session_id: player_session_id.to_owned(),
        });
        session.call_empty(request).await
    }

    /// DescribePlayerSessions: one page of player sessions.
    pub async fn describe_player_sessions(
        &self,
        request: DescribePlayerSessionsRequest,
    ) -> Result<DescribePlayerSessionsResult> {
        let session = self.session()?;
        session.require_ready()?;
        request.validate()?;
        let reply: wire::DescribePlayerSessionsReply = session
            .call(
                request.to_wire(Session::request_id()),
                self.inner.options.request_timeout,
            )
            .await?;
        Ok(DescribePlayerSessionsResult {
            next_token: reply.next_token.filter(|t| !t.is_empty()),
            player_sessions: reply.player_sessions,
        })
    }

    /// StartMatchBackfill: ask FlexMatch for players to fill open slots. The outcome arrives
    /// later through `on_update_game_session` with the returned ticket ID.
    pub async fn start_match_backfill(
        &self,
        request: StartMatchBackfillRequest,
    ) -> Result<StartMatchBackfillResult> {
        let session = self.session()?;
        session.require_ready()?;
        request.validate()?;
        let reply: wire::StartMatchBackfillReply = session
            .call(
                request.to_wire(Session::request_id()),
                self.inner.options.request_timeout,
            )
            .await?;
        Ok(StartMatchBackfillResult {
            ticket_id: reply.ticket_id,
        })
    }

    /// StopMatchBackfill: cancel a backfill ticket.
    pub async fn stop_match_backfill(&self, request: StopMatchBackfillRequest) -> Result<()> {
        let session = self.session()?;
        session.require_ready()?;
        request.validate()?;
        session
            .call_empty(request.to_wire(Session::request_id()))
            .await
    }

    /// GetComputeCertificate: where this compute's TLS certificate is.
    pub async fn get_compute_certificate(&self) -> Result<GetComputeCertificateResult> {
        let session = self.session()?;
        session.require_ready()?;
        let request = Request::GetComputeCertificate(wire::GetComputeCertificate {
            request_id: Session::request_id(),
        });
        let reply: wire::GetComputeCertificateReply = session
            .call(request, self.inner.options.request_timeout)
            .await?;
        Ok(GetComputeCertificateResult {
            certificate_path: reply.certificate_path,
            compute_name: reply.compute_name,
        })
    }

    /// GetFleetRoleCredentials: temporary credentials for a fleet IAM role (§3.11).
    ///
    /// Results are cached per role ARN and reused while they expire more than 15 minutes from
    /// now. A reply without an access key means this process is not on a managed fleet: the
    /// call fails with [`Error::BadRequest`], and so does every later call, without asking.
    pub async fn get_fleet_role_credentials(
        &self,
        request: GetFleetRoleCredentialsRequest,
    ) -> Result<GetFleetRoleCredentialsResult> {
        let session = self.session()?;
        session.require_ready()?;
        const NOT_MANAGED: &str = "GetFleetRoleCredentials: this process is not on a managed \
                                   fleet (e.g. an Anywhere fleet), so it has no fleet role";
        if session.state.lock().not_on_managed_fleet {
            return Err(Error::BadRequest {
                status: 400,
                message: NOT_MANAGED.into(),
            });
        }
        validate::arn_like("RoleArn", &request.role_arn)?;
        let role_session_name = match request.role_session_name.as_deref() {
            Some(name) if !name.is_empty() => name.to_owned(),
            _ => format!("{}-{}", session.params.fleet_id, session.params.host_id)
                .chars()
                .take(64)
                .collect(),
        };
        validate::role_session_name(&role_session_name)?;
        let now_ms = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        let margin = CREDENTIALS_REUSE_MARGIN.as_millis() as i64;
        if let Some(cached) = session.state.lock().credentials.get(&request.role_arn) {
            if cached.expiration_ms - now_ms > margin {
                return Ok(cached.clone());
            }
        }
        let wire_request = Request::GetFleetRoleCredentials(wire::GetFleetRoleCredentials {
            request_id: Session::request_id(),
            role_arn: request.role_arn.clone(),
            role_session_name,
        });
        let reply: wire::GetFleetRoleCredentialsReply = session
            .call(wire_request, self.inner.options.request_timeout)
            .await?;
        if reply.access_key_id.is_empty() {
            session.state.lock().not_on_managed_fleet = true;
            return Err(Error::BadRequest {
                status: 400,
                message: NOT_MANAGED.into(),
            });
        }
        let result = GetFleetRoleCredentialsResult {
            assumed_role_user_arn: reply.assumed_role_user_arn,
            assumed_role_id: reply.assumed_role_id,
            access_key_id: reply.access_key_id,
            secret_access_key: reply.secret_access_key,
            session_token: reply.session_token,
            expiration_ms: reply.expiration,
        };
        session
            .state
            .lock()
            .credentials
            .insert(request.role_arn, result.clone());
        Ok(result)
    }

    /// Destroy: stops heartbeats, fails pending requests, closes the connection (close frame
    /// 1001) and forgets all state, so `init` can be called again. A no-op when not
    /// initialized, as in the Go SDK. Events already queued stay readable.
    ///
    /// Dropping every handle also closes the connection, but a callback that holds a clone
    /// of the SDK keeps it alive: call `destroy` when the process ends.
    pub async fn destroy(&self) -> Result<()> {
        let _lifecycle = self.inner.lifecycle.lock().await;
        let session = self.inner.session.lock().take();
        if let Some(session) = session {
            session.shutdown();
            info!("destroyed");
        }
        Ok(())
    }

    /// The next queued event, if any, without waiting. See [`EventDelivery::Queue`].
    pub fn poll_event(&self) -> Option<ServerEvent> {
        self.inner.events.try_pop()
    }

    /// Waits for the next queued event. See [`EventDelivery::Queue`].
    pub async fn next_event(&self) -> ServerEvent {
        self.inner.events.pop().await
    }
}
