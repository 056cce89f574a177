//! Hardening: rules (issue 10).
