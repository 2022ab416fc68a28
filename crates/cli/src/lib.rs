//! The ember command-line shell.
