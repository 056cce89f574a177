-- The facts table and its indexes, sampled: one fact every :step fact ids from :first to
-- :last. Each sample is a seek from the root of the table's B-tree to a leaf, then a seek
-- for the same fact in each index, so SQLite reads (and, with cell_size_check on, checks)
-- the interior pages on the way and one leaf page of each tree per sample; a damaged
-- page fails the statement with SQLITE_CORRUPT. Counts the sampled facts an index does
-- not find (not 0: the table and an index disagree). It runs before migrations, on every
-- schema since V1: keep it valid for all of them.
WITH RECURSIVE sample (id) AS (
    SELECT :first
    UNION ALL
    SELECT id + :step FROM sample WHERE id + :step <= :last
)
SELECT count(*)
FROM sample
JOIN facts AS f
    ON f.fact_id = (SELECT fact_id FROM facts WHERE fact_id >= sample.id ORDER BY fact_id LIMIT 1)
WHERE NOT EXISTS (
        SELECT 1 FROM facts AS g INDEXED BY facts_by_entity_metric
        WHERE g.entity_id = f.entity_id AND g.metric_id = f.metric_id
            AND g.segment = f.segment AND g.period_id = f.period_id
            AND g.fact_key = f.fact_key AND g.fact_id = f.fact_id)
    OR (f.concept_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM facts AS c INDEXED BY facts_by_concept
        WHERE c.concept_id = f.concept_id AND c.fact_id = f.fact_id))
