//! TerminateGameSession end to end with `aws-sdk-gamelift` as the backend and our server
//! SDK as the game server: the polite mode waits for the server to end, the forced one
//! does not.

use crate::support::api_client;
use crate::support::game_server;

use api_client::client;
use aws_sdk_gamelift::error::ProvideErrorMetadata;
use aws_sdk_gamelift::types::{GameSessionStatus, PlayerSessionStatus};
use game_server::{ready_server, started_session};
use playfield_e2e::{bounded, TestDaemon, FLEET};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminate_game_session_asks_the_server_or_forces_the_end() {
    use aws_sdk_gamelift::types::{GameSessionStatusReason, TerminationMode};
    use playfield_sdk::ServerEvent;

    bounded(async {
        let daemon = TestDaemon::start().await;
        let c = client(&daemon, "AKIDLOCAL");
        let polite = ready_server(&daemon, FLEET, "proc-polite").await;
        let create = || {
            c.create_game_session()
                .fleet_id(FLEET)
                .maximum_player_session_count(2)
                .send()
        };
        let id = create()
            .await
            .unwrap()
            .game_session
            .unwrap()
            .game_session_id
            .unwrap();
        started_session(&polite).await;
        polite.activate_game_session().await.unwrap();
        let ps = c
            .create_player_session()
            .game_session_id(&id)
            .player_id("alice")
            .send()
            .await
            .unwrap()
            .player_session
            .unwrap();

        // TRIGGER_ON_PROCESS_TERMINATE: TERMINATING until the server ends itself.
        let gs = c
            .terminate_game_session()
            .game_session_id(&id)
            .termination_mode(TerminationMode::TriggerOnProcessTerminate)
            .send()
            .await
            .expect("TerminateGameSession")
            .game_session
            .unwrap();
        assert_eq!(gs.status(), Some(&GameSessionStatus::Terminating));
        let event = tokio::time::timeout(std::time::Duration::from_secs(5), polite.next_event())
            .await
            .expect("TerminateProcess reaches the server");
        assert!(
            matches!(event, ServerEvent::ProcessTerminate { .. }),
            "{event:?}"
        );
        let err = c
            .terminate_game_session()
            .game_session_id(&id)
            .termination_mode(TerminationMode::ForceTerminate)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_game_session_status_exception(), "{err:?}");
        assert!(err.message().unwrap().contains("TERMINATING"), "{err:?}");
        polite.process_ending().await.expect("ProcessEnding");
        let ended = c
            .describe_game_sessions()
            .game_session_id(&id)
            .send()
            .await
            .unwrap();
        let ended = &ended.game_sessions()[0];
        assert_eq!(ended.status(), Some(&GameSessionStatus::Terminated));
        assert_eq!(
            ended.status_reason(),
            Some(&GameSessionStatusReason::TriggeredOnProcessTerminate)
        );
        assert!(ended.termination_time().is_some());
        let ps = c
            .describe_player_sessions()
            .player_session_id(ps.player_session_id().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(
            ps.player_sessions()[0].status(),
            Some(&PlayerSessionStatus::Completed)
        );

        // FORCE_TERMINATE: ended at once, and the server is told to stop.
        let forced = ready_server(&daemon, FLEET, "proc-forced").await;
        let id = create()
            .await
            .unwrap()
            .game_session
            .unwrap()
            .game_session_id
            .unwrap();
        started_session(&forced).await;
        let gs = c
            .terminate_game_session()
            .game_session_id(&id)
            .termination_mode(TerminationMode::ForceTerminate)
            .send()
            .await
            .unwrap()
            .game_session
            .unwrap();
        assert_eq!(gs.status(), Some(&GameSessionStatus::Terminated));
        assert_eq!(
            gs.status_reason(),
            Some(&GameSessionStatusReason::ForceTerminated)
        );
        let event = tokio::time::timeout(std::time::Duration::from_secs(5), forced.next_event())
            .await
            .expect("TerminateProcess reaches the server");
        assert!(
            matches!(event, ServerEvent::ProcessTerminate { .. }),
            "{event:?}"
        );

        let err = c
            .terminate_game_session()
            .game_session_id("arn:aws:gamelift:us-west-2::gamesession/fleet-test/nope")
            .termination_mode(TerminationMode::ForceTerminate)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_not_found_exception(), "{err:?}");
    })
    .await
}
