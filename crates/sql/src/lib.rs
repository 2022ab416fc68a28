//! Ember's SQL binder: sqlparser AST to logical plans.
