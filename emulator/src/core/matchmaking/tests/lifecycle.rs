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

/// The startup file's rule sets, queues and configurations are applied in order, and the
/// embedded default comes up ready to match.
#[test]
fn the_embedded_default_configuration_applies() {
    let cfg = crate::config::Config::embedded_default();
    let mut c = Core::new(CoreConfig::default());
    c.apply_matchmaking_config(T0, &cfg.matchmaking_setup())
        .unwrap();
    let conf = c.configuration("default").unwrap();
    assert_eq!(
        conf.game_session_queue_names,
        vec!["local-queue".to_string()]
    );
    assert!(conf.arn.ends_with(":matchmakingconfiguration/default"));
    assert!(c.delete_rule_set("one-versus-one").is_err(), "in use");
}

/// Every member of a `[[matchmaking_configurations]]` and `[[queues]]` entry reaches the core
/// as written (service-api.md §9.1 CreateMatchmakingConfiguration, §9.2
/// CreateGameSessionQueue: what Describe* then shows), and an update laid over the
/// configuration as it stands (what UpdateMatchmakingConfiguration does with no members)
/// changes nothing.
#[test]
fn the_startup_file_reaches_the_core_field_for_field() {
    let (cfg, mut c) = core_from_startup_file(
        r#"
[[notification_targets]]
name = "hook"
url = "http://127.0.0.1:9/events"
format = "flexmatch"
"#,
        r#"
timeout_seconds = 45
custom_event_data = "queue data"
notification_target = "hook"
player_latency_policies = [
  { maximum_individual_player_latency_ms = 50, policy_duration_seconds = 5 },
  { maximum_individual_player_latency_ms = 200 },
]
allowed_locations = ["custom-home", "us-west-2"]
priority_order = ["LOCATION", "LATENCY"]
location_order = ["us-west-2"]
"#,
        r#"
description = "all members"
request_timeout_seconds = 90
acceptance_required = true
acceptance_timeout_seconds = 20
backfill_mode = "AUTOMATIC"
additional_player_count = 2
game_properties = { mode = "duel" }
game_session_data = "session data"
custom_event_data = "config data"
notification_target = "hook"
post_processing_url = "http://127.0.0.1:8100/pp"
"#,
    );

    let q = c.queue("q").unwrap().clone();
    assert_eq!(q.destinations, vec![FLEET.to_string()]);
    assert_eq!(q.timeout_seconds, 45);
    assert_eq!(q.custom_event_data.as_deref(), Some("queue data"));
    assert_eq!(q.notification_target.as_deref(), Some("hook"));
    assert_eq!(
        q.player_latency_policies,
        cfg.queues[0].player_latency_policies
    );
    assert_eq!(q.allowed_locations, ["custom-home", "us-west-2"]);
    assert_eq!(
        q.priority_order,
        [PriorityType::Location, PriorityType::Latency]
    );
    assert_eq!(q.location_order, ["us-west-2"]);

    let m = c.configuration("m").unwrap().clone();
    assert_eq!(m.description.as_deref(), Some("all members"));
    assert_eq!(m.rule_set_name, "rs");
    assert_eq!(m.flex_match_mode, FlexMatchMode::WithQueue);
    assert_eq!(m.game_session_queue_names, vec!["q".to_string()]);
    assert_eq!(m.request_timeout_seconds, 90);
    assert!(m.acceptance_required);
    assert_eq!(m.acceptance_timeout_seconds, Some(20));
    assert_eq!(m.backfill_mode, BackfillMode::Automatic);
    assert_eq!(m.additional_player_count, 2);
    assert_eq!(m.game_properties, props(&[("mode", "duel")]));
    assert_eq!(m.game_session_data.as_deref(), Some("session data"));
    assert_eq!(m.custom_event_data.as_deref(), Some("config data"));
    assert_eq!(m.notification_target.as_deref(), Some("hook"));
    assert_eq!(
        m.post_processing_url.as_deref(),
        Some("http://127.0.0.1:8100/pp")
    );

    let same = c
        .update_configuration(T0 + 1, ConfigurationSpec::from(&m))
        .unwrap();
    assert_eq!(same, m);
    let same = c.update_queue(QueueSpec::from(&q)).unwrap();
    assert_eq!(same, q);
}
