//! Replies already given, per process, so a repeated RequestId is answered idempotently.
//!
//! The CPP SDK re-sends a request with the same RequestId after a timeout, possibly over a
//! new connection (sdk-wire-protocol.md §1.9); the copy must get the first answer again and
//! must not act twice. Retries come within seconds, so only the last few replies are kept:
//! the cache is bounded, and memory per process stays small.

use std::collections::VecDeque;

/// How many replies are remembered per process.
pub(crate) const CAPACITY: usize = 16;

#[derive(Debug, Default)]
pub(crate) struct ReplyCache {
    /// (RequestId, Action, reply text), oldest first.
    entries: VecDeque<(String, &'static str, String)>,
}

impl ReplyCache {
    /// The action and reply first given for `request_id`.
    pub(crate) fn get(&self, request_id: &str) -> Option<(&str, &str)> {
        self.entries
            .iter()
            .find(|(id, _, _)| id == request_id)
            .map(|(_, action, reply)| (*action, reply.as_str()))
    }

    pub(crate) fn insert(&mut self, request_id: String, action: &'static str, reply: String) {
        if self.entries.len() == CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back((request_id, action, reply));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_capacity_replies() {
        let mut c = ReplyCache::default();
        for i in 0..=CAPACITY {
            c.insert(format!("r{i}"), "HeartbeatServerProcess", format!("{i}"));
        }
        assert!(c.get("r0").is_none());
        assert_eq!(c.get("r1"), Some(("HeartbeatServerProcess", "1")));
        assert_eq!(
            c.get(&format!("r{CAPACITY}")).map(|x| x.1),
            Some(format!("{CAPACITY}").as_str())
        );
    }
}
