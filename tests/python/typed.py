"""What DuckDB reads from an amzdb database, with every value's type kept, for
tests/ecosystem/typed.rs (schema v5: typed facts columns, the days table).

    python typed.py DB SQL [SQL...]

attaches DB (duck.attach: read-only, no sqlite_all_varchar) and prints one JSON line per
SQL: {"sql": ..., "columns": [[name, type], ...], "rows": [[value, ...], ...]}. Each value
is tagged so the Rust test rebuilds it exactly: "i:<integer>", "f:<repr of the double>"
(repr round-trips), "s:<text>", or null. A value of any other Python type is tagged with
the type's name, so the test sees it was neither.
"""
import json
import sys

import duck


def tag(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return f"bool:{value}"
    if isinstance(value, int):
        return f"i:{value}"
    if isinstance(value, float):
        return f"f:{value!r}"
    if isinstance(value, str):
        return f"s:{value}"
    return f"{type(value).__name__}:{value}"


def main():
    con = duck.attach(duck.connect(), sys.argv[1])
    for sql in sys.argv[2:]:
        cur = con.execute(sql)
        columns = [[d[0], str(d[1])] for d in cur.description]
        rows = [[tag(v) for v in row] for row in cur.fetchall()]
        print(json.dumps({"sql": sql, "columns": columns, "rows": rows}))


if __name__ == "__main__":
    main()
