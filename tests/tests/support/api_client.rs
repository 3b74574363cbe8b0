//! The backend's client: `aws-sdk-gamelift` (rpcv2Cbor) pointed at the daemon's API
//! listener, with static credentials and a plain-HTTP client (the leanest setup that
//! builds here; see emulator/tests/api_sdk.rs).
#![allow(dead_code)]

use aws_sdk_gamelift::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_gamelift::Client;
use playfield_e2e::TestDaemon;

pub fn client(daemon: &TestDaemon, access_key: &str) -> Client {
    client_with_secret(daemon, access_key, "secret")
}

/// [`client`] signing with `secret` instead of the tests' usual `"secret"`.
pub fn client_with_secret(daemon: &TestDaemon, access_key: &str, secret: &str) -> Client {
    let config = aws_sdk_gamelift::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(daemon.api_url())
        .region(Region::new("us-west-2"))
        .credentials_provider(Credentials::new(access_key, secret, None, None, "static"))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    Client::from_conf(config)
}
