//! PGOS matchmaking post-processing in the matchmaker (seed `003_b88cb9fe2efe5cb2.txt`, the
//! matchmaking post-processing request and response): a held match, its answer applied as
//! battles and requeued tickets, and every way the hook can fail.

use super::*;
use crate::matchmaking::post_processing::{
    AnswerPlayer, AnswerTicket, PostProcessingCall, PostProcessingEvent, VirtualServerAnswer,
    POST_PROCESSING_TIMEOUT_MS,
};
use crate::notifications::EpochMillis;

const URL: &str = "http://127.0.0.1:8100/postprocess";

/// A 2v2 configuration (teams of exactly 2) created with a post-processing URL, `edit`
/// applied.
fn core_pp(edit: impl FnOnce(&mut ConfigurationSpec)) -> Core {
    core_with(&teams_rule_set(2, 2), |s| {
        s.game_properties = props(&[("mode", "duel")]);
        s.post_processing_url = Some(URL.into());
        edit(s);
    })
}

/// Starts t1..t4 (players a..d); the fourth forms the match, which is held. Returns the
/// held match id and the call that left for the virtual server.
fn held_four(c: &mut Core) -> (String, PostProcessingCall) {
    for (i, (t, p)) in [("t1", "a"), ("t2", "b"), ("t3", "c"), ("t4", "d")]
        .into_iter()
        .enumerate()
    {
        start(c, T0 + i as u64, t, &[p]);
    }
    let effects = c.take_effects();
    let calls: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::PostProcess {
                match_id,
                url,
                request,
            } => Some((match_id.clone(), url.clone(), request.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(calls.len(), 1, "one call per formed match: {effects:?}");
    let (match_id, url, request) = calls.into_iter().next().unwrap();
    assert_eq!(url, URL);
    (match_id, *request)
}

/// A battle of `tickets`, each with its players and the team the virtual server gives them.
fn battle(tickets: &[(&str, &[(&str, &str)])]) -> Vec<AnswerTicket> {
    tickets.iter().map(|(id, ps)| entity(id, ps)).collect()
}

fn entity(id: &str, players: &[(&str, &str)]) -> AnswerTicket {
    AnswerTicket {
        id: id.into(),
        players: players
            .iter()
            .map(|(p, team)| AnswerPlayer {
                player_id: (*p).into(),
                team: Some((*team).into()),
            })
            .collect(),
    }
}

fn pp_events(effects: &[Effect]) -> Vec<PostProcessingEvent> {
    mm_events(effects)
        .into_iter()
        .filter_map(|e| match e {
            MatchmakingEvent::PostProcessing(p) => Some(p),
            _ => None,
        })
        .collect()
}

fn fell_back_error(e: &PostProcessingEvent) -> &str {
    match e {
        PostProcessingEvent::FellBack { error, .. } => error,
        other => panic!("expected a fallback, got {other:?}"),
    }
}

/// Seed 003, "schema of request triggered by matchmaking service ... contains original
/// matchmaking result": `data.battle.tickets[]` with `players[]` (team, match_attributes,
/// region_latencies), `battle_properties`. While the virtual server decides, the tickets are
/// out of the pool but still SEARCHING to clients.
#[test]
fn a_formed_match_is_held_and_sent_to_the_virtual_server() {
    let mut c = core_pp(|_| {});
    let (match_id, req) = held_four(&mut c);
    // The PGOS `operation` and the string form of `trigger_time` are the events face's:
    // events/pgos/post_processing.rs::tests::the_call_renders_as_the_seed_request.
    assert_eq!(req.trigger_time, EpochMillis(T0.saturating_add(3) as i64));
    let ids: Vec<&str> = req.tickets.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["t1", "t2", "t3", "t4"]);
    let t1 = &req.tickets[0];
    assert_eq!(req.configuration.name, "cfg");
    assert_eq!(t1.start_time.0, T0 as i64);
    assert_eq!(t1.requeued_count, 0);
    let a = &t1.players[0];
    assert_eq!(a.player_id, "a");
    let team = a.team.as_deref().unwrap_or_default();
    assert!(team == "red" || team == "blue", "team {:?}", a.team);
    let (name, value) = a.attributes.iter().next().expect("a has attributes");
    assert_eq!(name, "skill");
    assert_eq!(*value, playfield_flexmatch::AttributeValue::Number(10.0));
    assert_eq!(req.configuration.game_properties.len(), 1);
    assert_eq!(req.configuration.game_properties[0].key, "mode");
    assert_eq!(req.configuration.game_properties[0].value, "duel");

    for t in ["t1", "t2", "t3", "t4"] {
        assert_eq!(status(&c, t), TicketStatus::Searching, "{t} while held");
    }
    assert_eq!(c.held_matches().count(), 1);
    assert_eq!(c.held_matches().next().unwrap().match_id, match_id);
    // Out of the pool: a fifth ticket does not join them.
    assert_eq!(c.matchmaking().pools["cfg"].len(), 0);
}

/// Seed 003 response: "virtual server can split the original battle into multiple battles":
/// each battle becomes its own match and is placed on its own game session.
#[test]
fn a_battle_split_in_two_is_placed_as_two_matches() {
    let mut c = core_pp(|_| {});
    ready(&mut c, T0, "p1", 1);
    ready(&mut c, T0, "p2", 2);
    let (match_id, _) = held_four(&mut c);
    let answer = VirtualServerAnswer {
        battles: vec![
            battle(&[("t1", &[("a", "red")]), ("t2", &[("b", "blue")])]),
            battle(&[("t3", &[("c", "red")]), ("t4", &[("d", "blue")])]),
        ],
        requeued: vec![],
    };
    let e = c.post_processing_finished(T0 + 100, &match_id, Ok(answer));
    let PostProcessingEvent::Applied { battles, .. } = &e else {
        panic!("expected the answer applied, got {e:?}")
    };
    assert_eq!(battles.len(), 2);
    assert_ne!(battles[0].0, battles[1].0);
    let effects = c.take_effects();
    let created: Vec<Vec<String>> = mm_events(&effects)
        .into_iter()
        .filter_map(|e| match e {
            MatchmakingEvent::PotentialMatchCreated { ticket_ids, .. } => {
                Some(ticket_ids.into_iter().map(String::from).collect())
            }
            _ => None,
        })
        .collect();
    assert_eq!(created, [vec!["t1", "t2"], vec!["t3", "t4"]]);
    let sessions: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Push {
                push: Push::CreateGameSession(gs),
                ..
            } => Some(gs.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(sessions.len(), 2, "two game sessions");
    for (gs, players) in sessions.iter().zip([["a", "b"], ["c", "d"]]) {
        let md = gs.matchmaker_data.as_ref().unwrap();
        let mut got: Vec<(&str, &str)> = md
            .teams
            .iter()
            .flat_map(|t| {
                t.players
                    .iter()
                    .map(move |p| (t.name.as_str(), p.player_id.as_str()))
            })
            .collect();
        got.sort();
        assert_eq!(got, [("blue", players[1]), ("red", players[0])]);
    }
    for t in ["t1", "t2", "t3", "t4"] {
        assert_eq!(status(&c, t), TicketStatus::Placing);
    }
    assert_eq!(
        c.ticket("t1").unwrap().match_id,
        c.ticket("t2").unwrap().match_id
    );
    assert_ne!(
        c.ticket("t1").unwrap().match_id,
        c.ticket("t3").unwrap().match_id
    );
    assert_eq!(c.held_matches().count(), 0);
}

/// Seed 003 response: `requeued_tickets` "will be reput into matchmaking queue in order to
/// continue matchmaking": the ticket is SEARCHING in the pool again, is matched with later
/// tickets, and the next request counts the requeue. A ticket the answer names nowhere fails
/// with a message saying so (never dropped silently).
#[test]
fn a_requeued_ticket_is_matched_again_and_an_unnamed_one_fails() {
    let mut c = core_pp(|s| s.flex_match_mode = FlexMatchMode::Standalone);
    let (match_id, _) = held_four(&mut c);
    let answer = VirtualServerAnswer {
        battles: vec![battle(&[("t1", &[("a", "red")]), ("t2", &[("b", "blue")])])],
        requeued: vec!["t3".into()],
    };
    let e = c.post_processing_finished(T0 + 100, &match_id, Ok(answer));
    assert!(e.is_warning(), "a dropped ticket is a warning: {e}");
    assert_eq!(status(&c, "t1"), TicketStatus::Completed);
    assert_eq!(status(&c, "t2"), TicketStatus::Completed);
    assert_eq!(status(&c, "t3"), TicketStatus::Searching);
    assert!(c.matchmaking().pools["cfg"].contains("t3"));
    let t4 = c.ticket("t4").unwrap();
    assert_eq!(t4.status, TicketStatus::Failed);
    assert_eq!(
        t4.status_reason.map(|r| r.as_str()),
        Some("UNEXPECTED_ERROR")
    );
    assert!(
        t4.status_message
            .as_deref()
            .unwrap()
            .contains("neither in a battle nor in requeued_tickets"),
        "{:?}",
        t4.status_message
    );
    c.take_effects();

    // Later tickets make a new match with t3; it is held again, t3 counted as requeued once.
    start(&mut c, T0 + 200, "t5", &["e"]);
    start(&mut c, T0 + 201, "t6", &["f"]);
    start(&mut c, T0 + 202, "t7", &["g"]);
    let req = c
        .take_effects()
        .into_iter()
        .find_map(|e| match e {
            Effect::PostProcess { request, .. } => Some(request),
            _ => None,
        })
        .expect("the second match is held too");
    let t3 = req
        .tickets
        .iter()
        .find(|t| t.id == "t3")
        .expect("t3 is in the new match");
    assert_eq!(t3.requeued_count, 1);
    assert_eq!(req.tickets.len(), 4);
}

/// The task's rule: a failing hook (here HTTP 500) falls back to the original match, which
/// then goes on as without post-processing.
#[test]
fn a_failing_hook_falls_back_to_the_original_match() {
    let mut c = core_pp(|s| s.flex_match_mode = FlexMatchMode::Standalone);
    let (match_id, _) = held_four(&mut c);
    let e = c.post_processing_finished(
        T0 + 100,
        &match_id,
        Err("virtual server answered HTTP 500".into()),
    );
    assert!(fell_back_error(&e).contains("HTTP 500"));
    assert!(e.is_warning());
    let line = e.to_string();
    assert!(line.contains(&match_id) && line.contains(URL) && line.contains("(cfg)"));
    let effects = c.take_effects();
    assert!(mm_events(&effects).iter().any(|e| matches!(e,
        MatchmakingEvent::PotentialMatchCreated { match_id: m, ticket_ids, .. }
            if *m == match_id && ticket_ids.len() == 4)));
    for t in ["t1", "t2", "t3", "t4"] {
        assert_eq!(status(&c, t), TicketStatus::Completed);
    }
}

/// No answer within [`POST_PROCESSING_TIMEOUT_MS`] (injected clock): the original match goes
/// on; the answer that comes later is ignored and changes nothing.
#[test]
fn no_answer_in_time_falls_back_and_a_late_answer_is_ignored() {
    let mut c = core_pp(|_| {});
    ready(&mut c, T0, "p1", 1);
    let (match_id, _) = held_four(&mut c);
    advance(&mut c, T0 + 3 + POST_PROCESSING_TIMEOUT_MS - 1);
    assert_eq!(status(&c, "t1"), TicketStatus::Searching, "still held");
    advance(&mut c, T0 + 3 + POST_PROCESSING_TIMEOUT_MS);
    let effects = c.take_effects();
    let evs = pp_events(&effects);
    assert!(fell_back_error(&evs[0]).contains("no answer within 10 s"));
    for t in ["t1", "t2", "t3", "t4"] {
        assert_eq!(status(&c, t), TicketStatus::Placing);
    }
    let late = VirtualServerAnswer {
        battles: vec![battle(&[("t1", &[]), ("t2", &[])])],
        requeued: vec!["t3".into()],
    };
    let e = c.post_processing_finished(T0 + 20_000, &match_id, Ok(late));
    assert!(matches!(e, PostProcessingEvent::Ignored { .. }), "{e:?}");
    assert_eq!(
        status(&c, "t3"),
        TicketStatus::Placing,
        "the late answer changed nothing"
    );
    assert_eq!(c.matchmaking().placements.len(), 1);
}

/// An answer that names a stranger ticket, moves a player to a team the rule set lacks, or
/// overfills a team is invalid: the original match goes on, and the log names the problem.
#[test]
fn an_invalid_answer_falls_back_naming_the_problem() {
    let cases: Vec<(VirtualServerAnswer, &str)> = vec![
        (
            VirtualServerAnswer {
                battles: vec![battle(&[("t1", &[]), ("t9", &[])])],
                requeued: vec![],
            },
            "\"t9\", which was not in the original battle",
        ),
        (
            VirtualServerAnswer {
                battles: vec![battle(&[("t1", &[]), ("t2", &[])])],
                requeued: vec!["t2".into()],
            },
            "ticket \"t2\" more than once",
        ),
        (
            VirtualServerAnswer {
                battles: vec![battle(&[("t1", &[("a", "green")])])],
                requeued: vec![],
            },
            "battles[0].tickets[0]: player \"a\" is on team \"green\", which the rule set does not have",
        ),
        (
            VirtualServerAnswer {
                battles: vec![battle(&[
                    ("t1", &[("a", "red")]),
                    ("t2", &[("b", "red")]),
                    ("t3", &[("c", "red")]),
                ])],
                requeued: vec![],
            },
            "battles[0]: team \"red\" has 3 players, more than its maxPlayers 2",
        ),
        (
            VirtualServerAnswer {
                battles: vec![battle(&[("t1", &[("zed", "red")])])],
                requeued: vec![],
            },
            "battles[0].tickets[0].players[0]: player \"zed\" is not in ticket \"t1\"",
        ),
    ];
    for (answer, problem) in cases {
        let mut c = core_pp(|s| s.flex_match_mode = FlexMatchMode::Standalone);
        let (match_id, _) = held_four(&mut c);
        let e = c.post_processing_finished(T0 + 100, &match_id, Ok(answer));
        let error = fell_back_error(&e);
        assert!(error.starts_with("invalid answer: "), "{error}");
        assert!(error.contains(problem), "{error:?} should say {problem:?}");
        for t in ["t1", "t2", "t3", "t4"] {
            assert_eq!(
                status(&c, t),
                TicketStatus::Completed,
                "original match goes on"
            );
        }
    }
}

/// StopMatchmaking while held: the ticket is CANCELLED and the match breaks up (as a proposal
/// does): the other tickets return to the pool, and the hook's answer is ignored. A request
/// timeout that passes while held does not end a ticket; it counts again once the ticket is
/// back in the pool.
#[test]
fn a_ticket_cancelled_while_held_breaks_the_match_up() {
    let mut c = core_pp(|s| s.request_timeout_seconds = 5);
    let (match_id, _) = held_four(&mut c);
    advance(&mut c, T0 + 6_000);
    assert_eq!(
        status(&c, "t1"),
        TicketStatus::Searching,
        "held past its timeout"
    );
    c.stop_matchmaking(T0 + 6_000, "t2").unwrap();
    assert_eq!(status(&c, "t2"), TicketStatus::Cancelled);
    assert_eq!(c.held_matches().count(), 0);
    let evs = pp_events(&c.take_effects());
    assert!(
        matches!(&evs[0], PostProcessingEvent::BrokenUp { ticket_id, .. } if ticket_id == "t2")
    );
    // Back in the pool, their request timeout (5 s, long passed) ends them.
    advance(&mut c, T0 + 6_000);
    for t in ["t1", "t3", "t4"] {
        assert_eq!(status(&c, t), TicketStatus::TimedOut, "{t}");
    }
    let e = c.post_processing_finished(T0 + 7_000, &match_id, Ok(VirtualServerAnswer::default()));
    assert!(matches!(e, PostProcessingEvent::Ignored { .. }));
}

/// Without a URL nothing changes: the match goes straight on.
#[test]
fn without_a_url_matches_are_not_held() {
    let mut c = core_pp(|_| {});
    c.set_post_processing_url("cfg", None).unwrap();
    for (t, p) in [("t1", "a"), ("t2", "b"), ("t3", "c"), ("t4", "d")] {
        start(&mut c, T0, t, &[p]);
    }
    assert!(!c
        .take_effects()
        .iter()
        .any(|e| matches!(e, Effect::PostProcess { .. })));
    assert_eq!(status(&c, "t1"), TicketStatus::Placing);
    let err = c
        .set_post_processing_url("cfg", Some("ftp://x".into()))
        .unwrap_err();
    assert!(err
        .to_string()
        .contains("\"ftp://x\" is not an http:// or https:// URL"));
}

/// The URL is checked when the configuration is created, with the rest of it: a non-HTTP URL
/// refuses the whole configuration (none is left behind without its hook), in the words the
/// startup file uses for the same mistake.
#[test]
fn a_configuration_with_a_non_http_url_is_not_created() {
    let mut c = core_pp(|_| {});
    let mut spec = ConfigurationSpec::new("other", "rs", QUEUE);
    spec.post_processing_url = Some("ftp://x".into());
    let err = c.create_configuration(T0, spec).unwrap_err();
    assert!(err
        .to_string()
        .contains("\"ftp://x\" is not an http:// or https:// URL"));
    assert!(c.configuration("other").is_err());
}
