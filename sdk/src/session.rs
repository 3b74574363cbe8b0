//! One initialized SDK: the connection, the process state of §7, and the dispatcher that turns
//! pushes into state changes and events (§4).
//!
//! State lives here, not in the transport, so it survives reconnects untouched: the process
//! stays ready, keeps its game session ID and its termination time whatever the socket does.

use crate::error::{Error, Result};
use crate::events::{CallbackThread, EventQueue, ServerEvent};
use crate::heartbeat;
use crate::model::{self, UpdateGameSession};
use crate::params::ValidatedParameters;
use crate::process::{EventDelivery, ProcessParameters};
use crate::result::GetFleetRoleCredentialsResult;
use crate::transport::Transport;
use crate::wire::{self, Push};
use crate::SdkOptions;
use parking_lot::Mutex;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::{mpsc, Notify};
use tokio::task::AbortHandle;
use tracing::{debug, info, warn};

/// The client-side state of §7.
#[derive(Default)]
pub(crate) struct State {
    pub process_ready: bool,
    /// An ActivateServerProcess is waiting for its reply (see [`Session::dispatch`]).
    pub activating: bool,
    pub game_session_id: Option<String>,
    /// Epoch seconds (TerminationTime ms / 1000, as Go).
    pub termination_time: Option<i64>,
    pub process: Option<Arc<ProcessParameters>>,
    pub heartbeat: Option<AbortHandle>,
    pub credentials: HashMap<String, GetFleetRoleCredentialsResult>,
    /// Set when GetFleetRoleCredentials answered with an empty AccessKeyId (§3.11).
    pub not_on_managed_fleet: bool,
}

pub(crate) struct Session {
    pub params: ValidatedParameters,
    pub options: SdkOptions,
    pub transport: Transport,
    pub state: Mutex<State>,
    pub events: Arc<EventQueue>,
    callbacks: Mutex<Option<Arc<CallbackThread>>>,
    /// Notified when an ActivateServerProcess gets its answer (or none).
    activation_done: Notify,
}

/// An ActivateServerProcess in flight; see [`Session::begin_activation`].
pub(crate) struct Activation<'a> {
    session: &'a Session,
    finished: bool,
}

impl Activation<'_> {
    /// Records whether the process is now ready.
    pub fn finish(mut self, ready: bool) {
        self.finished = true;
        self.session.end_activation(ready);
    }
}

impl Drop for Activation<'_> {
    fn drop(&mut self) {
        if !self.finished {
            self.session.end_activation(false);
        }
    }
}

/// What the dispatcher calls for TerminateProcess when no callback is registered.
pub(crate) type DefaultTerminate = Arc<dyn Fn() + Send + Sync>;

impl Session {
    pub fn new(
        params: ValidatedParameters,
        options: SdkOptions,
        transport: Transport,
        events: Arc<EventQueue>,
    ) -> Arc<Session> {
        Arc::new(Session {
            params,
            options,
            transport,
            state: Mutex::new(State::default()),
            events,
            callbacks: Mutex::new(None),
            activation_done: Notify::new(),
        })
    }

    /// A fresh `RequestId` (UUIDv4, as Go).
    pub fn request_id() -> String {
        uuid::Uuid::new_v4().to_string()
    }

    /// Sends a request and reads the 200 reply as `P`.
    pub async fn call<P: DeserializeOwned>(
        &self,
        request: wire::Request,
        timeout: Duration,
    ) -> Result<P> {
        let action = request.action();
        let body = self.transport.call(&request, timeout).await?;
        serde_json::from_value(body).map_err(|e| Error::InternalService {
            status: 200,
            message: format!("could not read the {action} reply: {e}"),
        })
    }

    /// Sends a request whose reply carries nothing.
    pub async fn call_empty(&self, request: wire::Request) -> Result<()> {
        self.call::<wire::Empty>(request, self.options.request_timeout)
            .await
            .map(|_| ())
    }

    /// Marks an ActivateServerProcess as sent. The returned guard records the outcome;
    /// dropped without [`Activation::finish`] (the caller's future was cancelled) it counts
    /// as a failure, so the dispatcher never waits for an answer that nobody will record.
    pub fn begin_activation(&self) -> Activation<'_> {
        self.state.lock().activating = true;
        Activation {
            session: self,
            finished: false,
        }
    }

    fn end_activation(&self, ready: bool) {
        {
            let mut state = self.state.lock();
            state.activating = false;
            if ready {
                state.process_ready = true;
            }
        }
        self.activation_done.notify_waiters();
    }

    /// Whether the process is ready, waiting first for an ActivateServerProcess in flight.
    async fn ready_after_activation(&self) -> bool {
        loop {
            let done = self.activation_done.notified();
            {
                let state = self.state.lock();
                if !state.activating {
                    return state.process_ready;
                }
            }
            done.await;
        }
    }

    pub fn require_ready(&self) -> Result<()> {
        if self.state.lock().process_ready {
            Ok(())
        } else {
            Err(Error::ProcessNotReady)
        }
    }

    /// `process_ready` + a game session ID (§7.4, §7.5).
    pub fn require_game_session(&self) -> Result<String> {
        let state = self.state.lock();
        if !state.process_ready {
            return Err(Error::ProcessNotReady);
        }
        state
            .game_session_id
            .clone()
            .ok_or(Error::GameSessionIdNotSet)
    }

    pub fn ensure_callback_thread(&self) -> Result<()> {
        let mut slot = self.callbacks.lock();
        if slot.is_none() {
            let thread = CallbackThread::spawn().map_err(|e| Error::ServiceCallFailed {
                action: "ActivateServerProcess",
                reason: format!("could not start the callback thread: {e}"),
            })?;
            *slot = Some(Arc::new(thread));
        }
        Ok(())
    }

    pub fn start_heartbeat(self: &Arc<Self>) {
        let mut state = self.state.lock();
        if state.heartbeat.is_none() {
            state.heartbeat = Some(heartbeat::spawn(Arc::downgrade(self)));
        }
    }

    pub fn stop_heartbeat(&self) {
        if let Some(h) = self.state.lock().heartbeat.take() {
            h.abort();
        }
    }

    /// Ends everything this session runs: heartbeats, the callback thread (after the callback
    /// now running, if any), the connection.
    pub fn shutdown(&self) {
        self.stop_heartbeat();
        self.callbacks.lock().take();
        self.transport.shutdown();
    }

    /// Runs the dispatcher: one push at a time, in arrival order, until the transport closes.
    pub fn spawn_dispatcher(
        self: &Arc<Self>,
        mut pushes: mpsc::UnboundedReceiver<Push>,
        default_terminate: DefaultTerminate,
    ) {
        let session: Weak<Session> = Arc::downgrade(self);
        tokio::spawn(async move {
            while let Some(push) = pushes.recv().await {
                let Some(session) = session.upgrade() else {
                    return;
                };
                session.dispatch(push, &default_terminate).await;
            }
        });
    }

    /// Handles one push.
    ///
    /// CreateGameSession and UpdateGameSession are ignored before process_ready (§4.1). The
    /// service may send a CreateGameSession right behind its ActivateServerProcess reply
    /// (a placement waiting for a process); to not lose it in the moment between that reply
    /// arriving and `process_ready` recording it, the dispatcher first waits for an
    /// activation in flight to finish. Pushes stay in order: later ones wait behind.
    async fn dispatch(&self, push: Push, default_terminate: &DefaultTerminate) {
        let gated = matches!(
            push,
            Push::CreateGameSession(_) | Push::UpdateGameSession(_)
        );
        if gated && !self.ready_after_activation().await {
            debug!(
                action = push.action(),
                "push before process_ready: ignored (§4.1, §4.2)"
            );
            return;
        }
        match push {
            Push::CreateGameSession(p) => {
                let game_session = {
                    let mut state = self.state.lock();
                    state.game_session_id = Some(p.game_session_id.clone());
                    model::game_session_from_create(p, &self.params.fleet_id)
                };
                info!(game_session_id = %game_session.game_session_id, "game session assigned");
                self.deliver(
                    ServerEvent::StartGameSession(game_session),
                    default_terminate,
                );
            }
            Push::UpdateGameSession(p) => {
                let update = UpdateGameSession::from_wire(p);
                info!(
                    reason = update.update_reason.as_str(),
                    ticket = %update.backfill_ticket_id,
                    "game session updated"
                );
                self.deliver(ServerEvent::UpdateGameSession(update), default_terminate);
            }
            Push::TerminateProcess(p) => {
                let seconds = p.termination_time / 1000;
                self.state.lock().termination_time = Some(seconds);
                info!(
                    termination_time = seconds,
                    "the service asks this process to end"
                );
                self.deliver(
                    ServerEvent::ProcessTerminate {
                        termination_time: seconds,
                    },
                    default_terminate,
                );
            }
            Push::RefreshConnection(p) => {
                info!("RefreshConnection: connecting to the new endpoint");
                self.transport
                    .refresh(p.refresh_connection_endpoint, p.auth_token);
            }
        }
    }

    /// Hands an event to its callback (on the callback thread) or to the queue. Never called
    /// with a lock held, and never calls a callback itself.
    fn deliver(&self, event: ServerEvent, default_terminate: &DefaultTerminate) {
        let process = self.state.lock().process.clone();
        let Some(process) = process else {
            // TerminateProcess before process_ready: no delivery mode chosen yet.
            self.events.push(event);
            return;
        };
        if process.delivery == EventDelivery::Queue {
            self.events.push(event);
            return;
        }
        let thread = self.callbacks.lock().clone();
        let run = |job: Box<dyn FnOnce() + Send>| match &thread {
            Some(thread) => thread.run(job),
            None => warn!("no callback thread; event dropped"),
        };
        match event {
            ServerEvent::StartGameSession(gs) => match process.on_start_game_session.clone() {
                Some(cb) => run(Box::new(move || cb(gs))),
                None => warn!("no on_start_game_session callback: game session not started"),
            },
            ServerEvent::UpdateGameSession(update) => {
                match process.on_update_game_session.clone() {
                    Some(cb) => run(Box::new(move || cb(update))),
                    None => debug!("no on_update_game_session callback: update dropped"),
                }
            }
            ServerEvent::ProcessTerminate { .. } => match process.on_process_terminate.clone() {
                Some(cb) => run(Box::new(move || cb())),
                None => {
                    info!("no on_process_terminate callback: calling process_ending and destroy");
                    default_terminate();
                }
            },
        }
    }
}
