-- name: capex-fcf
-- view: capex_vs_fcf
-- title: Capex against free cash flow
-- description: Per entity and fiscal period (quarters, halves, nine months, fiscal years, trailing twelve months): gross and cash capex, twelve-month capex, operating cash flow and free cash flow, and growth on a year earlier; guidance in rows of its own.
-- params: entity, as_of, min_rank
-- table: period_label:period, basis, capex=usd, capex_cash:cash capex=usd, capex_ttm:capex TTM=usd, fcf_ttm:FCF TTM=usd, capex_yoy_pct:capex YoY=pct
-- chart: x=period_label; series=capex,capex_cash,capex_ttm,operating_cash_flow_ttm,fcf_ttm; only=basis:actual,period_kind:quarter
WITH
--@include choice
, level AS (
    SELECT * FROM chosen
    WHERE measure = 'level' AND segment = ''
      AND metric IN ('capex', 'capex_cash', 'operating_cash_flow', 'free_cash_flow')
      AND basis IN ('actual', 'guidance', 'estimate', 'consensus')
      AND period_kind IN ('quarter', 'half_year', 'nine_months', 'fiscal_year', 'ttm')
),
grid AS (
    SELECT DISTINCT entity_id, entity, period_id, period_label, period_kind, period_start,
           period_end, fiscal_year, fiscal_quarter, basis
    FROM level
),
-- Figures disclosed for the twelve months ending on a date (a fiscal year or a TTM).
twelve AS (
    SELECT * FROM level WHERE period_kind IN ('fiscal_year', 'ttm')
),
-- Sums of the four quarters ending on a date, where all four are there.
quarter_sum AS (
    SELECT e.entity_id, e.period_end, e.basis, q.metric,
           sum(q.value) AS value, count(*) AS quarters,
           min(q.trust_rank) AS best_rank, max(q.trust_rank) AS worst_rank
    FROM (SELECT DISTINCT entity_id, period_end, basis FROM grid) AS e
    JOIN level AS q
      ON q.entity_id = e.entity_id AND q.basis = e.basis AND q.period_kind = 'quarter'
     AND q.period_end <= e.period_end
     AND q.period_start >= date(e.period_end, '+1 day', '-12 months')
    GROUP BY e.entity_id, e.period_end, e.basis, q.metric
    HAVING count(*) = 4
),
base AS (
    SELECT
        g.entity, g.entity_id, g.period_label, g.period_kind, g.period_start, g.period_end,
        g.fiscal_year, g.fiscal_quarter, g.basis,
        cx.value AS capex,
        cx.disclosure_type AS capex_disclosure, cx.source AS capex_source,
        cx.competing AS capex_competing, cx.disagree AS capex_conflict,
        cc.value AS capex_cash,
        cc.disclosure_type AS capex_cash_disclosure, cc.source AS capex_cash_source,
        cc.competing AS capex_cash_competing, cc.disagree AS capex_cash_conflict,
        coalesce(cxt.value, cxs.value) AS capex_ttm,
        CASE WHEN cxt.value IS NOT NULL THEN 'disclosed'
             WHEN cxs.value IS NOT NULL THEN 'derived: sum of 4 quarters' END AS capex_ttm_how,
        cxt.disclosure_type AS capex_ttm_disclosure, cxt.source AS capex_ttm_source,
        cxt.competing AS capex_ttm_competing, cxt.disagree AS capex_ttm_conflict,
        coalesce(oct.value, ocs.value) AS operating_cash_flow_ttm,
        CASE WHEN oct.value IS NOT NULL THEN 'disclosed'
             WHEN ocs.value IS NOT NULL THEN 'derived: sum of 4 quarters' END AS operating_cash_flow_ttm_how,
        oct.disclosure_type AS operating_cash_flow_ttm_disclosure,
        oct.source AS operating_cash_flow_ttm_source,
        fct.value AS fcf_disclosed_ttm,
        fct.disclosure_type AS fcf_ttm_disclosure, fct.source AS fcf_ttm_source,
        fct.competing AS fcf_ttm_competing, fct.disagree AS fcf_ttm_conflict
    FROM grid AS g
    LEFT JOIN level AS cx
      ON cx.entity_id = g.entity_id AND cx.period_id = g.period_id AND cx.basis = g.basis
     AND cx.metric = 'capex'
    LEFT JOIN level AS cc
      ON cc.entity_id = g.entity_id AND cc.period_id = g.period_id AND cc.basis = g.basis
     AND cc.metric = 'capex_cash'
    LEFT JOIN twelve AS cxt
      ON cxt.entity_id = g.entity_id AND cxt.period_end = g.period_end AND cxt.basis = g.basis
     AND cxt.metric = 'capex'
    LEFT JOIN quarter_sum AS cxs
      ON cxs.entity_id = g.entity_id AND cxs.period_end = g.period_end AND cxs.basis = g.basis
     AND cxs.metric = 'capex'
    LEFT JOIN twelve AS oct
      ON oct.entity_id = g.entity_id AND oct.period_end = g.period_end AND oct.basis = g.basis
     AND oct.metric = 'operating_cash_flow'
    LEFT JOIN quarter_sum AS ocs
      ON ocs.entity_id = g.entity_id AND ocs.period_end = g.period_end AND ocs.basis = g.basis
     AND ocs.metric = 'operating_cash_flow'
    LEFT JOIN twelve AS fct
      ON fct.entity_id = g.entity_id AND fct.period_end = g.period_end AND fct.basis = g.basis
     AND fct.metric = 'free_cash_flow'
),
with_fcf AS (
    SELECT b.*,
        coalesce(b.fcf_disclosed_ttm, b.operating_cash_flow_ttm - b.capex_ttm) AS fcf_ttm,
        CASE WHEN b.fcf_disclosed_ttm IS NOT NULL THEN 'disclosed'
             WHEN b.operating_cash_flow_ttm - b.capex_ttm IS NOT NULL
             THEN 'derived: operating_cash_flow_ttm - capex_ttm' END AS fcf_ttm_how
    FROM base AS b
)
SELECT
    w.entity, w.period_label, w.period_kind, w.period_start, w.period_end, w.basis,
    w.capex, w.capex_cash, w.capex_ttm, w.operating_cash_flow_ttm, w.fcf_ttm,
    round(100.0 * (w.capex - y.capex) / y.capex, 4) AS capex_yoy_pct,
    round(100.0 * (w.capex_ttm - y.capex_ttm) / y.capex_ttm, 4) AS capex_ttm_yoy_pct,
    round(100.0 * (w.fcf_ttm - y.fcf_ttm) / abs(y.fcf_ttm), 4) AS fcf_ttm_yoy_pct,
    w.capex_disclosure, w.capex_source, w.capex_competing, w.capex_conflict,
    w.capex_cash_disclosure, w.capex_cash_source, w.capex_cash_competing, w.capex_cash_conflict,
    w.capex_ttm_how, w.capex_ttm_disclosure, w.capex_ttm_source, w.capex_ttm_competing,
    w.capex_ttm_conflict,
    w.operating_cash_flow_ttm_how, w.operating_cash_flow_ttm_disclosure,
    w.operating_cash_flow_ttm_source,
    w.fcf_ttm_how, w.fcf_ttm_disclosure, w.fcf_ttm_source, w.fcf_ttm_competing,
    w.fcf_ttm_conflict,
    y.period_label AS yoy_base_period
FROM with_fcf AS w
LEFT JOIN with_fcf AS y
  ON y.entity_id = w.entity_id AND y.period_kind = w.period_kind AND y.basis = 'actual'
 AND y.fiscal_year = w.fiscal_year - 1 AND y.fiscal_quarter IS w.fiscal_quarter
ORDER BY w.entity, w.period_end,
    CASE w.period_kind WHEN 'quarter' THEN 1 WHEN 'half_year' THEN 2 WHEN 'nine_months' THEN 3
        WHEN 'ttm' THEN 4 ELSE 5 END,
    CASE w.basis WHEN 'actual' THEN 1 ELSE 2 END, w.basis
