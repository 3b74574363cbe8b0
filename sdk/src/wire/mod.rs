//! The GameLift Servers SDK 5 WebSocket protocol, message by message.
//!
//! Every type here mirrors a JSON object exactly as it travels on the socket between a game
//! server and the service (or Playfield): field names, casing and optionality come from
//! `docs/sdk-wire-protocol.md` (§2–§5). The SDK and the daemon's gateway both use
//! these definitions, so the two sides cannot drift apart.
//!
//! The protocol has three kinds of message:
//! - [`Request`]: the game server asks for something (`ActivateServerProcess`, ...). Every
//!   request carries a `RequestId` and waits for a reply.
//! - a reply ([`Reply`]): echoes the request's `Action` and `RequestId`, carries `StatusCode`
//!   (200 is the only success) and, for some actions, a payload.
//! - [`Push`]: the service tells the game server something (`CreateGameSession`, ...). The
//!   game server never answers a push.
//!
//! Both official SDKs tell these apart by the rules of §2.2, which [`Inbound::classify`]
//! implements: a message with a `RequestId` and a `StatusCode` other than 200 is an error
//! reply, a message whose `Action` names a push is a push, anything else is a success reply.
//!
//! Leniency is deliberate where the official SDKs differ (§9): the Go SDK writes `null` where
//! the C++ SDK leaves a key out, the C++ SDK writes `23.0` where Go writes `23`, and so on.
//! Decoding accepts every variant; encoding picks the form both SDKs read.

mod attribute;
mod inbound;
mod matchmaker_data;
mod model;
mod push;
mod reply;
mod request;
mod serde_util;

pub use attribute::AttributeValue;
pub use inbound::{Inbound, InboundError};
pub use matchmaker_data::{BackfillMode, MatchedPlayer, MatchedTeam, MatchmakerData};
pub use model::{
    GameSession, GameSessionStatus, Player, PlayerSession, PlayerSessionCreationPolicy,
    PlayerSessionStatus, UpdateReason,
};
pub use push::{CreateGameSession, Push, RefreshConnection, TerminateProcess, UpdateGameSession};
pub use reply::{
    DescribePlayerSessionsReply, Empty, GetComputeCertificateReply, GetFleetRoleCredentialsReply,
    Reply, ReplyHeader, StartMatchBackfillReply, STATUS_OK,
};
pub use request::{
    AcceptPlayerSession, ActivateGameSession, ActivateServerProcess, DescribePlayerSessions,
    GetComputeCertificate, GetFleetRoleCredentials, HeartbeatServerProcess, RemovePlayerSession,
    Request, StartMatchBackfill, StopMatchBackfill, TerminateServerProcess,
    UpdatePlayerSessionCreationPolicy,
};

#[cfg(test)]
mod tests;
