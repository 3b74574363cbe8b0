//! A webhook receiver: an HTTP server on `127.0.0.1:0` that records every request and
//! answers with the status its script or policy picks (200 once a script runs out).
//!
//! It stands for whatever a team points a notification target at: an EventBridge API
//! destination, an SNS HTTP subscriber, a GPM push receiver, a PGOS virtual server. Waiting
//! is for I/O only and bounded by [`IO_TIMEOUT`](crate::IO_TIMEOUT).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::StatusCode;
use serde_json::Value;
use tokio::sync::Notify;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    /// The HTTP method.
    pub method: String,
    /// The request target (path and query).
    pub path: String,
    /// Header name (lowercase) → value.
    pub headers: Vec<(String, String)>,
    /// The body, as text.
    pub body: String,
    /// What the receiver answered.
    pub status: u16,
    /// When it arrived, on tokio's clock (virtual time in tests on a paused clock).
    pub at: tokio::time::Instant,
}

impl Received {
    /// The value of header `name` (lowercase), if sent.
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

    /// Whether the receiver answered 2xx.
    pub fn accepted(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Picks the answer given how many times this exact body was seen before (0 on first sight)
/// and the body.
pub type Policy = Arc<dyn Fn(usize, &str) -> u16 + Send + Sync>;

/// Always 200.
pub fn ok() -> Policy {
    Arc::new(|_, _| 200)
}

/// 500 for the first `n` sightings of each body, then 200.
pub fn fail_first(n: usize) -> Policy {
    Arc::new(move |seen, _| if seen < n { 500 } else { 200 })
}

/// How the receiver picks its answers.
enum Answers {
    /// These statuses in turn, whatever the request, then 200.
    Script(Mutex<VecDeque<u16>>),
    /// Per body (see [`Policy`]).
    Policy {
        policy: Policy,
        seen: Mutex<HashMap<String, usize>>,
    },
}

impl Answers {
    fn next(&self, body: &str) -> u16 {
        match self {
            Answers::Script(script) => script.lock().unwrap().pop_front().unwrap_or(200),
            Answers::Policy { policy, seen } => {
                let n = {
                    let mut seen = seen.lock().unwrap();
                    let count = seen.entry(body.to_string()).or_insert(0);
                    let n = *count;
                    *count += 1;
                    n
                };
                policy(n, body)
            }
        }
    }
}

struct Inner {
    answers: Answers,
    requests: Mutex<Vec<Received>>,
    arrived: Notify,
}

/// The running receiver; stops when dropped.
pub struct Webhook {
    url: String,
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
        Webhook::serve(Answers::Script(Mutex::new(statuses.into()))).await
    }

    /// A receiver answering per `policy` (by how often it saw each body).
    pub async fn with_policy(policy: Policy) -> Webhook {
        Webhook::serve(Answers::Policy {
            policy,
            seen: Mutex::new(HashMap::new()),
        })
        .await
    }

    async fn serve(answers: Answers) -> Webhook {
        let inner = Arc::new(Inner {
            answers,
            requests: Mutex::new(Vec::new()),
            arrived: Notify::new(),
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
        Webhook {
            url: format!("http://{addr}/hook"),
            inner,
            task,
        }
    }

    /// `http://127.0.0.1:<port>/hook`.
    pub fn url(&self) -> String {
        self.url.clone()
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
    let body = String::from_utf8_lossy(&body).into_owned();
    let status = inner.answers.next(&body);
    let received = Received {
        method: parts.method.to_string(),
        path: parts.uri.to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect(),
        body,
        status,
        at: tokio::time::Instant::now(),
    };
    inner.requests.lock().unwrap().push(received);
    inner.arrived.notify_waiters();
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}
