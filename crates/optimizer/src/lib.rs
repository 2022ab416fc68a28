//! Ember's analyzer and optimizer: rule batches over logical plans.
