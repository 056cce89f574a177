//! The clients users already have, driven for real: DuckDB over the SQLite file and over
//! the Parquet export, a workbook read by openpyxl, charts, the terminal, Datasette.
//! Python clients come from `util::python_with` (tests/python/requirements.txt).

mod clients;
mod duckdb;
mod typed;
