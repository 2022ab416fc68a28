//! The `ember` command-line shell: runs SQL from `-c`, `-f`, standard input or an
//! interactive prompt, printing results as a table, CSV, TSV, JSON Lines or golden blocks.
//!
//! # Brief overview
//! - [`args::Args`]: the flags (`-c`, `-f`, `--format`, `--conf`, `--time`).
//! - [`runner::Runner`]: runs a script statement by statement against a [`backend::SqlBackend`].
//! - [`repl`]: the interactive shell.

pub mod args;
pub mod backend;
pub mod interrupt;
pub mod repl;
pub mod runner;
pub mod sql_text;

use std::io::{self, IsTerminal, Read};

use args::Args;
use runner::Runner;

/// Runs the shell for parsed `args`; returns the process exit code.
pub fn main_with(args: Args) -> i32 {
    let mut conf = Vec::new();
    for entry in &args.conf {
        match args::parse_conf(entry) {
            Ok(kv) => conf.push(kv),
            Err(msg) => {
                eprintln!("{msg}");
                return 1;
            }
        }
    }
    if let Some(limit) = &args.memory_limit {
        conf.push((ember_common::config::keys::MEMORY_LIMIT.to_string(), limit.clone()));
    }
    let session = match backend::build_session(&conf) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let mut runner = Runner::new(&session, args.format, args.time);
    let script = if let Some(sql) = &args.command {
        Some(sql.clone())
    } else if let Some(path) = &args.file {
        match std::fs::read_to_string(path) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("cannot read {}: {e}", path.display());
                return 1;
            }
        }
    } else if !io::stdin().is_terminal() {
        let mut s = String::new();
        if let Err(e) = io::stdin().read_to_string(&mut s) {
            eprintln!("cannot read standard input: {e}");
            return 1;
        }
        Some(s)
    } else {
        None
    };
    let interrupted = interrupt::install(&session, script.is_some());
    if let Some(flag) = &interrupted {
        runner = runner.with_interrupt(flag.clone());
    }
    let result = match &script {
        Some(s) => runner.run_script(s, &mut io::stdout().lock(), &mut io::stderr().lock()),
        None => repl::run(&mut runner),
    };
    match result {
        // A closed pipe (`ember … | head`) is not a failure of the statements.
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("{e}");
            1
        }
        _ if script.is_some() && interrupted.as_ref().is_some_and(|f| f.is_set()) => interrupt::EXIT_INTERRUPTED,
        _ if script.is_some() && runner.failures() > 0 => 1,
        _ => 0,
    }
}
