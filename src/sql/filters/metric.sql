-- The stored slugs a --metric value names: itself, else the slugs equal to it in another
-- case or with '-' or ' ' for '_' (`Free-Cash-Flow` finds free_cash_flow). Exact first.
SELECT slug FROM metrics WHERE slug = :value
UNION ALL
SELECT slug FROM metrics
WHERE slug <> :value
  AND replace(replace(lower(slug), '-', '_'), ' ', '_')
    = replace(replace(lower(:value), '-', '_'), ' ', '_')
