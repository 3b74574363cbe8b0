//! The events face's HTTP endpoints, mounted on the service API listener before its
//! catch-all operation router:
//!
//! - `GET /events`: Server-Sent Events of every domain event (all configurations, all
//!   targets, routed or not). Each SSE message has `event:` = the FlexMatch `detail.type`
//!   (`MatchmakingSearching`, …) or the placement `type` (`PlacementFulfilled`, …) and
//!   `data:` = the event's EventBridge JSON (see [`super::stream`]); a subscriber that falls
//!   behind gets one `event: lagged` with `{"missed": n}`.
//! - `GET /sns/?Action=ConfirmSubscription&TopicArn=…&Token=…`: the SubscribeURL of the
//!   SubscriptionConfirmation an SNS target receives. It confirms the subscription
//!   ([`EventHub::confirm_subscription`]) and answers SNS's `ConfirmSubscriptionResponse`
//!   XML; notifications to that target flow from then on, starting with the events held
//!   while it was pending. An unknown token (or one whose subscription expired) answers 404
//!   with SNS's `NotFound` error XML. The same action POSTed form-encoded, as an AWS SDK's
//!   `ConfirmSubscription` sends it (SNS's Query API) to an endpoint URL of
//!   `http://<api address>/sns`, does the same.

use std::convert::Infallible;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::StreamExt;
use percent_encoding::percent_decode_str;
use std::borrow::Cow;
use tokio::sync::watch;

use super::stream::sse_stream;
use super::EventHub;

/// Path prefix of the SNS stand-in; SNS targets' SubscribeURLs start with
/// `http://<api address>` + this.
pub(crate) const SNS_PATH: &str = "/sns";

#[derive(Clone)]
struct Endpoints {
    hub: EventHub,
    /// Becomes `true` when the daemon shuts down: open streams end then, so the listener's
    /// graceful shutdown does not wait for ever on a watcher.
    stopping: watch::Receiver<bool>,
}

/// The routes, ready to merge in front of the API's fallback.
pub(crate) fn routes(hub: EventHub, stopping: watch::Receiver<bool>) -> axum::Router {
    axum::Router::new()
        .route("/events", get(events))
        .route(SNS_PATH, get(sns).post(sns))
        .route("/sns/", get(sns).post(sns))
        .with_state(Endpoints { hub, stopping })
}

async fn events(State(e): State<Endpoints>) -> impl IntoResponse {
    let mut stopping = e.stopping;
    let stream = sse_stream(e.hub.subscribe())
        .map(|(name, data)| Ok::<_, Infallible>(Event::default().event(name).data(data)))
        .take_until(async move {
            let _ = stopping.wait_for(|s| *s).await;
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// The value of `key` in a URL query string, percent-decoded.
fn query_value(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| {
            percent_decode_str(&v.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

fn xml(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/xml")], body).into_response()
}

fn sns_error(status: StatusCode, code: &str, message: &str) -> Response {
    xml(
        status,
        format!(
            "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\
             <Error><Type>Sender</Type><Code>{code}</Code><Message>{}</Message></Error>\
             <RequestId>{}</RequestId></ErrorResponse>",
            escape(message),
            uuid::Uuid::new_v4()
        ),
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Largest form body read from a POSTed SNS action (a ConfirmSubscription is well under 1 KiB).
const MAX_FORM_BYTES: usize = 64 * 1024;

async fn sns(State(e): State<Endpoints>, request: Request) -> Response {
    let hub = e.hub;
    let (parts, body) = request.into_parts();
    // SNS's Query API takes its parameters in the URL (the SubscribeURL, a GET) or in a
    // form-encoded body (an SDK's POST); a GET's body is empty.
    let form = match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
        Ok(b) => b,
        Err(e) => {
            return sns_error(
                StatusCode::BAD_REQUEST,
                "InvalidParameter",
                &format!("the request body is unreadable or over {MAX_FORM_BYTES} bytes: {e}"),
            )
        }
    };
    let query: Cow<str> = match (parts.uri.query(), form.is_empty()) {
        (Some(q), true) => Cow::Borrowed(q),
        (None, _) => String::from_utf8_lossy(&form),
        (Some(q), false) => Cow::Owned(format!("{q}&{}", String::from_utf8_lossy(&form))),
    };
    let query = query.as_ref();
    let action = query_value(query, "Action").unwrap_or_default();
    if action != "ConfirmSubscription" {
        return sns_error(
            StatusCode::BAD_REQUEST,
            "InvalidAction",
            &format!(
                "Playfield's SNS stand-in only answers Action=ConfirmSubscription, not {action:?}"
            ),
        );
    }
    let Some(token) = query_value(query, "Token") else {
        return sns_error(
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            "Token is missing",
        );
    };
    match hub.confirm_subscription(&token) {
        Some(arn) => {
            let how = if parts.method == axum::http::Method::GET {
                "through its SubscribeURL"
            } else {
                "by a ConfirmSubscription request"
            };
            tracing::info!(target: "playfield", "SNS subscription {arn} confirmed {how}");
            xml(
                StatusCode::OK,
                format!(
                    "<ConfirmSubscriptionResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\
                     <ConfirmSubscriptionResult><SubscriptionArn>{}</SubscriptionArn>\
                     </ConfirmSubscriptionResult><ResponseMetadata><RequestId>{}</RequestId>\
                     </ResponseMetadata></ConfirmSubscriptionResponse>",
                    escape(&arn),
                    uuid::Uuid::new_v4()
                ),
            )
        }
        None => {
            tracing::warn!(target: "playfield", "SNS ConfirmSubscription with a token no subscription has (unknown, or its subscription expired unconfirmed)");
            sns_error(
                StatusCode::NOT_FOUND,
                "NotFound",
                "No subscription is waiting for this token (unknown, or expired unconfirmed)",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_decoded() {
        let q = "Action=ConfirmSubscription&TopicArn=arn%3Aaws%3Asns%3Ax&Token=ab+c";
        assert_eq!(
            query_value(q, "Action").as_deref(),
            Some("ConfirmSubscription")
        );
        assert_eq!(query_value(q, "TopicArn").as_deref(), Some("arn:aws:sns:x"));
        assert_eq!(query_value(q, "Token").as_deref(), Some("ab c"));
        assert_eq!(query_value(q, "Nope"), None);
    }
}
