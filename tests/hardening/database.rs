//! Hardening: database (issue 10).
