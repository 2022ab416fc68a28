//! The `ember` binary: parses the flags and hands over to [`ember_cli::main_with`].

use clap::Parser;

fn main() {
    let args = ember_cli::args::Args::parse();
    std::process::exit(ember_cli::main_with(args));
}
