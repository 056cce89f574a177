-- The entities that have facts, by ticker: one Hive partition each (entity=TICKER).
SELECT e.ticker
FROM entities AS e
WHERE EXISTS (SELECT 1 FROM facts AS f WHERE f.entity_id = e.entity_id)
ORDER BY e.ticker
