//! The PGOS post-processing call: POST the original battle to the title's virtual server and
//! read back the battles to keep and the tickets to requeue (seed `003_b88cb9fe2efe5cb2.txt`,
//! the matchmaking post-processing request and response schemas).
//!
//! Unlike event delivery this is a request/response exchange inside matchmaking: it is not
//! queued and not retried here. The matchmaker decides what a failure means (typically: keep
//! the original battle), so every failure comes back as a [`CallError`] value.

use crate::events::pgos::{PostProcessingError, PostProcessingRequest, PostProcessingResponse};

/// Why a post-processing call produced no usable answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// Connection failure or timeout.
    #[error("virtual server unreachable: {0}")]
    Transport(String),
    /// The virtual server answered with a non-2xx status.
    #[error("virtual server answered HTTP {0}")]
    Status(u16),
    /// The answer is not a usable post-processing response.
    #[error(transparent)]
    Invalid(#[from] PostProcessingError),
}

/// Sends `request` to the virtual server at `url` and returns its checked answer: parsed, and
/// naming only tickets of the request, each once.
pub async fn post_process(
    client: &reqwest::Client,
    url: &str,
    request: &PostProcessingRequest,
) -> Result<PostProcessingResponse, CallError> {
    let resp = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(request.to_json())
        .send()
        .await
        .map_err(|e| CallError::Transport(e.to_string()))?;
    let status = resp.status();
    let body = resp
        .bytes()
        .await
        .map_err(|e| CallError::Transport(e.to_string()))?;
    if !status.is_success() {
        tracing::warn!(
            url,
            status = status.as_u16(),
            "events: post-processing call failed"
        );
        return Err(CallError::Status(status.as_u16()));
    }
    let answer = PostProcessingResponse::parse(&body)?;
    answer.check_against(request)?;
    Ok(answer)
}
