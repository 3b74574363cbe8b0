//! Lenient JSON reading for rule set bodies.
//!
//! The FlexMatch guide's own example rule sets are not strict JSON: they carry
//! `//` line comments (e.g. `"maxDistance": 10 // minDistance would achieve the
//! opposite result`, guide line ~890) and one of them ("free-for-all", guide
//! line ~1405) has a trailing comma before a closing brace. Rule set bodies
//! copied from documents also tend to have long strings wrapped onto a second
//! line. This module rewrites such a body into strict JSON, keeping everything
//! inside string literals intact (a `//` inside a string is data, not a
//! comment), and then hands it to `serde_json`.

use serde_json::Value;

/// Turns a relaxed JSON text into strict JSON:
/// - `//` comments (to end of line) and `/* ... */` comments are removed;
/// - a comma directly followed (ignoring whitespace/comments) by `}` or `]` is dropped;
/// - a raw line break inside a string literal becomes a single space.
fn strictify(src: &str) -> String {
    let bytes = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let mut in_str = false;
    // Position in `out` of a comma that may turn out to be trailing.
    let mut pending_comma: Option<usize> = None;
    while i < bytes.len() {
        let c = bytes[i];
        if in_str {
            match c {
                b'\\' => {
                    // Copy the escape and the escaped character verbatim.
                    let end = (i + 2).min(bytes.len());
                    out.push_str(&src[i..end]);
                    i = end;
                    continue;
                }
                b'"' => in_str = false,
                b'\n' | b'\r' => {
                    // Collapse the wrap (and the indentation that follows it).
                    while i < bytes.len() && matches!(bytes[i], b'\n' | b'\r' | b' ' | b'\t') {
                        i += 1;
                    }
                    out.push(' ');
                    continue;
                }
                _ => {}
            }
            // Multi-byte UTF-8 sequences are copied whole.
            let len = utf8_len(c);
            let end = (i + len).min(bytes.len());
            out.push_str(&src[i..end]);
            i = end;
            continue;
        }
        match c {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i = (i + 2).min(bytes.len());
                continue;
            }
            b'"' => {
                in_str = true;
                pending_comma = None;
            }
            b',' => {
                pending_comma = Some(out.len());
            }
            b'}' | b']' => {
                if let Some(p) = pending_comma.take() {
                    out.replace_range(p..p + 1, " ");
                }
            }
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => pending_comma = None,
        }
        let len = utf8_len(c);
        let end = (i + len).min(bytes.len());
        out.push_str(&src[i..end]);
        i = end;
    }
    out
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Parses a relaxed JSON document (see the module documentation).
pub(crate) fn parse_relaxed(src: &str) -> Result<Value, String> {
    serde_json::from_str(&strictify(src)).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_comments_but_not_inside_strings() {
        let v = parse_relaxed("{\"a\": \"x//y\", // note\n \"b\": 1 /* c */}").unwrap();
        assert_eq!(v["a"], "x//y");
        assert_eq!(v["b"], 1);
    }

    #[test]
    fn drops_trailing_commas() {
        let v = parse_relaxed("{\"a\": [1, 2, ], \"b\": {\"c\": 1,},}").unwrap();
        assert_eq!(v["a"].as_array().unwrap().len(), 2);
        assert_eq!(v["b"]["c"], 1);
    }

    #[test]
    fn joins_wrapped_strings() {
        let v = parse_relaxed("{\"d\": \"within 10 points\n   from the average\"}").unwrap();
        assert_eq!(v["d"], "within 10 points from the average");
    }

    #[test]
    fn keeps_escapes_and_unicode() {
        let v = parse_relaxed("{\"d\": \"a\\\"b 技能\"}").unwrap();
        assert_eq!(v["d"], "a\"b 技能");
    }

    #[test]
    fn reports_syntax_errors() {
        assert!(parse_relaxed("{\"a\": }").is_err());
    }
}
