-- name: consensus
-- view: consensus
-- title: Actuals against consensus
-- description: Where a chosen actual and a chosen consensus figure exist for the same entity, metric, segment, period, measure and unit: both figures and the surprise. Figures are the chosen values (a range's low end). A level's surprise is in % of the consensus (100 * (actual - consensus) / |consensus|); a growth rate's (yoy_pct, qoq_pct) or any percentage's is actual - consensus in pp; other growth measures (changes, multiples) and figures in pp or bps give actual - consensus in their own unit.
-- params: entity, as_of, min_disclosure
-- table: metric, segment, period_label:period, measure, actual=num, consensus=num, surprise=num*, surprise_unit:unit
WITH RECURSIVE
--@include choice
, paired AS (
    SELECT
        a.entity, a.metric, a.segment, a.period_label, a.period_start, a.period_end,
        a.measure, a.unit, a.value AS actual, c.value AS consensus,
        CASE
            WHEN a.measure LIKE '%\_pct' ESCAPE '\' OR a.unit = '%' THEN 'pp'
            WHEN a.measure = 'level' AND a.unit NOT IN ('pp', 'bps') THEN '%'
            ELSE a.unit
        END AS surprise_unit,
        a.disclosure_type AS actual_disclosure, a.source AS actual_source,
        a.competing AS actual_competing, a.disagree AS actual_conflict,
        c.disclosure_type AS consensus_disclosure, c.source AS consensus_source,
        c.competing AS consensus_competing, c.disagree AS consensus_conflict,
        a.fact_id AS actual_fact_id
    FROM chosen AS a
    JOIN chosen AS c
      ON c.entity_id = a.entity_id AND c.metric_id = a.metric_id AND c.segment = a.segment
     AND c.period_id = a.period_id AND c.measure = a.measure AND c.unit_id = a.unit_id
     AND c.basis = 'consensus'
    WHERE a.basis = 'actual'
),
surprised AS (
    SELECT p.*,
        CASE surprise_unit
            WHEN '%' THEN round(100.0 * (actual - consensus) / abs(consensus), 4)
            ELSE round(actual - consensus, 4)
        END AS raw_surprise
    FROM paired AS p
)
SELECT
    entity, metric, segment, period_label, period_start, period_end, measure, unit,
    actual, consensus,
    -- Rounded to 4 decimals; a whole number stays an INTEGER (as stored values do), so
    -- every client prints it alike.
    CASE WHEN raw_surprise = CAST(raw_surprise AS BIGINT) THEN CAST(raw_surprise AS BIGINT)
         ELSE raw_surprise END AS surprise,
    surprise_unit,
    actual_disclosure, actual_source, actual_competing, actual_conflict,
    consensus_disclosure, consensus_source, consensus_competing, consensus_conflict
FROM surprised
ORDER BY entity, metric, segment, period_end, period_start, period_label, measure, unit,
    actual_fact_id
