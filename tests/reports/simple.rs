//! Tests of the simpler reports (filled in by their author).
