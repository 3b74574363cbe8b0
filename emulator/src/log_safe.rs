//! Untrusted text made safe for one log line.
//!
//! Process ids, tokens, player ids and the like come from game servers and API callers. Written
//! raw, a value with a newline forges a log line of its own (log injection); other control
//! characters can rewrite a terminal. [`LogSafe`] shows them escaped (`\n`, `\r`, `\t`,
//! `\u{1b}`), leaving every other character, non-ASCII included, as it is.

use std::fmt;

/// `value`, displayed with its control characters escaped.
pub fn log_safe(value: &str) -> LogSafe<'_> {
    LogSafe(value)
}

/// See [`log_safe`].
pub struct LogSafe<'a>(&'a str);

impl fmt::Display for LogSafe<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        for c in self.0.chars() {
            if c.is_control() {
                for e in c.escape_default() {
                    f.write_char(e)?;
                }
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 15 finding 8: an auth token with a newline forged a log line.
    #[test]
    fn control_characters_are_escaped_and_the_rest_is_kept() {
        let shown = log_safe("tok\nINFO forged line\r\t\u{1b}[2J é ✓").to_string();
        assert_eq!(shown, "tok\\nINFO forged line\\r\\t\\u{1b}[2J é ✓");
        assert!(!shown.contains('\n'));
    }
}
