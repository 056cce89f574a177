//! Tests of capex-fcf, backlog-conversion, conflicts and consistency.
