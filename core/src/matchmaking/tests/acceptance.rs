//! The acceptance step: all accept, one rejects, the timeout.
//!
//! Guide line 2137: "当建议的对战游戏中的任何一个玩家拒绝对战游戏，或者未能在接受时限内响应时，
//! 请求失败。接受对战的玩家的票证将自动退还到票证池中。未接受对战的玩家的票证将变为“失败”状态".

use super::notifications::{mm, names, notifications};
use super::*;
use crate::notifications::AcceptanceOutcome;

const TICKETS: [(&str, &str); 4] = [("t1", "a"), ("t2", "b"), ("t3", "c"), ("t4", "d")];

/// A 2v2 configuration with acceptance (10 s), a ready process, and a proposal of four
/// one-player tickets.
fn proposed() -> Core {
    let mut c = core_with(&teams_rule_set(2, 2), |s| {
        s.acceptance_required = true;
        s.acceptance_timeout_seconds = Some(10);
    });
    ready(&mut c, T0, "p1", 1);
    for (t, p) in TICKETS {
        start(&mut c, T0, t, &[p]);
    }
    for (t, _) in TICKETS {
        assert_eq!(status(&c, t), TicketStatus::RequiresAcceptance, "{t}");
    }
    c.take_effects();
    c
}

#[test]
fn when_all_accept_the_match_goes_to_placement() {
    let mut c = proposed();
    for (t, p) in TICKETS.iter().take(3) {
        c.accept_match(T0 + 1, t, &[p.to_string()], true).unwrap();
    }
    assert_eq!(status(&c, "t1"), TicketStatus::RequiresAcceptance);
    c.accept_match(T0 + 2, "t4", &["d".into()], true).unwrap();
    for (t, _) in TICKETS {
        assert_eq!(status(&c, t), TicketStatus::Placing, "{t}");
    }
    let effects = c.take_effects();
    let match_id = c.ticket("t1").unwrap().match_id.clone().unwrap();
    assert!(mm_events(&effects).iter().any(|e| matches!(e,
        MatchmakingEvent::AcceptMatchCompleted { match_id: m, outcome: AcceptanceOutcome::Accepted, .. } if *m == match_id)));
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::Push {
            push: Push::CreateGameSession(_),
            ..
        }
    )));
    // Accepting again is refused, naming the ticket and its state.
    let err = c
        .accept_match(T0 + 3, "t1", &["a".into()], true)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "ticket 't1' is PLACING; it cannot be accepted or rejected (only REQUIRES_ACCEPTANCE can)"
    );
}

#[test]
fn one_rejection_fails_that_ticket_and_returns_the_accepted_ones() {
    let mut c = proposed();
    c.accept_match(T0 + 1, "t1", &["a".into()], true).unwrap();
    c.accept_match(T0 + 1, "t2", &["b".into()], true).unwrap();
    c.accept_match(T0 + 2, "t3", &["c".into()], false).unwrap();
    assert_eq!(status(&c, "t1"), TicketStatus::Searching);
    assert_eq!(status(&c, "t2"), TicketStatus::Searching);
    assert_eq!(status(&c, "t3"), TicketStatus::Failed);
    // t4 had not answered when the proposal was dropped: it did not accept.
    assert_eq!(status(&c, "t4"), TicketStatus::Failed);
    assert!(c.ticket("t1").unwrap().players[0].team.is_none());
    assert!(c.matchmaking().pools["cfg"].contains("t1"));
    // Two fresh players complete a new proposal with the returned tickets.
    start(&mut c, T0 + 3, "t5", &["e"]);
    start(&mut c, T0 + 3, "t6", &["f"]);
    assert_eq!(status(&c, "t1"), TicketStatus::RequiresAcceptance);
}

#[test]
fn the_acceptance_timeout_fails_the_silent_tickets() {
    let mut c = proposed();
    c.accept_match(T0 + 1, "t1", &["a".into()], true).unwrap();
    advance(&mut c, T0 + 9_999);
    assert_eq!(status(&c, "t1"), TicketStatus::RequiresAcceptance);
    advance(&mut c, T0 + 10_000);
    assert_eq!(status(&c, "t1"), TicketStatus::Searching);
    for t in ["t2", "t3", "t4"] {
        let t = c.ticket(t).unwrap();
        assert_eq!(t.status, TicketStatus::Failed);
        assert!(t
            .status_message
            .as_deref()
            .unwrap()
            .contains("acceptance timeout"));
    }
    let evs = mm_events(&c.take_effects());
    assert!(evs.iter().any(|e| matches!(
        e,
        MatchmakingEvent::AcceptMatchCompleted {
            outcome: AcceptanceOutcome::TimedOut,
            ..
        }
    )));
}

#[test]
fn accept_match_checks_its_players() {
    let mut c = proposed();
    let err = c.accept_match(T0, "t1", &["zz".into()], true).unwrap_err();
    assert_eq!(
        err.to_string(),
        "PlayerIds: player 'zz' is not in ticket 't1'"
    );
}

/// StopMatchmaking on a proposed ticket cancels it (CANCELLED, not FAILED); the proposal is
/// dropped as on a rejection, so the tickets that accepted return to the pool.
#[test]
fn stopping_a_proposed_ticket_cancels_it_and_drops_the_proposal() {
    let mut c = proposed();
    c.accept_match(T0 + 1, "t1", &["a".into()], true).unwrap();
    c.stop_matchmaking(T0 + 2, "t2").unwrap();
    assert_eq!(status(&c, "t2"), TicketStatus::Cancelled);
    assert_eq!(status(&c, "t1"), TicketStatus::Searching);
    assert_eq!(status(&c, "t3"), TicketStatus::Failed);
    assert!(c.matchmaking().proposals.is_empty());
}

/// Seed 001 line 13 (MatchmakingSearching): "여기에는 신규 요청과 실패한 제안된 매치의 일부였던
/// 요청이 포함됩니다" — a ticket back from a failed proposal is told SEARCHING again, shown as the
/// seed's example (line 19) shows a searching ticket: players without a team, no match id.
/// (This path already went through `return_to_pool`; the test pins it beside the backfill one
/// in `backfill::a_newcomer_a_full_game_cannot_seat_searches_again_without_a_team`.)
#[test]
fn a_ticket_back_from_a_failed_proposal_is_told_searching_without_its_team() {
    let mut c = proposed();
    for (t, p) in TICKETS.iter().take(3) {
        c.accept_match(T0 + 1, t, &[p.to_string()], true).unwrap();
    }
    c.take_effects();
    advance(&mut c, T0 + 10_000);
    let ns = notifications(&c.take_effects());
    let searching: Vec<_> = ns
        .iter()
        .filter(|n| n.name() == "MatchmakingSearching")
        .map(mm)
        .collect();
    assert_eq!(searching.len(), 3, "{:?}", names(&ns));
    for e in searching {
        assert!(e.kind.match_id().is_none());
        assert!(
            e.tickets[0].players.iter().all(|p| p.team.is_none()),
            "{e:?}"
        );
        assert!(e.game_session.players.iter().all(|p| p.team.is_none()));
    }
    let t1 = c.ticket("t1").unwrap();
    assert_eq!((t1.players[0].team.clone(), t1.match_id), (None, None));
}
