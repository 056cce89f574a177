-- A table's stored columns and declared types, in order. Generated columns (hidden 2
-- and 3) are computed from the stored ones and skipped, as DuckDB's SQLite scanner does.
SELECT name, upper(type)
FROM pragma_table_xinfo(?1)
WHERE hidden = 0
ORDER BY cid
