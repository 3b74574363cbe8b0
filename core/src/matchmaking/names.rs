//! The names of matchmaking configurations and game session queues, as types of their own so
//! that one is never passed where the other is meant.
//!
//! A name is what the caller wrote; whether it is a valid name is the spec's to say
//! ([`ConfigurationSpec::problems`](super::configurations::ConfigurationSpec::problems),
//! [`QueueSpec::problems`](super::queues::QueueSpec::problems)), so that the startup file
//! and the API report a bad name where they found it.

use std::borrow::Borrow;
use std::fmt;

/// Declares a name type: a `String` underneath, shown, compared and (de)serialized as one.
macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The name as written.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(name: &str) -> Self {
                Self(name.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(name: String) -> Self {
                Self(name)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }
    };
}

name_type! {
    /// A matchmaking configuration's name (`Name` in CreateMatchmakingConfiguration; the
    /// startup file's `[[matchmaking_configurations]] name`).
    ConfigurationName
}

name_type! {
    /// A game session queue's name (`Name` in CreateGameSessionQueue; the startup file's
    /// `[[queues]] name`).
    QueueName
}
