//! A game session queue's FilterConfiguration and PriorityConfiguration through the service
//! API with `aws-sdk-gamelift`: stored, echoed by DescribeGameSessionQueues, and honoured by
//! StartGameSessionPlacement (gamelift-service-2.json, shapes GameSessionQueue,
//! FilterConfiguration, PriorityConfiguration).

use crate::support::api_client;
use crate::support::game_server;

use std::time::Duration;

use api_client::client;
use aws_sdk_gamelift::error::ProvideErrorMetadata;
use aws_sdk_gamelift::types::{
    FilterConfiguration, GameSessionPlacementState, GameSessionQueueDestination,
    PriorityConfiguration, PriorityType,
};
use aws_sdk_gamelift::Client;
use game_server::{ready_server, started_session};
use playfield_core::{CoreConfig, Fleet};
use playfield_e2e::{bounded, TestDaemon, FLEET};

/// FLEET is in custom-test; these two are in their own locations.
const EAST: &str = "fleet-east";
const WEST: &str = "fleet-west";

async fn daemon() -> TestDaemon {
    TestDaemon::start_configured(CoreConfig::default(), |cfg| {
        for (id, location) in [(EAST, "custom-east"), (WEST, "custom-west")] {
            cfg.fleets.push(Fleet {
                id: id.into(),
                name: id.into(),
                locations: vec![location.into()],
            });
        }
    })
    .await
}

fn destination(fleet: &str) -> GameSessionQueueDestination {
    GameSessionQueueDestination::builder()
        .destination_arn(format!("arn:aws:gamelift:us-west-2::fleet/{fleet}"))
        .build()
}

/// StartGameSessionPlacement on queue "prio"; returns the placement's state once the
/// daemon has tried it.
async fn place(c: &Client, id: &str) -> GameSessionPlacementState {
    c.start_game_session_placement()
        .placement_id(id)
        .game_session_queue_name("prio")
        .maximum_player_session_count(2)
        .send()
        .await
        .unwrap_or_else(|e| panic!("StartGameSessionPlacement {id}: {e:?}"));
    c.describe_game_session_placement()
        .placement_id(id)
        .send()
        .await
        .unwrap()
        .game_session_placement()
        .and_then(|p| p.status().cloned())
        .unwrap()
}

/// The queue lists EAST, FLEET, WEST; its filter allows only custom-test and custom-west,
/// and PriorityOrder LOCATION first with LocationOrder [custom-west, custom-test]. The
/// settings come back from DescribeGameSessionQueues as given; the first placement lands on
/// WEST's process (LocationOrder beats destination order), the second on FLEET's, and a
/// third waits although EAST's process is free (AllowedLocations leaves custom-east out).
/// An update giving only a PriorityConfiguration replaces it and keeps the filter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn placement_follows_the_filter_and_the_priority_order() {
    bounded(async {
        let d = daemon().await;
        let c = client(&d, "AKIDLOCAL");
        c.create_game_session_queue()
            .name("prio")
            .timeout_in_seconds(30)
            .destinations(destination(EAST))
            .destinations(destination(FLEET))
            .destinations(destination(WEST))
            .filter_configuration(
                FilterConfiguration::builder()
                    .allowed_locations("custom-test")
                    .allowed_locations("custom-west")
                    .build(),
            )
            .priority_configuration(
                PriorityConfiguration::builder()
                    .priority_order(PriorityType::Location)
                    .priority_order(PriorityType::Destination)
                    .location_order("custom-west")
                    .location_order("custom-test")
                    .build(),
            )
            .send()
            .await
            .expect("CreateGameSessionQueue");

        let described = c
            .describe_game_session_queues()
            .names("prio")
            .send()
            .await
            .unwrap();
        let q = &described.game_session_queues()[0];
        assert_eq!(
            q.filter_configuration().unwrap().allowed_locations(),
            ["custom-test", "custom-west"]
        );
        let p = q.priority_configuration().unwrap();
        assert_eq!(
            p.priority_order(),
            [PriorityType::Location, PriorityType::Destination]
        );
        assert_eq!(p.location_order(), ["custom-west", "custom-test"]);

        let east = ready_server(&d, EAST, "proc-east").await;
        let test = ready_server(&d, FLEET, "proc-test").await;
        let west = ready_server(&d, WEST, "proc-west").await;

        assert_eq!(place(&c, "first").await, GameSessionPlacementState::Pending);
        let gs = started_session(&west).await;
        assert!(gs.game_session_id.contains(WEST), "{}", gs.game_session_id);

        place(&c, "second").await;
        let gs = started_session(&test).await;
        assert!(gs.game_session_id.contains(FLEET), "{}", gs.game_session_id);

        assert_eq!(place(&c, "third").await, GameSessionPlacementState::Pending);
        d.wait_until("the third placement found no allowed process", |core| {
            core.placement("third")
                .is_some_and(|p| p.game_session_id.is_none())
        })
        .await;
        assert!(
            tokio::time::timeout(Duration::from_millis(300), east.next_event())
                .await
                .is_err(),
            "custom-east is not an allowed location"
        );

        // UpdateGameSessionQueue: a PriorityConfiguration given replaces the old one; the
        // FilterConfiguration left out stays as it was.
        let updated = c
            .update_game_session_queue()
            .name("prio")
            .priority_configuration(
                PriorityConfiguration::builder()
                    .priority_order(PriorityType::Latency)
                    .build(),
            )
            .send()
            .await
            .expect("UpdateGameSessionQueue");
        let q = updated.game_session_queue().unwrap();
        let p = q.priority_configuration().unwrap();
        assert_eq!(p.priority_order(), [PriorityType::Latency]);
        assert!(p.location_order().is_empty());
        assert_eq!(
            q.filter_configuration().unwrap().allowed_locations(),
            ["custom-test", "custom-west"]
        );
        d.shutdown().await;
    })
    .await;
}

/// PriorityType's enum is checked against the model by the router: a value outside
/// LATENCY | COST | DESTINATION | LOCATION is an InvalidRequestException naming the member;
/// a type listed twice is refused by the core.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_or_repeated_priority_type_is_refused() {
    bounded(async {
        let d = daemon().await;
        let c = client(&d, "AKIDLOCAL");
        let err = c
            .create_game_session_queue()
            .name("prio")
            .destinations(destination(FLEET))
            .priority_configuration(
                PriorityConfiguration::builder()
                    .priority_order(PriorityType::from("FASTEST"))
                    .build(),
            )
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_request_exception(), "{err:?}");
        let msg = err.message().unwrap();
        assert!(
            msg.contains("priorityConfiguration.priorityOrder") && msg.contains("enum value set"),
            "{msg}"
        );

        // "Each priority type is listed once."
        let err = c
            .create_game_session_queue()
            .name("prio")
            .destinations(destination(FLEET))
            .priority_configuration(
                PriorityConfiguration::builder()
                    .priority_order(PriorityType::Cost)
                    .priority_order(PriorityType::Cost)
                    .build(),
            )
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_request_exception(), "{err:?}");
        assert!(
            err.message()
                .unwrap()
                .contains("COST is listed more than once"),
            "{err:?}"
        );
        d.shutdown().await;
    })
    .await;
}
