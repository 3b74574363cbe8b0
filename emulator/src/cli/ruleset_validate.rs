//! `playfield ruleset validate FILE...`: the rule engine's located errors, for people and CI.
//!
//! The engine ([`playfield_flexmatch::RuleSet::parse`]) names each problem by its JSON path
//! (`rules[2].measurements[0]: unknown attribute "skil"`), which is exactly what
//! ValidateMatchmakingRuleSet answers. In a file a person also wants the line: the engine
//! gives it too, the line and column of the deepest part of the path that exists in the
//! body. This module reads the files, prints the reports and picks the exit code.
//!
//! Exit codes: 0 when every file is a valid rule set, 1 when any is not, 2 when a file cannot
//! be read. `--json` prints one report per file for tools.

use playfield_flexmatch::RuleSet;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The outcome for one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct FileReport {
    pub(crate) file: PathBuf,
    pub(crate) valid: bool,
    /// The rule set's `name`, when it has one and parses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Set when the file could not be read at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) read_error: Option<String>,
    pub(crate) errors: Vec<LocatedError>,
}

/// One problem, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct LocatedError {
    /// The JSON path, e.g. `rules[2].measurements[0]`; empty for the whole document.
    pub path: String,
    /// 1-based line and column of the value the path leads to (or of its nearest parent).
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) message: String,
}

/// Checks each file.
pub(crate) fn check_files(files: &[PathBuf]) -> Vec<FileReport> {
    files.iter().map(|f| check_file(f)).collect()
}

/// Checks one file.
pub(crate) fn check_file(file: &Path) -> FileReport {
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
pub(crate) fn check_text(text: &str) -> (bool, Option<String>, Vec<LocatedError>) {
    match RuleSet::parse(text) {
        Ok(rs) => (true, rs.name, Vec::new()),
        Err(errors) => {
            let located = errors
                .0
                .into_iter()
                .map(|e| LocatedError {
                    path: e.path,
                    line: e.line,
                    column: e.column,
                    message: e.message,
                })
                .collect();
            (false, None, located)
        }
    }
}

/// The process exit code for a set of reports.
pub(crate) fn exit_code(reports: &[FileReport]) -> u8 {
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
pub(crate) fn render_human(reports: &[FileReport]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_rule_set_reports_its_name() {
        let sample = include_str!("../../../samples/rulesets/1v1.json");
        let (valid, name, errors) = check_text(sample);
        assert!(valid, "{errors:?}");
        assert_eq!(name.as_deref(), Some("one-versus-one"));
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
