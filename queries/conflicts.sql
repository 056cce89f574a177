-- name: conflicts
-- view: conflicts
-- title: Conflicting figures
-- description: Every group of facts for the same entity, metric, segment, period, measure, basis and unit in which two values disagree by more than half the coarser precision (bounds and ranges count as intervals), with each value's source and disclosure type; and every derived figure (queries/derivation.sql) that disagrees so with the disclosed figure of the same period, beside that figure (`how` gives the derived figure's lineage, 'disclosed' for a fact). `explained_by` names the declared definition (queries/definition.sql) that reproduces a disagreeing fact within its precision, with the figures; `disagrees_unexplained` counts the facts it disagrees with where neither is so explained.
-- params: entity, as_of, min_disclosure
-- table: metric, period_label:period, measure, value_text:value, disclosure_type:trust=trust, source, explained_by
WITH RECURSIVE
--@include choice
,
--@include derivation
,
--@include definition
,
--@include defined
, -- How many facts each fact disagrees with, and how many of those disagreements no
-- declared definition explains.
disagreements AS MATERIALIZED (
    SELECT CASE t.derived WHEN 0 THEN p.a_id ELSE p.b_id END AS fact_id, count(*) AS n,
        CAST(sum(1 - p.explained) AS BIGINT) AS unexplained
    FROM pair_status AS p
    CROSS JOIN twin AS t
    GROUP BY 1
),
conflicted AS MATERIALIZED (
    SELECT DISTINCT c.entity_id, c.metric_id, c.segment, c.period_id, c.measure, c.basis, c.unit_id
    FROM pair_status AS p JOIN candidate AS c ON c.fact_id = p.a_id
),
members AS (
    SELECT c.*,
        count(*) OVER grp AS group_facts,
        min(c.value) OVER grp AS group_min,
        max(coalesce(c.value_high, c.value)) OVER grp AS group_max,
        ifnull(d.n, 0) AS disagrees_with, ifnull(d.unexplained, 0) AS disagrees_unexplained,
        x.explained_by
    FROM candidate AS c
    JOIN conflicted AS k
      ON k.entity_id = c.entity_id AND k.metric_id = c.metric_id AND k.segment = c.segment
     AND k.period_id = c.period_id AND k.measure = c.measure AND k.basis = c.basis
     AND k.unit_id = c.unit_id
    LEFT JOIN disagreements AS d ON d.fact_id = c.fact_id
    LEFT JOIN explained AS x ON x.fact_id = c.fact_id
    WINDOW grp AS (PARTITION BY c.entity_id, c.metric_id, c.segment, c.period_id, c.measure,
                   c.basis, c.unit_id)
),
-- A derived figure (queries/derivation.sql) that disagrees with the disclosed figure of the
-- same period, and that disclosed fact when its own group does not already list it.
derived_conflict AS (
    SELECT * FROM derived_figure WHERE disagrees = 1
),
listed AS (
    SELECT m.entity, m.metric, m.segment, m.period_label, m.period_end, m.measure, m.basis,
        m.unit, m.value, m.value_high, m.qualifier, m.precision, m.disclosure_type, m.source,
        m.published_on, m.group_facts, m.disagrees_with, m.disagrees_unexplained,
        m.explained_by, m.group_min, m.group_max, m.fact_id, 'disclosed' AS how
    FROM members AS m
    UNION ALL
    SELECT d.entity, d.metric, d.segment, d.period_label, d.period_end, 'level', d.basis,
        d.unit, d.value, NULL, 'exact', d.precision, d.disclosure_type, NULL, NULL, 2, 1, 1,
        NULL,
        CASE WHEN d.value <= d.disclosed_value THEN d.value ELSE d.disclosed_value END,
        CASE WHEN d.value >= d.disclosed_value THEN d.value ELSE d.disclosed_value END,
        NULL, d.how
    FROM derived_conflict AS d
    UNION ALL
    SELECT c.entity, c.metric, c.segment, c.period_label, c.period_end, c.measure, c.basis,
        c.unit, c.value, c.value_high, c.qualifier, c.precision, c.disclosure_type, c.source,
        c.published_on, 2, 1, 1, NULL,
        CASE WHEN d.value <= d.disclosed_value THEN d.value ELSE d.disclosed_value END,
        CASE WHEN d.value >= d.disclosed_value THEN d.value ELSE d.disclosed_value END,
        c.fact_id, 'disclosed'
    FROM derived_conflict AS d
    JOIN candidate AS c ON c.fact_id = d.disclosed_fact
    WHERE d.disclosed_conflict = 0
)
SELECT
    m.entity, m.metric, m.segment, m.period_label, m.period_end, m.measure, m.basis, m.unit,
    m.value, m.value_high, m.qualifier, m.precision, f.value_text,
    m.disclosure_type, m.source, s.publisher, m.published_on,
    m.group_facts, m.disagrees_with, m.group_min, m.group_max,
    m.group_max - m.group_min AS spread,
    f.quote, m.fact_id, m.how, m.disagrees_unexplained, m.explained_by
-- LEFT JOIN keeps the listed rows the outer loop (with statistics, after ANALYZE, SQLite
-- might otherwise read every fact and probe them with each); a derived row has no fact.
FROM listed AS m
LEFT JOIN facts AS f ON f.fact_id = m.fact_id
LEFT JOIN sources AS s ON s.source_id = f.source_id
ORDER BY m.entity, m.metric, m.segment, m.period_end, m.period_label, m.measure, m.basis,
         m.value, m.fact_id
