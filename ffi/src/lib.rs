//! C ABI over the Playfield server SDK.
//!
//! Placeholder until the C ABI issue lands: the crate exists so the workspace has its final
//! shape. It exposes only the SDK version, so a C caller can already check it links.

use std::ffi::c_char;

/// The SDK version as a NUL-terminated static string. Never free it.
#[no_mangle]
pub extern "C" fn playfield_sdk_version() -> *const c_char {
    static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    VERSION.as_ptr().cast()
}
