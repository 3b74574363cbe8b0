//! Which event each format sends, side by side (glossary, "Event names").

mod events_support;

use events_support::*;
use playfield::events::format::{render, Format};
use playfield::events::gpm::{GpmOptions, MatchTokens};
use playfield::events::pgos::PgosOptions;
use playfield::events::sns::SnsSubscription;
use playfield::events::{DeliveryConfig, EventHub, StartError};
use uuid::Uuid;

fn formats() -> [Format; 4] {
    [
        Format::EventBridge,
        Format::Sns(SnsSubscription::new(
            "arn:aws:sns:us-west-2:1:t",
            "http://x",
        )),
        Format::Gpm(GpmOptions {
            account: "1".into(),
            region: String::new(),
            tokens: MatchTokens::new("t").unwrap(),
        }),
        Format::Pgos(PgosOptions::default()),
    ]
}

/// The glossary's "Event names" table for the seed examples (WITH_QUEUE configuration,
/// acceptance required): FlexMatch / SNS send all; GPM has no acceptance step (its
/// MatchCreated comes with an accepted AcceptMatchCompleted, which the seed's TimedOut is
/// not); PGOS only triggers on success.
#[test]
fn event_names_side_by_side() {
    let expected: [(&str, [Option<&str>; 4]); 8] = [
        (
            "MatchmakingSearching",
            [
                Some("MatchmakingSearching"),
                Some("MatchmakingSearching"),
                Some("MatchmakingSearching"),
                None,
            ],
        ),
        (
            "PotentialMatchCreated",
            [
                Some("PotentialMatchCreated"),
                Some("PotentialMatchCreated"),
                None,
                None,
            ],
        ),
        (
            "AcceptMatch",
            [Some("AcceptMatch"), Some("AcceptMatch"), None, None],
        ),
        (
            "AcceptMatchCompleted",
            [
                Some("AcceptMatchCompleted"),
                Some("AcceptMatchCompleted"),
                None,
                None,
            ],
        ),
        (
            "MatchmakingSucceeded",
            [
                Some("MatchmakingSucceeded"),
                Some("MatchmakingSucceeded"),
                Some("MatchmakingSucceeded"),
                Some("event_matchmaking_completed"),
            ],
        ),
        (
            "MatchmakingTimedOut",
            [
                Some("MatchmakingTimedOut"),
                Some("MatchmakingTimedOut"),
                Some("MatchmakingTimedOut"),
                None,
            ],
        ),
        (
            "MatchmakingCancelled",
            [
                Some("MatchmakingCancelled"),
                Some("MatchmakingCancelled"),
                Some("MatchmakingCancelled"),
                None,
            ],
        ),
        (
            "MatchmakingFailed",
            [
                Some("MatchmakingFailed"),
                Some("MatchmakingFailed"),
                Some("MatchmakingFailed"),
                None,
            ],
        ),
    ];
    let events = seed_events();
    for ((name, event), (exp_name, names)) in events.iter().zip(expected) {
        assert_eq!(*name, exp_name);
        for (format, want) in formats().iter().zip(names) {
            let got = render(format, event, Uuid::nil()).map(|r| r.name);
            assert_eq!(got, want, "{name} as {}", format.label());
        }
    }
}

/// Starting the engine outside a tokio runtime is an error value, not a panic.
#[test]
fn start_outside_a_runtime_is_an_error() {
    let r = EventHub::start(DeliveryConfig::default(), vec![], Default::default());
    assert!(matches!(r, Err(StartError::NoRuntime)));
}
