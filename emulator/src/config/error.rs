//! Configuration errors that say where: `playfield.toml:12:5: fleets[0].launch.executable: …`.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The configuration file the problem is in.
    pub(crate) file: PathBuf,
    /// 1-based; 0 when the problem has no position (the file cannot be read).
    pub(crate) line: usize,
    /// 1-based column; 0 when the problem has no position.
    pub(crate) column: usize,
    /// The key path, e.g. `matchmaking_configurations[1].queue`; empty when unknown.
    pub(crate) key: String,
    /// What is wrong.
    pub(crate) message: String,
}

impl ConfigError {
    /// An error at a byte offset of `text`.
    pub(crate) fn at(
        file: &Path,
        text: &str,
        offset: usize,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = line_and_column(text, offset);
        ConfigError {
            file: file.to_owned(),
            line,
            column,
            key: key.into(),
            message: message.into(),
        }
    }

    /// An error about the file as a whole.
    pub(crate) fn io(file: &Path, message: impl Into<String>) -> Self {
        ConfigError {
            file: file.to_owned(),
            line: 0,
            column: 0,
            key: String::new(),
            message: message.into(),
        }
    }

    /// A syntax or type error reported by the TOML parser.
    pub(crate) fn from_toml(file: &Path, text: &str, e: &toml::de::Error) -> Self {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        let key = key_at(text, offset);
        ConfigError::at(file, text, offset, key, e.message().trim())
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in one configuration, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl ConfigErrors {
    pub(crate) fn single(e: ConfigError) -> Self {
        ConfigErrors(vec![e])
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// 1-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The key written on the line of `offset` (`name = …` → `name`), for parser errors, whose
/// messages name the problem but not always the key.
fn key_at(text: &str, offset: usize) -> String {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line = text[line_start..].lines().next().unwrap_or("");
    match line.split_once('=') {
        Some((key, _)) if !key.trim().starts_with('[') => key.trim().to_owned(),
        _ => String::new(),
    }
}
