//! FlexMatch events as Amazon EventBridge delivers them (and as SNS carries them in `Message`).
//!
//! Source: seed `001_b976964dc586d6ac.txt` ("FlexMatch 매치메이킹 이벤트", one example per type)
//! and seed `002_a67594abc31136f8.txt` from line 3142 ("FlexMatch 对战活动"). The envelope is
//! fixed: `version` "0", `detail-type` "GameLift Matchmaking Event", `source` "aws.gamelift",
//! `resources` = [configuration ARN]; `account` and `region` are the ARN's own fields.
//!
//! `detail` carries exactly the fields the seed example of each type shows, and nothing that is
//! `None` in the domain event: e.g. `gameSessionInfo` has only `players` before placement, and
//! `matchId` is absent from a MatchmakingTimedOut that happened while searching.
//!
//! Placement events ("GameLift Queue Placement Event") are not in the seeds; their shape here is
//! taken from the public GameLift documentation (general knowledge), see [`render`].

use super::json::to_json;
use super::model::{
    DomainEvent, EventBody, GameSessionInfo, MatchmakingEvent, MatchmakingEventKind,
    PlacementEvent, PlacementOutcome, Player, RuleEvaluationMetric, Ticket,
};
use super::timefmt::iso_millis;
use playfield_core::region_and_account;
use serde::Serialize;

/// `detail-type` of ticket events.
pub(crate) const MATCHMAKING_DETAIL_TYPE: &str = "GameLift Matchmaking Event";
/// `detail-type` of queue placement events (general knowledge, not in the seeds).
pub(crate) const PLACEMENT_DETAIL_TYPE: &str = "GameLift Queue Placement Event";
/// `source` of every GameLift event.
pub(crate) const SOURCE: &str = "aws.gamelift";

#[derive(Serialize)]
struct Envelope<'a, D> {
    version: &'static str,
    id: String,
    #[serde(rename = "detail-type")]
    detail_type: &'static str,
    source: &'static str,
    account: &'a str,
    time: String,
    region: &'a str,
    resources: [&'a str; 1],
    detail: D,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlayerJson<'a> {
    player_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    player_session_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    team: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted: Option<bool>,
}

impl<'a> From<&'a Player> for PlayerJson<'a> {
    fn from(p: &'a Player) -> Self {
        PlayerJson {
            player_id: &p.player_id,
            player_session_id: p.player_session_id.as_deref(),
            team: p.team.as_deref(),
            accepted: p.accepted,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TicketJson<'a> {
    ticket_id: &'a str,
    start_time: String,
    players: Vec<PlayerJson<'a>>,
}

impl<'a> From<&'a Ticket> for TicketJson<'a> {
    fn from(t: &'a Ticket) -> Self {
        TicketJson {
            ticket_id: &t.ticket_id,
            start_time: iso_millis(t.start_time),
            players: t.players.iter().map(PlayerJson::from).collect(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GameSessionInfoJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    game_session_arn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ip_address: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<u16>,
    players: Vec<PlayerJson<'a>>,
}

impl<'a> From<&'a GameSessionInfo> for GameSessionInfoJson<'a> {
    fn from(g: &'a GameSessionInfo) -> Self {
        GameSessionInfoJson {
            game_session_arn: g.game_session_arn.as_deref(),
            ip_address: g.ip_address.as_deref(),
            port: g.port,
            players: g.players.iter().map(PlayerJson::from).collect(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MetricJson<'a> {
    rule_name: &'a str,
    passed_count: u64,
    failed_count: u64,
}

fn metrics(m: &[RuleEvaluationMetric]) -> Vec<MetricJson<'_>> {
    m.iter()
        .map(|m| MetricJson {
            rule_name: &m.rule_name,
            passed_count: m.passed_count,
            failed_count: m.failed_count,
        })
        .collect()
}

/// `estimatedWaitMillis`: a number, or the string `"NOT_AVAILABLE"` (seed, MatchmakingSearching).
#[derive(Serialize)]
#[serde(untagged)]
enum EstimatedWait {
    Millis(u64),
    Text(&'static str),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MatchmakingDetail<'a> {
    tickets: Vec<TicketJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    custom_event_data: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    estimated_wait_millis: Option<EstimatedWait>,
    #[serde(skip_serializing_if = "Option::is_none")]
    acceptance_timeout: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_evaluation_metrics: Option<Vec<MetricJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    acceptance_required: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    acceptance: Option<&'static str>,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    game_session_info: GameSessionInfoJson<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    match_id: Option<&'a str>,
}

fn matchmaking_detail(m: &MatchmakingEvent) -> MatchmakingDetail<'_> {
    let mut d = MatchmakingDetail {
        tickets: m.tickets.iter().map(TicketJson::from).collect(),
        custom_event_data: m.configuration.custom_event_data.as_deref(),
        estimated_wait_millis: None,
        acceptance_timeout: None,
        rule_evaluation_metrics: None,
        acceptance_required: None,
        acceptance: None,
        kind: m.kind.type_name(),
        reason: None,
        message: None,
        game_session_info: GameSessionInfoJson::from(&m.game_session),
        match_id: m.kind.match_id(),
    };
    match &m.kind {
        MatchmakingEventKind::Searching {
            estimated_wait_millis,
        } => {
            d.estimated_wait_millis = Some(match estimated_wait_millis {
                Some(ms) => EstimatedWait::Millis(*ms),
                None => EstimatedWait::Text("NOT_AVAILABLE"),
            });
        }
        MatchmakingEventKind::PotentialMatchCreated {
            acceptance_required,
            acceptance_timeout_seconds,
            rule_evaluation_metrics,
            ..
        } => {
            d.acceptance_timeout = Some(*acceptance_timeout_seconds);
            d.acceptance_required = Some(*acceptance_required);
            d.rule_evaluation_metrics = Some(metrics(rule_evaluation_metrics));
        }
        MatchmakingEventKind::AcceptMatch { .. } | MatchmakingEventKind::Succeeded { .. } => {}
        MatchmakingEventKind::AcceptMatchCompleted { acceptance, .. } => {
            d.acceptance = Some(acceptance.as_str());
        }
        MatchmakingEventKind::TimedOut {
            message,
            rule_evaluation_metrics,
            ..
        } => {
            d.reason = Some("TimedOut");
            d.message = Some(message);
            d.rule_evaluation_metrics = Some(metrics(rule_evaluation_metrics));
        }
        MatchmakingEventKind::Cancelled {
            message,
            rule_evaluation_metrics,
            ..
        } => {
            d.reason = Some("Cancelled");
            d.message = Some(message);
            d.rule_evaluation_metrics = Some(metrics(rule_evaluation_metrics));
        }
        MatchmakingEventKind::Failed {
            reason,
            message,
            rule_evaluation_metrics,
            ..
        } => {
            d.reason = Some(reason);
            d.message = Some(message);
            d.rule_evaluation_metrics = rule_evaluation_metrics.as_deref().map(metrics);
        }
    }
    d
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlacedPlayerJson<'a> {
    player_id: &'a str,
    player_session_id: &'a str,
}

/// Queue placement `detail` (general knowledge: GameLift developer guide, "Game session
/// placement events"). `port` is a string there, as here.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlacementDetail<'a> {
    placement_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    game_session_arn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ip_address: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dns_name: Option<&'a str>,
    start_time: String,
    end_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    game_session_region: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    placed_player_sessions: Option<Vec<PlacedPlayerJson<'a>>>,
    #[serde(rename = "type")]
    kind: &'static str,
}

fn placement_detail(p: &PlacementEvent) -> PlacementDetail<'_> {
    // Only a fulfilled placement reports where it landed.
    let gs = p
        .game_session
        .as_ref()
        .filter(|_| p.outcome == PlacementOutcome::Fulfilled);
    PlacementDetail {
        placement_id: &p.placement_id,
        port: gs.map(|g| g.port.to_string()),
        game_session_arn: gs.map(|g| g.game_session_arn.as_str()),
        ip_address: gs.map(|g| g.ip_address.as_str()),
        dns_name: gs.and_then(|g| g.dns_name.as_deref()),
        start_time: iso_millis(p.start_time),
        end_time: iso_millis(p.end_time),
        game_session_region: gs.map(|g| g.region.as_str()),
        placed_player_sessions: gs.map(|_| {
            p.player_sessions
                .iter()
                .map(|s| PlacedPlayerJson {
                    player_id: &s.player_id,
                    player_session_id: &s.player_session_id,
                })
                .collect()
        }),
        kind: p.outcome.type_name(),
    }
}

/// Renders a domain event as the EventBridge JSON GameLift produces.
///
/// Every domain event has a FlexMatch rendering: ticket events as "GameLift Matchmaking Event"
/// (seeded), placement events as "GameLift Queue Placement Event" (general knowledge).
pub fn render(event: &DomainEvent) -> String {
    let id = event.id.hyphenated().to_string();
    let time = iso_millis(event.time);
    match &event.body {
        EventBody::Matchmaking(m) => {
            let arn = m.configuration.arn.as_str();
            let (region, account) = region_and_account(arn);
            to_json(&Envelope {
                version: "0",
                id,
                detail_type: MATCHMAKING_DETAIL_TYPE,
                source: SOURCE,
                account,
                time,
                region,
                resources: [arn],
                detail: matchmaking_detail(m),
            })
        }
        EventBody::Placement(p) => {
            let arn = p.queue.arn.as_str();
            let (region, account) = region_and_account(arn);
            to_json(&Envelope {
                version: "0",
                id,
                detail_type: PLACEMENT_DETAIL_TYPE,
                source: SOURCE,
                account,
                time,
                region,
                resources: [arn],
                detail: placement_detail(p),
            })
        }
    }
}
