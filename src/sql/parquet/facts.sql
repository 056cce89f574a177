-- One entity's rows of the facts base table, in fact order; `{columns}` is the list of
-- stored columns (columns.sql), quoted.
SELECT {columns}
FROM facts
WHERE entity_id = (SELECT entity_id FROM entities WHERE ticker = ?1)
ORDER BY fact_id
