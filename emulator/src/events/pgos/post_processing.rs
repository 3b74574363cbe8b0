//! PGOS matchmaking post-processing: when a match is formed, PGOS sends the original battle to
//! the title's virtual server, which answers with the battles to keep (it may split one battle
//! into several) and the tickets to put back into matchmaking.
//!
//! Source: seed `003_b88cb9fe2efe5cb2.txt`, "This is the schema of request triggered by
//! matchmaking service ..." (`trigger_id`, `operation`, `trigger_time` as a string of epoch ms,
//! `data.battle.tickets`, `data.battle_properties`) and "This is the schema of response from
//! virtual server ..." (`battles[].tickets`, `requeued_tickets`).
//!
//! The response comes from user code over the network, so parsing never panics: a body that
//! is not the documented JSON is a [`PostProcessingError`], and [`PostProcessingResponse::
//! check_against`] rejects tickets the request never contained or that appear twice, which
//! the matchmaker must not act on.
//!
//! The matchmaker has its own words for the exchange
//! ([`PostProcessingCall`], [`VirtualServerAnswer`]); this module is its face: a call becomes a
//! [`PostProcessingRequest`] (`From`), a response becomes an answer
//! (`PostProcessingResponse::to_answer`), and the checks are the core's.

use super::{battle_properties, KeyValue, MatchedPlayer};
use crate::events::model::{EpochMillis, MatchmakingEvent, MatchmakingEventKind, TicketKind};
use playfield_core::{
    AnswerError, AnswerPlayer, AnswerTicket, PostProcessingCall, VirtualServerAnswer,
};
use serde::{Deserialize, Serialize};

/// `operation` of a post-processing request. The schema truncates its description ("Event
/// name, which is ..."); this value is Playfield's choice.
pub const OPERATION: &str = "matchmaking_post_processing";

/// A ticket as PGOS matchmaking shows it (`MMTicketEntityPublic`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TicketEntity {
    /// Ticket id.
    #[serde(default)]
    pub id: String,
    /// Match code (the configuration name).
    #[serde(default)]
    pub(crate) match_code: String,
    /// Players.
    #[serde(default)]
    pub players: Vec<MatchedPlayer>,
    /// Ticket status (GameLift's vocabulary: `PLACING`, `REQUIRES_ACCEPTANCE`, ...).
    #[serde(default)]
    pub(crate) status: String,
    /// Status message.
    #[serde(default)]
    pub(crate) status_message: String,
    /// Ticket start time, epoch ms.
    #[serde(default)]
    pub(crate) start_time: i64,
    /// How many times post-processing has put this ticket back.
    #[serde(default)]
    pub requeued_count: u32,
}

/// One battle: the tickets matched together (`BattleProposal`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct BattleProposal {
    /// The battle's tickets.
    #[serde(default)]
    pub tickets: Vec<TicketEntity>,
}

/// `data` of the request (`MatchmakingPostProcessingData`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub(crate) struct PostProcessingData {
    /// The battle as matchmaking formed it.
    pub(crate) battle: BattleProposal,
    /// The configuration's battle properties.
    #[serde(default)]
    pub(crate) battle_properties: Vec<KeyValue>,
}

/// The request PGOS sends to the virtual server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PostProcessingRequest {
    /// Trigger id of the virtual server binding.
    pub trigger_id: String,
    /// [`OPERATION`].
    pub(crate) operation: String,
    /// Epoch ms, as a string (the schema's type).
    pub(crate) trigger_time: String,
    /// The original battle.
    pub(crate) data: PostProcessingData,
}

impl PostProcessingRequest {
    /// The request for a just-formed match (a PotentialMatchCreated event), named by
    /// `trigger_id`.
    ///
    /// `requeued_count` tells how often each ticket was already sent back (the matchmaker
    /// keeps that count). Returns `None` for any other event type.
    pub fn for_match(
        event: &MatchmakingEvent,
        trigger_id: &str,
        trigger_time: EpochMillis,
        requeued_count: impl Fn(&str) -> u32,
    ) -> Option<Self> {
        let MatchmakingEventKind::PotentialMatchCreated {
            match_id,
            acceptance_required,
            ..
        } = &event.kind
        else {
            return None;
        };
        let call = PostProcessingCall::new(
            match_id,
            event.configuration.clone(),
            event.tickets.clone(),
            *acceptance_required,
            trigger_time,
            requeued_count,
        );
        Some(PostProcessingRequest {
            trigger_id: trigger_id.to_owned(),
            ..PostProcessingRequest::from(&call)
        })
    }

    /// The request as JSON text.
    pub fn to_json(&self) -> String {
        crate::events::json::to_json(self)
    }

    /// The ids of the original battle's tickets.
    fn ticket_ids(&self) -> impl Iterator<Item = &str> {
        self.data.battle.tickets.iter().map(|t| t.id.as_str())
    }
}

impl From<&PostProcessingCall> for PostProcessingRequest {
    /// The matchmaker's call in PGOS's words. `trigger_id` names the binding in PGOS;
    /// Playfield has one hook per configuration and uses the match id, so a virtual server
    /// can tell its calls apart in its logs.
    fn from(call: &PostProcessingCall) -> Self {
        let tickets = call
            .tickets
            .iter()
            .map(|t| TicketEntity {
                id: t.id.clone(),
                match_code: call.configuration.name.clone(),
                players: t
                    .players
                    .iter()
                    .map(|p| MatchedPlayer::from_player(p, t.kind == TicketKind::Matchmaking))
                    .collect(),
                status: t.status.as_str().to_owned(),
                status_message: String::new(),
                start_time: t.start_time.0,
                requeued_count: t.requeued_count,
            })
            .collect();
        PostProcessingRequest {
            trigger_id: call.match_id.clone(),
            operation: OPERATION.to_owned(),
            trigger_time: call.trigger_time.0.to_string(),
            data: PostProcessingData {
                battle: BattleProposal { tickets },
                battle_properties: battle_properties(&call.configuration.game_properties),
            },
        }
    }
}

/// The virtual server's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PostProcessingResponse {
    /// Battles to create (possibly several from one original).
    #[serde(default)]
    pub battles: Vec<BattleProposal>,
    /// Tickets to put back into matchmaking.
    #[serde(default)]
    pub requeued_tickets: Vec<TicketEntity>,
}

/// Why a post-processing response cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostProcessingError {
    /// The body is not the documented JSON.
    #[error("post-processing response is not valid JSON of the documented shape: {0}")]
    InvalidJson(String),
    /// A ticket the original battle did not contain.
    #[error("post-processing response names ticket {0:?}, which was not in the original battle")]
    UnknownTicket(String),
    /// The same ticket in two places.
    #[error("post-processing response places ticket {0:?} more than once")]
    DuplicateTicket(String),
}

impl From<AnswerError> for PostProcessingError {
    fn from(e: AnswerError) -> Self {
        match e {
            AnswerError::UnknownTicket(id) => PostProcessingError::UnknownTicket(id),
            AnswerError::DuplicateTicket(id) => PostProcessingError::DuplicateTicket(id),
        }
    }
}

impl PostProcessingResponse {
    /// Parses the virtual server's HTTP body.
    pub fn parse(body: &[u8]) -> Result<Self, PostProcessingError> {
        let invalid = |e: serde_json::Error| PostProcessingError::InvalidJson(e.to_string());
        // serde reads a struct from a JSON array too; the protocol says object, so check first.
        let value: serde_json::Value = serde_json::from_slice(body).map_err(invalid)?;
        if !value.is_object() {
            return Err(PostProcessingError::InvalidJson(
                "expected a JSON object with `battles` and `requeued_tickets`".to_owned(),
            ));
        }
        serde_json::from_value(value).map_err(invalid)
    }

    /// The answer in the matchmaker's words. A player whose `team` is empty (or left out)
    /// keeps the team the rule engine gave; requeued tickets count only by id (the matchmaker
    /// keeps `requeued_count` itself).
    pub(crate) fn to_answer(&self) -> VirtualServerAnswer {
        let ticket = |t: &TicketEntity| AnswerTicket {
            id: t.id.clone(),
            players: t
                .players
                .iter()
                .map(|p| AnswerPlayer {
                    player_id: p.player_id.clone(),
                    team: (!p.team.is_empty()).then(|| p.team.clone()),
                })
                .collect(),
        };
        VirtualServerAnswer {
            battles: self
                .battles
                .iter()
                .map(|b| b.tickets.iter().map(ticket).collect())
                .collect(),
            requeued: self.requeued_tickets.iter().map(|t| t.id.clone()).collect(),
        }
    }

    /// Checks that every ticket comes from `request` and appears once (the matchmaker's check,
    /// [`VirtualServerAnswer::check_against`]). Tickets of the request that the response leaves
    /// out are neither matched nor requeued; the matchmaker decides what that means (see
    /// [`PostProcessingResponse::dropped`]).
    pub fn check_against(
        &self,
        request: &PostProcessingRequest,
    ) -> Result<(), PostProcessingError> {
        self.to_answer()
            .check_against_ids(request.ticket_ids())
            .map_err(PostProcessingError::from)
    }

    /// Ticket ids of `request` that the response neither matched nor requeued.
    pub fn dropped<'r>(&self, request: &'r PostProcessingRequest) -> Vec<&'r str> {
        self.to_answer().dropped_among(request.ticket_ids())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::model::{ConfigurationRef, GameProperty, Player};
    use playfield_core::TicketStatus;
    use playfield_flexmatch::AttributeValue;

    const T0: i64 = 1_735_689_600_000;

    /// The call the matchmaker makes for the core test
    /// `a_formed_match_is_held_and_sent_to_the_virtual_server`, with the same values.
    fn call(acceptance_required: bool) -> PostProcessingCall {
        let mut a = Player::new("a").on_team("red");
        a.attributes
            .insert("skill".into(), AttributeValue::Number(10.0));
        a.latency_in_ms.insert("us-west-2".into(), 40);
        let ticket = crate::events::model::Ticket {
            ticket_id: "t1".into(),
            start_time: EpochMillis(T0),
            players: vec![a],
            kind: TicketKind::Matchmaking,
        };
        PostProcessingCall::new(
            "m-1",
            ConfigurationRef {
                name: "cfg".into(),
                game_properties: vec![GameProperty {
                    key: "mode".into(),
                    value: "duel".into(),
                }],
                ..ConfigurationRef::default()
            },
            vec![ticket],
            acceptance_required,
            EpochMillis(T0 + 3),
            |_| 0,
        )
    }

    /// Seed 003, "This is the schema of request triggered by matchmaking service":
    /// `trigger_id`, `operation`, `trigger_time` (a string of epoch ms), `data.battle.tickets[]`
    /// (`id`, `match_code`, `players[]` with `team` and `match_attributes`, `status`,
    /// `start_time`, `requeued_count`), `data.battle_properties`.
    #[test]
    fn the_call_renders_as_the_seed_request() {
        let req = PostProcessingRequest::from(&call(false));
        assert_eq!(req.trigger_id, "m-1");
        assert_eq!(req.operation, "matchmaking_post_processing");
        assert_eq!(req.trigger_time, (T0 + 3).to_string());
        let t1 = &req.data.battle.tickets[0];
        assert_eq!(t1.id, "t1");
        assert_eq!(t1.match_code, "cfg");
        assert_eq!(t1.status, "PLACING");
        assert_eq!(t1.start_time, T0);
        assert_eq!(t1.requeued_count, 0);
        let a = &t1.players[0];
        assert_eq!(a.player_id, "a");
        assert_eq!(a.team, "red");
        assert!(a.is_new, "a matchmaking ticket's players are new");
        assert_eq!(a.match_attributes[0].name, "skill");
        assert_eq!(a.match_attributes[0].number_value, 10.0);
        assert_eq!(a.region_latencies[0].latency, 40);
        assert_eq!(req.data.battle_properties.len(), 1);
        assert_eq!(req.data.battle_properties[0].key, "mode");
        assert_eq!(req.data.battle_properties[0].value, "duel");

        let with_acceptance = PostProcessingRequest::from(&call(true));
        assert_eq!(
            with_acceptance.data.battle.tickets[0].status,
            TicketStatus::RequiresAcceptance.as_str()
        );
    }

    /// Seed 003, "This is the schema of response from virtual server": `battles` (2-D) and
    /// `requeued_tickets` become the matchmaker's answer; a player whose `team` is empty keeps
    /// the team the rule engine gave.
    #[test]
    fn a_response_becomes_the_matchmakers_answer() {
        let r = PostProcessingResponse::parse(
            br#"{"battles":[{"tickets":[{"id":"t1","players":[{"player_id":"a","team":"blue"},{"player_id":"b"}]}]},{"tickets":[{"id":"t2"}]}],"requeued_tickets":[{"id":"t3","requeued_count":4}]}"#,
        )
        .unwrap();
        assert_eq!(
            r.to_answer(),
            VirtualServerAnswer {
                battles: vec![
                    vec![AnswerTicket {
                        id: "t1".into(),
                        players: vec![
                            AnswerPlayer {
                                player_id: "a".into(),
                                team: Some("blue".into()),
                            },
                            AnswerPlayer {
                                player_id: "b".into(),
                                team: None,
                            },
                        ],
                    }],
                    vec![AnswerTicket {
                        id: "t2".into(),
                        players: vec![],
                    }],
                ],
                requeued: vec!["t3".into()],
            }
        );
    }

    /// The core's answer errors read, in the face's error, exactly as the face's own did.
    #[test]
    fn the_cores_answer_errors_keep_their_words() {
        for (core, face) in [
            (
                AnswerError::UnknownTicket("zzz".into()),
                PostProcessingError::UnknownTicket("zzz".into()),
            ),
            (
                AnswerError::DuplicateTicket("t1".into()),
                PostProcessingError::DuplicateTicket("t1".into()),
            ),
        ] {
            assert_eq!(core.to_string(), face.to_string());
            assert_eq!(PostProcessingError::from(core), face);
        }
    }
}
