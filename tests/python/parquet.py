"""DuckDB over an amzdb Parquet export, for tests/ecosystem/parquet.rs.

    python parquet.py SQL [SQL ...]

Runs each statement in one DuckDB connection (duck.connect(): no download) and prints
each result as one JSON line: a list of rows, each a list of values, so that types
survive (BIGINT as a JSON integer, DOUBLE as a float, VARCHAR as a string, NULL as
null). A HUGEINT (DuckDB's sum of BIGINT) is an integer too.
"""
import json
import sys

import duck

con = duck.connect()
con.execute("SET enable_progress_bar = false")
for sql in sys.argv[1:]:
    print(json.dumps([list(row) for row in con.execute(sql).fetchall()]))
