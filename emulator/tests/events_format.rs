//! Which event each format sends, side by side (glossary, "Event names").

use crate::events_support::*;
use playfield::events::format::{render, Format};
use playfield::events::gpm::{GpmOptions, MatchTokens};
use playfield::events::pgos::PgosOptions;
use playfield::events::sns::SnsSubscription;
use playfield::events::{DeliveryConfig, DeliveryRuntime, EventHub, StartError};
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

/// Starting the engine on the caller's runtime outside a tokio runtime is an error value,
/// not a panic.
#[test]
fn start_outside_a_runtime_is_an_error() {
    let config = DeliveryConfig {
        runtime: DeliveryRuntime::Caller,
        ..DeliveryConfig::default()
    };
    let r = EventHub::start(config, vec![], Default::default());
    assert!(matches!(r, Err(StartError::NoRuntime)));
}

/// Out-of-range capacities from a configuration file are clamped, not a panic or an
/// allocation of everything. (On the caller's runtime: `events_delivery` counts the process's
/// delivery threads, and this test shares the process with it.)
#[tokio::test]
async fn extreme_capacities_are_clamped() {
    for cap in [0, usize::MAX] {
        let cfg = DeliveryConfig {
            queue_capacity: cap,
            broadcast_capacity: cap,
            runtime: DeliveryRuntime::Caller,
            ..DeliveryConfig::default()
        };
        let hub = EventHub::start(cfg, vec![], Default::default()).unwrap();
        let mut rx = hub.subscribe();
        hub.publish(seed_events().remove(0).1);
        assert_eq!(rx.recv().await.unwrap().name(), "MatchmakingSearching");
    }
}
