//! Hardening: writer (issue 10).
