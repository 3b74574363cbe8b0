//! Tickets: their states, the player rule, timeouts, expansions, STANDALONE mode.

use super::*;

/// service-api.md §9.1 StartMatchmaking: "The new ticket comes back with `Status` QUEUED";
/// "In STANDALONE mode there is no PLACING step and no connection info". The last needed
/// ticket makes the match inside its own StartMatchmaking call (no fixed tick).
#[test]
fn standalone_match_completes_at_once_with_teams() {
    let mut c = core_with(&teams_rule_set(1, 1), |s| {
        s.flex_match_mode = FlexMatchMode::Standalone;
        s.game_session_queues.clear();
    });
    let t1 = start(&mut c, T0, "t1", &["alice"]);
    assert_eq!(t1.status, TicketStatus::Queued);
    assert_eq!(status(&c, "t1"), TicketStatus::Searching);
    start(&mut c, T0 + 3, "t2", &["bob"]);
    for id in ["t1", "t2"] {
        let t = c.ticket(id).unwrap();
        assert_eq!(t.status, TicketStatus::Completed, "{id}");
        assert!(t.players[0].team.is_some());
        assert!(t.connection.is_none());
        assert_eq!(t.end_time, Some(T0 + 3));
    }
    let teams: Vec<_> = ["t1", "t2"]
        .iter()
        .map(|t| c.ticket(t).unwrap().players[0].team.clone().unwrap())
        .collect();
    assert_ne!(teams[0], teams[1]);
    assert!(c.matchmaking().placements.is_empty());
    let evs = mm_events(&c.take_effects());
    assert!(evs.iter().any(|e| matches!(e, MatchmakingEvent::PotentialMatchCreated { ticket_ids, .. } if ticket_ids.len() == 2)));
}

/// A ticket id is generated when none is given; up to 10 players per request.
#[test]
fn generated_ids_and_the_player_limit() {
    let mut c = core_with(&teams_rule_set(2, 2), |_| {});
    let t = c
        .start_matchmaking(
            T0,
            StartMatchmaking {
                ticket_id: None,
                configuration_name: "cfg".into(),
                players: vec![player("a", 1.0)],
            },
        )
        .unwrap();
    assert_eq!(t.id.len(), 36, "a UUID: {}", t.id);
    let eleven = (0..11).map(|i| player(&format!("p{i}"), 1.0)).collect();
    let err = c
        .start_matchmaking(
            T0,
            StartMatchmaking {
                ticket_id: None,
                configuration_name: "cfg".into(),
                players: eleven,
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("1 to 10 players, got 11"), "{err}");
    let err = c
        .start_matchmaking(
            T0,
            StartMatchmaking {
                configuration_name: "nope".into(),
                players: vec![player("b", 1.0)],
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.to_string(), "no matchmaking configuration 'nope'");
}

/// A new ticket for a player cancels that player's older active ticket.
#[test]
fn a_players_second_ticket_cancels_the_first() {
    let mut c = core_with(&teams_rule_set(2, 2), |_| {});
    start(&mut c, T0, "old", &["alice", "bob"]);
    start(&mut c, T0 + 1, "new", &["alice"]);
    let old = c.ticket("old").unwrap();
    assert_eq!(old.status, TicketStatus::Cancelled);
    assert!(old.status_message.as_deref().unwrap().contains("'new'"));
    assert_eq!(status(&c, "new"), TicketStatus::Searching);
    assert!(!c.matchmaking().pools["cfg"].contains("old"));
}

/// RequestTimeoutSeconds: a ticket never matched ends TIMED_OUT; it stays describable for
/// the retention period, then is forgotten (no per-ticket state kept forever).
#[test]
fn a_lonely_ticket_times_out_and_is_forgotten() {
    let mut c = core_with(&teams_rule_set(2, 2), |s| s.request_timeout_seconds = 20);
    start(&mut c, T0, "t1", &["alice"]);
    advance(&mut c, T0 + 19_999);
    assert_eq!(status(&c, "t1"), TicketStatus::Searching);
    advance(&mut c, T0 + 20_000);
    let t = c.ticket("t1").unwrap();
    assert_eq!(t.status, TicketStatus::TimedOut);
    assert_eq!(
        t.status_message.as_deref(),
        Some("Removed from matchmaking due to timing out.")
    );
    assert!(c.matchmaking().pools["cfg"].is_empty());
    advance(&mut c, T0 + 20_000 + RETENTION_MS);
    assert!(c.ticket("t1").is_none());
    assert!(c.describe_matchmaking(&["t1".into()]).is_empty());
}

/// Expansions (guide, "expansions"): a ticket that cannot match waits, and the pass the
/// expansion timer runs lets it match once its wait reaches the step — no new ticket needed.
#[test]
fn an_expansion_lets_a_lonely_pair_match_after_the_wait() {
    let mut c = core_with(EXPANDING, |s| {
        s.flex_match_mode = FlexMatchMode::Standalone;
        s.game_session_queues.clear();
    });
    for (t, p, skill) in [("t1", "alice", 100.0), ("t2", "bob", 150.0)] {
        c.start_matchmaking(
            T0,
            StartMatchmaking {
                ticket_id: Some(t.into()),
                configuration_name: "cfg".into(),
                players: vec![player(p, skill)],
            },
        )
        .unwrap();
    }
    assert_eq!(status(&c, "t1"), TicketStatus::Searching);
    // The matchmaking cycle's pass comes first (CoreConfig::matchmaking_cycle_ms) and finds
    // nothing before the expansion step.
    advance(&mut c, T0 + 1_000);
    assert_eq!(status(&c, "t1"), TicketStatus::Searching);
    assert_eq!(c.next_deadline(), Some(T0 + 5_000), "the expansion step");
    advance(&mut c, T0 + 5_000);
    assert_eq!(status(&c, "t1"), TicketStatus::Completed);
    assert_eq!(status(&c, "t2"), TicketStatus::Completed);
}

/// StopMatchmaking cancels a searching ticket; a finished one cannot be stopped, and the
/// error names it.
#[test]
fn stop_matchmaking_cancels_and_names_what_cannot_be_stopped() {
    let mut c = core_with(&teams_rule_set(2, 2), |_| {});
    start(&mut c, T0, "t1", &["alice"]);
    c.stop_matchmaking(T0 + 1, "t1").unwrap();
    assert_eq!(status(&c, "t1"), TicketStatus::Cancelled);
    let err = c.stop_matchmaking(T0 + 2, "t1").unwrap_err();
    assert_eq!(
        err.to_string(),
        "ticket 't1' is CANCELLED; it cannot be stopped"
    );
    assert_eq!(
        c.stop_matchmaking(T0, "zz").unwrap_err().to_string(),
        "no matchmaking ticket 'zz'"
    );
}
