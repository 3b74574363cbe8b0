//! The header compiles as C11 and as C++17, and the library links and answers.

use crate::native;

use crate::native::{build, run, Lang};

#[test]
fn c_program_links_and_reads_the_version() {
    let src = native::repo_root().join("ffi/tests/c/link_check.c");
    let exe = build("link_check_c", Lang::C, &[src], &[]);
    let out = run(&exe, &[], &[]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        env!("CARGO_PKG_VERSION")
    );
}

#[test]
fn header_is_valid_cpp() {
    let src = native::repo_root().join("ffi/tests/c/link_check.c");
    let cpp = native::library_dir().join("link_check.cpp");
    std::fs::copy(&src, &cpp).unwrap();
    let exe = build("link_check_cpp", Lang::Cpp, &[cpp], &[]);
    let out = run(&exe, &[], &[]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        env!("CARGO_PKG_VERSION")
    );
}
