//! Memory behind the C structs the library hands out.
//!
//! Every struct returned to C is the first field of an [`Owned`] box whose [`Arena`] holds the
//! strings and arrays its pointers point into. Freeing the struct drops the box, and with it
//! everything the struct points to: there is one free function per returned struct and no
//! recursive freeing by hand.

use std::any::Any;
use std::ffi::{c_char, CString};
use std::ptr;

/// Owns the strings and arrays of one returned struct tree.
#[derive(Default)]
pub(crate) struct Arena {
    strings: Vec<CString>,
    arrays: Vec<Box<dyn Any>>,
}

impl Arena {
    /// A NUL-terminated copy of `s` that lives as long as the arena. A string with an
    /// interior NUL is cut there (C could not see past it anyway).
    pub fn str(&mut self, s: &str) -> *const c_char {
        let bytes = s.as_bytes();
        let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
        let c = CString::new(&bytes[..end]).unwrap_or_default();
        let p = c.as_ptr();
        self.strings.push(c);
        p
    }

    /// An array that lives as long as the arena, as (pointer, count); NULL when empty.
    pub fn array<T: 'static>(&mut self, items: Vec<T>) -> (*const T, usize) {
        if items.is_empty() {
            return (ptr::null(), 0);
        }
        let boxed: Box<[T]> = items.into_boxed_slice();
        let out = (boxed.as_ptr(), boxed.len());
        self.arrays.push(Box::new(boxed));
        out
    }
}

/// A C struct and the memory it points into. `#[repr(C)]` with the struct first, so a
/// pointer to the box is a pointer to the struct.
#[repr(C)]
pub(crate) struct Owned<T> {
    pub c: T,
    arena: Arena,
}

impl<T> Owned<T> {
    /// Builds the C struct with `build`, which allocates into the arena.
    pub fn build(build: impl FnOnce(&mut Arena) -> T) -> Self {
        let mut arena = Arena::default();
        let c = build(&mut arena);
        Owned { c, arena }
    }

    /// Hands the struct to C; give it back with [`Owned::free`].
    pub fn into_raw(self) -> *mut T {
        Box::into_raw(Box::new(self)).cast()
    }

    /// Frees a struct returned by [`Owned::into_raw`]; NULL is a no-op.
    ///
    /// # Safety
    /// `p` is NULL or came from `Owned::<T>::into_raw` and was not freed before.
    pub unsafe fn free(p: *mut T) {
        if !p.is_null() {
            drop(Box::from_raw(p.cast::<Owned<T>>()));
        }
    }
}
