//! The daemon side of PGOS matchmaking post-processing: makes the calls the core asks for
//! ([`Effect::PostProcess`](playfield_core::Effect::PostProcess)) and feeds each answer back.
//!
//! The core holds the match meanwhile (`core::matchmaking::post_processing`); here is only
//! the I/O, and the conversion at the edge: the core's call becomes the PGOS JSON
//! ([`PostProcessingRequest`]), the virtual server's response becomes the core's answer
//! ([`PostProcessingResponse::to_answer`](crate::events::pgos::PostProcessingResponse::to_answer)). Each call runs in its own task, never under the hub's lock, so a slow virtual
//! server delays only its own match. The HTTP client gives up after the core's own wait
//! ([`POST_PROCESSING_TIMEOUT_MS`]): by then the core has fallen back, and the late failure it
//! receives is ignored with a log line, so no task outlives the wait by much.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::events::delivery::virtual_server;
use crate::events::pgos::PostProcessingRequest;
use crate::wiring::hub::{PostProcessJob, Shared};
use playfield_core::POST_PROCESSING_TIMEOUT_MS;

/// Takes post-processing jobs until shutdown, one task per call. Returns at once when
/// another task already took the jobs.
pub(crate) async fn run(shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    let Some(mut jobs) = shared.take_post_process_jobs() else {
        return;
    };
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_millis(POST_PROCESSING_TIMEOUT_MS))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(
                target: "playfield",
                "post-processing: cannot build an HTTP client ({e}); held matches fall back \
                 to their original match when their timer fires"
            );
            return;
        }
    };
    loop {
        tokio::select! {
            job = jobs.recv() => match job {
                Some(job) => {
                    tokio::spawn(call(shared.clone(), client.clone(), job));
                }
                None => break,
            },
            _ = shutdown.changed() => break,
        }
    }
}

/// One call: POST the request in PGOS's words, then hand the answer (or why there is none) to
/// the core in its own.
async fn call(shared: Arc<Shared>, client: reqwest::Client, job: PostProcessJob) {
    tracing::debug!(
        target: "playfield",
        "match {}: POST post-processing request to {}",
        job.match_id,
        job.url
    );
    let request = PostProcessingRequest::from(&*job.request);
    let outcome = virtual_server::post_process(&client, &job.url, &request)
        .await
        .map(|response| response.to_answer())
        .map_err(|e| e.to_string());
    shared.execute(|core, now| core.post_processing_finished(now, &job.match_id, outcome));
}
