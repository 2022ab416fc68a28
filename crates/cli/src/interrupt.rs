//! Ctrl-C while a statement runs: the handler (on `ctrlc`'s own thread) records the
//! interrupt and cancels the session's running queries, which then fail with
//! `OPERATION_CANCELED`. A script (`-c`, `-f`, standard input) stops there and the
//! process exits with status 130; the interactive shell goes on with the next
//! statement. At the prompt, rustyline reads Ctrl-C as a key (it drops the input).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The exit status of a script stopped by Ctrl-C (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: i32 = 130;

/// A script that does not stop this long after Ctrl-C (a step that does not check
/// for cancellation) is ended anyway.
const SCRIPT_GRACE: Duration = Duration::from_millis(900);

/// Whether Ctrl-C was pressed since the flag was last cleared.
#[derive(Debug, Clone, Default)]
pub struct Interrupted(Arc<AtomicBool>);

impl Interrupted {
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    pub fn clear(&self) {
        self.0.store(false, Ordering::SeqCst);
    }

    /// Records an interrupt (what the handler does; tests call it directly).
    pub fn set(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Installs the Ctrl-C handler for `session`. With `script`, a run that is still going
/// [`SCRIPT_GRACE`] after Ctrl-C exits with [`EXIT_INTERRUPTED`]. Returns the flag the
/// runner reads, or `None` when no handler could be installed (the default Ctrl-C then
/// ends the process, as before).
pub fn install(session: &ember::Session, script: bool) -> Option<Interrupted> {
    let flag = Interrupted::default();
    let (handler_flag, session) = (flag.clone(), session.clone());
    let handler = move || {
        handler_flag.set();
        session.cancel_all();
        if script {
            std::thread::sleep(SCRIPT_GRACE);
            eprintln!("{}", ember::Error::spark("OPERATION_CANCELED", &[]));
            std::process::exit(EXIT_INTERRUPTED);
        }
    };
    ctrlc::set_handler(handler).ok().map(|()| flag)
}
