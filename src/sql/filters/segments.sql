-- Every segment some fact has, without reading every fact: for each (entity, metric)
-- the next segment after the last one found is one seek in the facts_by_entity_metric
-- index (entity_id, metric_id, segment, ...), so the cost grows with the number of
-- entities, metrics and segments, not facts (a loose index scan).
WITH RECURSIVE
pair(entity_id, metric_id) AS (
    SELECT e.entity_id, m.metric_id FROM entities AS e CROSS JOIN metrics AS m
),
found(entity_id, metric_id, segment) AS (
    SELECT p.entity_id, p.metric_id,
        (SELECT min(f.segment) FROM facts AS f
         WHERE f.entity_id = p.entity_id AND f.metric_id = p.metric_id)
    FROM pair AS p
    UNION ALL
    SELECT s.entity_id, s.metric_id,
        (SELECT min(f.segment) FROM facts AS f
         WHERE f.entity_id = s.entity_id AND f.metric_id = s.metric_id
           AND f.segment > s.segment)
    FROM found AS s
    WHERE s.segment IS NOT NULL
)
SELECT DISTINCT segment FROM found WHERE segment IS NOT NULL ORDER BY segment
