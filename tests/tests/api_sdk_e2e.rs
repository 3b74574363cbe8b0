//! The service API end to end with the real AWS SDK for Rust (`aws-sdk-gamelift`,
//! rpcv2Cbor) as the game backend and our server SDK as the game server, both against one
//! in-process daemon: what a team's backend and game server see when they point at
//! Playfield instead of GameLift.

use crate::support::api_client;
use crate::support::game_server;

use api_client::client;
use aws_sdk_gamelift::error::ProvideErrorMetadata;
use aws_sdk_gamelift::types::{
    ComputeType, GameProperty, GameSessionStatus, LocationConfiguration,
    PlayerSessionCreationPolicy, PlayerSessionStatus, ProtectionPolicy,
};
use game_server::{ready_server, started_session};
use playfield::api::auth::AccessKey;
use playfield_core::CoreConfig;
use playfield_e2e::{bounded, TestDaemon, FLEET};

/// The code and message of a failed call, for assertions.
fn code_of<E: ProvideErrorMetadata>(err: &E) -> (String, String) {
    (
        err.code().unwrap_or("<no code>").to_string(),
        err.message().unwrap_or("").to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn game_session_and_player_sessions_from_the_backend_reach_the_server() {
    bounded(async {
        let daemon = TestDaemon::start().await;
        let sdk = ready_server(&daemon, FLEET, "proc-api").await;
        let c = client(&daemon, "AKIDLOCAL");

        let created = c
            .create_game_session()
            .fleet_id(FLEET)
            .maximum_player_session_count(4)
            .name("duel")
            .idempotency_token("match-1")
            .game_properties(GameProperty::builder().key("mode").value("ctf").build())
            .game_session_data("map=arena")
            .send()
            .await
            .expect("CreateGameSession")
            .game_session
            .expect("GameSession");
        let id = created.game_session_id().unwrap().to_string();
        assert_eq!(
            id, "arn:aws:gamelift:us-west-2::gamesession/fleet-test/match-1",
            "the id is the ARN, ending in the idempotency token"
        );
        assert_eq!(created.status(), Some(&GameSessionStatus::Activating));
        assert_eq!(
            created.fleet_arn(),
            Some("arn:aws:gamelift:us-west-2:123456789012:fleet/fleet-test")
        );
        assert_eq!(created.location(), Some("custom-test"));
        assert_eq!(created.port(), Some(7777));
        let now_secs = (daemon.now() / 1000) as i64;
        assert_eq!(created.creation_time().unwrap().secs(), now_secs);

        // The game server gets the session with what the backend gave.
        let gs = started_session(&sdk).await;
        assert_eq!(gs.game_session_id, id);
        assert_eq!(gs.name, "duel");
        assert_eq!(gs.game_session_data, "map=arena");
        assert_eq!(
            gs.game_properties.get("mode").map(String::as_str),
            Some("ctf")
        );

        // Player sessions are refused until the server activates.
        let err = c
            .create_player_session()
            .game_session_id(&id)
            .player_id("early")
            .send()
            .await
            .expect_err("ACTIVATING takes no players")
            .into_service_error();
        assert!(err.is_invalid_game_session_status_exception(), "{err:?}");
        assert!(err.message().unwrap().contains("ACTIVATING"), "{err:?}");

        sdk.activate_game_session().await.expect("activate");
        let described = c
            .describe_game_sessions()
            .game_session_id(&id)
            .send()
            .await
            .expect("DescribeGameSessions");
        assert_eq!(
            described.game_sessions()[0].status(),
            Some(&GameSessionStatus::Active)
        );

        let reserved = c
            .create_player_sessions()
            .game_session_id(&id)
            .player_ids("alice")
            .player_ids("bob")
            .player_data_map("alice", "team=red")
            .send()
            .await
            .expect("CreatePlayerSessions")
            .player_sessions
            .unwrap();
        assert_eq!(reserved.len(), 2);
        for ps in &reserved {
            assert!(ps.player_session_id().unwrap().starts_with("psess-"));
            assert_eq!(ps.status(), Some(&PlayerSessionStatus::Reserved));
            assert_eq!(ps.game_session_id(), Some(id.as_str()));
            assert_eq!(ps.port(), Some(7777));
        }
        assert_eq!(reserved[0].player_data(), Some("team=red"));
        let alice = reserved[0].player_session_id().unwrap();
        let bob = reserved[1].player_session_id().unwrap();
        sdk.accept_player_session(alice)
            .await
            .expect("accept alice");
        sdk.accept_player_session(bob).await.expect("accept bob");
        sdk.remove_player_session(bob).await.expect("remove bob");

        let carol = c
            .create_player_session()
            .game_session_id(&id)
            .player_id("carol")
            .send()
            .await
            .expect("CreatePlayerSession")
            .player_session
            .unwrap();
        assert_eq!(carol.player_id(), Some("carol"));

        let page = c
            .describe_player_sessions()
            .game_session_id(&id)
            .send()
            .await
            .expect("DescribePlayerSessions");
        let statuses: Vec<(&str, &PlayerSessionStatus)> = page
            .player_sessions()
            .iter()
            .map(|ps| (ps.player_id().unwrap(), ps.status().unwrap()))
            .collect();
        assert_eq!(
            statuses,
            vec![
                ("alice", &PlayerSessionStatus::Active),
                ("bob", &PlayerSessionStatus::Completed),
                ("carol", &PlayerSessionStatus::Reserved),
            ]
        );
        let bob_now = c
            .describe_player_sessions()
            .player_session_id(bob)
            .send()
            .await
            .unwrap();
        assert!(bob_now.player_sessions()[0].termination_time().is_some());

        // Counts, search and details see the same state.
        let found = c
            .search_game_sessions()
            .fleet_id(FLEET)
            .filter_expression("playerSessionCount = 2 AND gameSessionProperties.mode = 'ctf'")
            .sort_expression("creationTimeMillis DESC")
            .send()
            .await
            .expect("SearchGameSessions");
        assert_eq!(found.game_sessions().len(), 1);
        assert_eq!(
            found.game_sessions()[0].current_player_session_count(),
            Some(2)
        );
        let none = c
            .search_game_sessions()
            .fleet_id(FLEET)
            .filter_expression("hasAvailablePlayerSessions = false")
            .send()
            .await
            .unwrap();
        assert!(none.game_sessions().is_empty());

        // Closing the session to new players, from the backend.
        let updated = c
            .update_game_session()
            .game_session_id(&id)
            .player_session_creation_policy(PlayerSessionCreationPolicy::DenyAll)
            .protection_policy(ProtectionPolicy::FullProtection)
            .send()
            .await
            .expect("UpdateGameSession")
            .game_session
            .unwrap();
        assert_eq!(
            updated.player_session_creation_policy(),
            Some(&PlayerSessionCreationPolicy::DenyAll)
        );
        let details = c
            .describe_game_session_details()
            .fleet_id(FLEET)
            .send()
            .await
            .unwrap();
        assert_eq!(
            details.game_session_details()[0].protection_policy(),
            Some(&ProtectionPolicy::FullProtection)
        );
        let err = c
            .create_player_session()
            .game_session_id(&id)
            .player_id("dave")
            .send()
            .await
            .expect_err("DENY_ALL")
            .into_service_error();
        assert!(err.is_invalid_game_session_status_exception(), "{err:?}");
        assert!(err.message().unwrap().contains("DENY_ALL"));
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fleets_are_created_listed_and_described() {
    bounded(async {
        let daemon = TestDaemon::start().await;
        let c = client(&daemon, "AKIDLOCAL");
        let out = c
            .create_fleet()
            .name("my-game")
            .compute_type(ComputeType::Anywhere)
            .locations(
                LocationConfiguration::builder()
                    .location("custom-home")
                    .build(),
            )
            .send()
            .await
            .expect("CreateFleet");
        let attrs = out.fleet_attributes().unwrap();
        let id = attrs.fleet_id().unwrap().to_string();
        assert!(
            id.starts_with("fleet-") && id.len() == "fleet-".len() + 36,
            "{id}"
        );
        assert_eq!(
            attrs.fleet_arn(),
            Some(format!("arn:aws:gamelift:us-west-2:123456789012:fleet/{id}").as_str())
        );
        assert_eq!(attrs.compute_type(), Some(&ComputeType::Anywhere));
        assert_eq!(out.location_states()[0].location(), Some("custom-home"));

        let listed = c.list_fleets().send().await.expect("ListFleets");
        let mut ids = listed.fleet_ids().to_vec();
        ids.sort();
        let mut expected = vec![FLEET.to_string(), id.clone()];
        expected.sort();
        assert_eq!(ids, expected);
        let config_fleet = c
            .describe_fleet_attributes()
            .fleet_ids(FLEET)
            .send()
            .await
            .unwrap();
        assert_eq!(
            config_fleet.fleet_attributes()[0]
                .creation_time()
                .unwrap()
                .secs(),
            (daemon.now() / 1000) as i64,
            "configuration fleets exist from the start"
        );

        let described = c
            .describe_fleet_attributes()
            .fleet_ids(&id)
            .fleet_ids("fleet-unknown")
            .send()
            .await
            .expect("DescribeFleetAttributes");
        assert_eq!(
            described.fleet_attributes().len(),
            1,
            "unknown ids are left out"
        );
        assert_eq!(described.fleet_attributes()[0].name(), Some("my-game"));

        // A game server joins the new fleet, and the backend places a session on it.
        let sdk = ready_server(&daemon, &id, "proc-new-fleet").await;
        let gs = c
            .create_game_session()
            .fleet_id(&id)
            .maximum_player_session_count(2)
            .send()
            .await
            .expect("CreateGameSession on the new fleet")
            .game_session
            .unwrap();
        assert_eq!(gs.location(), Some("custom-home"));
        assert_eq!(
            started_session(&sdk).await.game_session_id,
            gs.game_session_id().unwrap()
        );
    })
    .await
}

/// With the default configuration's leniency, a game server started by hand with any fleet
/// id joins, and the fleet exists for the backend from then on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_with_an_unknown_fleet_id_creates_that_fleet_when_allowed() {
    bounded(async {
        let daemon = TestDaemon::start_with(CoreConfig {
            accept_any_fleet: true,
            ..CoreConfig::default()
        })
        .await;
        let _sdk = ready_server(&daemon, "fleet-by-hand", "proc-by-hand").await;
        let c = client(&daemon, "AKIDLOCAL");
        let described = c
            .describe_fleet_attributes()
            .fleet_ids("fleet-by-hand")
            .send()
            .await
            .unwrap();
        let f = &described.fleet_attributes()[0];
        assert_eq!(f.fleet_id(), Some("fleet-by-hand"));
        assert_eq!(f.compute_type(), Some(&ComputeType::Anywhere));
        let gs = c
            .create_game_session()
            .fleet_id("fleet-by-hand")
            .maximum_player_session_count(2)
            .send()
            .await
            .expect("CreateGameSession")
            .game_session
            .unwrap();
        assert_eq!(gs.location(), Some("custom-local"));
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_error_arrives_typed_with_a_message_naming_the_thing() {
    bounded(async {
        let daemon = TestDaemon::start().await;
        let c = client(&daemon, "AKIDLOCAL");

        // NotFoundException: an unknown fleet, game session, player session.
        let err = c
            .create_game_session()
            .fleet_id("fleet-nope")
            .maximum_player_session_count(2)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_not_found_exception(), "{err:?}");
        let (_, msg) = code_of(&err);
        assert!(msg.contains("fleet-nope") && msg.contains(FLEET), "{msg}");
        let err = c
            .describe_game_sessions()
            .game_session_id("arn:aws:gamelift:us-west-2::gamesession/fleet-test/gone")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_not_found_exception(), "{err:?}");
        let err = c
            .describe_player_sessions()
            .player_session_id("psess-nope")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_not_found_exception(), "{err:?}");

        // FleetCapacityExceededException: no free server process.
        let err = c
            .create_game_session()
            .fleet_id(FLEET)
            .maximum_player_session_count(2)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_fleet_capacity_exceeded_exception(), "{err:?}");
        assert!(err.message().unwrap().contains(FLEET));

        // InvalidRequestException: model checks and our own.
        let err = c
            .create_fleet()
            .name("ec2")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_request_exception(), "{err:?}");
        assert!(err.message().unwrap().contains("ANYWHERE"));
        let err = c
            .search_game_sessions()
            .fleet_id(FLEET)
            .filter_expression("playerSessionCount >")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_request_exception(), "{err:?}");
        assert!(
            err.message().unwrap().contains("FilterExpression"),
            "{err:?}"
        );
        let err = c
            .describe_player_sessions()
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_request_exception(), "{err:?}");

        // GameSessionFullException: one slot, two players.
        let sdk = ready_server(&daemon, FLEET, "proc-err").await;
        let gs = c
            .create_game_session()
            .fleet_id(FLEET)
            .maximum_player_session_count(1)
            .send()
            .await
            .unwrap()
            .game_session
            .unwrap();
        let id = gs.game_session_id().unwrap();
        started_session(&sdk).await;
        sdk.activate_game_session().await.unwrap();
        let err = c
            .create_player_sessions()
            .game_session_id(id)
            .player_ids("a")
            .player_ids("b")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_game_session_full_exception(), "{err:?}");
        assert!(
            err.message().unwrap().contains("1 of 1") || err.message().unwrap().contains("0 of 1")
        );

        // UpdateGameSession below the players it holds.
        c.create_player_session()
            .game_session_id(id)
            .player_id("a")
            .send()
            .await
            .unwrap();
        let err = c
            .update_game_session()
            .game_session_id(id)
            .maximum_player_session_count(0)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_request_exception(), "{err:?}");
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_on_requires_a_configured_access_key() {
    bounded(async {
        let daemon = TestDaemon::start_configured(CoreConfig::default(), |cfg| {
            cfg.api_access_keys = vec![AccessKey::new("AKIDTEAM", "secret")];
        })
        .await;
        let err = client(&daemon, "AKIDSTRANGER")
            .list_fleets()
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_unauthorized_exception(), "{err:?}");
        assert!(err.message().unwrap().contains("AKIDSTRANGER"));
        let ok = client(&daemon, "AKIDTEAM").list_fleets().send().await;
        assert_eq!(ok.unwrap().fleet_ids(), [FLEET.to_string()]);
        // Issue 15 finding 2: the signature is verified, not only the key id.
        let err = api_client::client_with_secret(&daemon, "AKIDTEAM", "wrong")
            .list_fleets()
            .send()
            .await
            .unwrap_err();
        let err = err.into_service_error();
        assert_eq!(
            err.meta().code(),
            Some("InvalidSignatureException"),
            "{err:?}"
        );
    })
    .await
}
