//! The web dashboard, `GET /metrics` and `GET /healthz`, on the service API listener.
//!
//! | path | what |
//! |---|---|
//! | `GET /` | the page ([`assets`](self::assets): HTML, script and style embedded in the binary) |
//! | `GET /dashboard/assets/{file}` | its script and style |
//! | `GET /dashboard/api/{view}` | a view as a JSON snapshot ([`views`]): `overview`, `totals` (the header's), `fleets`, `sessions`, `tickets?configuration=&status=`, `tickets/{id}`, `matches`, `events?type=&ticket=&target=` |
//! | `GET /dashboard/api/stream` | Server-Sent Events: `changed` at most [`UPDATES_PER_SECOND`] times a second |
//! | `POST /dashboard/api/actions/{action}` | what a tester does by hand ([`actions`]) |
//! | `GET /metrics` | Prometheus text ([`crate::metrics`]) |
//! | `GET /healthz` | `{"status":"ok"}` while the daemon runs |
//!
//! Live updates are coalesced: the hub only bumps a counter per event ([`record`]); each open
//! page's stream looks at it at most [`UPDATES_PER_SECOND`] times a second and, when it moved,
//! says `changed`, and the page then fetches the one view it shows. So an open dashboard
//! costs the matcher a few snapshot reads a second, whatever the event rate.
//!
//! With `[auth] required`, everything but `/healthz` and the static assets needs the
//! configured key ([`auth::authorized`]); `/healthz` says only that the daemon is up, for
//! container health checks that cannot sign.

pub(crate) mod actions;
pub(crate) mod auth;
mod record;
pub(crate) mod views;

use crate::api::auth::AccessKey;
pub(crate) use record::Recorder;

use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use futures_util::StreamExt;
use serde::Deserialize;
use tokio::sync::watch;

use crate::events::EventHub;
use crate::wiring::hub::Shared;

/// At most this many `changed` messages a second per open page.
pub(crate) const UPDATES_PER_SECOND: u64 = 4;

/// The page and its files, embedded at build time.
mod assets {
    pub(super) const INDEX: &str = include_str!("assets/index.html");
    pub(super) const SCRIPT: &str = include_str!("assets/app.js");
    pub(super) const STYLE: &str = include_str!("assets/style.css");
    pub(super) const LOGIN: &str = include_str!("assets/login.html");
}

#[derive(Clone)]
pub(crate) struct Dashboard {
    shared: Arc<Shared>,
    events: EventHub,
    keys: Arc<Vec<AccessKey>>,
    changes: Arc<AtomicU64>,
    stopping: watch::Receiver<bool>,
}

/// The routes, ready to merge in front of the API's operation router. `keys`: the access
/// key pairs of `[auth]` (empty: no check).
pub(crate) fn routes(
    shared: Arc<Shared>,
    events: EventHub,
    keys: Vec<AccessKey>,
    stopping: watch::Receiver<bool>,
) -> axum::Router {
    let changes = shared.with_hub(|hub, _| hub.recorder.changes());
    let state = Dashboard {
        shared,
        events,
        keys: Arc::new(keys),
        changes,
        stopping,
    };
    let guarded = axum::Router::new()
        .route("/metrics", get(metrics))
        .route("/dashboard/api/overview", get(overview))
        .route("/dashboard/api/totals", get(totals))
        .route("/dashboard/api/fleets", get(fleets))
        .route("/dashboard/api/sessions", get(sessions))
        .route("/dashboard/api/tickets", get(tickets))
        .route("/dashboard/api/tickets/{id}", get(ticket))
        .route("/dashboard/api/matches", get(matches))
        .route("/dashboard/api/events", get(event_timeline))
        .route("/dashboard/api/stream", get(stream))
        .route("/dashboard/api/actions/{action}", post(actions::run))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_key));
    axum::Router::new()
        .route("/", get(index))
        .route("/healthz", get(healthz))
        .route("/dashboard/assets/{file}", get(asset))
        .merge(guarded)
        .with_state(state)
}

async fn require_key(State(d): State<Dashboard>, request: Request, next: Next) -> Response {
    if auth::authorized(request.headers(), request.uri().query(), &d.keys) {
        next.run(request).await
    } else {
        (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Basic realm=\"playfield\"")],
            Json(serde_json::json!({
                "error": "this Playfield instance requires one of its access key pairs ([auth] \
                          access_keys): open the dashboard with ?key=<key id>:<secret>, or send \
                          them as user name and password of HTTP Basic auth"
            })),
        )
            .into_response()
    }
}

/// The page; `?key=` logs in (a cookie) and is taken out of the URL.
async fn index(State(d): State<Dashboard>, headers: HeaderMap, uri: Uri) -> Response {
    let query = uri.query();
    if !auth::authorized(&headers, query, &d.keys) {
        return (StatusCode::UNAUTHORIZED, Html(assets::LOGIN)).into_response();
    }
    if let Some(key) = query.and_then(auth::query_key) {
        let cookie = format!(
            "{}={}; Path=/; HttpOnly; SameSite=Strict",
            auth::COOKIE,
            percent_encoding::utf8_percent_encode(&key, percent_encoding::NON_ALPHANUMERIC)
        );
        return (
            StatusCode::SEE_OTHER,
            [(header::SET_COOKIE, cookie), (header::LOCATION, "/".into())],
        )
            .into_response();
    }
    ([(header::CACHE_CONTROL, "no-store")], Html(assets::INDEX)).into_response()
}

async fn asset(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "app.js" => (assets::SCRIPT, "text/javascript; charset=utf-8"),
        "style.css" => (assets::STYLE, "text/css; charset=utf-8"),
        _ => return (StatusCode::NOT_FOUND, "no such dashboard file").into_response(),
    };
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}

async fn healthz() -> Response {
    Json(serde_json::json!({ "status": "ok" })).into_response()
}

async fn metrics(State(d): State<Dashboard>) -> Response {
    let delivery = d.events.stats();
    let text = d
        .shared
        .with_hub(|hub, now| hub.metrics.encode(&hub.core, now, &delivery));
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

async fn overview(State(d): State<Dashboard>) -> Response {
    Json(d.shared.with_hub(|hub, now| {
        views::overview(&hub.core, &hub.recorder, hub.metrics.current_tickets(), now)
    }))
    .into_response()
}

async fn totals(State(d): State<Dashboard>) -> Response {
    Json(
        d.shared
            .with_hub(|hub, now| views::totals(&hub.core, hub.metrics.current_tickets(), now)),
    )
    .into_response()
}

async fn fleets(State(d): State<Dashboard>) -> Response {
    Json(
        d.shared
            .with_hub(|hub, _| views::fleets(&hub.core, &hub.recorder)),
    )
    .into_response()
}

async fn sessions(State(d): State<Dashboard>) -> Response {
    Json(d.shared.with_hub(|hub, _| views::sessions(&hub.core))).into_response()
}

#[derive(Debug, Default, Deserialize)]
struct TicketFilter {
    configuration: Option<String>,
    status: Option<String>,
}

async fn tickets(State(d): State<Dashboard>, Query(f): Query<TicketFilter>) -> Response {
    let cfg = f.configuration.filter(|s| !s.is_empty());
    let status = f.status.filter(|s| !s.is_empty());
    Json(
        d.shared
            .with_hub(|hub, _| views::tickets(&hub.core, cfg.as_deref(), status.as_deref())),
    )
    .into_response()
}

async fn ticket(State(d): State<Dashboard>, Path(id): Path<String>) -> Response {
    match d
        .shared
        .with_hub(|hub, _| views::ticket(&hub.core, &hub.recorder, &id))
    {
        Some(v) => Json(v).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({ "error": format!("no ticket {id} (unknown, or forgotten after its retention)") })),
        )
            .into_response(),
    }
}

async fn matches(State(d): State<Dashboard>) -> Response {
    Json(
        d.shared
            .with_hub(|hub, _| views::matches(&hub.core, &hub.recorder)),
    )
    .into_response()
}

async fn event_timeline(
    State(d): State<Dashboard>,
    Query(f): Query<views::EventFilter>,
) -> Response {
    let delivery = d.events.stats();
    Json(
        d.shared
            .with_hub(|hub, _| views::events(&hub.recorder, &f, &delivery)),
    )
    .into_response()
}

/// `changed` (data: the change counter) whenever something happened since the last one, at
/// most [`UPDATES_PER_SECOND`] a second; `hello` first.
async fn stream(State(d): State<Dashboard>) -> impl IntoResponse {
    let mut stopping = d.stopping.clone();
    let changes = d.changes.clone();
    let mut ticks = tokio::time::interval(Duration::from_millis(1000 / UPDATES_PER_SECOND));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let hello = changes.load(Ordering::Relaxed);
    let updates = futures_util::stream::unfold(
        (ticks, changes, hello),
        |(mut ticks, changes, mut sent)| async move {
            loop {
                ticks.tick().await;
                let now = changes.load(Ordering::Relaxed);
                if now != sent {
                    sent = now;
                    let e = SseEvent::default().event("changed").data(now.to_string());
                    return Some((e, (ticks, changes, sent)));
                }
            }
        },
    );
    let first = SseEvent::default().event("hello").data(hello.to_string());
    let all = futures_util::stream::once(async move { first })
        .chain(updates)
        .map(Ok::<_, Infallible>)
        .take_until(async move {
            let _ = stopping.wait_for(|s| *s).await;
        });
    Sse::new(all).keep_alive(KeepAlive::default())
}
