//! The `playfield` executable: the command line lives in [`playfield::cli`].

use std::process::ExitCode;

/// mimalloc rather than glibc's malloc. A large pool's tickets are scattered over the heap
/// and a matching pass hands out (and the daemon later frees) a string or two per player:
/// glibc's free coalesces each block with its neighbours and, when a large block is freed,
/// walks every small free block in `malloc_consolidate`, a cache miss each; mimalloc frees
/// into per-page lists. Measured on the flexmatch bench (CPU time of a 100k-ticket pool's
/// passes, the two allocators alternated in one sitting, `FLEXMATCH_BENCH_ALLOC=system` for
/// glibc): 15-25% less for rule set A, 20-30% for B, about 35% for C. The price is memory
/// committed up front: an idle daemon (debug build) holds 49 MB resident against 34 MB.
/// Only the executable sets it: the libraries, the C ABI among them, leave the choice to
/// whoever links them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    playfield::cli::main()
}
