//! Entry points for the fuzz targets in `fuzz/` at the repository root (not part of the
//! daemon's API: hidden from the docs, and nothing else should call them).
//!
//! The parsers they reach are `pub(crate)`; these wrappers let the out-of-workspace fuzz
//! crate drive exactly the code a network peer drives, without making the internals public.

use std::sync::{Arc, OnceLock};

use axum::http::{HeaderMap, HeaderValue, Method};
use playfield_core::ProcessReady;
use playfield_core::{Clock, ConnId, ConnectInfo, Core, CoreConfig, Fleet, ManualClock};

use crate::api::protocol::{cbor, json};
use crate::api::router::ApiRequest;
use crate::api::{handlers, Router, ServiceModel};
use crate::gateway::dispatch::{self, ConnCtx};
use crate::gateway::query::ConnectParams;
use crate::wiring::hub::Shared;

/// Reads one SDK 5 WebSocket text frame from a game server as the gateway does
/// (`gateway::dispatch::parse`); `Err` is the error reply the gateway would send.
pub fn gateway_message(text: &str) -> Result<(), String> {
    dispatch::parse(text).map(drop)
}

/// Reads a WebSocket connect query string (without `?`) as the gateway does.
pub fn gateway_query(query: &str) -> Result<(), String> {
    ConnectParams::parse(Some(query)).map(drop)
}

/// The daemon's service API router over a fresh state (one fleet, one ready process).
pub struct Api {
    shared: Shared,
}

fn router() -> &'static Router<Shared> {
    static ROUTER: OnceLock<Router<Shared>> = OnceLock::new();
    ROUTER.get_or_init(|| handlers::router(ServiceModel::gamelift()))
}

impl Api {
    /// A fresh daemon state with fleet `fleet-1a2b` and a ready process `p1`.
    pub fn new() -> Api {
        let mut core = Core::new(CoreConfig::default());
        core.register_fleet(Fleet {
            id: "fleet-1a2b".into(),
            name: "fuzz".into(),
            locations: vec![],
        })
        .expect("a fresh core accepts a fleet");
        let shared = Shared::new(core, Arc::new(ManualClock::new()) as Arc<dyn Clock>);
        shared.execute(|c, now| {
            let info = ConnectInfo {
                pid: "p1".into(),
                fleet_id: "fleet-1a2b".into(),
                ..Default::default()
            };
            c.connect(now, ConnId(1), info).expect("connect");
            c.process_ready(
                now,
                "p1",
                ProcessReady {
                    port: Some(7777),
                    ..Default::default()
                },
            )
            .expect("process ready");
        });
        Api { shared }
    }

    /// Reads one text frame from game server process `p1` as the gateway does and, if it
    /// parses, answers it against this state: the reply the gateway would send.
    pub fn gateway_message(&self, text: &str) -> String {
        let ctx = ConnCtx {
            pid: "p1".into(),
            compute_id: None,
        };
        match dispatch::parse(text) {
            Ok(parsed) => self
                .shared
                .with_hub(|hub, now| dispatch::execute(hub, now, &ctx, parsed)),
            Err(reply) => reply,
        }
    }

    /// The names of the operations the daemon implements, sorted.
    pub fn operations() -> Vec<&'static str> {
        let mut names: Vec<&'static str> = router().handler_names().collect();
        names.sort_unstable();
        names
    }

    /// Sends `body` as a request for `operation` (rpcv2Cbor when `cbor`, else awsJson1_1)
    /// through the whole pipeline (decode, validate, typed input, handler, encode): the
    /// HTTP status and body of the answer.
    pub fn call(&self, cbor: bool, operation: &str, body: &[u8]) -> (u16, Vec<u8>) {
        let model = ServiceModel::gamelift();
        let mut headers = HeaderMap::new();
        let path = if cbor {
            headers.insert("content-type", HeaderValue::from_static(cbor::CONTENT_TYPE));
            headers.insert(
                "smithy-protocol",
                HeaderValue::from_static(cbor::SMITHY_PROTOCOL),
            );
            format!("/service/{}/operation/{operation}", model.service_name)
        } else {
            if let Ok(target) =
                HeaderValue::from_str(&format!("{}.{operation}", model.target_prefix))
            {
                headers.insert("x-amz-target", target);
            }
            headers.insert("content-type", HeaderValue::from_static(json::CONTENT_TYPE));
            "/".to_string()
        };
        let request = ApiRequest {
            method: &Method::POST,
            path: &path,
            query: None,
            headers: &headers,
            body,
        };
        let response = router().handle(&self.shared, &request);
        let status = response.status().as_u16();
        (status, response.into_body())
    }
}

impl Default for Api {
    fn default() -> Self {
        Api::new()
    }
}
