-- name: conflicts
-- view: conflicts
-- title: Conflicting figures
-- description: Every group of facts for the same entity, metric, segment, period, measure, basis and unit in which two values disagree by more than half the coarser precision (bounds and ranges count as intervals), with each value's source and disclosure type.
-- params: entity, as_of, min_rank
-- table: metric, period_label:period, measure, value_text:value, disclosure_type:trust=trust, source
WITH
--@include choice
, -- Only facts of groups with two or more can disagree.
multi AS MATERIALIZED (
    SELECT * FROM ranked WHERE competing > 1
),
pairs AS MATERIALIZED (
    SELECT a.fact_id AS a_id, b.fact_id AS b_id
    FROM multi AS a
    JOIN multi AS b
      ON b.entity_id = a.entity_id AND b.metric_id = a.metric_id AND b.segment = a.segment
     AND b.period_id = a.period_id AND b.measure = a.measure AND b.basis = a.basis
     AND b.unit_id = a.unit_id AND b.fact_id > a.fact_id
    WHERE max(a.lo, b.lo) - min(a.hi, b.hi) > 0.5 * max(a.precision, b.precision)
),
-- How many facts each fact disagrees with.
disagreements AS MATERIALIZED (
    SELECT fact_id, count(*) AS n
    FROM (SELECT a_id AS fact_id FROM pairs UNION ALL SELECT b_id FROM pairs)
    GROUP BY fact_id
),
conflicted AS MATERIALIZED (
    SELECT DISTINCT c.entity_id, c.metric_id, c.segment, c.period_id, c.measure, c.basis, c.unit_id
    FROM pairs JOIN candidate AS c ON c.fact_id = pairs.a_id
),
members AS (
    SELECT c.*,
        count(*) OVER grp AS group_facts,
        min(c.value) OVER grp AS group_min,
        max(coalesce(c.value_high, c.value)) OVER grp AS group_max,
        ifnull(d.n, 0) AS disagrees_with
    FROM candidate AS c
    JOIN conflicted AS k
      ON k.entity_id = c.entity_id AND k.metric_id = c.metric_id AND k.segment = c.segment
     AND k.period_id = c.period_id AND k.measure = c.measure AND k.basis = c.basis
     AND k.unit_id = c.unit_id
    LEFT JOIN disagreements AS d ON d.fact_id = c.fact_id
    WINDOW grp AS (PARTITION BY c.entity_id, c.metric_id, c.segment, c.period_id, c.measure,
                   c.basis, c.unit_id)
)
SELECT
    m.entity, m.metric, m.segment, m.period_label, m.period_end, m.measure, m.basis, m.unit,
    m.value, m.value_high, m.qualifier, m.precision, f.value_text,
    m.disclosure_type, m.source, s.publisher, m.published_on,
    m.group_facts, m.disagrees_with, m.group_min, m.group_max,
    m.group_max - m.group_min AS spread,
    f.quote, m.fact_id
-- CROSS JOIN keeps members the outer loop: with statistics (after ANALYZE) SQLite may
-- otherwise read every fact and probe members with each.
FROM members AS m
CROSS JOIN facts AS f ON f.fact_id = m.fact_id
JOIN sources AS s ON s.source_id = f.source_id
ORDER BY m.entity, m.metric, m.segment, m.period_end, m.period_label, m.measure, m.basis,
         m.value, m.fact_id
