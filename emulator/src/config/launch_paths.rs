//! The launcher's paths: `${NAME}` expansion and the check that the executable exists.
//!
//! A sample configuration checked into a repository cannot know where cargo puts its build:
//! `target/` next to the workspace, or wherever `CARGO_TARGET_DIR` says. So `executable` and
//! `working_directory` expand environment variables as a shell does: `${NAME}`, and
//! `${NAME:-default}` for a value used when NAME is unset or empty. A relative path is then
//! taken from the configuration file's folder, except when it starts with a variable that is
//! set: such a value is meant from where the daemon was started (as cargo reads a relative
//! `CARGO_TARGET_DIR` from where it runs).
//!
//! When the file is loaded, each launch executable must exist and be an executable file: a
//! missing one is a configuration error naming the file, the line, the fleet and the path,
//! not a process the launcher restarts forever.

use super::error::{ConfigError, ConfigErrors};
use super::raw::RawConfig;
use super::Config;
use std::path::{Path, PathBuf};

/// A written path with its variables expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expanded {
    pub(crate) text: String,
    /// It starts with a variable the environment sets (not its default).
    pub(crate) starts_with_env_value: bool,
}

/// Expands `${NAME}` and `${NAME:-default}` with `lookup`; `$` alone and `$NAME` stay as
/// written. An unset (or empty) variable without a default is an error naming it.
pub(crate) fn expand(
    written: &str,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Expanded, String> {
    let mut text = String::with_capacity(written.len());
    let mut starts_with_env_value = false;
    let mut rest = written;
    while let Some(at) = rest.find("${") {
        text.push_str(&rest[..at]);
        let inner = &rest[at + 2..];
        let Some(close) = inner.find('}') else {
            return Err(format!("\"${{\" without a closing \"}}\" in {written:?}"));
        };
        let (name, default) = match inner[..close].split_once(":-") {
            Some((n, d)) => (n, Some(d)),
            None => (&inner[..close], None),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!(
                "{name:?} is not an environment variable name (in {written:?})"
            ));
        }
        match (lookup(name).filter(|v| !v.is_empty()), default) {
            (Some(value), _) => {
                starts_with_env_value |= text.is_empty();
                text.push_str(&value);
            }
            (None, Some(default)) => text.push_str(default),
            (None, None) => {
                return Err(format!(
                    "environment variable {name} is not set (write ${{{name}:-default}} for a fallback)"
                ))
            }
        }
        rest = &inner[close + 1..];
    }
    text.push_str(rest);
    Ok(Expanded {
        text,
        starts_with_env_value,
    })
}

/// The path `written` names: expanded, then anchored (see the module documentation).
pub(crate) fn resolve(file: &Path, written: &str) -> Result<PathBuf, String> {
    let e = expand(written, |n| std::env::var(n).ok())?;
    let p = Path::new(&e.text);
    if p.is_absolute() {
        return Ok(p.to_owned());
    }
    if e.starts_with_env_value {
        if let Ok(cwd) = std::env::current_dir() {
            return Ok(cwd.join(p));
        }
    }
    Ok(file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.join(p))
        .unwrap_or_else(|| p.to_owned()))
}

/// Every launch executable of `config` that is not an executable file, located in `text`.
pub(crate) fn check_executables(
    config: &Config,
    file: &Path,
    text: &str,
) -> Result<(), ConfigErrors> {
    // Positions come from the raw file, which resolved already (so it parses).
    let raw: Option<RawConfig> = toml::from_str(text).ok();
    let mut errors = Vec::new();
    for (i, fleet) in config.fleets.iter().enumerate() {
        let Some(launch) = &fleet.launch else {
            continue;
        };
        let Some(problem) = executable_problem(&launch.executable) else {
            continue;
        };
        let offset = raw
            .as_ref()
            .and_then(|r| r.fleets.get(i))
            .and_then(|f| f.launch.as_ref())
            .map(|l| l.executable.span().start)
            .unwrap_or(0);
        errors.push(ConfigError::at(
            file,
            text,
            offset,
            format!("fleets[{i}].launch.executable"),
            format!(
                "fleet {:?}: {} {problem}",
                fleet.id,
                launch.executable.display()
            ),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ConfigErrors(errors))
    }
}

/// Why `path` cannot be launched, if it cannot.
fn executable_problem(path: &Path) -> Option<String> {
    match std::fs::metadata(path) {
        Err(_) => Some(
            "does not exist (build it first; a path under a cargo target directory can be \
             written ${CARGO_TARGET_DIR:-<default>}/...)"
                .to_owned(),
        ),
        Ok(m) if !m.is_file() => Some("is not a file".to_owned()),
        Ok(m) if !is_executable(&m) => Some("is not executable".to_owned()),
        Ok(_) => None,
    }
}

#[cfg(unix)]
fn is_executable(m: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    m.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &std::fs::Metadata) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "TARGET" => Some("/tmp/build".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn expands_variables_and_defaults() {
        let e = expand("${TARGET}/debug/server", env).unwrap();
        assert_eq!(e.text, "/tmp/build/debug/server");
        assert!(e.starts_with_env_value);
        let e = expand("${UNSET:-../../target}/debug/server", env).unwrap();
        assert_eq!(e.text, "../../target/debug/server");
        assert!(!e.starts_with_env_value);
        assert_eq!(expand("${EMPTY:-x}/y", env).unwrap().text, "x/y");
        assert_eq!(expand("a/${TARGET}", env).unwrap().text, "a//tmp/build");
        assert!(!expand("a/${TARGET}", env).unwrap().starts_with_env_value);
        assert_eq!(expand("$HOME/x", env).unwrap().text, "$HOME/x");
    }

    /// The sample configuration's server is found wherever cargo builds, CARGO_TARGET_DIR
    /// set or not (issue 17 item 2).
    #[test]
    fn the_sample_follows_cargo_target_dir() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/config/playfield.toml");
        let raw: RawConfig = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let launch = raw.fleets[0].launch.as_ref().unwrap();
        let written = launch.executable.get_ref();
        let elsewhere = |n: &str| (n == "CARGO_TARGET_DIR").then(|| "/elsewhere".to_string());
        assert_eq!(
            expand(written, elsewhere).unwrap().text,
            "/elsewhere/debug/playfield-sample-server"
        );
        assert_eq!(
            expand(written, |_| None).unwrap().text,
            "../../target/debug/playfield-sample-server"
        );
    }

    #[test]
    fn an_unset_variable_without_default_is_named() {
        let e = expand("${NOPE}/server", env).unwrap_err();
        assert!(e.contains("NOPE is not set"), "{e}");
        assert!(expand("${TARGET/server", env)
            .unwrap_err()
            .contains("closing"));
        assert!(expand("${A B}", env).is_err());
    }
}
