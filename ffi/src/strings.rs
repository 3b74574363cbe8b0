//! Reading C strings and arrays without trusting them more than the header promises.

use crate::error::FfiError;
use std::ffi::{c_char, CStr};

/// A string argument that must be given: NULL or invalid UTF-8 is an error naming `what`.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that stays valid during the call.
pub(crate) unsafe fn required_str<'a>(p: *const c_char, what: &str) -> Result<&'a str, FfiError> {
    opt_str(p, what)?.ok_or_else(|| FfiError::invalid(format!("{what} is NULL")))
}

/// An optional string argument: NULL is `None`; invalid UTF-8 is an error naming `what`.
///
/// # Safety
/// As [`required_str`].
pub(crate) unsafe fn opt_str<'a>(
    p: *const c_char,
    what: &str,
) -> Result<Option<&'a str>, FfiError> {
    if p.is_null() {
        return Ok(None);
    }
    CStr::from_ptr(p)
        .to_str()
        .map(Some)
        .map_err(|e| FfiError::invalid(format!("{what} is not valid UTF-8 ({e})")))
}

/// An array argument: (NULL, 0) is empty; NULL with a count is an error.
///
/// # Safety
/// `p` is NULL or points to `count` readable, initialized `T`s.
pub(crate) unsafe fn slice<'a, T>(
    p: *const T,
    count: usize,
    what: &str,
) -> Result<&'a [T], FfiError> {
    if count == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(FfiError::invalid(format!(
            "{what} is NULL but its count is {count}"
        )));
    }
    Ok(std::slice::from_raw_parts(p, count))
}

/// A struct argument that must be given.
///
/// # Safety
/// `p` is NULL or points to a readable `T`.
pub(crate) unsafe fn required_ref<'a, T>(p: *const T, what: &str) -> Result<&'a T, FfiError> {
    p.as_ref()
        .ok_or_else(|| FfiError::invalid(format!("{what} is NULL")))
}
