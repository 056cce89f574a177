//! Issue 10, hardening: regression tests named after the defects a hostile user found.
//! One file per area, each driving the real binary on real files.

mod database;
mod filters;
mod fsds;
mod recheck;
mod review;
mod rules;
mod skip;
mod watch;
mod writer;
