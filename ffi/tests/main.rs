//! The C ABI's integration tests, in one test binary: every file of this folder is a module
//! of it, so `cargo test -p playfield-ffi --test ffi mono::` runs one file's tests.
//!
//! A new test file is added here as `mod x;` (Cargo.toml says `autotests = false`, so a file
//! not declared here is not built; `every_test_file_is_declared_in_its_main_rs`, in
//! the testkit, checks it).
//! `native/` (building the library and the C/C++ samples, a daemon to run them against) is
//! declared once below: `use crate::native;`.
//!
//! The files' tests share one process and run on parallel threads: `native` builds the
//! library and each C/C++ sample once per process, whichever test asks first.

mod native;

mod api;
mod c_link;
mod header;
mod mono;
mod samples;
mod unity;
