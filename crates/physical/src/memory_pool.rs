//! The session's memory budget (`ember.memory.limit`): one [`MemoryPool`] shared by
//! the session's running queries, and per-operator [`MemoryReservation`]s that grow
//! before an operator buffers and are given back when it is done (or dropped).
//!
//! Fairness: a spillable consumer (sort, aggregate) may hold at most
//! `(limit − max(non-spillable use, headroom)) / spillable consumers`; asked for more, it
//! is refused and spills. The `headroom` (an eighth of the limit) is kept free of
//! spillable memory, so a non-spillable consumer (a join's build side, a window
//! partition) that arrives late still finds memory: DataFusion's `FairSpillPool` lets
//! the spillable consumers split the whole pool and then refuses a few bytes to a late
//! non-spillable one. Non-spillable requests are refused only when the whole pool is
//! used, with `UNABLE_TO_ACQUIRE_MEMORY` naming the operator, the limit, the top
//! consumers and the setting to raise.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use ember_common::{Error, Result};

/// The share of the pool kept free of spillable memory: `limit / HEADROOM_DIVISOR`.
const HEADROOM_DIVISOR: usize = 8;

/// One session's memory budget. Cheap to share (`Arc`); every reservation points to it.
#[derive(Debug)]
pub struct MemoryPool {
    state: Mutex<PoolState>,
}

#[derive(Debug, Default)]
struct PoolState {
    limit: usize,
    next_id: u64,
    consumers: BTreeMap<u64, Consumer>,
    spillable_count: usize,
    spillable_used: usize,
    unspillable_used: usize,
    /// The most bytes reserved at once since the pool was made.
    peak: usize,
}

#[derive(Debug)]
struct Consumer {
    name: String,
    spillable: bool,
    used: usize,
}

impl PoolState {
    fn used(&self) -> usize {
        self.spillable_used + self.unspillable_used
    }

    /// What one spillable consumer may hold.
    fn fair_share(&self) -> usize {
        let kept = self.unspillable_used.max(self.limit / HEADROOM_DIVISOR);
        self.limit.saturating_sub(kept) / self.spillable_count.max(1)
    }

    fn add(&mut self, id: u64, bytes: usize) {
        if let Some(c) = self.consumers.get_mut(&id) {
            c.used += bytes;
            if c.spillable {
                self.spillable_used += bytes;
            } else {
                self.unspillable_used += bytes;
            }
        }
        self.peak = self.peak.max(self.used());
    }

    fn sub(&mut self, id: u64, bytes: usize) {
        if let Some(c) = self.consumers.get_mut(&id) {
            let bytes = bytes.min(c.used);
            c.used -= bytes;
            if c.spillable {
                self.spillable_used -= bytes;
            } else {
                self.unspillable_used -= bytes;
            }
        }
    }

    /// `UNABLE_TO_ACQUIRE_MEMORY` for `id` asking for `bytes`.
    fn refusal(&self, id: u64, bytes: usize) -> Error {
        let name = self.consumers.get(&id).map_or("an operator", |c| c.name.as_str());
        let mut top: Vec<&Consumer> = self.consumers.values().filter(|c| c.used > 0).collect();
        top.sort_by(|a, b| b.used.cmp(&a.used));
        let top = top.iter().take(3).map(|c| format!("{} {}", c.name, format_bytes(c.used))).collect::<Vec<_>>();
        let top = if top.is_empty() { "none".to_string() } else { top.join(", ") };
        let available = self.limit.saturating_sub(self.used());
        Error::spark("UNABLE_TO_ACQUIRE_MEMORY", &[("requestedBytes", &bytes.to_string()), ("receivedBytes", &available.to_string())])
            .context(format!(
                "{name} needs {} more but the memory limit ({}) is used up even after spilling; top consumers: {top}. \
                 Raise the limit with SET ember.memory.limit (or the CLI's --memory-limit).",
                format_bytes(bytes),
                format_bytes(self.limit)
            ))
    }
}

/// `1.5 MiB`, `512 B`: sizes in messages.
pub fn format_bytes(n: usize) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

impl MemoryPool {
    /// A pool of `limit` bytes.
    pub fn new(limit: usize) -> Arc<Self> {
        Arc::new(MemoryPool { state: Mutex::new(PoolState { limit, ..PoolState::default() }) })
    }

    /// A pool that never refuses (tests, constant folding).
    pub fn unbounded() -> Arc<Self> {
        MemoryPool::new(usize::MAX)
    }

    fn lock(&self) -> MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Changes the limit (`SET ember.memory.limit` applies to the next query); what is
    /// reserved stays reserved.
    pub fn set_limit(&self, limit: usize) {
        self.lock().limit = limit;
    }

    pub fn limit(&self) -> usize {
        self.lock().limit
    }

    /// Bytes reserved now, by all consumers.
    pub fn reserved(&self) -> usize {
        self.lock().used()
    }

    /// The most bytes reserved at once.
    pub fn peak(&self) -> usize {
        self.lock().peak
    }

    /// A new, empty reservation for the operator `name` (e.g. `SortExec[3]`). A
    /// spillable one must give memory back when refused.
    pub fn register(self: &Arc<Self>, name: impl Into<String>, spillable: bool) -> MemoryReservation {
        let mut s = self.lock();
        let id = s.next_id;
        s.next_id += 1;
        s.consumers.insert(id, Consumer { name: name.into(), spillable, used: 0 });
        if spillable {
            s.spillable_count += 1;
        }
        MemoryReservation { pool: self.clone(), id, size: 0, spillable }
    }
}

/// The memory one operator (in one task) holds. Freed when dropped.
#[derive(Debug)]
pub struct MemoryReservation {
    pool: Arc<MemoryPool>,
    id: u64,
    size: usize,
    spillable: bool,
}

impl MemoryReservation {
    /// Bytes held.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Grows by `bytes`, or fails with `UNABLE_TO_ACQUIRE_MEMORY` (holding what it held).
    /// A spillable consumer is refused beyond its fair share: it should spill, free, and
    /// ask again with [`MemoryReservation::try_grow_after_spill`].
    pub fn try_grow(&mut self, bytes: usize) -> Result<()> {
        let mut s = self.pool.lock();
        let fits_pool = s.used().saturating_add(bytes) <= s.limit;
        let fits_share = !self.spillable || self.size.saturating_add(bytes) <= s.fair_share();
        if !(fits_pool && fits_share) {
            return Err(s.refusal(self.id, bytes));
        }
        s.add(self.id, bytes);
        self.size += bytes;
        Ok(())
    }

    /// Grows a spillable consumer that has spilled what it could, up to the whole pool's
    /// free memory (the least it needs to go on, such as one batch).
    pub fn try_grow_after_spill(&mut self, bytes: usize) -> Result<()> {
        let mut s = self.pool.lock();
        if s.used().saturating_add(bytes) > s.limit {
            return Err(s.refusal(self.id, bytes));
        }
        s.add(self.id, bytes);
        self.size += bytes;
        Ok(())
    }

    /// Grows without asking, for small buffers bounded by the batch size that an
    /// operator cannot do without (a merge's current batches): they still count, so
    /// other consumers see them.
    pub fn grow(&mut self, bytes: usize) {
        self.pool.lock().add(self.id, bytes);
        self.size += bytes;
    }

    /// Gives back `bytes` (at most what is held).
    pub fn shrink(&mut self, bytes: usize) {
        let bytes = bytes.min(self.size);
        self.pool.lock().sub(self.id, bytes);
        self.size -= bytes;
    }

    /// Grows or shrinks to hold exactly `bytes`.
    pub fn try_resize(&mut self, bytes: usize) -> Result<()> {
        if bytes > self.size {
            self.try_grow(bytes - self.size)
        } else {
            self.shrink(self.size - bytes);
            Ok(())
        }
    }

    /// Gives back everything; returns how much that was.
    pub fn free(&mut self) -> usize {
        let n = self.size;
        self.shrink(n);
        n
    }
}

impl Drop for MemoryReservation {
    fn drop(&mut self) {
        let mut s = self.pool.lock();
        s.sub(self.id, self.size);
        if let Some(c) = s.consumers.remove(&self.id) {
            if c.spillable {
                s.spillable_count -= 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservations_grow_shrink_and_free_on_drop() {
        let pool = MemoryPool::new(1000);
        let mut a = pool.register("A", false);
        a.try_grow(600).unwrap();
        {
            let mut b = pool.register("B", false);
            b.try_grow(400).unwrap();
            let e = b.try_grow(1).unwrap_err();
            assert_eq!(e.class(), "UNABLE_TO_ACQUIRE_MEMORY");
            assert_eq!(e.sqlstate(), Some("53200"));
            let msg = e.to_string();
            assert!(msg.contains("B needs 1 B more") && msg.contains("A 600 B, B 400 B") && msg.contains("ember.memory.limit"), "{msg}");
        }
        assert_eq!(pool.reserved(), 600);
        a.shrink(100);
        assert_eq!(a.size(), 500);
        a.try_resize(700).unwrap();
        assert_eq!(a.free(), 700);
        assert_eq!(pool.reserved(), 0);
        assert_eq!(pool.peak(), 1000);
    }

    #[test]
    fn spillable_consumers_share_fairly_and_leave_headroom() {
        let pool = MemoryPool::new(800);
        let mut s1 = pool.register("Sort1", true);
        // Alone, a spillable consumer gets all but the headroom (800 / 8).
        s1.try_grow(700).unwrap();
        assert!(s1.try_grow(1).is_err());
        let mut s2 = pool.register("Sort2", true);
        // Two of them: 350 each; s1 is over its share and must spill.
        assert!(s2.try_grow(351).is_err());
        assert!(s1.try_grow(1).is_err());
        s1.shrink(400);
        s2.try_grow(350).unwrap();
        // A late non-spillable consumer still gets the headroom the spillables left.
        let mut join = pool.register("HashJoin", false);
        join.try_grow(100).unwrap();
        // After spilling everything, a spillable consumer may take what is free.
        s1.free();
        s1.try_grow_after_spill(300).unwrap();
        assert_eq!(s1.try_grow_after_spill(100).unwrap_err().class(), "UNABLE_TO_ACQUIRE_MEMORY");
    }

    #[test]
    fn limit_changes_and_physical_memory() {
        let pool = MemoryPool::unbounded();
        pool.set_limit(10);
        let mut r = pool.register("X", false);
        assert!(r.try_grow(11).is_err());
        r.grow(20);
        assert_eq!(pool.reserved(), 20);
        drop(r);
        assert_eq!(pool.reserved(), 0);
        assert_eq!(format_bytes(1536), "1.5 KiB");
    }
}
