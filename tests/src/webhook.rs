//! A webhook receiver for the events tests: an HTTP server on `127.0.0.1:0` that records
//! every request and answers with a scripted status (200 once the script runs out).
//!
//! It stands for whatever a team points a notification target at: an EventBridge API
//! destination, an SNS HTTP subscriber, a GPM push receiver, a PGOS virtual server. Waiting
//! is for I/O only and bounded by [`IO_TIMEOUT`](crate::IO_TIMEOUT).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::StatusCode;
use serde_json::Value;
use tokio::sync::Notify;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    /// Header name (lowercase) → value.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// What the receiver answered.
    pub status: u16,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (panics with the body when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("webhook body is not JSON ({e}): {}", self.body))
    }

    pub fn accepted(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

#[derive(Default)]
struct Inner {
    requests: Mutex<Vec<Received>>,
    script: Mutex<VecDeque<u16>>,
    arrived: Notify,
}

/// The running receiver; stops when dropped.
pub struct Webhook {
    addr: SocketAddr,
    inner: Arc<Inner>,
    task: tokio::task::JoinHandle<()>,
}

impl Webhook {
    /// A receiver answering 200 to everything.
    pub async fn start() -> Webhook {
        Webhook::answering(Vec::new()).await
    }

    /// A receiver answering `statuses` in turn, then 200.
    pub async fn answering(statuses: Vec<u16>) -> Webhook {
        let inner = Arc::new(Inner {
            script: Mutex::new(statuses.into()),
            ..Inner::default()
        });
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind the webhook receiver");
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new()
            .fallback(record)
            .with_state(inner.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Webhook { addr, inner, task }
    }

    /// `http://127.0.0.1:<port>/hook`.
    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    /// Every request so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        self.inner.requests.lock().unwrap().clone()
    }

    /// The requests answered with 2xx, in order.
    pub fn accepted(&self) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| r.accepted())
            .collect()
    }

    /// Waits until `cond` holds over the requests so far; returns them. Panics after
    /// [`IO_TIMEOUT`](crate::IO_TIMEOUT) with what arrived.
    pub async fn wait_until(
        &self,
        what: &str,
        cond: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + crate::IO_TIMEOUT;
        loop {
            let notified = self.inner.arrived.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let now = self.received();
            if cond(&now) {
                return now;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                let bodies: Vec<&str> = now.iter().map(|r| r.body.as_str()).collect();
                panic!(
                    "webhook: timed out waiting for {what}; got {} request(s): {bodies:#?}",
                    now.len()
                );
            }
        }
    }

    /// Waits for `n` accepted (2xx) requests and returns them.
    pub async fn wait_accepted(&self, n: usize) -> Vec<Received> {
        self.wait_until(&format!("{n} accepted request(s)"), |r| {
            r.iter().filter(|x| x.accepted()).count() >= n
        })
        .await
        .into_iter()
        .filter(|r| r.accepted())
        .collect()
    }
}

impl Drop for Webhook {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(State(inner): State<Arc<Inner>>, request: Request) -> StatusCode {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 16 << 20)
        .await
        .unwrap_or_default();
    let status = inner.script.lock().unwrap().pop_front().unwrap_or(200);
    let received = Received {
        method: parts.method.to_string(),
        path: parts.uri.to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
        status,
    };
    inner.requests.lock().unwrap().push(received);
    inner.arrived.notify_waiters();
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}
