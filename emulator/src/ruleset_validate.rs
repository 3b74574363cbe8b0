//! `playfield ruleset validate FILE...`: the rule engine's located errors, for people and CI.
//!
//! The engine ([`crate::flexmatch::RuleSet::parse`]) names each problem by its JSON path
//! (`rules[2].measurements[0]: unknown attribute "skil"`), which is exactly what
//! ValidateMatchmakingRuleSet answers. In a file a person also wants the line, so this command
//! walks the file once, notes where every value starts, and points each error at the line of
//! the deepest part of its path that exists in the file.
//!
//! Exit codes: 0 when every file is a valid rule set, 1 when any is not, 2 when a file cannot
//! be read. `--json` prints one report per file for tools.

use crate::flexmatch::RuleSet;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The outcome for one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileReport {
    pub file: PathBuf,
    pub valid: bool,
    /// The rule set's `name`, when it has one and parses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Set when the file could not be read at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_error: Option<String>,
    pub errors: Vec<LocatedError>,
}

/// One problem, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocatedError {
    /// The JSON path, e.g. `rules[2].measurements[0]`; empty for the whole document.
    pub path: String,
    /// 1-based line and column of the value the path leads to (or of its nearest parent).
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Checks each file.
pub fn check_files(files: &[PathBuf]) -> Vec<FileReport> {
    files.iter().map(|f| check_file(f)).collect()
}

/// Checks one file.
pub fn check_file(file: &Path) -> FileReport {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            return FileReport {
                file: file.to_owned(),
                valid: false,
                name: None,
                read_error: Some(format!("cannot read the file: {e}")),
                errors: Vec::new(),
            }
        }
    };
    let (valid, name, errors) = check_text(&text);
    FileReport {
        file: file.to_owned(),
        valid,
        name,
        read_error: None,
        errors,
    }
}

/// Checks a rule set body; returns validity, the rule set name and the located errors.
pub fn check_text(text: &str) -> (bool, Option<String>, Vec<LocatedError>) {
    match RuleSet::parse(text) {
        Ok(rs) => (true, rs.name, Vec::new()),
        Err(errors) => {
            let positions = value_positions(text);
            let located = errors
                .0
                .into_iter()
                .map(|e| {
                    let (line, column) = locate(&positions, &e.path);
                    LocatedError {
                        path: e.path,
                        line,
                        column,
                        message: e.message,
                    }
                })
                .collect();
            (false, None, located)
        }
    }
}

/// The process exit code for a set of reports.
pub fn exit_code(reports: &[FileReport]) -> u8 {
    if reports.iter().any(|r| r.read_error.is_some()) {
        2
    } else if reports.iter().any(|r| !r.valid) {
        1
    } else {
        0
    }
}

/// The human-readable report: `file:line:column: path: message`, one problem per line, and a
/// closing line per file.
pub fn render_human(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for r in reports {
        let file = r.file.display();
        if let Some(e) = &r.read_error {
            out.push_str(&format!("{file}: {e}\n"));
            continue;
        }
        for e in &r.errors {
            let path = if e.path.is_empty() {
                String::new()
            } else {
                format!("{}: ", e.path)
            };
            out.push_str(&format!(
                "{file}:{}:{}: {path}{}\n",
                e.line, e.column, e.message
            ));
        }
        if r.valid {
            let name = r
                .name
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            out.push_str(&format!("{file}: valid rule set{name}\n"));
        } else {
            let n = r.errors.len();
            out.push_str(&format!(
                "{file}: invalid rule set, {n} problem{}\n",
                if n == 1 { "" } else { "s" }
            ));
        }
    }
    out
}

/// Where the value at `path` starts, or its nearest ancestor that exists; (1, 1) at worst.
fn locate(positions: &HashMap<String, (usize, usize)>, path: &str) -> (usize, usize) {
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

/// Walks a (relaxed) JSON text and records the start of every value by its path, in the
/// engine's path syntax: `key.sub[3].name`. Comments (`//`, `/* */`) are skipped like the
/// engine's reader skips them. Malformed text simply yields fewer positions.
fn value_positions(text: &str) -> HashMap<String, (usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut positions = HashMap::new();
    let mut walker = Walker {
        chars: &chars,
        i: 0,
        line: 1,
        col: 1,
    };
    walker.value(String::new(), &mut positions, 0);
    positions
}

struct Walker<'a> {
    chars: &'a [char],
    i: usize,
    line: usize,
    col: usize,
}

impl Walker<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn skip_space(&mut self) {
        loop {
            match (self.peek(), self.chars.get(self.i + 1).copied()) {
                (Some(c), _) if c.is_whitespace() || c == ',' => {
                    self.bump();
                }
                (Some('/'), Some('/')) => {
                    while !matches!(self.peek(), None | Some('\n')) {
                        self.bump();
                    }
                }
                (Some('/'), Some('*')) => {
                    self.bump();
                    self.bump();
                    while let Some(c) = self.bump() {
                        if c == '*' && self.peek() == Some('/') {
                            self.bump();
                            break;
                        }
                    }
                }
                _ => return,
            }
        }
    }

    fn string(&mut self) -> String {
        let mut s = String::new();
        self.bump(); // opening quote
        while let Some(c) = self.bump() {
            match c {
                '"' => break,
                '\\' => {
                    if let Some(e) = self.bump() {
                        s.push(e);
                    }
                }
                c => s.push(c),
            }
        }
        s
    }

    /// Records the value at the cursor under `path`, then walks into it.
    fn value(&mut self, path: String, out: &mut HashMap<String, (usize, usize)>, depth: usize) {
        self.skip_space();
        if depth > 128 {
            return;
        }
        out.entry(path.clone()).or_insert((self.line, self.col));
        match self.peek() {
            Some('{') => {
                self.bump();
                loop {
                    self.skip_space();
                    match self.peek() {
                        Some('"') => {
                            let key = self.string();
                            self.skip_space();
                            if self.peek() == Some(':') {
                                self.bump();
                            }
                            let child = if path.is_empty() {
                                key
                            } else {
                                format!("{path}.{key}")
                            };
                            self.value(child, out, depth + 1);
                        }
                        Some('}') => {
                            self.bump();
                            return;
                        }
                        None => return,
                        Some(_) => {
                            self.bump();
                        }
                    }
                }
            }
            Some('[') => {
                self.bump();
                let mut index = 0;
                loop {
                    self.skip_space();
                    match self.peek() {
                        Some(']') => {
                            self.bump();
                            return;
                        }
                        None => return,
                        Some(_) => {
                            let before = self.i;
                            self.value(format!("{path}[{index}]"), out, depth + 1);
                            index += 1;
                            if self.i == before {
                                self.bump();
                            }
                        }
                    }
                }
            }
            Some('"') => {
                self.string();
            }
            Some(_) => {
                while matches!(self.peek(), Some(c) if !(c.is_whitespace() || ",]}".contains(c))) {
                    self.bump();
                }
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BROKEN: &str = r#"{
    // a comment, as the guide's examples have
    "name": "broken",
    "ruleLanguageVersion": "1.0",
    "playerAttributes": [{ "name": "skill", "type": "number" }],
    "teams": [{ "name": "red", "minPlayers": 1, "maxPlayers": 2 }],
    "rules": [{
        "name": "close",
        "type": "distance",
        "measurements": ["avg(teams[red].players.attributes[skil])"],
        "referenceValue": 10,
        "maxDistance": 5
    }]
}"#;

    #[test]
    fn errors_point_at_their_line() {
        let (valid, _, errors) = check_text(BROKEN);
        assert!(!valid);
        let skil = errors
            .iter()
            .find(|e| e.message.contains("skil"))
            .unwrap_or_else(|| panic!("an error names the unknown attribute: {errors:?}"));
        assert!(skil.path.starts_with("rules[0]"), "{skil:?}");
        assert_eq!(skil.line, 10, "{skil:?}");
    }

    #[test]
    fn valid_rule_set_reports_its_name() {
        let sample = include_str!("../../samples/rulesets/1v1.json");
        let (valid, name, errors) = check_text(sample);
        assert!(valid, "{errors:?}");
        assert_eq!(name.as_deref(), Some("one-versus-one"));
    }

    #[test]
    fn positions_follow_the_engine_path_syntax() {
        let text = "{\n \"a\": {\"b\": [1,\n 2, {\"c\": true}]}}";
        let p = value_positions(text);
        assert_eq!(p["a.b[1]"], (3, 2));
        assert_eq!(p["a.b[2].c"], (3, 11));
        assert_eq!(locate(&p, "a.b[2].missing"), (3, 5));
        assert_eq!(locate(&p, "zzz"), (1, 1));
    }

    #[test]
    fn syntax_errors_are_reported_not_panicked() {
        let (valid, _, errors) = check_text("{\"name\": ");
        assert!(!valid);
        assert!(!errors.is_empty());
    }

    #[test]
    fn exit_codes() {
        let ok = FileReport {
            file: "a".into(),
            valid: true,
            name: None,
            read_error: None,
            errors: vec![],
        };
        let bad = FileReport {
            valid: false,
            ..ok.clone()
        };
        let unreadable = FileReport {
            read_error: Some("x".into()),
            ..bad.clone()
        };
        assert_eq!(exit_code(std::slice::from_ref(&ok)), 0);
        assert_eq!(exit_code(&[ok.clone(), bad.clone()]), 1);
        assert_eq!(exit_code(&[bad, unreadable]), 2);
    }
}
