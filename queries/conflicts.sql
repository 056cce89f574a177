-- name: conflicts
-- view: conflicts
-- title: Conflicting figures
-- description: Every group of facts for the same entity, metric, segment, period, measure, basis and unit in which two values disagree by more than half the coarser precision (bounds and ranges count as intervals), with each value's source and disclosure type; and every derived figure (queries/derivation.sql) that disagrees so with the disclosed figure of the same period, beside that figure (`how` gives the derived figure's lineage, 'disclosed' for a fact).
-- params: entity, as_of, min_rank
-- table: metric, period_label:period, measure, value_text:value, disclosure_type:trust=trust, source
WITH
--@include choice
,
--@include derivation
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
),
-- A derived figure (queries/derivation.sql) that disagrees with the disclosed figure of the
-- same period, and that disclosed fact when its own group does not already list it.
derived_conflict AS (
    SELECT * FROM derived_figure WHERE disagrees
),
listed AS (
    SELECT m.entity, m.metric, m.segment, m.period_label, m.period_end, m.measure, m.basis,
        m.unit, m.value, m.value_high, m.qualifier, m.precision, m.disclosure_type, m.source,
        m.published_on, m.group_facts, m.disagrees_with, m.group_min, m.group_max, m.fact_id,
        'disclosed' AS how
    FROM members AS m
    UNION ALL
    SELECT d.entity, d.metric, d.segment, d.period_label, d.period_end, 'level', d.basis,
        d.unit, d.value, NULL, 'exact', d.precision, d.disclosure_type, NULL, NULL, 2, 1,
        min(d.value, d.disclosed_value), max(d.value, d.disclosed_value), NULL, d.how
    FROM derived_conflict AS d
    UNION ALL
    SELECT c.entity, c.metric, c.segment, c.period_label, c.period_end, c.measure, c.basis,
        c.unit, c.value, c.value_high, c.qualifier, c.precision, c.disclosure_type, c.source,
        c.published_on, 2, 1, min(d.value, d.disclosed_value), max(d.value, d.disclosed_value),
        c.fact_id, 'disclosed'
    FROM derived_conflict AS d
    JOIN candidate AS c ON c.fact_id = d.disclosed_fact
    WHERE NOT d.disclosed_conflict
)
SELECT
    m.entity, m.metric, m.segment, m.period_label, m.period_end, m.measure, m.basis, m.unit,
    m.value, m.value_high, m.qualifier, m.precision, f.value_text,
    m.disclosure_type, m.source, s.publisher, m.published_on,
    m.group_facts, m.disagrees_with, m.group_min, m.group_max,
    m.group_max - m.group_min AS spread,
    f.quote, m.fact_id, m.how
-- LEFT JOIN keeps the listed rows the outer loop (with statistics, after ANALYZE, SQLite
-- might otherwise read every fact and probe them with each); a derived row has no fact.
FROM listed AS m
LEFT JOIN facts AS f ON f.fact_id = m.fact_id
LEFT JOIN sources AS s ON s.source_id = f.source_id
ORDER BY m.entity, m.metric, m.segment, m.period_end, m.period_label, m.measure, m.basis,
         m.value, m.fact_id
