//! One enum for "which format does this listener speak", and the dispatch from a domain event
//! to the HTTP request body and headers of that format.
//!
//! Why a dispatcher separate from the renderers: the renderers are pure functions of the
//! event (and per-target options); the delivery engine only needs "give me the bytes for this
//! target, or tell me this format has no such event".

use super::gpm::GpmOptions;
use super::model::DomainEvent;
use super::pgos::PgosOptions;
use super::sns::SnsSubscription;
use super::{flexmatch, gpm, pgos, sns};
use uuid::Uuid;

/// The notification format a target expects, with what that format needs per target.
#[derive(Debug, Clone, PartialEq)]
pub enum Format {
    /// The EventBridge JSON of FlexMatch events, POSTed as `application/json` (what an
    /// EventBridge API-destination target receives).
    EventBridge,
    /// The EventBridge JSON wrapped in an SNS HTTP notification (a FlexMatch configuration's
    /// `NotificationTarget`).
    Sns(SnsSubscription),
    /// Tencent GPM event push.
    Gpm(GpmOptions),
    /// PGOS event-trigger call to a virtual server.
    Pgos(PgosOptions),
}

impl Format {
    /// Short name for logs and metrics.
    pub fn label(&self) -> &'static str {
        match self {
            Format::EventBridge => "eventbridge",
            Format::Sns(_) => "sns",
            Format::Gpm(_) => "gpm",
            Format::Pgos(_) => "pgos",
        }
    }
}

/// An event ready to send: its name in the target's vocabulary, and the HTTP payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Event name in the format's vocabulary (`MatchCreated`, `event_matchmaking_completed`, ...).
    pub name: &'static str,
    /// `Content-Type` header.
    pub(crate) content_type: &'static str,
    /// Further headers.
    pub headers: Vec<(&'static str, String)>,
    /// Body.
    pub body: String,
}

const JSON: &str = "application/json";

/// Renders `event` for `format`, or `None` when the format has no such event.
///
/// `delivery_id` is the id of this delivery, distinct from the event's own id: the SNS
/// `MessageId` and the PGOS `execution_id`.
pub fn render(format: &Format, event: &DomainEvent, delivery_id: Uuid) -> Option<Rendered> {
    match format {
        Format::EventBridge => Some(Rendered {
            name: event.name(),
            content_type: JSON,
            headers: Vec::new(),
            body: flexmatch::render(event),
        }),
        Format::Sns(sub) => {
            let inner = flexmatch::render(event);
            let msg = sns::notification(sub, delivery_id, &inner, event.time);
            Some(Rendered {
                name: event.name(),
                content_type: sns::CONTENT_TYPE,
                headers: msg.headers,
                body: msg.body,
            })
        }
        Format::Gpm(options) => Some(Rendered {
            name: gpm::push_type(event)?,
            content_type: JSON,
            headers: Vec::new(),
            body: gpm::render(event, options)?,
        }),
        Format::Pgos(options) => Some(Rendered {
            name: pgos::event_name(event)?,
            content_type: JSON,
            headers: Vec::new(),
            body: pgos::render(event, options, delivery_id)?,
        }),
    }
}
