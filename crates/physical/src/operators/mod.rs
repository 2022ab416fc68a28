//! Physical operators, one per file.

pub mod deduplicate;
pub mod event_time;
pub mod exchange;
pub mod expand;
pub(crate) mod external_sort;
pub mod filter;
pub mod generate;
pub mod hash_aggregate;
pub mod hash_join;
pub mod join_pairs;
pub mod limit;
pub mod map_groups;
pub mod memory;
pub mod nested_loop_join;
pub mod projection;
pub mod range;
pub mod sample;
pub mod sort;
pub mod sort_preserving_merge;
pub(crate) mod sorted_merge;
pub mod union;
pub mod updating_sessions;
pub mod window;
