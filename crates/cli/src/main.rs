//! The `ember` binary: parses the flags and hands over to [`ember_cli::main_with`].

use clap::Parser;

/// mimalloc reuses the large batch buffers that glibc malloc would hand back to the
/// kernel and fault in again on the next batch.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args = ember_cli::args::Args::parse();
    std::process::exit(ember_cli::main_with(args));
}
