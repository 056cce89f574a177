-- The scale benchmark's cross-company aggregate: per metric and disclosure type over
-- every entity, how many facts, from how many entities, and the sum of their values.
-- Written once for the three engines it times: SQLite, DuckDB over the SQLite file and
-- DuckDB over the Parquet export (the table-name mapping of the README); typed value
-- columns (schema v5), `AS DOUBLE` (DuckDB's REAL is 32-bit).
SELECT
    m.slug AS metric,
    f.disclosure_type,
    count(*) AS facts,
    count(DISTINCT f.entity_id) AS entities,
    sum(CAST(coalesce(f.value_int, f.value_real) AS DOUBLE)) AS total
FROM facts AS f
JOIN metrics AS m ON m.metric_id = f.metric_id
GROUP BY m.slug, f.disclosure_type
ORDER BY m.slug, f.disclosure_type
