//! Model `pattern` traits, compiled with the `regex` crate where it can.
//!
//! The model's patterns are ECMAScript regular expressions written for UTF-16
//! strings. Nearly all of them are also valid `regex` syntax. The exception is
//! the "any XML character" class, which spells the astral planes as a UTF-16
//! surrogate-pair range (`\uD800\uDC00-\uDBFF\uDFFF`): Rust strings hold
//! scalar values, so that range is rewritten to `\x{10000}-\x{10FFFF}`, which
//! means the same thing. Any other pattern the crate rejects is kept as source
//! text only and not enforced: a skipped check is better than refusing valid
//! requests or failing at start-up.

use regex::Regex;

/// UTF-16 surrogate-pair spelling of U+10000..U+10FFFF, and its scalar form.
const SURROGATE_RANGE: &str = r"\uD800\uDC00-\uDBFF\uDFFF";
const ASTRAL_RANGE: &str = r"\x{10000}-\x{10FFFF}";

/// A string pattern from the model.
#[derive(Debug)]
pub(crate) struct Pattern {
    source: String,
    regex: Option<Regex>,
}

impl Pattern {
    pub(crate) fn new(source: &str) -> Pattern {
        let regex = compile(source);
        if regex.is_none() {
            tracing::debug!(
                pattern = source,
                "model pattern not supported by the regex crate; not enforced"
            );
        }
        Pattern {
            source: source.to_string(),
            regex,
        }
    }

    /// The pattern as written in the model (used in error messages).
    pub(crate) fn source(&self) -> &str {
        &self.source
    }

    /// Whether the pattern is enforced.
    #[cfg(test)]
    pub(crate) fn is_enforced(&self) -> bool {
        self.regex.is_some()
    }

    /// `false` only when the pattern is enforced and `value` does not match.
    pub(crate) fn accepts(&self, value: &str) -> bool {
        self.regex.as_ref().is_none_or(|r| r.is_match(value))
    }
}

/// Compile a model pattern, rewriting the constructs we know how to translate.
pub(crate) fn compile(source: &str) -> Option<Regex> {
    let translated = source.replace(SURROGATE_RANGE, ASTRAL_RANGE);
    Regex::new(&translated).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surrogate_class_is_translated() {
        let p = Pattern::new(r"^[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\r\n\t]*$");
        assert!(p.is_enforced());
        assert!(p.accepts("hello \u{1F600}\n"));
        assert!(!p.accepts("bell\u{7}"));
    }

    #[test]
    fn unsupported_pattern_is_skipped_not_fatal() {
        // Look-ahead is ECMAScript but not `regex`.
        let p = Pattern::new(r"^(?=a)a$");
        assert!(!p.is_enforced());
        assert!(p.accepts("anything"));
    }

    #[test]
    fn anchored_alternation_from_model() {
        let p = Pattern::new(
            r"^[a-z]*fleet-[a-zA-Z0-9\-]+$|^arn:.*:[a-z]*fleet\/[a-z]*fleet-[a-zA-Z0-9\-]+$",
        );
        assert!(p.accepts("fleet-123"));
        assert!(p.accepts("arn:aws:gamelift:us-west-2:123456789012:fleet/fleet-1"));
        assert!(!p.accepts("my fleet"));
    }
}
