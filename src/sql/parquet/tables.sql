-- The base tables a Parquet export writes: every STRICT table of the database (their
-- declared types are what each value is). refinery's migration history is not STRICT
-- and not data; SQLite's own tables are not amzdb's.
SELECT name
FROM pragma_table_list
WHERE schema = 'main' AND type = 'table' AND strict = 1 AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
ORDER BY name
