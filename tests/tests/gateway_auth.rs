//! Issue 15 finding 1: with `[auth] required`, every game server connection is
//! authenticated on its own, reconnects included. A raw client that knows (or guesses) a
//! process id gets nothing without that process's token, and a token issued for a compute is
//! held to the connection's ComputeId (sdk-wire-protocol.md §1.2: the SDK sends pID,
//! FleetId, ComputeId and Authorization on every connect).

use playfield_core::{CoreConfig, RegisterCompute};
use playfield_e2e::{bounded, GameServer, TestDaemon, FLEET};
use serde_json::json;

fn url(daemon: &TestDaemon, pid: &str, compute: Option<&str>, token: Option<&str>) -> String {
    let mut q =
        format!("FleetId={FLEET}&IdempotencyToken=i-1&pID={pid}&sdkLanguage=Go&sdkVersion=5.6.0");
    if let Some(c) = compute {
        q.push_str(&format!("&ComputeId={c}"));
    }
    if let Some(t) = token {
        q.push_str(&format!("&Authorization={t}"));
    }
    format!("{}/?{q}", daemon.ws_url())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_known_process_id_without_its_token_is_refused() {
    bounded(async {
        let daemon = TestDaemon::start_with(CoreConfig {
            require_compute_auth: true,
            ..CoreConfig::default()
        })
        .await;
        let token = daemon.execute(|core, now| {
            core.register_compute(
                now,
                RegisterCompute {
                    fleet_id: FLEET.into(),
                    name: "my-host".into(),
                    ..Default::default()
                },
            )
            .unwrap();
            core.issue_compute_auth_token(now, FLEET, "my-host")
                .unwrap()
                .token
        });
        let mut real = GameServer::connect(&url(&daemon, "proc-1", Some("my-host"), Some(&token)))
            .await
            .expect("the token's owner connects");
        let reply = real
            .request(
                "ActivateServerProcess",
                json!({"SdkVersion":"5.6.0","SdkLanguage":"Go","Port":7777,"LogPaths":null}),
            )
            .await;
        assert_eq!(reply["StatusCode"], 200, "{reply}");

        for (what, u) in [
            ("no token", url(&daemon, "proc-1", Some("my-host"), None)),
            (
                "a made-up token",
                url(&daemon, "proc-1", Some("my-host"), Some("made-up")),
            ),
        ] {
            let e = GameServer::connect(&u)
                .await
                .err()
                .unwrap_or_else(|| panic!("{what}: a known pID must not let an attacker in"));
            assert!(e.to_string().contains("403"), "{what}: {e}");
        }
        // A token bound to a compute is held to the ComputeId, and leaving it out does not
        // skip that check.
        for (what, u) in [
            (
                "another compute",
                url(&daemon, "proc-2", Some("other"), Some(&token)),
            ),
            ("no ComputeId", url(&daemon, "proc-2", None, Some(&token))),
        ] {
            let e = GameServer::connect(&u)
                .await
                .err()
                .unwrap_or_else(|| panic!("{what}: the token is for compute my-host"));
            assert!(e.to_string().contains("403"), "{what}: {e}");
        }
        // The owner's own reconnect, with its token, still gets in (§1.2).
        let again =
            GameServer::connect(&url(&daemon, "proc-1", Some("my-host"), Some(&token))).await;
        assert!(again.is_ok(), "{:?}", again.err());
    })
    .await
}
