//! Hardening: fsds (issue 10).
