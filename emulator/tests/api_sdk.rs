//! End to end with the real AWS SDK for Rust (`aws-sdk-gamelift`, rpcv2Cbor)
//! against the API listener on loopback, with test handlers registered.
//!
//! Client setup is the leanest that builds here: `aws-sdk-gamelift` with
//! default features off (`rt-tokio`, `behavior-version-latest` on — no TLS
//! stack, no `aws-config`), and a plain-HTTP hyper client from
//! `aws-smithy-http-client` (`default-client` + `rt-tokio`,
//! `Builder::new().build_http()`), plus static credentials and a region.

use crate::support::api_handlers as handlers;

use std::net::SocketAddr;

use aws_sdk_gamelift::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_gamelift::error::ProvideErrorMetadata;
use aws_sdk_gamelift::operation::create_game_session::CreateGameSessionError;
use aws_sdk_gamelift::operation::delete_matchmaking_rule_set::DeleteMatchmakingRuleSetError;
use aws_sdk_gamelift::operation::describe_game_sessions::DescribeGameSessionsError;
use aws_sdk_gamelift::operation::validate_matchmaking_rule_set::ValidateMatchmakingRuleSetError;
use aws_sdk_gamelift::operation::RequestId;
use aws_sdk_gamelift::types::{
    AttributeValue, GameSessionPlacementState, GameSessionStatus, MatchmakingConfigurationStatus,
    Player, PlayerLatency, PlayerSessionCreationPolicy,
};
use aws_sdk_gamelift::Client;

fn client(addr: SocketAddr, access_key: &str) -> Client {
    let http = aws_smithy_http_client::Builder::new().build_http();
    let config = aws_sdk_gamelift::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(format!("http://{addr}"))
        .region(Region::new("us-west-2"))
        .credentials_provider(Credentials::new(access_key, "secret", None, None, "static"))
        .http_client(http)
        .build();
    Client::from_conf(config)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_game_sessions_decodes_timestamps_enums_and_lists() {
    let addr = handlers::start_server(None).await;
    let out = client(addr, "AKIDLOCAL")
        .describe_game_sessions()
        .game_session_id("gs-1")
        .limit(3)
        .send()
        .await
        .expect("DescribeGameSessions");
    assert!(out.request_id().is_some_and(|id| id.len() == 36));
    let sessions = out.game_sessions();
    assert_eq!(sessions.len(), 3);
    let gs = &sessions[0];
    assert_eq!(gs.game_session_id(), Some("gs-1"));
    let created = gs.creation_time().expect("CreationTime");
    assert_eq!(created.secs(), 1_700_000_000);
    assert_eq!(created.subsec_nanos(), 500_000_000);
    assert_eq!(gs.status(), Some(&GameSessionStatus::Active));
    assert_eq!(
        gs.player_session_creation_policy(),
        Some(&PlayerSessionCreationPolicy::AcceptAll)
    );
    assert_eq!(gs.port(), Some(7777));
    assert_eq!(gs.current_player_session_count(), Some(2));
    assert_eq!(gs.game_properties()[0].key(), Some("mode"));
    assert_eq!(gs.location(), Some("custom-home"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn modeled_errors_arrive_typed() {
    let addr = handlers::start_server(None).await;
    let c = client(addr, "AKIDLOCAL");
    let err = c
        .describe_game_sessions()
        .game_session_id(handlers::MISSING)
        .send()
        .await
        .expect_err("NotFound")
        .into_service_error();
    assert!(
        matches!(err, DescribeGameSessionsError::NotFoundException(_)),
        "{err:?}"
    );
    assert_eq!(err.message(), Some("No game session with ID gs-missing"));

    let err = c
        .delete_matchmaking_rule_set()
        .name("missing")
        .send()
        .await
        .expect_err("NotFound")
        .into_service_error();
    assert!(
        matches!(err, DeleteMatchmakingRuleSetError::NotFoundException(_)),
        "{err:?}"
    );

    let err = c
        .validate_matchmaking_rule_set()
        .rule_set_body("{not json")
        .send()
        .await
        .expect_err("invalid")
        .into_service_error();
    assert!(
        matches!(
            err,
            ValidateMatchmakingRuleSetError::InvalidRequestException(_)
        ),
        "{err:?}"
    );
    assert!(err.message().unwrap().contains("not valid JSON"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_required_member_is_an_invalid_request() {
    let addr = handlers::start_server(None).await;
    let c = client(addr, "AKIDLOCAL");
    // The Rust SDK does not check required members; the service must.
    let err = c
        .create_game_session()
        .fleet_id("fleet-1")
        .send()
        .await
        .expect_err("validation")
        .into_service_error();
    assert!(
        matches!(err, CreateGameSessionError::InvalidRequestException(_)),
        "{err:?}"
    );
    assert_eq!(
        err.message(),
        Some(
            "1 validation error detected: Value null at 'maximumPlayerSessionCount' failed to satisfy \
             constraint: Member must not be null"
        )
    );
    // A constraint violation inside a list of structures.
    let err = c
        .create_game_session()
        .fleet_id("fleet-1")
        .maximum_player_session_count(4)
        .game_properties(
            aws_sdk_gamelift::types::GameProperty::builder()
                .key("k".repeat(33))
                .value("v")
                .build(),
        )
        .send()
        .await
        .expect_err("validation")
        .into_service_error();
    assert!(
        err.message()
            .unwrap()
            .contains("'gameProperties.1.member.key'"),
        "{:?}",
        err.message()
    );
    let ok = c
        .create_game_session()
        .fleet_id("fleet-1")
        .maximum_player_session_count(4)
        .send()
        .await
        .expect("CreateGameSession");
    assert_eq!(
        ok.game_session().unwrap().maximum_player_session_count(),
        Some(4)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doubles_floats_booleans_and_empty_outputs_round_trip() {
    let addr = handlers::start_server(None).await;
    let c = client(addr, "AKIDLOCAL");

    let player = Player::builder()
        .player_id("p1")
        .player_attributes("skill", AttributeValue::builder().n(10.0).build())
        .player_attributes("name", AttributeValue::builder().s("ann").build())
        .player_attributes(
            "maps",
            AttributeValue::builder()
                .sdm("dust", 0.25)
                .sdm("nuke", 3.0)
                .build(),
        )
        .latency_in_ms("us-west-2", 42)
        .build();
    let out = c
        .start_matchmaking()
        .configuration_name("cfg")
        .players(player.clone())
        .send()
        .await
        .expect("StartMatchmaking");
    let ticket = out.matchmaking_ticket().unwrap();
    assert_eq!(
        ticket.status(),
        Some(&MatchmakingConfigurationStatus::Queued)
    );
    assert_eq!(ticket.estimated_wait_time(), Some(5));
    assert_eq!(ticket.start_time().unwrap().secs(), 1_700_000_000);
    assert_eq!(ticket.players(), &[player]);

    let latency = PlayerLatency::builder()
        .player_id("p1")
        .region_identifier("us-west-2")
        .latency_in_milliseconds(12.5)
        .build();
    let out = c
        .start_game_session_placement()
        .placement_id("pl-1")
        .game_session_queue_name("q")
        .maximum_player_session_count(8)
        .player_latencies(latency.clone())
        .send()
        .await
        .expect("StartGameSessionPlacement");
    let placement = out.game_session_placement().unwrap();
    assert_eq!(
        placement.status(),
        Some(&GameSessionPlacementState::Pending)
    );
    assert_eq!(placement.player_latencies(), &[latency]);

    let out = c
        .validate_matchmaking_rule_set()
        .rule_set_body("{}")
        .send()
        .await
        .expect("Validate");
    assert_eq!(out.valid(), Some(true));

    let out = c
        .delete_matchmaking_rule_set()
        .name("rs")
        .send()
        .await
        .expect("Delete");
    assert!(out.request_id().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unimplemented_operation_is_named_and_access_key_is_checked() {
    let addr = handlers::start_server(Some("AKIDLOCAL")).await;
    let err = client(addr, "AKIDLOCAL")
        .describe_fleet_attributes()
        .send()
        .await
        .expect_err("unimplemented");
    assert_eq!(err.code(), Some("UnknownOperationException"));
    assert!(err.message().unwrap().contains("DescribeFleetAttributes"));

    let err = client(addr, "SOMEONEELSE")
        .describe_game_sessions()
        .send()
        .await
        .expect_err("unauthorized")
        .into_service_error();
    assert!(
        matches!(err, DescribeGameSessionsError::UnauthorizedException(_)),
        "{err:?}"
    );
    client(addr, "AKIDLOCAL")
        .describe_game_sessions()
        .send()
        .await
        .expect("authorized");
}
