"""DuckDB for the ecosystem tests: the pinned duckdb with its sqlite extension loaded
from the duckdb-ext-sqlite wheel (INSTALL cannot reach extensions.duckdb.org from every
machine), never downloading anything.

    import duck
    con = duck.connect()
    duck.attach(con, "amzdb.sqlite")   # ATTACH ... (TYPE sqlite, READ_ONLY); USE it
"""
import os
import sysconfig

import duckdb


def connect():
    extensions = os.path.join(sysconfig.get_paths()["purelib"], "duckdb_ext", "extensions")
    return duckdb.connect(
        config={"extension_directory": extensions, "autoinstall_known_extensions": False}
    )


def attach(con, path, name="amzdb"):
    con.execute(f"ATTACH '{path}' AS {name} (TYPE sqlite, READ_ONLY)")
    con.execute(f"USE {name}")
    return con


if __name__ == "__main__":
    # `python duck.py DB SQL`: one query's rows, tab-separated (a smoke test).
    import sys

    con = attach(connect(), sys.argv[1])
    for row in con.execute(sys.argv[2]).fetchall():
        print("\t".join("" if v is None else str(v) for v in row))
