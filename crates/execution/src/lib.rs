//! Ember's executor: stages, scheduler on rayon, exchange buffers.
