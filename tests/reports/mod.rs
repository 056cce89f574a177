//! Tests of the canned reports on hand-written fixtures, and of views and CLI agreeing.

mod capex;
mod simple;
