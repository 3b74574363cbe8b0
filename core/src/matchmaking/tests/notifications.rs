//! The notification projection: what the core tells the events face, per moment of the
//! flow (the table in `core::notifications`; FlexMatch event reference, seed 002 from line
//! 3142).

use super::*;
use crate::notifications::{
    AcceptanceOutcome, DomainEvent, EventBody, MatchmakingEventKind as K, PlacementOutcome,
    PlacementSource,
};

pub(super) fn notifications(effects: &[Effect]) -> Vec<DomainEvent> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Event(Event::Notification(n)) => Some((**n).clone()),
            _ => None,
        })
        .collect()
}

pub(super) fn names(ns: &[DomainEvent]) -> Vec<&'static str> {
    ns.iter().map(|n| n.name()).collect()
}

pub(super) fn mm(n: &DomainEvent) -> &crate::notifications::MatchmakingEvent {
    match &n.body {
        EventBody::Matchmaking(m) => m,
        other => panic!("expected a matchmaking event, got {other:?}"),
    }
}

/// Searching per ticket, then PotentialMatchCreated with teams, then (on activation)
/// PlacementFulfilled-backed MatchmakingSucceeded with ARN, IP, port and player sessions.
#[test]
fn a_placed_match_tells_searching_match_and_success() {
    let mut c = core_with(&teams_rule_set(2, 2), |_| {});
    ready(&mut c, T0, "p1", 1);
    c.take_effects();
    start(&mut c, T0, "t1", &["a", "b"]);
    start(&mut c, T0 + 1, "t2", &["c", "d"]);
    let effects = c.take_effects();
    let ns = notifications(&effects);
    assert_eq!(
        names(&ns),
        [
            "MatchmakingSearching",
            "MatchmakingSearching",
            "PotentialMatchCreated"
        ]
    );
    assert_eq!(ns[0].time.0 as u64, T0);
    assert_eq!(ns[1].time.0 as u64, T0 + 1);
    let searching = mm(&ns[0]);
    assert_eq!(searching.tickets[0].ticket_id, "t1");
    assert_eq!(searching.configuration.name, "cfg");
    assert!(searching.tickets[0]
        .players
        .iter()
        .all(|p| p.team.is_none()));
    let pmc = mm(&ns[2]);
    let match_id = c.ticket("t1").unwrap().match_id.unwrap();
    assert_eq!(pmc.kind.match_id(), Some(match_id.as_str()));
    assert_eq!(pmc.tickets.len(), 2);
    assert_eq!(pmc.game_session.players.len(), 4);
    assert!(pmc.game_session.players.iter().all(|p| p.team.is_some()));
    match &pmc.kind {
        K::PotentialMatchCreated {
            acceptance_required,
            ..
        } => assert!(!acceptance_required),
        other => panic!("{other:?}"),
    }

    let gs = c.game_sessions().next().unwrap().id.clone();
    c.activate_game_session(T0 + 50, "p1", &gs).unwrap();
    let ns = notifications(&c.take_effects());
    assert_eq!(names(&ns), ["MatchmakingSucceeded", "PlacementFulfilled"]);
    let ok = mm(&ns[0]);
    assert_eq!(ok.kind.match_id(), Some(match_id.as_str()));
    assert_eq!(
        ok.game_session.game_session_arn.as_deref(),
        Some(gs.as_str())
    );
    assert_eq!(ok.game_session.ip_address.as_deref(), Some("127.0.0.1"));
    assert!(ok.game_session.port.is_some());
    assert!(ok.tickets.iter().flat_map(|t| &t.players).all(|p| p
        .player_session_id
        .as_deref()
        .is_some_and(|s| s.starts_with("psess-"))));
    match &ns[1].body {
        EventBody::Placement(p) => {
            assert_eq!(p.outcome, PlacementOutcome::Fulfilled);
            assert_eq!(p.player_sessions.len(), 4);
            assert_eq!(
                p.source,
                PlacementSource::Matchmaking {
                    configuration_name: "cfg".into()
                }
            );
        }
        other => panic!("{other:?}"),
    }
}

/// Acceptance: AcceptMatch carries every answer so far; AcceptMatchCompleted the outcome.
#[test]
fn acceptance_answers_and_outcome_are_told() {
    let mut c = core_with(&teams_rule_set(1, 1), |s| {
        s.acceptance_required = true;
        s.acceptance_timeout_seconds = Some(30);
    });
    start(&mut c, T0, "t1", &["a"]);
    start(&mut c, T0, "t2", &["b"]);
    c.take_effects();
    c.accept_match(T0 + 1, "t1", &["a".into()], true).unwrap();
    let ns = notifications(&c.take_effects());
    assert_eq!(names(&ns), ["AcceptMatch"]);
    let players = &mm(&ns[0]).game_session.players;
    let a = players.iter().find(|p| p.player_id == "a").unwrap();
    let b = players.iter().find(|p| p.player_id == "b").unwrap();
    assert_eq!((a.accepted, b.accepted), (Some(true), None));

    advance(&mut c, T0 + 31_000);
    let ns = notifications(&c.take_effects());
    assert_eq!(ns[0].name(), "AcceptMatchCompleted");
    assert!(matches!(
        mm(&ns[0]).kind,
        K::AcceptMatchCompleted {
            acceptance: AcceptanceOutcome::TimedOut,
            ..
        }
    ));
    // b never answered: FAILED; a accepted: back to searching.
    let rest: Vec<(&str, &str)> = ns[1..]
        .iter()
        .map(|n| (n.name(), mm(n).tickets[0].ticket_id.as_str()))
        .collect();
    assert!(rest.contains(&("MatchmakingFailed", "t2")), "{rest:?}");
    assert!(rest.contains(&("MatchmakingSearching", "t1")), "{rest:?}");
}

/// Cancelled and timed-out tickets carry the service's messages (seed 001).
#[test]
fn cancelled_and_timed_out_tickets_say_why() {
    let mut c = core_with(&teams_rule_set(2, 2), |s| s.request_timeout_seconds = 10);
    start(&mut c, T0, "t1", &["a"]);
    start(&mut c, T0, "t2", &["b"]);
    c.take_effects();
    c.stop_matchmaking(T0 + 5, "t1").unwrap();
    advance(&mut c, T0 + 10_000);
    let ns = notifications(&c.take_effects());
    assert_eq!(names(&ns), ["MatchmakingCancelled", "MatchmakingTimedOut"]);
    match &mm(&ns[0]).kind {
        K::Cancelled { message, .. } => assert_eq!(message, "Cancelled by request."),
        other => panic!("{other:?}"),
    }
    match &mm(&ns[1]).kind {
        K::TimedOut { message, .. } => {
            assert_eq!(message, "Removed from matchmaking due to timing out.")
        }
        other => panic!("{other:?}"),
    }
}

/// Event ids come from the seed: the same commands give the same ids.
#[test]
fn event_ids_are_reproducible() {
    let run = || {
        let mut c = core_with(&teams_rule_set(2, 2), |_| {});
        start(&mut c, T0, "t1", &["a"]);
        notifications(&c.take_effects())
            .into_iter()
            .map(|n| n.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}

/// A rejection ends acceptance as `Rejected`: the rejecting ticket fails, the one whose
/// players all accepted searches again (guide line 2137).
#[test]
fn a_rejection_is_told_and_the_accepting_ticket_searches_again() {
    let mut c = core_with(&teams_rule_set(1, 1), |s| {
        s.acceptance_required = true;
        s.acceptance_timeout_seconds = Some(30);
    });
    // Below maxPlayers: the match forms at the end of the cycle, at T0.
    start(&mut c, T0 - CYCLE, "t1", &["a"]);
    start(&mut c, T0 - CYCLE, "t2", &["b"]);
    advance(&mut c, T0);
    c.accept_match(T0 + 1, "t1", &["a".into()], true).unwrap();
    c.take_effects();
    c.accept_match(T0 + 2, "t2", &["b".into()], false).unwrap();
    let ns = notifications(&c.take_effects());
    let seen: Vec<(&str, Vec<&str>)> = ns
        .iter()
        .map(|n| {
            let ids = mm(n).tickets.iter().map(|t| t.ticket_id.as_str()).collect();
            (n.name(), ids)
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("AcceptMatch", vec!["t1", "t2"]),
            ("AcceptMatchCompleted", vec!["t1", "t2"]),
            ("MatchmakingSearching", vec!["t1"]),
            ("MatchmakingFailed", vec!["t2"]),
        ]
    );
    let b = mm(&ns[0])
        .game_session
        .players
        .iter()
        .find(|p| p.player_id == "b")
        .unwrap()
        .accepted;
    assert_eq!(b, Some(false));
    assert!(matches!(
        mm(&ns[1]).kind,
        K::AcceptMatchCompleted {
            acceptance: AcceptanceOutcome::Rejected,
            ..
        }
    ));
    match &mm(&ns[3]).kind {
        K::Failed {
            reason, match_id, ..
        } => {
            assert_eq!(reason, "ACCEPTANCE_FAILED");
            assert!(match_id.is_some());
        }
        other => panic!("{other:?}"),
    }
}

/// A duel judged by two rules; skills far apart never match.
const TWO_RULES: &str = r#"{
    "ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number", "default": 10}],
    "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 1},
              {"name": "blue", "minPlayers": 1, "maxPlayers": 1}],
    "rules": [{"name": "close", "type": "distance",
               "measurements": "max(flatten(teams[*].players.attributes[skill]))",
               "referenceValue": "min(flatten(teams[*].players.attributes[skill]))",
               "maxDistance": 10},
              {"name": "even", "type": "comparison",
               "measurements": "count(teams[red].players)",
               "referenceValue": "count(teams[blue].players)", "operation": "="}]
}"#;

fn start_skill(c: &mut Core, now: Millis, ticket: &str, player_id: &str, skill: f64) {
    c.start_matchmaking(
        now,
        StartMatchmaking {
            ticket_id: Some(ticket.into()),
            configuration_name: "cfg".into(),
            players: vec![player(player_id, skill)],
        },
    )
    .unwrap();
}

/// `(ruleName, passedCount, failedCount)` of an event that carries ruleEvaluationMetrics.
fn rule_metrics(n: &DomainEvent) -> Vec<(String, u64, u64)> {
    let m = match &mm(n).kind {
        K::TimedOut {
            rule_evaluation_metrics,
            ..
        }
        | K::Cancelled {
            rule_evaluation_metrics,
            ..
        }
        | K::PotentialMatchCreated {
            rule_evaluation_metrics,
            ..
        } => rule_evaluation_metrics.clone(),
        K::Failed {
            rule_evaluation_metrics,
            ..
        } => rule_evaluation_metrics
            .clone()
            .expect("metrics on MatchmakingFailed"),
        other => panic!("no ruleEvaluationMetrics on {other:?}"),
    };
    m.into_iter()
        .map(|r| (r.rule_name, r.passed_count, r.failed_count))
        .collect()
}

/// Seed 001 lines 69 and 79 (guide 002 lines 3560–3581, 3632–3656): MatchmakingTimedOut and
/// MatchmakingCancelled carry one `{ruleName, passedCount, failedCount}` per rule of the rule
/// set, counting the ticket's evaluations. Two tickets too far apart in skill are judged
/// against each other (and fail `close`) but never match.
#[test]
fn timed_out_and_cancelled_tickets_carry_their_rule_evaluations() {
    let mut c = core_with(TWO_RULES, |s| s.request_timeout_seconds = 10);
    start_skill(&mut c, T0, "t1", "a", 10.0);
    start_skill(&mut c, T0 + 1, "t2", "b", 500.0);
    c.take_effects();
    c.stop_matchmaking(T0 + 5, "t1").unwrap();
    advance(&mut c, T0 + 11_000);
    let ns = notifications(&c.take_effects());
    assert_eq!(names(&ns), ["MatchmakingCancelled", "MatchmakingTimedOut"]);
    for n in &ns {
        let m = rule_metrics(n);
        let rules: Vec<&str> = m.iter().map(|(r, _, _)| r.as_str()).collect();
        assert_eq!(rules, ["close", "even"], "every rule, in rule set order");
        // Judged alone (passes) and against the other ticket (fails `close`).
        let (_, passed, failed) = &m[0];
        assert!(*passed >= 1 && *failed >= 1, "{}: {m:?}", n.name());
    }
}

/// "Keep per-ticket rule metrics for the ticket's whole search": a ticket that was in a
/// proposed match, went back to the pool when the other player rejected it (guide line
/// 2137) and was then cancelled reports its evaluations from both stays in the pool; the
/// rejecting ticket's MatchmakingFailed reports its own (seed 001 line 87 lists
/// ruleEvaluationMetrics among MatchmakingFailed's details).
#[test]
fn rule_evaluations_add_up_over_the_tickets_whole_search() {
    let mut c = core_with(TWO_RULES, |s| {
        s.acceptance_required = true;
        s.acceptance_timeout_seconds = Some(30);
    });
    start_skill(&mut c, T0, "t1", "a", 10.0);
    start_skill(&mut c, T0, "t2", "b", 12.0);
    assert_eq!(status(&c, "t1"), TicketStatus::RequiresAcceptance);
    c.accept_match(T0 + 1, "t1", &["a".into()], true).unwrap();
    c.take_effects();
    c.accept_match(T0 + 1, "t2", &["b".into()], false).unwrap();
    let ns = notifications(&c.take_effects());
    let failed = ns.iter().find(|n| n.name() == "MatchmakingFailed").unwrap();
    let m = rule_metrics(failed);
    assert_eq!(m.len(), 2);
    assert!(m[0].1 >= 1, "t2 passed `close` in its match: {m:?}");
    assert_eq!(status(&c, "t1"), TicketStatus::Searching);

    // Back in the pool: what the pool has counted is this stay only.
    let this_stay = c.matchmaking().pools["cfg"].evaluations("t1").unwrap();
    c.stop_matchmaking(T0 + 2, "t1").unwrap();
    let ns = notifications(&c.take_effects());
    let m = rule_metrics(&ns[0]);
    assert_eq!(ns[0].name(), "MatchmakingCancelled");
    assert!(
        m[0].1 > this_stay[0][0],
        "the first stay (the match) counts too: {m:?} vs this stay {this_stay:?}"
    );
    // Freed once told.
    assert!(c
        .matchmaking()
        .tickets
        .get("t1")
        .unwrap()
        .rule_evaluations
        .is_empty());
}

/// The whole search spans pools too: when the configuration moves to another rule set its
/// waiting tickets move to a new pool, and what they went through in the old one still
/// counts for the rules both rule sets have.
#[test]
fn rule_evaluations_survive_a_change_of_rule_set() {
    let mut c = core_with(TWO_RULES, |_| {});
    start_skill(&mut c, T0, "t1", "a", 10.0);
    start_skill(&mut c, T0 + 1, "t2", "b", 500.0);
    let first_pool = c.matchmaking().pools["cfg"].evaluations("t1").unwrap();
    assert!(
        first_pool[0][1] >= 1,
        "t1 failed `close` with t2: {first_pool:?}"
    );
    // Same rules, teams of one to two: t1 and t2 still never match.
    c.create_rule_set(
        T0 + 2,
        "rs2",
        &TWO_RULES.replace("\"maxPlayers\": 1", "\"maxPlayers\": 2"),
    )
    .unwrap();
    let mut spec = c.configuration("cfg").unwrap().spec.clone();
    spec.rule_set = "rs2".into();
    c.update_configuration(T0 + 2, spec).unwrap();
    let new_pool = c.matchmaking().pools["cfg"].evaluations("t1").unwrap();
    c.take_effects();
    c.stop_matchmaking(T0 + 3, "t1").unwrap();
    let ns = notifications(&c.take_effects());
    let close = &rule_metrics(&ns[0])[0];
    assert_eq!(close.0, "close");
    assert_eq!(
        (close.1, close.2),
        (
            first_pool[0][0] + new_pool[0][0],
            first_pool[0][1] + new_pool[0][1]
        ),
        "both pools count"
    );
}

/// Seed 001 line 39 (AcceptMatch) and line 49 (AcceptMatchCompleted): each player's
/// `accepted` answer so far, `false` for the one who rejected, absent for one who has not
/// answered. Two players of one ticket answering in one call are told one after the other,
/// the second event with both answers.
#[test]
fn every_answer_is_told_rejections_included() {
    let mut c = core_with(&teams_rule_set(2, 2), |s| {
        s.acceptance_required = true;
        s.acceptance_timeout_seconds = Some(30);
    });
    start(&mut c, T0, "t1", &["a", "b"]);
    start(&mut c, T0, "t2", &["c", "d"]);
    c.take_effects();
    let answers = |n: &DomainEvent| -> Vec<(String, Option<bool>)> {
        let mut v: Vec<_> = mm(n)
            .game_session
            .players
            .iter()
            .map(|p| (p.player_id.clone(), p.accepted))
            .collect();
        v.sort();
        v
    };
    let ticket_answers = |n: &DomainEvent| -> Vec<(String, Option<bool>)> {
        let mut v: Vec<_> = mm(n)
            .tickets
            .iter()
            .flat_map(|t| t.players.iter().map(|p| (p.player_id.clone(), p.accepted)))
            .collect();
        v.sort();
        v
    };
    let s = |p: &str, a: Option<bool>| (p.to_string(), a);

    c.accept_match(T0 + 1, "t1", &["a".into(), "b".into()], true)
        .unwrap();
    let ns = notifications(&c.take_effects());
    assert_eq!(names(&ns), ["AcceptMatch", "AcceptMatch"]);
    assert_eq!(
        answers(&ns[1]),
        [
            s("a", Some(true)),
            s("b", Some(true)),
            s("c", None),
            s("d", None)
        ]
    );

    c.accept_match(T0 + 2, "t2", &["c".into()], false).unwrap();
    let ns = notifications(&c.take_effects());
    assert_eq!(&names(&ns)[..2], ["AcceptMatch", "AcceptMatchCompleted"]);
    let told = [
        s("a", Some(true)),
        s("b", Some(true)),
        s("c", Some(false)),
        s("d", None),
    ];
    for n in &ns[..2] {
        assert_eq!(answers(n), told, "{} gameSessionInfo", n.name());
        assert_eq!(ticket_answers(n), told, "{} tickets", n.name());
    }
}

/// Seed 001 line 19: `estimatedWaitMillis` is "NOT_AVAILABLE" while there is no estimate,
/// otherwise a number of milliseconds — never a 0 standing for "unknown". Here the estimate
/// is the average wait of the configuration's matched tickets: t1 waited 400 ms, t2 0 ms.
/// DescribeMatchmaking's EstimatedWaitTime (whole seconds) rounds the 200 ms up to 1.
#[test]
fn estimated_wait_is_not_available_then_the_recent_average() {
    let mut c = core_with(&teams_rule_set(1, 1), |_| {});
    start(&mut c, T0, "t1", &["a"]);
    let ns = notifications(&c.take_effects());
    assert_eq!(
        mm(&ns[0]).kind,
        K::Searching {
            estimated_wait_millis: None
        }
    );
    assert_eq!(c.ticket("t1").unwrap().estimated_wait_seconds, None);
    start(&mut c, T0 + 400, "t2", &["b"]);
    assert_eq!(status(&c, "t1"), TicketStatus::Placing);
    c.take_effects();

    start(&mut c, T0 + 1_000, "t3", &["c"]);
    let ns = notifications(&c.take_effects());
    assert_eq!(
        mm(&ns[0]).kind,
        K::Searching {
            estimated_wait_millis: Some(200)
        }
    );
    assert_eq!(c.ticket("t3").unwrap().estimated_wait_seconds, Some(1));
}

/// A PlacementFailed is routed like every other event, whatever failed it: a direct
/// placement whose queue is deleted while it is pending still names the queue's ARN (the
/// envelope's `resources`, `account` and `region`) and its NotificationTarget.
#[test]
fn a_placement_failed_by_its_queue_deletion_still_names_the_queue() {
    let mut c = core_with(&teams_rule_set(1, 1), |_| {});
    let target = "arn:aws:sns:us-west-2:123456789012:side-events";
    let q = c
        .create_queue(QueueSpec {
            name: "side".into(),
            destinations: vec![FLEET.into()],
            notification_target: Some(target.into()),
            ..Default::default()
        })
        .unwrap();
    let mut req = super::placement::direct("pl-1");
    req.queue_name = "side".into();
    c.start_game_session_placement(T0, req).unwrap();
    c.delete_queue("side").unwrap();
    c.take_effects();
    advance(&mut c, T0 + PLACEMENT_RETRY_MS);
    let ns = notifications(&c.take_effects());
    let p = ns
        .iter()
        .find_map(|n| match &n.body {
            EventBody::Placement(p) => Some(p),
            _ => None,
        })
        .expect("a placement event");
    assert_eq!(p.outcome, PlacementOutcome::Failed);
    assert_eq!(p.queue.arn, q.arn);
    assert_eq!(p.queue.notification_target.as_deref(), Some(target));
}

/// `Core::ticket_rule_evaluations` (the dashboard's "why is it not matching"): what
/// MatchmakingCancelled would report (seed 001 lines 67–79) while the ticket still searches,
/// its first stay in the pool included, and the same numbers its cancellation then carries.
#[test]
fn a_searching_tickets_rule_evaluations_are_readable_before_it_ends() {
    let mut c = core_with(TWO_RULES, |s| {
        s.acceptance_required = true;
        s.acceptance_timeout_seconds = Some(30);
    });
    start_skill(&mut c, T0, "t1", "a", 10.0);
    start_skill(&mut c, T0, "t2", "b", 12.0);
    c.accept_match(T0 + 1, "t1", &["a".into()], true).unwrap();
    c.accept_match(T0 + 1, "t2", &["b".into()], false).unwrap();
    // t1 is back in the pool; a far-off newcomer fails `close` against it.
    start_skill(&mut c, T0 + 2, "t3", "c", 900.0);
    assert_eq!(status(&c, "t1"), TicketStatus::Searching);
    let live = c.ticket_rule_evaluations("t1").expect("t1 is known");
    let names: Vec<&str> = live.iter().map(|r| r.rule_name.as_str()).collect();
    assert_eq!(names, ["close", "even"], "every rule, in rule set order");
    assert!(
        live[0].failed_count >= 1,
        "failed `close` against t3: {live:?}"
    );
    c.take_effects();
    c.stop_matchmaking(T0 + 3, "t1").unwrap();
    let ns = notifications(&c.take_effects());
    let told: Vec<(String, u64, u64)> = live
        .iter()
        .map(|r| (r.rule_name.clone(), r.passed_count, r.failed_count))
        .collect();
    assert_eq!(
        rule_metrics(&ns[0]),
        told,
        "the same as its cancellation reports"
    );
    assert_eq!(c.ticket_rule_evaluations("nope"), None);
}
