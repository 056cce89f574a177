-- Why a report found no rows: whether any fact of the entity (every entity when
-- :entity is NULL) is left after each report option in turn. Only run when a report is
-- empty; one entity's facts are read through the facts_by_entity_metric index.
WITH
scope(entity_id) AS (
    SELECT entity_id FROM entities WHERE ticker = :entity
    UNION ALL
    SELECT entity_id FROM entities WHERE :entity IS NULL
),
published AS (
    SELECT f.disclosure_type, f.metric_id, f.period_id
    FROM facts AS f
    WHERE f.entity_id IN scope
      AND (:as_of IS NULL OR f.published_on <= :as_of)
),
trusted AS (
    SELECT metric_id, period_id FROM published
    WHERE CASE disclosure_type
            WHEN 'audited' THEN 1 WHEN 'management_commentary' THEN 2 ELSE 3
          END <= coalesce(:min_rank, 3)
)
SELECT
    EXISTS (SELECT 1 FROM facts AS f WHERE f.entity_id IN scope) AS any_fact,
    EXISTS (SELECT 1 FROM published) AS any_published,
    EXISTS (SELECT 1 FROM trusted) AS any_trusted,
    EXISTS (
        SELECT 1 FROM trusted AS t
        WHERE (:metric IS NULL
               OR t.metric_id IN (SELECT metric_id FROM metrics WHERE slug = :metric))
          AND (:period IS NULL
               OR t.period_id IN (SELECT period_id FROM periods WHERE label = :period))
    ) AS any_matching
