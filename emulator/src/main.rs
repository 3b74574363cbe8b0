//! The `playfield` executable: the command line lives in [`playfield::cli`].

use std::process::ExitCode;

fn main() -> ExitCode {
    playfield::cli::main()
}
