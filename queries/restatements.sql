-- name: restatements
-- view: restatements
-- title: Restated figures
-- description: Per entity, XBRL concept, period and unit reported by more than one filing with more than one value: the figure as first reported, the latest, the difference and both filings.
-- params: entity, as_of, min_disclosure
-- table: metric, period_label:period, first_value=num, latest_value=num, difference=num*, first_filed, latest_filed, values
WITH RECURSIVE
--@include choice
, filed AS (
    SELECT c.*, k.concept,
        row_number() OVER (PARTITION BY c.entity_id, c.concept_id, c.period_id, c.unit_id
                           ORDER BY c.published_on, c.fact_id) AS first_rank,
        row_number() OVER (PARTITION BY c.entity_id, c.concept_id, c.period_id, c.unit_id
                           ORDER BY c.published_on DESC, c.fact_id DESC) AS latest_rank,
        min(c.value) OVER (PARTITION BY c.entity_id, c.concept_id, c.period_id, c.unit_id)
            <> max(c.value) OVER (PARTITION BY c.entity_id, c.concept_id, c.period_id, c.unit_id)
            AS changed
    FROM candidate AS c
    JOIN concepts AS k ON k.concept_id = c.concept_id
    WHERE c.source_kind = 'filing' AND c.measure = 'level'
),
grouped AS (
    SELECT entity_id, concept_id, period_id, unit_id,
        count(*) AS filings, count(DISTINCT value) AS distinct_values
    FROM filed
    WHERE changed
    GROUP BY entity_id, concept_id, period_id, unit_id
)
SELECT
    f.entity, f.concept, f.metric, f.period_label, f.period_start, f.period_end, f.unit,
    f.value AS first_value, f.accession AS first_accession, f.form AS first_form,
    f.published_on AS first_filed,
    l.value AS latest_value, l.accession AS latest_accession, l.form AS latest_form,
    l.published_on AS latest_filed,
    l.value - f.value AS difference,
    g.filings, g.distinct_values AS "values",
    f.fact_id AS first_fact_id, l.fact_id AS latest_fact_id
FROM grouped AS g
JOIN filed AS f
  ON f.entity_id = g.entity_id AND f.concept_id = g.concept_id AND f.period_id = g.period_id
 AND f.unit_id = g.unit_id AND f.first_rank = 1
JOIN filed AS l
  ON l.entity_id = g.entity_id AND l.concept_id = g.concept_id AND l.period_id = g.period_id
 AND l.unit_id = g.unit_id AND l.latest_rank = 1
ORDER BY f.entity, f.concept, f.period_end, f.period_start, f.unit
