//! Turns a panic into an `INTERNAL_ERROR`, so a bug hit by one query fails that query
//! and leaves the session and the process running.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{Error, Result};
use crate::stack::with_stack;

/// Runs `f` with enough stack for the deepest statement accepted (see `stack.rs`);
/// a panic inside it becomes [`Error::internal`] (class `INTERNAL_ERROR`) carrying the
/// panic message. Entry points call it: running a statement or an action, binding
/// SQL text, each task.
pub fn catch_panic<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    // The closures given here hold no state that outlives a failed query, so a
    // half-updated value cannot be observed afterwards.
    with_stack(|| catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| Err(Error::internal(panic_message(payload.as_ref())))))
}

/// The text a panic was raised with (`panic!("…")` gives a `&str` or a `String`).
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    format!("a task panicked: {text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_internal_errors() {
        let r: Result<()> = catch_panic(|| panic!("boom {}", 1));
        let e = r.unwrap_err();
        assert_eq!(e.class(), "INTERNAL_ERROR");
        assert!(e.to_string().contains("boom 1"), "{e}");
        assert_eq!(catch_panic(|| Ok(3)).unwrap(), 3);
    }
}
