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
//!
//! The same walk notes where every value starts, by its path in the engine's syntax
//! (`rules[2].measurements[0]`), so a validation error can also name a line and column
//! (`RuleSetError`, which `playfield ruleset validate` prints).

use serde_json::Value;
use std::collections::HashMap;

/// How deep values are noted: as deep as `serde_json` reads (its recursion limit is 128).
/// Deeper values could only come with a syntax error, and a path per value at any depth
/// would make the paths of a pathological body (thousands of nested brackets) grow with the
/// square of its length.
const MAX_DEPTH: usize = 128;

/// A relaxed JSON text, read once.
pub(crate) struct Relaxed {
    /// The document, or where and why it is not JSON.
    pub(crate) value: Result<Value, SyntaxError>,
    /// Where each value starts in the text (noted even when the text is not valid JSON).
    pub(crate) starts: ValueStarts,
}

/// A JSON syntax error, placed in the text as written (comments, trailing commas and wrapped
/// strings included), not in the strict JSON `serde_json` read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    /// `serde_json`'s description, without its own " at line L column C".
    pub(crate) message: String,
    /// 1-based line and column (in characters) of the character the reader stopped at.
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// Parses a relaxed JSON document (see the module documentation), noting where each value
/// starts on the way.
pub(crate) fn parse_relaxed(src: &str) -> Relaxed {
    let (strict, starts, map) = strictify(src, false);
    Relaxed {
        value: serde_json::from_str(&strict).map_err(|e| syntax_error(&e, src, &strict, &map)),
        starts,
    }
}

/// Places `serde_json`'s error (a line and byte column in `strict`) in `src`.
fn syntax_error(e: &serde_json::Error, src: &str, strict: &str, map: &OffsetMap) -> SyntaxError {
    let full = e.to_string();
    let message = match full.rfind(" at line ") {
        Some(i) if e.line() > 0 => full[..i].to_string(),
        _ => full,
    };
    // serde_json counts columns in bytes from 1; column 0 means "before the line's first byte"
    // (an error at the very end of a text that ends with a line break).
    let line_start = strict
        .split_inclusive('\n')
        .take(e.line().saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let strict_offset = (line_start + e.column().saturating_sub(1)).min(strict.len());
    let src_offset = map.to_source(strict_offset).min(src.len());
    let (line, column) = line_column(src, src_offset);
    SyntaxError {
        message,
        line,
        column,
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// Where the strict text's bytes came from: `(strict offset, source offset)` at the start of
/// every stretch copied unchanged, in order.
#[derive(Debug, Default)]
struct OffsetMap {
    runs: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// Notes that the strict text's byte `out` comes from the source's byte `src`.
    fn copied(&mut self, out: usize, src: usize) {
        match self.runs.last() {
            Some(&(o, s)) if out - o == src - s => {}
            _ => self.runs.push((out, src)),
        }
    }

    /// The source offset of the strict text's byte `out`.
    fn to_source(&self, out: usize) -> usize {
        let i = self.runs.partition_point(|&(o, _)| o <= out);
        match i.checked_sub(1).map(|i| self.runs[i]) {
            Some((o, s)) => s + (out - o),
            None => out,
        }
    }
}

/// Where the top-level value starts, reading no further: for a body refused before parsing.
pub(crate) fn root_start(src: &str) -> ValueStarts {
    strictify(src, true).1
}

/// Line and column (1-based; columns count characters) of values, by their path in the
/// engine's syntax: `""` for the document, `rules[2].measurements[0]` below it.
pub(crate) type Positions = HashMap<String, (usize, usize)>;

/// Where the value at `path` starts, or its nearest ancestor that exists (a missing property
/// points at the object that lacks it); (1, 1) at worst.
pub(crate) fn locate(positions: &Positions, path: &str) -> (usize, usize) {
    let mut p = path.to_owned();
    loop {
        if let Some(&pos) = positions.get(&p) {
            return pos;
        }
        // Drop the last segment: `a.b[2]` → `a.b` → `a`.
        match p.rfind(['.', '[']) {
            Some(i) => p.truncate(i),
            None if !p.is_empty() => p.clear(),
            None => return (1, 1),
        }
    }
}

/// Where each value of a text starts, in document order, each linked to its container. Kept
/// as byte offsets: lines, columns and paths are worked out only when an error needs them.
#[derive(Debug, Default)]
pub(crate) struct ValueStarts {
    values: Vec<Start>,
}

#[derive(Debug)]
struct Start {
    place: Place,
    /// Byte offset of the value's first character in the text.
    offset: usize,
}

/// Where a value sits in its container (containers are indices into `ValueStarts::values`).
#[derive(Debug)]
enum Place {
    Root,
    Key(usize, String),
    Index(usize, usize),
}

impl ValueStarts {
    /// Every noted value's position by path. When a key repeats, the path points at its first
    /// occurrence.
    pub(crate) fn by_path(&self, src: &str) -> Positions {
        let mut paths: Vec<String> = Vec::with_capacity(self.values.len());
        let mut positions = Positions::with_capacity(self.values.len());
        let (mut line, mut column, mut at) = (1, 1, 0);
        for v in &self.values {
            // Offsets only grow (values are noted as the text is read), so one pass counts.
            for c in src[at..v.offset].chars() {
                if c == '\n' {
                    line += 1;
                    column = 1;
                } else {
                    column += 1;
                }
            }
            at = v.offset;
            let path = match &v.place {
                Place::Root => String::new(),
                Place::Key(parent, key) if paths[*parent].is_empty() => key.clone(),
                Place::Key(parent, key) => format!("{}.{key}", paths[*parent]),
                Place::Index(parent, i) => format!("{}[{i}]", paths[*parent]),
            };
            positions.entry(path.clone()).or_insert((line, column));
            paths.push(path);
        }
        positions
    }
}

/// A container the reader is inside; `value` is its index in `ValueStarts::values`, `None`
/// when it was not noted (too deep, or not where a value belongs).
enum Open {
    Object {
        value: Option<usize>,
        key: Option<String>,
    },
    Array {
        value: Option<usize>,
        next: usize,
    },
}

/// Follows the structure of the text `strictify` reads and notes where each value starts.
/// Tolerant: malformed text simply yields fewer notes.
#[derive(Default)]
struct Recorder {
    starts: ValueStarts,
    open: Vec<Open>,
    /// Inside a bare value (a number, `true`, …) whose start is noted.
    in_scalar: bool,
    /// Where the object key being read starts in the strict output (its opening quote).
    key_from: Option<usize>,
}

impl Recorder {
    fn has_root(&self) -> bool {
        !self.starts.values.is_empty()
    }

    /// A value starts at byte `offset`: note it under its container, if it belongs there.
    fn value(&mut self, offset: usize) -> Option<usize> {
        self.in_scalar = false;
        let (has_root, depth) = (self.has_root(), self.open.len());
        let place = match self.open.last_mut() {
            None if has_root => return None,
            None => Place::Root,
            _ if depth > MAX_DEPTH => return None,
            Some(Open::Array { value, next }) => {
                *next += 1;
                Place::Index((*value)?, *next - 1)
            }
            // A value in an object belongs to the key read before it.
            Some(Open::Object { value, key }) => {
                let key = key.take()?;
                Place::Key((*value)?, key)
            }
        };
        self.starts.values.push(Start { place, offset });
        Some(self.starts.values.len() - 1)
    }

    /// `{` or `[` at byte `offset`.
    fn open(&mut self, offset: usize, object: bool) {
        let value = self.value(offset);
        self.open.push(if object {
            Open::Object { value, key: None }
        } else {
            Open::Array { value, next: 0 }
        });
    }

    /// `}` or `]`.
    fn close(&mut self) {
        self.in_scalar = false;
        self.open.pop();
    }

    /// A string opens at byte `offset`; `out_len` is where its quote lands in the strict output.
    fn quote(&mut self, offset: usize, out_len: usize) {
        if let Some(Open::Object { key: None, .. }) = self.open.last() {
            self.in_scalar = false;
            self.key_from = Some(out_len);
        } else {
            self.value(offset);
        }
    }

    /// A string closed; `out` ends with its closing quote. A key is kept for its value.
    fn string_closed(&mut self, out: &str) {
        let Some(from) = self.key_from.take() else {
            return;
        };
        // The key as the engine sees it, escapes decoded (the strict output is valid there).
        let quoted = &out[from..];
        let key = serde_json::from_str::<String>(quoted)
            .unwrap_or_else(|_| quoted.trim_matches('"').to_string());
        if let Some(Open::Object { key: slot, .. }) = self.open.last_mut() {
            *slot = Some(key);
        }
    }

    /// A character of a bare value at byte `offset`: the first one starts the value.
    fn scalar(&mut self, offset: usize) {
        if !self.in_scalar {
            self.value(offset);
            self.in_scalar = true;
        }
    }

    /// Whitespace, a comma or a comment: a bare value ends here.
    fn gap(&mut self) {
        self.in_scalar = false;
    }
}

/// Turns a relaxed JSON text into strict JSON:
/// - `//` comments (to end of line) and `/* ... */` comments are removed;
/// - a comma directly followed (ignoring whitespace/comments) by `}` or `]` is dropped;
/// - a raw line break inside a string literal becomes a single space.
///
/// On the way it notes where each value starts, and where each byte of the output came from;
/// with `root_only` it stops once the top-level value's start is noted.
fn strictify(src: &str, root_only: bool) -> (String, ValueStarts, OffsetMap) {
    let bytes = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut map = OffsetMap::default();
    let mut rec = Recorder::default();
    let mut i = 0;
    let mut in_str = false;
    // Position in `out` of a comma that may turn out to be trailing.
    let mut pending_comma: Option<usize> = None;
    while i < bytes.len() {
        if root_only && rec.has_root() {
            break;
        }
        let c = bytes[i];
        if in_str {
            in_str = !copy_string_part(src, &mut i, &mut out, &mut map, &mut rec);
            continue;
        }
        match c {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                rec.gap();
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                rec.gap();
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
                rec.quote(i, out.len());
            }
            b',' => {
                pending_comma = Some(out.len());
                rec.gap();
            }
            b'}' | b']' => {
                if let Some(p) = pending_comma.take() {
                    out.replace_range(p..p + 1, " ");
                }
                rec.close();
            }
            b' ' | b'\t' | b'\n' | b'\r' => rec.gap(),
            b'{' | b'[' => {
                pending_comma = None;
                rec.open(i, c == b'{');
            }
            b':' => {
                pending_comma = None;
                rec.gap();
            }
            _ => {
                pending_comma = None;
                rec.scalar(i);
            }
        }
        let len = utf8_len(c);
        let end = (i + len).min(bytes.len());
        map.copied(out.len(), i);
        out.push_str(&src[i..end]);
        i = end;
    }
    if !rec.has_root() {
        // No value at all: the document was due where the text ends.
        rec.value(src.len());
    }
    // The end of the output is the end of the source (an error "at EOF" points there).
    map.copied(out.len(), src.len());
    (out, rec.starts, map)
}

/// Copies the next part of a string literal at `src[*i]` into `out`: an escape verbatim, a
/// raw line break (and the indentation after it) as one space, a character whole. Returns
/// true when it was the closing quote.
fn copy_string_part(
    src: &str,
    i: &mut usize,
    out: &mut String,
    map: &mut OffsetMap,
    rec: &mut Recorder,
) -> bool {
    let bytes = src.as_bytes();
    let c = bytes[*i];
    match c {
        b'\\' => {
            // Copy the escape and the escaped character verbatim: the whole character, which
            // may take several bytes (`\é` is not JSON, but must be read to say so).
            let end = match bytes.get(*i + 1) {
                Some(&next) => (*i + 1 + utf8_len(next)).min(bytes.len()),
                None => bytes.len(),
            };
            map.copied(out.len(), *i);
            out.push_str(&src[*i..end]);
            *i = end;
            return false;
        }
        b'"' => {
            map.copied(out.len(), *i);
            out.push('"');
            *i += 1;
            rec.string_closed(out);
            return true;
        }
        b'\n' | b'\r' => {
            // Collapse the wrap (and the indentation that follows it).
            map.copied(out.len(), *i);
            while *i < bytes.len() && matches!(bytes[*i], b'\n' | b'\r' | b' ' | b'\t') {
                *i += 1;
            }
            out.push(' ');
            return false;
        }
        _ => {}
    }
    // Multi-byte UTF-8 sequences are copied whole.
    let end = (*i + utf8_len(c)).min(bytes.len());
    map.copied(out.len(), *i);
    out.push_str(&src[*i..end]);
    *i = end;
    false
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_comments_but_not_inside_strings() {
        let v = parse_relaxed("{\"a\": \"x//y\", // note\n \"b\": 1 /* c */}")
            .value
            .unwrap();
        assert_eq!(v["a"], "x//y");
        assert_eq!(v["b"], 1);
    }

    #[test]
    fn drops_trailing_commas() {
        let v = parse_relaxed("{\"a\": [1, 2, ], \"b\": {\"c\": 1,},}")
            .value
            .unwrap();
        assert_eq!(v["a"].as_array().unwrap().len(), 2);
        assert_eq!(v["b"]["c"], 1);
    }

    #[test]
    fn joins_wrapped_strings() {
        let v = parse_relaxed("{\"d\": \"within 10 points\n   from the average\"}")
            .value
            .unwrap();
        assert_eq!(v["d"], "within 10 points from the average");
    }

    #[test]
    fn keeps_escapes_and_unicode() {
        let v = parse_relaxed("{\"d\": \"a\\\"b 技能\"}").value.unwrap();
        assert_eq!(v["d"], "a\"b 技能");
    }

    #[test]
    fn reports_syntax_errors() {
        assert!(parse_relaxed("{\"a\": }").value.is_err());
    }

    /// A syntax error is placed where it is in the text as written: the block comment (which
    /// spans lines), the `//` comment, the wrapped string and the trailing comma before it
    /// move nothing; the message no longer carries serde_json's position in the strict text.
    #[test]
    fn syntax_errors_are_placed_in_the_text_as_written() {
        let text = "/* a\n note */ {\"d\": \"wrapped\n   string\", // c\n \"l\": [1, ],\n  \"e\": 2 \"f\": 3}";
        let e = parse_relaxed(text).value.unwrap_err();
        assert_eq!((e.line, e.column), (5, 10), "{e:?}");
        assert_eq!(e.message, "expected `,` or `}`");
        // At the end of the text: the line and column just past its last character.
        let e = parse_relaxed("{\n  \"a\": [1,\n").value.unwrap_err();
        assert_eq!((e.line, e.column), (3, 1), "{e:?}");
        let e = parse_relaxed("{\"技\": tru }").value.unwrap_err();
        assert_eq!(
            (e.line, e.column),
            (1, 10),
            "columns count characters: {e:?}"
        );
    }

    /// Every value's line and column by path, as `playfield ruleset validate` prints them.
    fn value_positions(text: &str) -> Positions {
        parse_relaxed(text).starts.by_path(text)
    }

    // Moved from the daemon's `ruleset_validate.rs`, which walked the text a second time.
    #[test]
    fn positions_follow_the_engine_path_syntax() {
        let text = "{\n \"a\": {\"b\": [1,\n 2, {\"c\": true}]}}";
        let p = value_positions(text);
        assert_eq!(p["a.b[1]"], (3, 2));
        assert_eq!(p["a.b[2].c"], (3, 11));
        assert_eq!(locate(&p, "a.b[2].missing"), (3, 5));
        assert_eq!(locate(&p, "zzz"), (1, 1));
    }

    /// Comments (the guide's examples carry them), trailing commas and wrapped strings move
    /// nothing: positions are in the text as written, columns in characters.
    #[test]
    fn positions_are_in_the_text_as_written() {
        let text =
            "/* a\n   note */ {\"d\": \"wrapped\n  string\", // c\n\"技\": [1, ],\n  \"e\": 2,}";
        let p = value_positions(text);
        assert_eq!(p[""], (2, 12));
        assert_eq!(p["d"], (2, 18));
        assert_eq!(p["技"], (4, 6));
        assert_eq!(p["技[0]"], (4, 7));
        assert_eq!(
            p.get("技[1]"),
            None,
            "a trailing comma is not a value: {p:?}"
        );
        assert_eq!(p["e"], (5, 8));
    }

    /// Paths use the key as the engine reads it (escapes decoded); a repeated key points at
    /// its first occurrence.
    #[test]
    fn keys_are_read_like_the_engine_reads_them() {
        let text = "{\"a\\u0062\": 1,\n \"ab\": 2}";
        let p = value_positions(text);
        assert_eq!(p["ab"], (1, 13));
    }

    /// Malformed text yields what could be read, and never more than the top-level value when
    /// only that is asked for.
    #[test]
    fn malformed_text_is_noted_as_far_as_it_goes() {
        let p = value_positions("// c\n  {\"a\": [1, {\"b\": ");
        assert_eq!(p[""], (2, 3));
        assert_eq!(p["a[1]"], (2, 13));
        // Nothing but a comment: the document was due where the text ends.
        assert_eq!(value_positions("  // x\n")[""], (2, 1));
        let text = "\n  [1, 2]";
        assert_eq!(root_start(text).by_path(text).len(), 1);
        assert_eq!(root_start(text).by_path(text)[""], (2, 3));
    }
}
