-- name: watchlist
-- view: watchlist
-- title: Has each watch item been met?
-- description: One row per watch item (table watch_items, from watch CSVs) and period of its kind from its first period on: the figure the shared choice rule picks for the item's entity, metric, segment, measure and unit with basis actual; for a level, else the figure the derivation layer derives (a quarter from year-to-date figures, TTM) or a declared definition implies; for a growth or change measure no one disclosed, computed from the two levels by the shared fragment queries/growth.sql (as the consistency report does). `status`: met (above: at least low; below: at most high; between: low to high inclusive), missed, unclear (the figure's qualifier, at_least / at_most / range / approx (read as give or take half its precision), leaves both possible) or pending: one row for the period after the last with a figure (the item's first period when none has one), and each period with a level but no level to compare it with (`how` names the missing one). `how` is the figure's lineage: disclosed, the layer's derivation, or the computation with both levels. Under --as-of, figures published later and watch items whose source is dated later (or undated) are left out.
-- params: entity, as_of, min_disclosure
-- table: metric, segment, measure, condition, low_text:low, high_text:high, period_label:period, value=num, status, how
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
-- Watch items after the options: the entity's (every entity's without one), and under
-- --as-of only those whose source was published by then (an undated source, like an
-- undated fact, is not known to have been). Bounds read from the typed columns, as
-- facts' values are (other engines do not see generated columns).
item AS MATERIALIZED (
    SELECT w.watch_id, w.entity_id, e.ticker AS entity, e.fiscal_year_end, w.metric_id,
        m.slug AS metric, w.segment, w.measure, w.condition,
        coalesce(w.low_int, w.low_real) AS low, coalesce(w.high_int, w.high_real) AS high,
        w.low_text, w.high_text, w.unit_id, u.unit,
        p.kind AS from_kind, p.label AS from_label, p.end_date AS from_end,
        s.slug AS watch_source, w.quote AS watch_quote, w.note AS watch_note
    FROM watch_items AS w
    JOIN entities AS e ON e.entity_id = w.entity_id
    JOIN metrics AS m ON m.metric_id = w.metric_id
    JOIN units AS u ON u.unit_id = w.unit_id
    JOIN periods AS p ON p.period_id = w.from_period_id
    JOIN sources AS s ON s.source_id = w.source_id
    CROSS JOIN params
    WHERE (params.entity IS NULL OR e.ticker = params.entity)
      AND (params.as_of IS NULL OR s.published_on <= params.as_of)
),
-- The level figures of each item's metric in the periods it watches: the same kind as its
-- first period (twelve months: TTM items take fiscal years, which end a TTM series' Q4)
-- ending on or after it.
item_level AS (
    SELECT i.watch_id, i.measure AS item_measure, i.unit AS item_unit,
        i.unit_id AS item_unit_id, l.*
    FROM item AS i
    JOIN level AS l
      ON l.entity_id = i.entity_id AND l.metric = i.metric AND l.segment = i.segment
     AND l.basis = 'actual'
     AND (l.period_kind = i.from_kind
          OR (i.from_kind = 'ttm' AND l.period_kind = 'fiscal_year'))
     AND l.period_end >= i.from_end
),
-- What the growth fragment computes: an item's measure in each period it has a level of.
growth_wanted AS (
    SELECT DISTINCT l.watch_id, l.entity_id, l.metric AS read_as, l.segment, l.basis,
        l.item_measure AS measure, l.item_unit AS unit, l.period_kind, l.period_label,
        l.period_start, l.period_end, l.fiscal_year, l.fiscal_quarter
    FROM item_level AS l
    WHERE l.item_measure <> 'level'
),
--@include growth
,
-- Every figure an item has, best first within a period: a level of the layer (or of a
-- definition); a growth or change as disclosed (chosen by the rule), else computed.
watch_figure AS (
    SELECT l.watch_id, l.period_kind, l.period_label, l.period_start, l.period_end,
        l.fiscal_year, l.fiscal_quarter, l.value, l.value_high, l.qualifier, l.precision,
        CASE WHEN l.fact_id IS NOT NULL THEN 'disclosed' ELSE l.how END AS how,
        l.fact_id, l.disclosure_type, l.source, 1 AS preference
    FROM item_level AS l
    WHERE l.item_measure = 'level' AND l.unit_id = l.item_unit_id
    UNION ALL
    SELECT i.watch_id, c.period_kind, c.period_label, c.period_start, c.period_end,
        c.fiscal_year, c.fiscal_quarter, c.value, c.value_high, c.qualifier, c.precision,
        'disclosed', c.fact_id, c.disclosure_type, c.source, 1
    FROM item AS i
    JOIN chosen AS c
      ON c.entity_id = i.entity_id AND c.metric_id = i.metric_id AND c.segment = i.segment
     AND c.measure = i.measure AND c.unit_id = i.unit_id AND c.basis = 'actual'
     AND (c.period_kind = i.from_kind
          OR (i.from_kind = 'ttm' AND c.period_kind = 'fiscal_year'))
     AND c.period_end >= i.from_end
    WHERE i.measure <> 'level'
    UNION ALL
    -- Computed from the two levels; a period with a level but nothing to compare it with
    -- has no figure yet (pending), and `how` says what is missing, so the row shows what
    -- would settle it.
    SELECT g.watch_id, g.period_kind, g.period_label, g.period_start, g.period_end,
        g.fiscal_year, g.fiscal_quarter, g.computed, NULL,
        CASE WHEN g.computed IS NOT NULL THEN 'exact' END, NULL,
        CASE WHEN g.computed IS NULL
             THEN 'no figure: ' || g.period_label || ' has a level ('
                  || CASE WHEN g.level_now_fact IS NOT NULL THEN 'fact ' || g.level_now_fact
                          ELSE g.level_now_how END
                  || CASE WHEN g.level_prev IS NULL
                          THEN '), but the period it is compared with (fiscal year '
                               || g.prev_year || ', quarter ' || g.prev_quarter
                               || ') has none'
                          ELSE '), but ' || g.prev_period || ' is 0' END
             ELSE 'computed: '
            || CASE WHEN g.measure LIKE '%pct'
                    THEN '100 x (' || g.period_label || ' - ' || g.prev_period || ') / |'
                         || g.prev_period || '|'
                    WHEN g.measure LIKE '%multiple'
                    THEN g.period_label || ' / ' || g.prev_period
                    ELSE '(' || g.period_label || ' - ' || g.prev_period || ')'
                         || CASE g.unit WHEN 'bps' THEN ' x 100' ELSE '' END
               END
            || ' from ' || g.period_label || ' ' || printf('%.15g', g.level_now) || ' ('
            || CASE WHEN g.level_now_fact IS NOT NULL THEN 'fact ' || g.level_now_fact
                    ELSE g.level_now_how END
            || ') and ' || g.prev_period || ' ' || printf('%.15g', g.level_prev) || ' ('
            || CASE WHEN g.level_prev_fact IS NOT NULL THEN 'fact ' || g.level_prev_fact
                    ELSE g.level_prev_how END
            || ')' END,
        NULL,
        -- As trusted as the less trusted of the two levels.
        CASE WHEN g.computed IS NULL THEN NULL
             WHEN g.level_now_disclosure = 'third_party_estimate'
                  OR g.level_prev_disclosure = 'third_party_estimate'
             THEN 'third_party_estimate'
             WHEN g.level_now_disclosure = 'management_commentary'
                  OR g.level_prev_disclosure = 'management_commentary'
             THEN 'management_commentary'
             ELSE 'audited' END,
        CASE WHEN g.computed IS NULL THEN NULL
             WHEN g.level_now_source IS NULL OR g.level_prev_source IS NULL
             THEN coalesce(g.level_now_source, g.level_prev_source)
             WHEN g.level_now_source = g.level_prev_source THEN g.level_now_source
             ELSE g.level_now_source || ', ' || g.level_prev_source END,
        CASE WHEN g.computed IS NULL THEN 3 ELSE 2 END
    FROM growth_computed AS g
    WHERE g.level_now IS NOT NULL
),
-- One figure per item and period: disclosed before computed; `latest` marks the item's
-- latest period with a figure.
picked AS (
    SELECT x.*,
        row_number() OVER (
            PARTITION BY x.watch_id, x.period_kind, x.period_end, coalesce(x.period_start, '')
            ORDER BY x.preference, x.fact_id) AS pick,
        row_number() OVER (PARTITION BY x.watch_id ORDER BY x.period_end DESC,
            x.preference, x.fact_id) AS latest
    FROM watch_figure AS x
),
-- Each item with each of its figures, or once with none. (`picked` is named only here:
-- SQLite expands a CTE anew at each name, with the growth fragment and the derivation
-- layer below it, and refuses a statement whose expansions nest too deep.)
item_figure AS (
    SELECT i.*, p.watch_id IS NOT NULL AS has_figure, p.latest, p.period_kind,
        p.period_label, p.period_end, p.fiscal_year, p.fiscal_quarter, p.value,
        p.value_high, p.qualifier, p.precision, p.how, p.fact_id, p.disclosure_type,
        p.source
    FROM item AS i
    LEFT JOIN picked AS p ON p.watch_id = i.watch_id AND p.pick = 1
),
-- A row per figure, and the pending row: the item's first period when none has a figure;
-- else the period after its latest (none when that period is not a fiscal quarter's, an
-- instant between quarter ends or a range of dates). A row becomes two by a join with
-- `twin`, as in the derivation layer.
watch_twin (pending) AS (VALUES (0), (1)),
with_pending AS (
    SELECT f.*, t.pending,
        -- The pending period's place, counted in quarters from year 0 (quarters, TTM and
        -- instants step by a quarter, halves by two, nine months and years by four).
        f.fiscal_year * 4 + f.fiscal_quarter - 1
            + CASE f.from_kind WHEN 'half_year' THEN 2 WHEN 'nine_months' THEN 4
                  WHEN 'fiscal_year' THEN 4 ELSE 1 END AS next_index,
        CAST(substr(f.fiscal_year_end, 1, 2) AS BIGINT) AS end_month,
        CAST(substr(f.fiscal_year_end, 4, 2) AS BIGINT) AS end_day
    FROM item_figure AS f
    JOIN watch_twin AS t
      ON (t.pending = 0 AND f.has_figure)
      OR (t.pending = 1 AND (NOT f.has_figure
          OR (f.latest = 1 AND f.fiscal_quarter IS NOT NULL AND f.from_kind <> 'range')))
),
-- The next period's fiscal year and quarter, and the month it ends in, counted from year
-- 0 as the facts path resolves a fiscal quarter (src/parse/period.rs: quarter q of year y
-- ends 12 (y - 1) + end month - 1 + 3 q months on, the end month being the entity's
-- fiscal_year_end's).
next_place AS (
    SELECT w.*,
        CAST((w.next_index - w.next_index % 4) / 4 AS BIGINT) AS next_year,
        w.next_index % 4 + 1 AS next_quarter,
        3 * w.next_index + w.end_month - 10 AS months
    FROM with_pending AS w
),
-- The days of each month in a year with no 29 February.
month_days (month, day_count) AS (
    VALUES (1, 31), (2, 28), (3, 31), (4, 30), (5, 31), (6, 30), (7, 31), (8, 31), (9, 30),
        (10, 31), (11, 30), (12, 31)
),
-- The day the next period ends: the fiscal year end's day of its month, or the month's
-- last day when the year ends on its month's last day (as src/parse/period.rs decides it,
-- in a year with no 29 February) or the month is shorter; 29 February in a leap year.
next_end AS (
    SELECT n.*,
        CAST((n.months - n.months % 12) / 12 AS BIGINT) AS end_year,
        n.months % 12 + 1 AS end_of_month,
        m.day_count + CASE WHEN m.month = 2
                           AND ((n.months - n.months % 12) / 12) % 4 = 0
                           AND (((n.months - n.months % 12) / 12) % 100 <> 0
                                OR ((n.months - n.months % 12) / 12) % 400 = 0)
                      THEN 1 ELSE 0 END AS month_length,
        n.end_day >= y.day_count AS at_month_end
    FROM next_place AS n
    LEFT JOIN month_days AS m ON m.month = n.months % 12 + 1
    LEFT JOIN month_days AS y ON y.month = n.end_month
),
judged AS (
    SELECT e.*,
        printf('%04d-%02d-%02d', e.end_year, e.end_of_month,
            CASE WHEN e.at_month_end OR e.end_day > e.month_length THEN e.month_length
                 ELSE e.end_day END) AS next_date,
        -- The interval the figure claims: a bound is open on one side; approximately is
        -- give or take half its precision; a range without its upper end decides nothing
        -- above its lower one.
        CASE e.qualifier WHEN 'at_most' THEN -1e308
             WHEN 'approx' THEN e.value - 0.5 * e.precision ELSE e.value END AS lo,
        CASE e.qualifier WHEN 'at_least' THEN 1e308 WHEN 'range' THEN e.value_high
             WHEN 'approx' THEN e.value + 0.5 * e.precision ELSE e.value END AS hi
    FROM next_end AS e
)
SELECT j.entity, j.metric, j.segment, j.measure, j.condition, j.low, j.high,
    j.low_text, j.high_text, j.unit,
    CASE WHEN j.pending = 0 THEN j.period_label
         WHEN NOT j.has_figure THEN j.from_label
         WHEN j.from_kind = 'instant' THEN j.next_date
         WHEN j.from_kind = 'fiscal_year' THEN 'FY' || j.next_year
         ELSE CASE j.from_kind
                  WHEN 'quarter' THEN 'Q' || j.next_quarter
                  WHEN 'ttm' THEN 'TTM Q' || j.next_quarter
                  WHEN 'half_year' THEN CASE j.next_quarter WHEN 2 THEN 'H1' ELSE 'H2' END
                  ELSE '9M' END
              || ' FY' || j.next_year
    END AS period_label,
    CASE WHEN j.pending = 0 THEN j.period_end
         WHEN NOT j.has_figure THEN j.from_end
         ELSE j.next_date END AS period_end,
    CASE WHEN j.pending = 0 THEN j.value END AS value,
    CASE WHEN j.pending = 0 THEN j.value_high END AS value_high,
    CASE WHEN j.pending = 0 THEN j.qualifier END AS qualifier,
    CASE
        WHEN j.pending = 1 OR j.value IS NULL THEN 'pending'
        WHEN j.condition = 'above'
            THEN CASE WHEN j.lo >= j.low THEN 'met' WHEN j.hi < j.low THEN 'missed'
                      ELSE 'unclear' END
        WHEN j.condition = 'below'
            THEN CASE WHEN j.hi <= j.high THEN 'met' WHEN j.lo > j.high THEN 'missed'
                      ELSE 'unclear' END
        ELSE CASE WHEN j.lo >= j.low AND j.hi <= j.high THEN 'met'
                  WHEN j.hi < j.low OR j.lo > j.high THEN 'missed' ELSE 'unclear' END
    END AS status,
    CASE WHEN j.pending = 0 THEN j.how END AS how,
    CASE WHEN j.pending = 0 THEN j.fact_id END AS fact_id,
    CASE WHEN j.pending = 0 THEN j.disclosure_type END AS disclosure_type,
    CASE WHEN j.pending = 0 THEN j.source END AS source,
    j.watch_source, j.watch_quote, j.watch_note, j.watch_id
FROM judged AS j
ORDER BY j.entity, j.metric, j.segment, j.measure, j.watch_id, j.pending,
    CASE WHEN j.pending = 0 THEN j.period_end END
