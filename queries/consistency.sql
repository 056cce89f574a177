-- name: consistency
-- view: consistency
-- title: Are the growth claims consistent with the levels?
-- description: Every growth or change claim (measure other than level) recomputed from the level figures it refers to (chosen, else derived by the derivation layer, else implied by a declared definition: level_now_how and level_prev_how give the lineage) (same metric, segment and basis, a year or a quarter earlier; the computation is the shared fragment queries/growth.sql): claimed, computed, difference, and status consistent / inconsistent (outside the claim's own precision) / explained (inconsistent, but consistent under a declared alternative reading of the metric, queries/definition.sql, which `explained_by` names with its figures) / unverifiable (a level is missing).
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
,
--@include levels
,
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
    SELECT c.*
    FROM candidate AS c
    WHERE c.measure <> 'level'
),
-- What the growth fragment recomputes: each claim under each reading.
growth_wanted AS (
    SELECT c.*,
        CASE WHEN r.metric IS NOT NULL THEN 1 ELSE 0 END AS alternative,
        coalesce(r.metric, c.metric) AS read_as,
        r.name AS reading_name
    FROM claimed AS c
    JOIN reading AS r
      ON r.alternative_to IS NULL
      OR (r.alternative_to = c.metric AND (r.entity IS NULL OR r.entity = c.entity))
),
--@include growth
,
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
    FROM growth_computed AS r
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
