//! Hardening: filters (issue 10).
