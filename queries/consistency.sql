-- name: consistency
-- view: consistency
-- title: Are the growth claims consistent with the levels?
-- description: Every growth or change claim (measure other than level) recomputed from the level figures it refers to (chosen, else derived by the derivation layer, else implied by a declared definition: level_now_how and level_prev_how give the lineage) (same metric, segment and basis, a year or a quarter earlier): claimed, computed, difference, and status consistent / inconsistent (outside the claim's own precision) / explained (inconsistent, but consistent under a declared alternative reading of the metric, queries/definition.sql, which `explained_by` names with its figures) / unverifiable (a level is missing).
-- params: entity, as_of, min_disclosure
-- table: metric, segment, period_label:period, measure, claimed=num, computed=num*, status
WITH RECURSIVE
--@include choice
,
--@include derivation
,
--@include definition
,
--@include defined
-- Levels: the metrics the definitions name from `defined_figure` (disclosed, else derived
-- by the layer, else implied by a definition), every other metric from the layer.
, level AS MATERIALIZED (
    SELECT d.entity_id, d.metric, d.segment, d.basis, d.unit_id, d.period_start, d.period_end,
        d.period_label, d.fiscal_year, d.fiscal_quarter, d.value, d.source, d.disclosure_type,
        d.how, d.shown,
        CASE d.period_kind WHEN 'fiscal_year' THEN 'ttm' ELSE d.period_kind END AS family
    FROM defined_figure AS d
    WHERE d.pick = 1
    UNION ALL
    SELECT f.entity_id, f.metric, f.segment, f.basis, f.unit_id, f.period_start, f.period_end,
        f.period_label, f.fiscal_year, f.fiscal_quarter, f.value, f.source, f.disclosure_type,
        f.how, NULL,
        CASE f.period_kind WHEN 'fiscal_year' THEN 'ttm' ELSE f.period_kind END
    FROM figure AS f
    WHERE f.metric NOT IN (
        SELECT metric FROM definition UNION SELECT plus FROM definition WHERE plus IS NOT NULL
        UNION SELECT minus FROM definition WHERE minus IS NOT NULL)
),
-- How a claim is read: as its metric (the row with no alternative), and as each declared
-- alternative reading of that metric.
reading (alternative_to, metric, name, entity) AS (
    SELECT CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT)
    UNION ALL
    SELECT alternative_to, metric, name, entity FROM definition
    WHERE alternative_to IS NOT NULL
),
-- Claims, read once (materialized: joined with `reading` unmaterialized, SQLite would scan
-- every fact), then once as their metric and once per declared alternative.
claimed AS MATERIALIZED (
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
claim AS (
    SELECT c.*,
        CASE WHEN r.metric IS NOT NULL THEN 1 ELSE 0 END AS alternative,
        coalesce(r.metric, c.metric) AS read_as,
        r.name AS reading_name
    FROM claimed AS c
    JOIN reading AS r
      ON r.alternative_to IS NULL
      OR (r.alternative_to = c.metric AND (r.entity IS NULL OR r.entity = c.entity))
),
recomputed AS (
    SELECT k.*,
        now.value AS level_now, now.period_label AS level_period,
        now.source AS level_now_source, now.disclosure_type AS level_now_disclosure,
        now.how AS level_now_how, prev.how AS level_prev_how,
        now.shown AS level_now_shown, prev.shown AS level_prev_shown,
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
      ON now.entity_id = k.entity_id AND now.metric = k.read_as
     AND now.segment = k.segment AND now.basis = k.basis
     -- The same start, or none for both (an instant; '' is never a date).
     AND coalesce(now.period_start, '') = coalesce(k.period_start, '')
     AND now.period_end = k.period_end
    LEFT JOIN level AS prev
      ON prev.entity_id = k.entity_id AND prev.metric = k.read_as
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
),
-- Each claim as read under its own metric, with the first alternative reading under
-- which it is consistent, if any.
settled AS (
    SELECT j.*,
        first_value(CASE WHEN j.alternative = 1 AND j.status = 'consistent'
            THEN j.reading_name || ': '
                || CASE WHEN j.measure LIKE '%pct' THEN printf('%+.1f%%', j.computed)
                        ELSE printf('%.6g', round(j.computed, 4)) || ' ' || j.unit END
                || ' from ' || j.level_now_shown || ' on ' || j.level_prev_shown
            END) OVER (PARTITION BY j.fact_id
                ORDER BY j.alternative = 1 AND j.status = 'consistent' DESC, j.read_as)
            AS alternative_explains
    FROM judged AS j
)
SELECT
    j.entity, j.metric, j.segment, j.period_label, j.measure, j.basis, j.unit,
    j.value AS claimed, j.value_high AS claimed_high, j.qualifier,
    round(j.computed, 4) AS computed,
    round(j.value - j.computed, 4) AS difference,
    j.tolerance,
    CASE WHEN j.status = 'inconsistent' AND j.alternative_explains IS NOT NULL
         THEN 'explained' ELSE j.status END AS status,
    j.level_now, j.level_period, j.level_prev, j.prev_period,
    j.disclosure_type AS claim_disclosure, j.source,
    j.level_now_disclosure, j.level_now_source, j.level_prev_disclosure, j.level_prev_source,
    j.level_now_how, j.level_prev_how,
    'computed, difference' AS derived_columns,
    j.fact_id,
    CASE WHEN j.status = 'inconsistent' THEN j.alternative_explains END AS explained_by
FROM settled AS j
WHERE j.alternative = 0
ORDER BY j.entity, j.metric, j.segment, j.period_end, j.measure, j.basis, j.fact_id
