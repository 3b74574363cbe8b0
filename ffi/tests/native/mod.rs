//! Compiling C and C++ programs against `include/playfield.h` and the built library.
//!
//! `cargo test` builds this crate only as an rlib for its tests, so the shared library a C
//! program links against is built here first, with the same cargo, profile and target folder
//! (`cargo build -p playfield-ffi -p playfield --lib`; a no-op when it is fresh). The programs are
//! linked with an rpath to that folder and run in place.
//!
//! `-p playfield` is there for the features: built alone, playfield-ffi resolves its
//! dependencies (tokio, the sdk) without the daemon's features, so the library would be a
//! second build of the sdk and of itself, and `cargo test --workspace` would rebuild it every
//! time. With the daemon selected too, the features are those of `cargo build -p playfield`
//! and `cargo test --workspace` (emulator/Cargo.toml unifies them), and the library is the one
//! the test build has already made.

#![allow(dead_code)] // each test file uses the part it needs

pub mod daemon;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex, Once, OnceLock};

/// The folder holding `libplayfield_ffi.so` for this build (`target/<profile>`).
pub fn library_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    exe.parent()
        .and_then(Path::parent)
        .expect("test binaries live in target/<profile>/deps")
        .to_owned()
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Builds `libplayfield_ffi.so` into [`library_dir`], once per test binary.
pub fn build_library() {
    static BUILD: Once = Once::new();
    BUILD.call_once(|| {
        let dir = library_dir();
        let target_dir = dir.parent().expect("target/<profile> has a parent");
        let profile = dir.file_name().and_then(|n| n.to_str()).unwrap_or("debug");
        let profile = if profile == "debug" { "dev" } else { profile };
        let status = playfield_testkit::nested_cargo()
            .args([
                "build",
                "-p",
                "playfield-ffi",
                "-p",
                "playfield",
                "--lib",
                "--profile",
                profile,
            ])
            .arg("--target-dir")
            .arg(target_dir)
            .current_dir(repo_root())
            .status()
            .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
        assert!(status.success(), "building libplayfield_ffi failed");
    });
}

/// Which compiler to use.
#[derive(Clone, Copy)]
pub enum Lang {
    C,
    Cpp,
}

/// Compiles `sources` into an executable named `name`, failing the test with the compiler's
/// output when it does not build.
///
/// Each program is built once per test binary: tests run on parallel threads, and two of them
/// asking for the same sample (say, the sample run plain and under valgrind) used to compile it
/// into the same path at once, or over a copy the other test was executing ("Text file busy").
/// A test that asks for a program another test is building waits for that build. The compiler
/// writes to a path of this process's own, renamed into place when complete, so a runner that
/// starts tests as separate processes (cargo-nextest) cannot see a half-written file either.
pub fn build(name: &str, lang: Lang, sources: &[PathBuf], extra_includes: &[PathBuf]) -> PathBuf {
    static BUILT: OnceLock<Mutex<HashMap<String, Arc<OnceLock<PathBuf>>>>> = OnceLock::new();
    let slot = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .entry(name.to_owned())
        .or_default()
        .clone();
    slot.get_or_init(|| compile(name, lang, sources, extra_includes))
        .clone()
}

fn compile(name: &str, lang: Lang, sources: &[PathBuf], extra_includes: &[PathBuf]) -> PathBuf {
    build_library();
    let lib = library_dir();
    let out = lib.join(format!("native-{name}"));
    let partial = lib.join(format!("native-{name}.{}.partial", std::process::id()));
    let (compiler, std) = match lang {
        Lang::C => (
            std::env::var("CC").unwrap_or_else(|_| "cc".into()),
            "-std=c11",
        ),
        Lang::Cpp => (
            std::env::var("CXX").unwrap_or_else(|_| "c++".into()),
            "-std=c++17",
        ),
    };
    let mut cmd = Command::new(&compiler);
    cmd.arg(std)
        .args(["-Wall", "-Wextra", "-Werror", "-g"])
        .arg("-I")
        .arg(repo_root().join("include"));
    for inc in extra_includes {
        cmd.arg("-I").arg(inc);
    }
    cmd.args(sources)
        .arg("-o")
        .arg(&partial)
        .arg("-L")
        .arg(&lib)
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .args(["-lplayfield_ffi", "-lpthread", "-ldl", "-lm"]);
    let result = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {compiler}: {e}; install a C/C++ compiler"));
    assert!(
        result.status.success(),
        "{compiler} failed to build {name}:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    // rename(2) replaces the name atomically; a copy still running keeps its own inode.
    std::fs::rename(&partial, &out).unwrap_or_else(|e| {
        panic!(
            "cannot move {} to {}: {e}",
            partial.display(),
            out.display()
        )
    });
    out
}

/// Runs a built program and returns its output, failing the test if it does not exit 0.
pub fn run(program: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let output = Command::new(program)
        .args(args)
        .envs(envs.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    assert!(
        output.status.success(),
        "{} exited with {}:\nstdout:\n{}\nstderr:\n{}",
        program.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}
