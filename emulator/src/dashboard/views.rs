//! The dashboard's views as JSON snapshots, read from the core and the [`Recorder`] under
//! the hub's lock. Each view is linear in what it reads and caps what it lists
//! ([`LIST_LIMIT`]), so a view of a pool of 10 000 tickets stays a few milliseconds of lock.
//!
//! Field names are camelCase for the page's script; values are GameLift's (statuses as the
//! service spells them, times in epoch milliseconds).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use playfield_core::Millis;
use playfield_core::{Core, DescribePlayerSessions, PlayerSessionsSelector};
use playfield_core::{MatchmakingTicket, TicketKind, TicketStatus};
use playfield_flexmatch::AttributeValue;

use super::record::{Recorder, TTM_BUCKETS};
use crate::events::TargetStats;

/// At most this many items in any list of a view (newest first).
pub(crate) const LIST_LIMIT: usize = 200;

/// Every ticket status, in the order of a ticket's life.
const STATUSES: [TicketStatus; 8] = [
    TicketStatus::Queued,
    TicketStatus::Searching,
    TicketStatus::RequiresAcceptance,
    TicketStatus::Placing,
    TicketStatus::Completed,
    TicketStatus::Cancelled,
    TicketStatus::TimedOut,
    TicketStatus::Failed,
];

/// A player attribute in the service's own shape (`{"N": 1000}`, `{"S": "x"}`, ...).
pub(crate) fn attribute_json(v: &AttributeValue) -> Value {
    match v {
        AttributeValue::String(s) => json!({ "S": s }),
        AttributeValue::Number(n) => json!({ "N": n }),
        AttributeValue::StringList(l) => json!({ "SL": l }),
        AttributeValue::StringNumberMap(m) => json!({ "SDM": m }),
    }
}

fn attributes_json<'a>(attrs: impl IntoIterator<Item = (&'a String, &'a AttributeValue)>) -> Value {
    Value::Object(
        attrs
            .into_iter()
            .map(|(k, v)| (k.clone(), attribute_json(v)))
            .collect::<Map<_, _>>(),
    )
}

/// Counts and rates per configuration, fleets in short, chart data.
pub(crate) fn overview(core: &Core, rec: &Recorder, active_tickets: usize, now: Millis) -> Value {
    let mut by_cfg: BTreeMap<&str, [u64; 8]> = BTreeMap::new();
    for t in core.tickets() {
        let i = STATUSES.iter().position(|s| *s == t.status).unwrap_or(0);
        by_cfg.entry(t.configuration_name.as_str()).or_default()[i] += 1;
    }
    let this_minute = now / 60_000;
    let configurations: Vec<Value> = core
        .describe_configurations(&[], None)
        .unwrap_or_default()
        .iter()
        .map(|c| {
            let counts = by_cfg
                .get(c.spec.name.as_str())
                .copied()
                .unwrap_or_default();
            let tickets: Map<String, Value> = STATUSES
                .iter()
                .zip(counts)
                .map(|(s, n)| (s.as_str().to_string(), json!(n)))
                .collect();
            let figures = rec
                .figures
                .get(c.spec.name.as_str())
                .cloned()
                .unwrap_or_default();
            // The minutes of the last half hour, empty ones included, oldest first.
            let minutes: Vec<Value> = (0..super::record::MINUTES_KEPT as u64)
                .rev()
                .map(|back| {
                    let m = this_minute.saturating_sub(back);
                    let b = figures
                        .minutes
                        .iter()
                        .find(|b| b.minute == m)
                        .copied()
                        .unwrap_or(super::record::Minute {
                            minute: m,
                            ..Default::default()
                        });
                    json!(b)
                })
                .collect();
            json!({
                "name": c.spec.name,
                "ruleSet": c.spec.rule_set,
                "mode": format!("{:?}", c.spec.flex_match_mode),
                "acceptanceRequired": c.spec.acceptance_required,
                "queues": c.spec.game_session_queues,
                "tickets": tickets,
                "ticketsStarted": figures.tickets_started,
                "matches": figures.matches,
                "minutes": minutes,
                "timeToMatch": {
                    "bucketsSeconds": TTM_BUCKETS,
                    "counts": figures.ttm,
                },
                "teamFill": team_fill(rec, c.spec.name.as_str()),
            })
        })
        .collect();
    json!({
        "now": now,
        "configurations": configurations,
        "totals": totals(core, active_tickets, now),
    })
}

/// The header's counts, cheap enough for every refresh: no pass over the tickets
/// (`active_tickets` comes from the metrics' count of live tickets).
pub(crate) fn totals(core: &Core, active_tickets: usize, now: Millis) -> Value {
    let mut processes = 0;
    let mut healthy = 0;
    for p in core.processes() {
        processes += 1;
        if p.healthy {
            healthy += 1;
        }
    }
    let sessions: Vec<_> = core.game_sessions().filter(|g| g.is_live()).collect();
    let players: usize = sessions
        .iter()
        .map(|g| core.current_player_session_count(&g.id))
        .sum();
    json!({
        "now": now,
        "fleets": core.fleets().count(),
        "processes": processes,
        "healthyProcesses": healthy,
        "gameSessions": sessions.len(),
        "playerSessions": players,
        "activeTickets": active_tickets,
    })
}

/// Average players per team over the recent matches of `cfg`.
fn team_fill(rec: &Recorder, cfg: &str) -> Value {
    let mut teams: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    let mut matches = 0u64;
    for m in rec.matches.iter().filter(|m| m.configuration == cfg) {
        matches += 1;
        let mut here: BTreeMap<&str, u64> = BTreeMap::new();
        for p in &m.players {
            *here.entry(p.team.as_deref().unwrap_or("?")).or_default() += 1;
        }
        for (team, n) in here {
            let e = teams.entry(team).or_default();
            e.0 += n;
            e.1 = e.1.max(n);
        }
    }
    Value::Array(
        teams
            .into_iter()
            .map(|(team, (sum, max))| {
                json!({
                    "team": team,
                    "averagePlayers": if matches == 0 { 0.0 } else { sum as f64 / matches as f64 },
                    "maxSeen": max,
                })
            })
            .collect(),
    )
}

/// Fleets → computes → processes.
pub(crate) fn fleets(core: &Core, rec: &Recorder) -> Value {
    let fleets: Vec<Value> = core
        .fleets()
        .map(|f| {
            let mut procs: Vec<_> = core.processes().filter(|p| p.fleet_id == f.id).collect();
            procs.sort_by_key(|p| (p.compute_id.clone(), p.connected_at, p.pid.clone()));
            let process = |p: &playfield_core::ServerProcess| {
                let history: Vec<Value> = rec
                    .connections
                    .get(p.pid.as_str())
                    .map(|h| {
                        h.iter()
                            .map(|(t, w)| json!({"time": t, "what": w}))
                            .collect()
                    })
                    .unwrap_or_default();
                json!({
                    "pid": p.pid,
                    "compute": p.compute_id,
                    "status": p.status.as_str(),
                    "healthy": p.healthy,
                    "port": p.port,
                    "connections": p.connections.len(),
                    "connectedAt": p.connected_at,
                    "lastHeartbeat": p.last_heartbeat,
                    "sdkLanguage": p.sdk_language,
                    "sdkVersion": p.sdk_version,
                    "gameSessionId": p.game_session_id,
                    "history": history,
                })
            };
            let computes: Vec<Value> = core
                .computes_of(&f.id, None)
                .iter()
                .map(|c| {
                    json!({
                        "name": c.name,
                        "location": c.location,
                        "ipAddress": c.ip_address,
                        "processes": procs
                            .iter()
                            .filter(|p| p.compute_id.as_deref() == Some(c.name.as_str()))
                            .map(|p| process(p))
                            .collect::<Vec<_>>(),
                    })
                })
                .collect();
            let known: Vec<&str> = core
                .computes_of(&f.id, None)
                .iter()
                .map(|c| c.name.as_str())
                .collect();
            // Processes of no registered compute (e.g. a compute id never registered).
            let other: Vec<Value> = procs
                .iter()
                .filter(|p| !p.compute_id.as_deref().is_some_and(|c| known.contains(&c)))
                .map(|p| process(p))
                .collect();
            json!({
                "id": f.id,
                "name": f.name,
                "locations": f.locations,
                "computes": computes,
                "otherProcesses": other,
            })
        })
        .collect();
    json!({ "fleets": fleets })
}

/// Game sessions (live first, then newest), with matchmaker data, player sessions and
/// backfill tickets.
pub(crate) fn sessions(core: &Core) -> Value {
    let mut list: Vec<_> = core.game_sessions().collect();
    list.sort_by_key(|g| (!g.is_live(), std::cmp::Reverse(g.creation_time)));
    let sessions: Vec<Value> = list
        .iter()
        .take(LIST_LIMIT)
        .map(|g| {
            let players = core
                .describe_player_sessions(&DescribePlayerSessions {
                    selector: PlayerSessionsSelector::GameSession(g.id.to_string()),
                    status: None,
                    limit: 1024,
                    start: 0,
                })
                .map(|page| page.player_sessions)
                .unwrap_or_default();
            let teams: Vec<Value> = g
                .matchmaker_data
                .as_ref()
                .map(|d| {
                    d.teams
                        .iter()
                        .map(|t| {
                            json!({
                                "name": t.name,
                                "players": t.players.iter().map(|p| json!({
                                    "playerId": p.player_id,
                                    "attributes": attributes_json(&p.attributes),
                                })).collect::<Vec<_>>(),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            let backfill: Vec<Value> = core
                .tickets()
                .filter(|t| {
                    matches!(&t.kind, TicketKind::Backfill { game_session_arn: Some(a), .. } if *a == g.id)
                })
                .map(|t| json!({"ticketId": t.id, "status": t.status.as_str()}))
                .collect();
            json!({
                "id": g.id,
                "name": g.name,
                "fleetId": g.fleet_id,
                "status": g.status.as_str(),
                "statusReason": g.status_reason.map(|r| r.as_str()),
                "pid": g.pid,
                "ipAddress": g.ip_address,
                "port": g.port,
                "maximumPlayerSessionCount": g.maximum_player_session_count,
                "gameProperties": g.game_properties,
                "creationTime": g.creation_time,
                "matchId": g.matchmaker_data.as_ref().map(|d| d.match_id.clone()),
                "teams": teams,
                "playerSessions": players.iter().map(|p| json!({
                    "id": p.id,
                    "playerId": p.player_id,
                    "status": p.status.as_str(),
                })).collect::<Vec<_>>(),
                "backfillTickets": backfill,
            })
        })
        .collect();
    json!({ "gameSessions": sessions, "total": list.len() })
}

fn ticket_summary(t: &MatchmakingTicket) -> Value {
    json!({
        "ticketId": t.id,
        "configuration": t.configuration_name,
        "status": t.status.as_str(),
        "statusReason": t.status_reason.map(|r| r.as_str()),
        "startTime": t.start_time,
        "endTime": t.end_time,
        "players": t.players.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        "matchId": t.match_id,
        "backfill": matches!(t.kind, TicketKind::Backfill { .. }),
    })
}

/// The configurations and the tickets of one of them (all statuses, or `status`), newest
/// first, at most [`LIST_LIMIT`].
pub(crate) fn tickets(core: &Core, configuration: Option<&str>, status: Option<&str>) -> Value {
    let configurations: Vec<String> = core
        .describe_configurations(&[], None)
        .unwrap_or_default()
        .into_iter()
        .map(|c| c.spec.name.to_string())
        .collect();
    let selected = configuration
        .map(str::to_string)
        .or_else(|| configurations.first().cloned())
        .unwrap_or_default();
    let mut counts: BTreeMap<&str, u64> = STATUSES.iter().map(|s| (s.as_str(), 0)).collect();
    let mut list: Vec<&MatchmakingTicket> = Vec::new();
    for t in core.tickets().filter(|t| t.configuration_name == selected) {
        *counts.entry(t.status.as_str()).or_default() += 1;
        if status.is_none_or(|s| s == t.status.as_str()) {
            list.push(t);
        }
    }
    let total = list.len();
    // Newest first; only the first LIST_LIMIT are sorted out of a large pool.
    let by_newest = |a: &&MatchmakingTicket, b: &&MatchmakingTicket| {
        b.start_time
            .cmp(&a.start_time)
            .then_with(|| a.id.cmp(&b.id))
    };
    if list.len() > LIST_LIMIT {
        list.select_nth_unstable_by(LIST_LIMIT, by_newest);
        list.truncate(LIST_LIMIT);
    }
    list.sort_by(by_newest);
    json!({
        "configurations": configurations,
        "configuration": selected,
        "counts": counts,
        "total": total,
        "tickets": list.iter().map(|t| ticket_summary(t)).collect::<Vec<_>>(),
    })
}

/// One ticket: players with attributes, per-rule evaluations, its events.
pub(crate) fn ticket(core: &Core, rec: &Recorder, id: &str) -> Option<Value> {
    let t = core.ticket(id)?;
    let rules = core.ticket_rule_evaluations(id).unwrap_or_default();
    let events: Vec<Value> = rec
        .events
        .iter()
        .rev()
        .filter(|e| e.ticket_ids.iter().any(|t| t == id))
        .take(LIST_LIMIT)
        .map(event_json)
        .collect();
    let mut v = ticket_summary(&t);
    v["statusMessage"] = json!(t.status_message);
    v["estimatedWaitSeconds"] = json!(t.estimated_wait_seconds);
    v["playerDetails"] = Value::Array(
        t.players
            .iter()
            .map(|p| {
                json!({
                    "playerId": p.id,
                    "team": p.team,
                    "attributes": attributes_json(&p.attributes),
                    "latencyInMs": p.latency_ms,
                    "accepted": t.answers.get(&p.id),
                })
            })
            .collect(),
    );
    v["ruleEvaluations"] = Value::Array(
        rules
            .iter()
            .map(|r| {
                json!({
                    "ruleName": r.rule_name,
                    "passedCount": r.passed_count,
                    "failedCount": r.failed_count,
                })
            })
            .collect(),
    );
    v["connection"] = json!(t.connection.as_ref().map(|c| json!({
        "gameSessionArn": c.game_session_arn,
        "ipAddress": c.ip_address,
        "port": c.port,
        "playerSessions": c.matched_player_sessions.iter().map(|m| json!({
            "playerId": m.player_id, "playerSessionId": m.player_session_id,
        })).collect::<Vec<_>>(),
    })));
    v["events"] = Value::Array(events);
    Some(v)
}

/// Recent matches (newest first), placements and queues.
pub(crate) fn matches(core: &Core, rec: &Recorder) -> Value {
    let matches: Vec<Value> = rec
        .matches
        .iter()
        .rev()
        .take(LIST_LIMIT)
        .map(|m| {
            let mut teams: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
            for p in &m.players {
                teams
                    .entry(p.team.as_deref().unwrap_or("?"))
                    .or_default()
                    .push(json!({
                        "playerId": p.player_id,
                        "playerSessionId": p.player_session_id,
                        "attributes": attributes_json(&p.attributes),
                    }));
            }
            json!({
                "matchId": m.match_id,
                "configuration": m.configuration,
                "time": m.time,
                "status": m.status,
                "ticketIds": m.ticket_ids,
                "teams": teams.into_iter().map(|(name, players)| json!({"name": name, "players": players})).collect::<Vec<_>>(),
                "ruleEvaluationMetrics": m.rule_metrics.iter().map(|r| json!({
                    "ruleName": r.rule_name, "passedCount": r.passed_count, "failedCount": r.failed_count,
                })).collect::<Vec<_>>(),
                "timeToMatchMs": m.time_to_match_ms,
                "acceptanceRequired": m.acceptance_required,
                "backfill": m.backfill,
                "gameSessionArn": m.game_session_arn,
            })
        })
        .collect();
    let mut placements: Vec<_> = core.placements().collect();
    placements.sort_by_key(|p| std::cmp::Reverse(p.start_time));
    let placements: Vec<Value> = placements
        .iter()
        .take(LIST_LIMIT)
        .map(|p| {
            json!({
                "placementId": p.id,
                "queue": p.queue,
                "configuration": p.configuration,
                "matchId": p.match_id,
                "status": p.status.as_str(),
                "startTime": p.start_time,
                "endTime": p.end_time,
                "gameSessionId": p.game_session_id,
            })
        })
        .collect();
    let queues: Vec<Value> = core
        .describe_queues(&[])
        .iter()
        .map(|q| {
            json!({
                "name": q.spec.name,
                "destinations": q.spec.destinations,
                "timeoutSeconds": q.spec.timeout_seconds,
            })
        })
        .collect();
    json!({ "matches": matches, "placements": placements, "queues": queues })
}

fn event_json(e: &super::record::EventRecord) -> Value {
    json!({
        "seq": e.seq,
        "time": e.time,
        "type": e.kind,
        "configuration": e.configuration,
        "target": e.target,
        "ticketIds": e.ticket_ids,
        "matchId": e.match_id,
        "text": e.text,
    })
}

/// What the timeline is filtered by (each empty: no filter).
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct EventFilter {
    #[serde(rename = "type", default)]
    pub(crate) kind: Option<String>,
    #[serde(default)]
    pub(crate) ticket: Option<String>,
    #[serde(default)]
    pub(crate) target: Option<String>,
}

/// The event timeline (newest first) and each notification target's delivery figures.
pub(crate) fn events(
    rec: &Recorder,
    filter: &EventFilter,
    delivery: &[(String, TargetStats)],
) -> Value {
    let nonempty = |s: &Option<String>| s.as_deref().filter(|s| !s.is_empty()).map(str::to_string);
    let (kind, ticket, target) = (
        nonempty(&filter.kind),
        nonempty(&filter.ticket),
        nonempty(&filter.target),
    );
    let list: Vec<Value> = rec
        .events
        .iter()
        .rev()
        .filter(|e| kind.as_deref().is_none_or(|k| e.kind == k))
        .filter(|e| {
            ticket
                .as_deref()
                .is_none_or(|t| e.ticket_ids.iter().any(|id| id.contains(t)))
        })
        .filter(|e| {
            target
                .as_deref()
                .is_none_or(|t| e.target.as_deref() == Some(t))
        })
        .take(LIST_LIMIT)
        .map(event_json)
        .collect();
    let mut types: Vec<&str> = rec.events.iter().map(|e| e.kind).collect();
    types.sort_unstable();
    types.dedup();
    json!({
        "events": list,
        "types": types,
        "targets": delivery.iter().map(|(name, s)| json!({
            "name": name,
            "enqueued": s.enqueued,
            "delivered": s.delivered,
            "pending": s.pending,
            "attempts": s.attempts,
            "retries": s.failed_attempts.saturating_sub(s.abandoned),
            "abandoned": s.abandoned,
            "overflowed": s.overflowed,
            "held": s.held,
        })).collect::<Vec<_>>(),
    })
}
