//! The HTTP listener (axum over hyper, HTTP/1.1).
//!
//! Routing by URL is deliberately not done with axum's router: the operation
//! may be named by a header (awsJson1_1) or by the end of a path that follows
//! the endpoint URL's own prefix (rpcv2Cbor), so every request goes to one
//! fallback that reads the body and hands it to [`Router::handle`]. Keeping
//! axum at this edge also means the whole pipeline is testable without a
//! socket.

use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use std::time::SystemTime;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tower::ServiceExt;

use super::auth::{self, AccessKey, SignedRequest};
use super::error::ApiError;
use super::listener::{self, ConnectionLimits};
use super::router::{ApiRequest, Router};

/// Settings of the API listener.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Where to listen; port 0 picks a free port (see [`ApiServer::local_addr`]).
    pub listen: SocketAddr,
    /// When not empty, every request — operations and the routes mounted with
    /// [`ApiServer::with_routes`] — must be SigV4-signed with one of these key pairs (see
    /// `auth`).
    pub access_keys: Vec<AccessKey>,
    /// Largest request body accepted. The biggest modeled input is a 5 MB
    /// zip blob, base64-encoded in JSON.
    pub max_body_bytes: usize,
    /// Connections at once, header and body timeouts.
    pub limits: ConnectionLimits,
}

impl Default for ApiConfig {
    fn default() -> ApiConfig {
        ApiConfig {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 9080)),
            access_keys: Vec::new(),
            max_body_bytes: 8 * 1024 * 1024,
            limits: ConnectionLimits::default(),
        }
    }
}

struct Shared<S> {
    router: Router<S>,
    state: Arc<S>,
    max_body_bytes: usize,
    body_read_timeout: std::time::Duration,
    /// Large bodies handled at once on the blocking pool (see [`large_body_permits`]).
    large_bodies: Arc<tokio::sync::Semaphore>,
}

/// A bound, not yet running, API server.
pub struct ApiServer {
    listener: TcpListener,
    app: axum::Router,
    access_keys: Arc<[AccessKey]>,
    limits: ConnectionLimits,
    /// The operation router alone, for requests a route of [`ApiServer::with_routes`]
    /// does not take.
    api: axum::Router,
}

impl ApiServer {
    /// Bind the listener. The router gets `config.access_keys` applied, if any (a router
    /// may also carry keys of its own, `Router::require_access_keys`).
    pub async fn bind<S: Send + Sync + 'static>(
        config: ApiConfig,
        router: Router<S>,
        state: Arc<S>,
    ) -> io::Result<ApiServer> {
        let listener = TcpListener::bind(config.listen).await?;
        let shared = Arc::new(Shared {
            router: if config.access_keys.is_empty() {
                router
            } else {
                router.require_access_keys(config.access_keys.clone())
            },
            state,
            max_body_bytes: config.max_body_bytes,
            body_read_timeout: config.limits.body_read_timeout,
            large_bodies: Arc::new(tokio::sync::Semaphore::new(large_body_permits())),
        });
        let app = axum::Router::new()
            .fallback(serve_one::<S>)
            .with_state(shared);
        Ok(ApiServer {
            listener,
            api: app.clone(),
            app,
            access_keys: config.access_keys.into(),
            limits: config.limits,
        })
    }

    /// Serves `routes` before the operation router: requests they match never reach it
    /// (the events face's `GET /events`). With access keys configured (`[auth] required`)
    /// they need the same SigV4 credentials as the operations ([`require_credentials`] is
    /// layered over them): what they show (events with player ids, the daemon's state) is no
    /// less private than the API.
    pub(crate) fn with_routes(mut self, routes: axum::Router) -> ApiServer {
        let checked = routes.layer(middleware::from_fn_with_state(
            self.access_keys.clone(),
            require_credentials,
        ));
        self.app = self.operations_otherwise(checked).merge(self.app);
        self
    }

    /// Serves `routes` with no SigV4 credentials asked, even under `[auth] required`: for what
    /// must answer anyone and shows nothing private (a `/healthz` liveness probe; the SNS
    /// SubscribeURL a subscriber visits, which carries its own unguessable token), and for the
    /// dashboard, which a browser cannot SigV4-sign and which checks the key pair its own way
    /// (`dashboard::auth`).
    pub(crate) fn with_open_routes(mut self, routes: axum::Router) -> ApiServer {
        self.app = self.operations_otherwise(routes).merge(self.app);
        self
    }

    /// `routes`, where a request for one of their paths with a method they do not route goes
    /// on to the operation router instead of a 405: the AWS SDKs POST to `/`, where the
    /// dashboard answers GET.
    fn operations_otherwise(&self, routes: axum::Router) -> axum::Router {
        let api = self.api.clone();
        routes.method_not_allowed_fallback(move |request: Request| {
            let api = api.clone();
            async move {
                match api.oneshot(request).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                }
            }
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serve until the process ends.
    pub async fn run(self) -> io::Result<()> {
        self.run_until(std::future::pending()).await
    }

    /// Serve until `shutdown` completes, then finish in-flight requests.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        listener::serve(self.listener, self.app, self.limits, shutdown).await
    }
}

/// Bodies at least this large are decoded, validated and handled on tokio's blocking pool;
/// smaller ones, which take microseconds, where they arrived.
const BLOCKING_BODY_BYTES: usize = 16 * 1024;

/// How many large bodies are decoded and handled at once: one core fewer than the machine
/// has (at least one), so that however many clients send large bodies, a core is left for
/// the runtime's threads, which serve every other API call and the game servers' heartbeats.
/// Further large bodies wait their turn, read but not yet decoded.
fn large_body_permits() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get().saturating_sub(1))
        .max(1)
}

async fn serve_one<S: Send + Sync + 'static>(
    State(shared): State<Arc<Shared<S>>>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path();
    // A body declared and never sent (a Content-Length of 10^15, a chunk that never comes)
    // would hold the connection for ever.
    let body = match tokio::time::timeout(
        shared.body_read_timeout,
        axum::body::to_bytes(body, shared.max_body_bytes),
    )
    .await
    {
        Ok(read) => read.map_err(|e| e.to_string()),
        Err(_) => Err(format!(
            "the body did not arrive within {} s",
            shared.body_read_timeout.as_secs()
        )),
    };
    let response = match body {
        Ok(bytes) if bytes.len() >= BLOCKING_BODY_BYTES => {
            // Decoding and validating a large body takes milliseconds to seconds (two 4 MB
            // CBOR bodies stalled every heartbeat for 6 s, issue 15): off the runtime's
            // threads, which also serve the game servers' heartbeats. And not on every core:
            // four 4 MB bodies decoded at once on 2 cores took the runtime's threads' turn on
            // the CPU, and a heartbeat's p99 went from 5 ms to 20-60 ms.
            let shared = shared.clone();
            // The semaphore is never closed, so acquiring only waits.
            let permit = shared.large_bodies.clone().acquire_owned().await;
            let handled = tokio::task::spawn_blocking(move || {
                let _permit = permit;
                let req = ApiRequest {
                    method: &parts.method,
                    path: parts.uri.path(),
                    query: parts.uri.query(),
                    headers: &parts.headers,
                    body: &bytes,
                };
                shared.router.handle(&shared.state, &req)
            })
            .await;
            match handled {
                Ok(response) => response,
                Err(e) => {
                    let mut r = axum::http::Response::new(
                        format!("request handling failed: {e}").into_bytes(),
                    );
                    *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                    r
                }
            }
        }
        Ok(bytes) => {
            let req = ApiRequest {
                method: &parts.method,
                path,
                query: parts.uri.query(),
                headers: &parts.headers,
                body: &bytes,
            };
            shared.router.handle(&shared.state, &req)
        }
        Err(e) => {
            let req = ApiRequest {
                method: &parts.method,
                path,
                query: parts.uri.query(),
                headers: &parts.headers,
                body: &[],
            };
            let err = ApiError::invalid_request(format!(
                "Could not read the request body (limit {} bytes): {e}",
                shared.max_body_bytes
            ));
            shared.router.reject(&req, err)
        }
    };
    response.map(Body::from)
}

/// The largest body a route beside the operations may receive under `[auth] required`: the
/// signature covers the body, so it is read whole before the check.
const MAX_ROUTE_BODY_BYTES: usize = 1024 * 1024;

/// The credentials check of the routes beside the operations, as an axum middleware:
/// `routes.layer(axum::middleware::from_fn_with_state(keys, require_credentials))`.
/// [`ApiServer::with_routes`] layers it over every route it mounts. With no keys it lets
/// everything through; otherwise the request must be SigV4-signed with one of `keys`
/// (as with `curl --aws-sigv4 "aws:amz:us-west-2:gamelift" --user "$ID:$SECRET"`),
/// else it is answered 403 with the error as JSON (`__type`, `message`).
pub(crate) async fn require_credentials(
    State(keys): State<Arc<[AccessKey]>>,
    request: Request,
    next: Next,
) -> Response {
    if keys.is_empty() {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let read = axum::body::to_bytes(body, MAX_ROUTE_BODY_BYTES);
    let read = tokio::time::timeout(ConnectionLimits::default().body_read_timeout, read).await;
    let bytes =
        match read.unwrap_or_else(|_| Err(axum::Error::new("the body did not arrive in time"))) {
            Ok(b) => b,
            Err(e) => {
                let err = ApiError::invalid_request(format!(
                    "Could not read the request body (limit {MAX_ROUTE_BODY_BYTES} bytes): {e}"
                ));
                return refused(StatusCode::BAD_REQUEST, &err);
            }
        };
    let signed = SignedRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &parts.headers,
        body: &bytes,
    };
    match auth::check(&signed, &keys, SystemTime::now()) {
        Ok(()) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(err) => refused(StatusCode::FORBIDDEN, &err),
    }
}

fn refused(status: StatusCode, err: &ApiError) -> Response {
    let body = serde_json::json!({ "__type": err.code.name(), "message": err.message });
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}
