//! A Python with boto3 for tests that drive the API the way Python backends do.
//!
//! Set up on first use and reused: a virtualenv under the target directory
//! (`$CARGO_TARGET_TMPDIR/boto3-venv`) with boto3 from PyPI, or — where
//! `python3 -m venv` is unavailable — `pip install --target`. Shared (with
//! `#[path]`) by the API layer's tests and the end-to-end tests in `tests/`,
//! which run in the same target directory and so share the one venv.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// boto3 versions known to speak awsJson1_1 to GameLift (all of 1.x do).
pub const BOTO3_REQUIREMENT: &str = "boto3>=1.34,<2";

pub fn run(cmd: &mut Command) -> Output {
    let shown = format!("{cmd:?}");
    cmd.output()
        .unwrap_or_else(|e| panic!("could not run {shown}: {e}"))
}

pub fn require_success(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// How to run Python with boto3 importable.
pub struct Boto3Python {
    python: PathBuf,
    /// Set when boto3 was installed with `pip --target` instead of a venv.
    pythonpath: Option<PathBuf>,
}

impl Boto3Python {
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.python);
        if let Some(p) = &self.pythonpath {
            cmd.env("PYTHONPATH", p);
        }
        cmd
    }

    fn works(&self) -> bool {
        self.command()
            .args(["-c", "import boto3"])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    }
}

/// A Python with boto3, set up on first use: a venv under the target
/// directory, or — where `python3 -m venv` is unavailable (Debian without
/// python3-venv) — `pip install --target` into a directory put on PYTHONPATH.
pub fn boto3_python() -> Boto3Python {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let venv = tmp.join("boto3-venv");
    let in_venv = Boto3Python {
        python: venv.join("bin").join("python"),
        pythonpath: None,
    };
    let site = tmp.join("boto3-site");
    let in_site = Boto3Python {
        python: PathBuf::from("python3"),
        pythonpath: Some(site.clone()),
    };
    if in_venv.works() {
        return in_venv;
    }
    // (Checked only if it exists: an empty PYTHONPATH would find whatever
    // boto3 the system Python happens to have.)
    if site.exists() && in_site.works() {
        return in_site;
    }
    match Command::new("python3").arg("--version").output() {
        Ok(o) if o.status.success() => {}
        _ => panic!(
            "python3 is required by this test (it drives the API with boto3) but was not found on PATH; \
             install python3 (with the venv module or pip)"
        ),
    }
    let _ = std::fs::remove_dir_all(&venv);
    let made_venv = run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    let (python, target_args): (&Boto3Python, Vec<&std::ffi::OsStr>) = if made_venv.status.success()
    {
        (&in_venv, vec![])
    } else {
        let _ = std::fs::remove_dir_all(&site);
        (&in_site, vec!["--target".as_ref(), site.as_os_str()])
    };
    let out = run(Command::new(&python.python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(&target_args)
        .arg(BOTO3_REQUIREMENT));
    if !made_venv.status.success() {
        eprintln!(
            "python3 -m venv failed ({}), installed boto3 with pip --target instead",
            String::from_utf8_lossy(&made_venv.stderr).trim()
        );
    }
    require_success(
        "pip install boto3 (is PyPI reachable? is pip installed?)",
        &out,
    );
    assert!(python.works(), "boto3 installed but cannot be imported");
    Boto3Python {
        python: python.python.clone(),
        pythonpath: python.pythonpath.clone(),
    }
}
