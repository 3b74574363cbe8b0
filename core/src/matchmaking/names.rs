//! The names of matchmaking configurations and game session queues, as types of their own so
//! that one is never passed where the other is meant.
//!
//! A name is what the caller wrote; whether it is a valid name is the spec's to say
//! ([`ConfigurationSpec::problems`](super::configurations::ConfigurationSpec::problems),
//! [`QueueSpec::problems`](super::queues::QueueSpec::problems)), so that the startup file
//! and the API report a bad name where they found it.

use crate::ids::string_newtype;

string_newtype! {
    /// A matchmaking configuration's name (`Name` in CreateMatchmakingConfiguration; the
    /// startup file's `[[matchmaking_configurations]] name`).
    ConfigurationName
}

string_newtype! {
    /// A game session queue's name (`Name` in CreateGameSessionQueue; the startup file's
    /// `[[queues]] name`).
    QueueName
}
