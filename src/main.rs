//! The `archdoc` command: parse the arguments, run the command, turn the outcome into an exit
//! code. Everything else lives in the library and in `cli/`.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(cli::run())
}
