-- fragment: growth
-- title: Growth and change measures computed from two levels
-- description: Follows `levels` and a CTE `growth_wanted` that the including report defines: one row per figure of a growth or change measure it wants computed (at least entity_id, read_as (the metric whose levels to read), segment, basis, measure, unit, period_kind, period_start, period_end, fiscal_year, fiscal_quarter). `growth_computed` is each wanted row with the level of its period (`level_now`), the level it is compared with (`level_prev`: `yoy_*` the same kind of period a fiscal year earlier, `qoq_*` the quarter before; fiscal years count as twelve months, so they roll by a quarter with TTM) and `computed`: `_pct` 100 x (now - before) / |before|, `_multiple` now / before, `_change` now - before (x 100 in `bps`). The one computation of a growth rate from levels: the consistency report checks claims with it, the watchlist fills in a growth no one disclosed.
--
-- A fragment, not a view: the including report says which figures it wants (consistency:
-- every claim under each reading of its metric; watchlist: every period of a watch item),
-- and every one of them is computed here alike.
--
-- Each wanted figure with the period it is compared with: a year earlier for `yoy_*`,
-- the quarter before for `qoq_*`.
growth_step AS (
    SELECT w.*,
        CASE w.period_kind WHEN 'fiscal_year' THEN 'ttm' ELSE w.period_kind END AS family,
        CASE WHEN w.measure LIKE 'yoy%' THEN w.fiscal_year - 1
             WHEN w.fiscal_quarter = 1 THEN w.fiscal_year - 1
             ELSE w.fiscal_year END AS prev_year,
        CASE WHEN w.measure LIKE 'yoy%' THEN w.fiscal_quarter
             WHEN w.fiscal_quarter = 1 THEN 4
             ELSE w.fiscal_quarter - 1 END AS prev_quarter
    FROM growth_wanted AS w
),
growth_computed AS (
    SELECT k.*,
        now.value AS level_now, now.period_label AS level_period,
        now.source AS level_now_source, now.disclosure_type AS level_now_disclosure,
        now.how AS level_now_how, prev.how AS level_prev_how,
        now.shown AS level_now_shown, prev.shown AS level_prev_shown,
        now.fact_id AS level_now_fact, prev.fact_id AS level_prev_fact,
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
    FROM growth_step AS k
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
)
