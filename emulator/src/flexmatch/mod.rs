//! The FlexMatch rule engine (work in progress).
