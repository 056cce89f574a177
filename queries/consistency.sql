-- name: consistency
-- view: consistency
-- title: Are the growth claims consistent with the levels?
-- description: Every growth or change claim (measure other than level) recomputed from the level figures it refers to (chosen, else derived by the derivation layer: level_now_how and level_prev_how give the lineage) (same metric, segment and basis, a year or a quarter earlier): claimed, computed, difference, and status consistent / inconsistent (outside the claim's own precision) / unverifiable (a level is missing).
-- params: entity, as_of, min_rank
-- table: metric, segment, period_label:period, measure, claimed=num, computed=num*, status
WITH
--@include choice
,
--@include derivation
-- Levels from the derivation layer: disclosed, else derived (a quarter from year-to-date
-- figures, a TTM from four quarters); level_now_how and level_prev_how say which.
, level AS (
    SELECT f.*, CASE f.period_kind WHEN 'fiscal_year' THEN 'ttm' ELSE f.period_kind END AS family
    FROM figure AS f
),
claim AS (
    SELECT c.*,
        CASE c.period_kind WHEN 'fiscal_year' THEN 'ttm' ELSE c.period_kind END AS family,
        CASE WHEN c.measure LIKE 'yoy%' THEN c.fiscal_year - 1
             WHEN c.fiscal_quarter = 1 THEN c.fiscal_year - 1
             ELSE c.fiscal_year END AS prev_year,
        CASE WHEN c.measure LIKE 'yoy%' THEN c.fiscal_quarter
             WHEN c.fiscal_quarter = 1 THEN 4
             ELSE c.fiscal_quarter - 1 END AS prev_quarter
    FROM candidate AS c
    WHERE c.measure <> 'level'
),
recomputed AS (
    SELECT k.*,
        now.value AS level_now, now.period_label AS level_period,
        now.source AS level_now_source, now.disclosure_type AS level_now_disclosure,
        now.how AS level_now_how, prev.how AS level_prev_how,
        prev.value AS level_prev, prev.period_label AS prev_period,
        prev.source AS level_prev_source, prev.disclosure_type AS level_prev_disclosure,
        CASE
            WHEN now.value IS NULL OR prev.value IS NULL THEN NULL
            WHEN k.measure IN ('yoy_pct', 'qoq_pct') AND prev.value <> 0
                THEN 100.0 * (now.value - prev.value) / abs(prev.value)
            WHEN k.measure IN ('yoy_multiple', 'qoq_multiple') AND prev.value <> 0
                THEN 1.0 * now.value / prev.value
            WHEN k.measure IN ('yoy_change', 'qoq_change')
                THEN (now.value - prev.value) * CASE k.unit WHEN 'bps' THEN 100 ELSE 1 END
        END AS computed
    FROM claim AS k
    LEFT JOIN level AS now
      ON now.entity_id = k.entity_id AND now.metric_id = k.metric_id
     AND now.segment = k.segment AND now.basis = k.basis AND now.period_id = k.period_id
    LEFT JOIN level AS prev
      ON prev.entity_id = k.entity_id AND prev.metric_id = k.metric_id
     AND prev.segment = k.segment AND prev.basis = k.basis AND prev.family = k.family
     AND prev.fiscal_year = k.prev_year AND prev.fiscal_quarter = k.prev_quarter
     AND prev.unit_id = now.unit_id
),
judged AS (
    SELECT r.*,
        0.5 * r.precision AS tolerance,
        CASE
            WHEN r.computed IS NULL THEN 'unverifiable'
            WHEN r.qualifier = 'at_least' AND r.computed >= r.value - 0.5 * r.precision
                THEN 'consistent'
            WHEN r.qualifier = 'at_most' AND r.computed <= r.value + 0.5 * r.precision
                THEN 'consistent'
            WHEN r.qualifier = 'range' AND r.computed >= r.value - 0.5 * r.precision
                 AND r.computed <= r.value_high + 0.5 * r.precision THEN 'consistent'
            WHEN r.qualifier IN ('exact', 'approx')
                 AND abs(r.computed - r.value) <= 0.5 * r.precision THEN 'consistent'
            ELSE 'inconsistent'
        END AS status
    FROM recomputed AS r
)
SELECT
    j.entity, j.metric, j.segment, j.period_label, j.measure, j.basis, j.unit,
    j.value AS claimed, j.value_high AS claimed_high, j.qualifier,
    round(j.computed, 4) AS computed,
    round(j.value - j.computed, 4) AS difference,
    j.tolerance, j.status,
    j.level_now, j.level_period, j.level_prev, j.prev_period,
    j.disclosure_type AS claim_disclosure, j.source,
    j.level_now_disclosure, j.level_now_source, j.level_prev_disclosure, j.level_prev_source,
    j.level_now_how, j.level_prev_how,
    'computed, difference' AS derived_columns,
    j.fact_id
FROM judged AS j
ORDER BY j.entity, j.metric, j.segment, j.period_end, j.measure, j.basis, j.fact_id
