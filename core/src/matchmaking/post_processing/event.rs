//! What happened to a held match, as one readable log line each.

use std::fmt;

use super::POST_PROCESSING_TIMEOUT_MS;

/// What happened with a held match. `Display` is the log line.
#[derive(Debug, Clone, PartialEq)]
pub enum PostProcessingEvent {
    /// The match is held and the request leaves for the virtual server.
    Started {
        /// The held match.
        match_id: String,
        /// Its configuration.
        configuration: String,
        /// The virtual server asked.
        url: String,
        /// The match's tickets.
        ticket_ids: Vec<String>,
    },
    /// The virtual server's answer was applied.
    Applied {
        /// The held match.
        match_id: String,
        /// Its configuration.
        configuration: String,
        /// The virtual server that answered.
        url: String,
        /// The new matches: (match id, ticket ids).
        battles: Vec<(String, Vec<String>)>,
        /// Tickets sent back to search again.
        requeued: Vec<String>,
        /// Tickets the answer named nowhere; they end FAILED.
        dropped: Vec<String>,
    },
    /// No usable answer: the original match goes on.
    FellBack {
        /// The held match.
        match_id: String,
        /// Its configuration.
        configuration: String,
        /// The virtual server asked.
        url: String,
        /// Why its answer was not used (timeout, transport error, an answer that does not fit).
        error: String,
    },
    /// A ticket of the held match was cancelled: the match broke up.
    BrokenUp {
        /// The match that broke up.
        match_id: String,
        /// Its configuration.
        configuration: String,
        /// The cancelled ticket.
        ticket_id: String,
    },
    /// An answer for a match that is no longer held.
    Ignored {
        /// The match the answer named.
        match_id: String,
        /// A summary of the late answer (its battles and requeued tickets) or its error.
        outcome: String,
    },
}

impl PostProcessingEvent {
    /// Whether the log line is a warning (the hook failed or tickets were dropped).
    pub fn is_warning(&self) -> bool {
        match self {
            PostProcessingEvent::FellBack { .. } => true,
            PostProcessingEvent::Applied { dropped, .. } => !dropped.is_empty(),
            _ => false,
        }
    }
}

impl fmt::Display for PostProcessingEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PostProcessingEvent::Started {
                match_id,
                configuration,
                url,
                ticket_ids,
            } => write!(
                f,
                "match {match_id} ({configuration}) formed from tickets {}: held for \
                 post-processing at {url} (tickets stay SEARCHING; the original match goes on \
                 if no answer comes within {} s)",
                ticket_ids.join(", "),
                POST_PROCESSING_TIMEOUT_MS / 1000
            ),
            PostProcessingEvent::Applied {
                match_id,
                configuration,
                url,
                battles,
                requeued,
                dropped,
            } => {
                write!(
                    f,
                    "match {match_id} ({configuration}): post-processing at {url} answered \
                     {} battle(s)",
                    battles.len()
                )?;
                for (id, tickets) in battles {
                    write!(f, " [match {id}: {}]", tickets.join(", "))?;
                }
                if !requeued.is_empty() {
                    write!(f, ", requeued {}", requeued.join(", "))?;
                }
                if !dropped.is_empty() {
                    write!(f, ", named nowhere (they fail) {}", dropped.join(", "))?;
                }
                Ok(())
            }
            PostProcessingEvent::FellBack {
                match_id,
                configuration,
                url,
                error,
            } => write!(
                f,
                "match {match_id} ({configuration}): post-processing at {url} failed: {error}; \
                 going on with the original match"
            ),
            PostProcessingEvent::BrokenUp {
                match_id,
                configuration,
                ticket_id,
            } => write!(
                f,
                "match {match_id} ({configuration}): ticket {ticket_id} was cancelled during \
                 post-processing; the other tickets return to the pool and the answer will be \
                 ignored"
            ),
            PostProcessingEvent::Ignored { match_id, outcome } => write!(
                f,
                "post-processing answer for match {match_id} ignored: the match is no longer \
                 held (it fell back, timed out or broke up); the answer was: {outcome}"
            ),
        }
    }
}
