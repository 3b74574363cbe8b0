//! Anywhere hosting through the service API with `aws-sdk-gamelift`: custom locations,
//! compute registration, the computes connected game servers come from, and the auth
//! tokens the gateway checks when auth is on.

use crate::support::api_client;
use crate::support::game_server;

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_gamelift::error::ProvideErrorMetadata;
use aws_sdk_gamelift::types::{ComputeStatus, ComputeType, LocationConfiguration};
use playfield::config::{self, LaunchSpec};
use playfield::launcher::{Launcher, LauncherSettings, RestartPolicy};
use playfield_core::{CoreConfig, ProcessStatus};
use playfield_e2e::{bounded, TestDaemon, FLEET};
use playfield_sdk::{SdkOptions, ServerParameters, ServerSdk};

/// One dial, no retries: a refused connect fails at once.
fn one_dial_sdk() -> ServerSdk {
    ServerSdk::with_options(SdkOptions::new().reconnect_delays(Vec::new()))
}

fn client(daemon: &TestDaemon) -> aws_sdk_gamelift::Client {
    api_client::client(daemon, "AKIDLOCAL")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locations_and_computes_are_registered_described_and_removed() {
    bounded(async {
        let daemon = TestDaemon::start().await;
        let c = client(&daemon);
        let loc = c
            .create_location()
            .location_name("custom-office")
            .send()
            .await
            .expect("CreateLocation")
            .location
            .unwrap();
        assert_eq!(
            loc.location_arn(),
            Some("arn:aws:gamelift:us-west-2:123456789012:location/custom-office")
        );
        let err = c
            .create_location()
            .location_name("custom-office")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_conflict_exception(), "{err:?}");
        assert!(err.message().unwrap().contains("custom-office"));

        let fleet = c
            .create_fleet()
            .name("office")
            .compute_type(ComputeType::Anywhere)
            .locations(
                LocationConfiguration::builder()
                    .location("custom-office")
                    .build(),
            )
            .send()
            .await
            .unwrap()
            .fleet_attributes
            .unwrap()
            .fleet_id
            .unwrap();
        let compute = c
            .register_compute()
            .fleet_id(&fleet)
            .compute_name("my-laptop")
            .ip_address("127.0.0.1")
            .location("custom-office")
            .send()
            .await
            .expect("RegisterCompute")
            .compute
            .unwrap();
        assert_eq!(compute.compute_status(), Some(&ComputeStatus::Active));
        assert_eq!(
            compute.compute_arn(),
            Some("arn:aws:gamelift:us-west-2:123456789012:compute/my-laptop")
        );
        assert_eq!(
            compute.game_lift_service_sdk_endpoint(),
            Some(daemon.ws_url().as_str())
        );
        let err = c
            .register_compute()
            .fleet_id(&fleet)
            .compute_name("elsewhere")
            .location("custom-moon")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_request_exception(), "{err:?}");
        assert!(err.message().unwrap().contains("custom-moon"));

        let described = c
            .describe_compute()
            .fleet_id(&fleet)
            .compute_name("arn:aws:gamelift:us-west-2:123456789012:compute/my-laptop")
            .send()
            .await
            .expect("DescribeCompute by ARN")
            .compute
            .unwrap();
        assert_eq!(described.ip_address(), Some("127.0.0.1"));
        let listed = c.list_compute().fleet_id(&fleet).send().await.unwrap();
        assert_eq!(listed.compute_list().len(), 1);

        let token = c
            .get_compute_auth_token()
            .fleet_id(&fleet)
            .compute_name("my-laptop")
            .send()
            .await
            .expect("GetComputeAuthToken");
        assert!(!token.auth_token().unwrap().is_empty());
        assert_eq!(
            token.expiration_timestamp().unwrap().secs(),
            (daemon.now() / 1000) as i64 + 15 * 60
        );

        c.deregister_compute()
            .fleet_id(&fleet)
            .compute_name("my-laptop")
            .send()
            .await
            .expect("DeregisterCompute");
        for err in [
            c.describe_compute()
                .fleet_id(&fleet)
                .compute_name("my-laptop")
                .send()
                .await
                .unwrap_err()
                .into_service_error()
                .meta()
                .clone(),
            c.get_compute_auth_token()
                .fleet_id(&fleet)
                .compute_name("my-laptop")
                .send()
                .await
                .unwrap_err()
                .into_service_error()
                .meta()
                .clone(),
        ] {
            assert_eq!(err.code(), Some("NotFoundException"), "{err:?}");
            assert!(err.message().unwrap().contains("my-laptop"));
        }
    })
    .await
}

/// Game servers the daemon's launcher starts connect with its host id as ComputeId
/// (`GAMELIFT_SDK_HOST_ID`, sdk-wire-protocol.md §1.5; the query's `ComputeId`, §1.2),
/// and one started by hand with the SDK
/// connects with its own HostId; ListCompute lists both computes, with no RegisterCompute
/// (it answered an empty list while two launched processes were connected).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_compute_lists_the_computes_of_launched_and_hand_started_servers() {
    bounded(async {
        let daemon = TestDaemon::start().await;
        let launched = config::Fleet {
            id: FLEET.into(),
            name: "test".into(),
            locations: vec!["custom-test".into()],
            launch: Some(LaunchSpec {
                executable: env!("CARGO_BIN_EXE_idle_game_server").into(),
                arguments: Vec::new(),
                concurrent_processes: 2,
                environment: BTreeMap::new(),
                working_directory: None,
                first_port: 7777,
            }),
        };
        let launcher = Launcher::start(
            &[launched],
            LauncherSettings {
                websocket_url: daemon.ws_url(),
                host_id: "launch-host".into(),
                auth_token: "local-token".into(),
                policy: RestartPolicy::default(),
                run_id: "r1".into(),
            },
        );
        // Starting two processes may take a while on a loaded machine: a generous bound.
        daemon
            .wait_until_within(
                Duration::from_secs(40),
                "both launched servers are ready",
                |c| {
                    c.processes()
                        .filter(|p| p.status == ProcessStatus::Active)
                        .count()
                        == 2
                },
            )
            .await;
        let by_hand = game_server::ready_server(&daemon, FLEET, "proc-by-hand").await;

        let c = client(&daemon);
        let listed = c
            .list_compute()
            .fleet_id(FLEET)
            .send()
            .await
            .expect("ListCompute");
        let names: Vec<&str> = listed
            .compute_list()
            .iter()
            .map(|c| c.compute_name().unwrap())
            .collect();
        assert_eq!(names, ["launch-host", "my-host"], "{listed:?}");
        for compute in listed.compute_list() {
            let name = compute.compute_name().unwrap();
            assert_eq!(
                compute.compute_arn(),
                Some(format!("arn:aws:gamelift:us-west-2:123456789012:compute/{name}").as_str())
            );
            assert_eq!(compute.fleet_id(), Some(FLEET));
            assert_eq!(compute.location(), Some("custom-test"));
            assert_eq!(compute.compute_status(), Some(&ComputeStatus::Active));
            assert_eq!(compute.ip_address(), Some("127.0.0.1"));
            assert_eq!(
                compute.game_lift_service_sdk_endpoint(),
                Some(daemon.ws_url().as_str())
            );
        }
        let described = c
            .describe_compute()
            .fleet_id(FLEET)
            .compute_name("launch-host")
            .send()
            .await
            .expect("DescribeCompute of a launched server's compute");
        assert_eq!(
            described.compute().and_then(|c| c.compute_name()),
            Some("launch-host")
        );

        by_hand.destroy().await.ok();
        launcher.shutdown(Duration::ZERO).await;
    })
    .await
}

/// With auth on, a game server needs a token from GetComputeAuthToken for its fleet and
/// compute; an unknown token is refused at connect with a message saying why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_auth_on_the_gateway_takes_only_issued_tokens() {
    bounded(async {
        let daemon = TestDaemon::start_with(CoreConfig {
            require_compute_auth: true,
            ..CoreConfig::default()
        })
        .await;
        let c = client(&daemon);
        let params = |token: &str| {
            ServerParameters::new()
                .web_socket_url(daemon.ws_url())
                .process_id("proc-auth")
                .host_id("my-host")
                .fleet_id(FLEET)
                .auth_token(token)
        };
        let refused = one_dial_sdk().init(params("made-up")).await;
        let msg = format!("{:?}", refused.expect_err("an unknown token is refused"));
        assert!(msg.contains("made-up") || msg.contains("403"), "{msg}");

        c.register_compute()
            .fleet_id(FLEET)
            .compute_name("my-host")
            .ip_address("127.0.0.1")
            .send()
            .await
            .unwrap();
        let token = c
            .get_compute_auth_token()
            .fleet_id(FLEET)
            .compute_name("my-host")
            .send()
            .await
            .unwrap()
            .auth_token
            .unwrap();
        let sdk = one_dial_sdk();
        sdk.init(params(&token))
            .await
            .expect("an issued token is accepted");
        sdk.destroy().await.ok();

        // Expired tokens are refused to new processes.
        daemon.advance(std::time::Duration::from_secs(15 * 60 + 1));
        let late = one_dial_sdk();
        let err = late
            .init(params(&token).process_id("proc-late"))
            .await
            .expect_err("an expired token is refused");
        assert!(format!("{err:?}").contains("expired") || format!("{err:?}").contains("403"));
    })
    .await
}
