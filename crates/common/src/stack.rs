//! Enough stack for the recursive passes. Binding, analysis, optimization, physical
//! planning and execution recurse once per level of the statement or plan; the
//! depth limits (`MAX_PLAN_DEPTH`, `MAX_EXPR_DEPTH`, `MAX_TYPE_DEPTH`) bound that
//! recursion, and [`with_stack`] makes sure the stack it needs is there, on a caller's
//! thread whatever its size (a spawned thread has 2 MiB; debug builds use tens of KiB
//! per level of expression binding).

/// Below this much free stack, [`with_stack`] switches to a new segment.
const RED_ZONE: usize = 32 << 20;

/// The size of a new segment: enough for the deepest statement accepted.
pub const STACK_SIZE: usize = 64 << 20;

/// Runs `f` on the current stack if at least [`RED_ZONE`] of it is free, else on a
/// fresh segment of [`STACK_SIZE`] (memory is committed only as it is used). Entry
/// points (running a statement, binding SQL text, running a task) call it.
pub fn with_stack<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, STACK_SIZE, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth(n: usize) -> usize {
        // A frame of a few KiB per level, as deep binders have.
        let pad = std::hint::black_box([0u8; 4096]);
        if n == 0 {
            pad[0] as usize
        } else {
            depth(n - 1) + pad[n % 4096] as usize + 1
        }
    }

    #[test]
    fn deep_recursion_fits_on_a_small_thread() {
        // 4000 levels of 4 KiB: far more than a 2 MiB thread holds.
        let r = std::thread::Builder::new().stack_size(2 << 20).spawn(|| with_stack(|| depth(4000))).unwrap().join().unwrap();
        assert_eq!(r, 4000);
    }
}
