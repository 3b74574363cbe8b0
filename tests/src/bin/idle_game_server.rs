//! A game server for tests that need real processes: started by the daemon's launcher with
//! the `GAMELIFT_SDK_*` environment (sdk-wire-protocol.md §1.5), it connects the way the
//! official SDKs' `InitSDK()` without arguments does, calls ProcessReady and idles. It ends
//! when the daemon asks it to (ProcessEnding) or when the launcher stops it.

use playfield_sdk::{ProcessParameters, SdkOptions, ServerEvent, ServerSdk};

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let sdk = ServerSdk::with_options(SdkOptions::from_env());
    sdk.init_from_environment().await?;
    sdk.process_ready(ProcessParameters::new(7777).poll_events())
        .await?;
    loop {
        if let ServerEvent::ProcessTerminate { .. } = sdk.next_event().await {
            sdk.process_ending().await?;
            return Ok(());
        }
    }
}
