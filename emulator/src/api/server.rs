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

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use tokio::net::TcpListener;
use tower::ServiceExt;

use super::error::ApiError;
use super::router::{ApiRequest, Router};

/// Settings of the API listener.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Where to listen; port 0 picks a free port (see [`ApiServer::local_addr`]).
    pub listen: SocketAddr,
    /// When set, requests must be signed with this access key ID (the
    /// signature itself is not verified; see `auth`).
    pub access_key_id: Option<String>,
    /// Largest request body accepted. The biggest modeled input is a 5 MB
    /// zip blob, base64-encoded in JSON.
    pub max_body_bytes: usize,
}

impl Default for ApiConfig {
    fn default() -> ApiConfig {
        ApiConfig {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 9080)),
            access_key_id: None,
            max_body_bytes: 8 * 1024 * 1024,
        }
    }
}

struct Shared<S> {
    router: Router<S>,
    state: Arc<S>,
    max_body_bytes: usize,
}

/// A bound, not yet running, API server.
pub struct ApiServer {
    listener: TcpListener,
    app: axum::Router,
    /// The operation router alone, for requests a route of [`ApiServer::with_routes`]
    /// does not take.
    api: axum::Router,
}

impl ApiServer {
    /// Bind the listener. The router gets `config.access_key_id` applied, if set (a
    /// router may also carry keys of its own, `Router::require_access_keys`).
    pub async fn bind<S: Send + Sync + 'static>(
        config: ApiConfig,
        router: Router<S>,
        state: Arc<S>,
    ) -> io::Result<ApiServer> {
        let listener = TcpListener::bind(config.listen).await?;
        let shared = Arc::new(Shared {
            router: match config.access_key_id {
                Some(key) => router.require_access_key(Some(key)),
                None => router,
            },
            state,
            max_body_bytes: config.max_body_bytes,
        });
        let app = axum::Router::new()
            .fallback(serve_one::<S>)
            .with_state(shared);
        Ok(ApiServer {
            listener,
            api: app.clone(),
            app,
        })
    }

    /// Serves `routes` before the operation router: requests they match never reach it
    /// (the events face's `GET /events` and SNS SubscribeURL, the dashboard's `GET /`). A
    /// request for one of their paths with a method they do not route goes on to the
    /// operation router instead of a 405: the AWS SDKs POST to `/`, where the dashboard
    /// answers GET.
    pub(crate) fn with_routes(mut self, routes: axum::Router) -> ApiServer {
        let api = self.api.clone();
        let routes = routes.method_not_allowed_fallback(move |request: Request| {
            let api = api.clone();
            async move {
                match api.oneshot(request).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                }
            }
        });
        self.app = routes.merge(self.app);
        self
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serve until the process ends.
    pub async fn run(self) -> io::Result<()> {
        axum::serve(self.listener, self.app).await
    }

    /// Serve until `shutdown` completes, then finish in-flight requests.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        axum::serve(self.listener, self.app)
            .with_graceful_shutdown(shutdown)
            .await
    }
}

async fn serve_one<S: Send + Sync + 'static>(
    State(shared): State<Arc<Shared<S>>>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path();
    let body = axum::body::to_bytes(body, shared.max_body_bytes).await;
    let response = match body {
        Ok(bytes) => {
            let req = ApiRequest {
                method: &parts.method,
                path,
                headers: &parts.headers,
                body: &bytes,
            };
            shared.router.handle(&shared.state, &req)
        }
        Err(e) => {
            let req = ApiRequest {
                method: &parts.method,
                path,
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
