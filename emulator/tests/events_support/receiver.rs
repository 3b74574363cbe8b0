//! A webhook receiver on 127.0.0.1:0 that records every request and answers with the status
//! its policy picks.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Router;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;

/// One request as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: String,
    /// The status answered.
    pub status: u16,
    /// When it arrived, on tokio's clock (virtual time in tests on a paused clock).
    pub at: tokio::time::Instant,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("JSON body")
    }
}

/// Picks the answer given how many times this exact body was seen before (0 on first sight).
pub type Policy = Arc<dyn Fn(usize, &str) -> u16 + Send + Sync>;

struct Inner {
    policy: Policy,
    seen: Mutex<HashMap<String, usize>>,
    log: Mutex<Vec<Received>>,
}

/// The running receiver.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    inner: Arc<Inner>,
}

impl Receiver {
    /// Every request so far.
    pub fn all(&self) -> Vec<Received> {
        self.inner.log.lock().clone()
    }
    /// Requests answered with 2xx.
    pub fn accepted(&self) -> Vec<Received> {
        self.all()
            .into_iter()
            .filter(|r| (200..300).contains(&r.status))
            .collect()
    }
}

async fn handle(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: String) -> StatusCode {
    let n = {
        let mut seen = inner.seen.lock();
        let c = seen.entry(body.clone()).or_insert(0);
        let n = *c;
        *c += 1;
        n
    };
    let status = (inner.policy)(n, &body);
    inner.log.lock().push(Received {
        headers,
        body,
        status,
        at: tokio::time::Instant::now(),
    });
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Starts a receiver answering per `policy`.
pub async fn start(policy: Policy) -> Receiver {
    let inner = Arc::new(Inner {
        policy,
        seen: Mutex::new(HashMap::new()),
        log: Mutex::new(Vec::new()),
    });
    let app = Router::new()
        .fallback(handle)
        .with_state(Arc::clone(&inner));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Receiver {
        url: format!("http://{addr}/hook"),
        inner,
    }
}

/// Always 200.
pub fn ok() -> Policy {
    Arc::new(|_, _| 200)
}

/// 500 for the first `n` sightings of each body, then 200.
pub fn fail_first(n: usize) -> Policy {
    Arc::new(move |seen, _| if seen < n { 500 } else { 200 })
}
