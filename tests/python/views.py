"""Every amzdb view's rows as DuckDB computes them, for comparing with the sqlite3 shell.

    views.py sqlite DB                       DuckDB over the SQLite file (ATTACH, TYPE sqlite)
    views.py parquet DIR --views DB          DuckDB over an `amzdb export --format parquet`
                                             directory: one DuckDB view per base table, then
                                             the views' SQL as DB (an amzdb database) stores it
    ... --report NAME [--param k=v ...] [--amzdb BIN]
                                             instead, the SQL `amzdb report NAME --sql` prints,
                                             with its $parameters bound (v as text; the rest NULL)

Prints one JSON line per view (sorted by name), or one for the report:
    {"view": NAME, "columns": [...], "types": [DuckDB type, ...], "rows": [[...], ...]}
rows in a canonical order (by value: NULL, then numbers, then text, column by column), so
two engines' rows compare whatever order ties come in. Numbers are JSON numbers (a double
printed to round-trip exactly), so nothing is rounded on the way.
"""
import argparse
import glob
import json
import math
import os
import re
import sqlite3
import subprocess
import sys

import duck


def canonical_key(row):
    key = []
    for v in row:
        if v is None:
            key.append((0, 0.0, ""))
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            # Rounded for ordering only, so a sum differing in its last bit sorts alike.
            key.append((1, float("%.12g" % v), ""))
        else:
            key.append((2, 0.0, str(v)))
    return key


def plain(v):
    """A value JSON can carry exactly (HUGEINT and DECIMAL come out as Python objects)."""
    if v is None or isinstance(v, (str, bool, int)):
        return v
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return str(v)
        return v
    try:
        import decimal

        if isinstance(v, decimal.Decimal):
            return int(v) if v == v.to_integral_value() else float(v)
    except ImportError:
        pass
    return str(v)


def result(con, sql, params=None):
    """(columns, DuckDB types, rows in canonical order)."""
    rel = con.execute(sql, params) if params is not None else con.execute(sql)
    columns = [d[0] for d in rel.description]
    types = [str(d[1]) for d in rel.description]
    rows = [[plain(v) for v in row] for row in rel.fetchall()]
    rows.sort(key=canonical_key)
    return columns, types, rows


def emit(kind, name, columns, types, rows):
    line = {kind: name, "columns": columns, "types": types, "rows": rows}
    print(json.dumps(line, ensure_ascii=False, allow_nan=False))


def sqlite_views(db):
    """(name, SQL of the SELECT) of every view an amzdb database stores."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        found = con.execute(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'view' ORDER BY name"
        ).fetchall()
    finally:
        con.close()
    # amzdb installs each as `CREATE VIEW name AS\n<query>` (src/views.rs).
    return [(name, sql.split(" AS\n", 1)[1]) for name, sql in found]


def over_parquet(con, root):
    """One DuckDB view per base table of the Parquet layout (DESIGN14 / README)."""
    tables = os.path.join(root, "tables")
    for path in sorted(glob.glob(os.path.join(tables, "*.parquet"))):
        table = os.path.basename(path)[: -len(".parquet")]
        con.execute(
            f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{path}')"
        )
    facts = os.path.join(tables, "facts", "*", "*.parquet")
    con.execute(
        "CREATE VIEW facts AS SELECT * EXCLUDE (entity) "
        f"FROM read_parquet('{facts}', hive_partitioning = true)"
    )


def report_sql(amzdb, name):
    out = subprocess.run(
        [amzdb, "report", name, "--sql"], capture_output=True, text=True
    )
    if out.returncode != 0:
        sys.exit(f"views.py: {amzdb} report {name} --sql failed: {out.stderr.strip()}")
    return out.stdout


def bind(sql, given):
    """Every $name of the SQL bound: the given text, else NULL."""
    code = re.sub(r"--[^\n]*|'(?:[^']|'')*'", " ", sql)  # comments and strings aside
    names = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", code))
    unknown = set(given) - names
    if unknown:
        sys.exit(
            f"views.py: the SQL takes no {', '.join(sorted(unknown))} "
            f"(its parameters: {', '.join(sorted(names)) or 'none'})"
        )
    return {n: given.get(n) for n in names}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["sqlite", "parquet"])
    parser.add_argument("path", help="the SQLite file, or the Parquet export directory")
    parser.add_argument("--views", help="parquet mode: the amzdb database whose views to run")
    parser.add_argument("--report", help="run this report's --sql text instead of the views")
    parser.add_argument("--param", action="append", default=[], metavar="K=V")
    parser.add_argument("--amzdb", default=os.environ.get("AMZDB", "amzdb"))
    args = parser.parse_args()

    con = duck.connect()
    if args.mode == "sqlite":
        duck.attach(con, args.path)
    else:
        over_parquet(con, args.path)

    if args.report:
        given = {}
        for p in args.param:
            k, sep, v = p.partition("=")
            if not sep:
                sys.exit(f"views.py: --param {p!r}: expected NAME=VALUE")
            given[k] = v
        sql = report_sql(args.amzdb, args.report)
        params = bind(sql, given)
        emit("report", args.report, *result(con, sql, params))
        return

    if args.mode == "sqlite":
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_catalog = 'amzdb' AND table_type = 'VIEW' ORDER BY 1"
            ).fetchall()
        ]
        queries = [(n, f"SELECT * FROM {n}") for n in names]
    else:
        if not args.views:
            sys.exit("views.py parquet: give --views DB (the database whose views to run)")
        queries = sqlite_views(args.views)
    for name, sql in queries:
        emit("view", name, *result(con, sql))


if __name__ == "__main__":
    main()
