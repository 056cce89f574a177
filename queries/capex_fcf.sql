-- name: capex-fcf
-- view: capex_vs_fcf
-- title: Capex against free cash flow
-- description: Per entity and fiscal period (quarters, halves, nine months, fiscal years, trailing twelve months): gross and cash capex, twelve-month capex, operating cash flow and free cash flow, and growth on a year earlier; discrete quarters derived from year-to-date figures where none is disclosed; guidance in rows of its own.
-- params: entity, as_of, min_rank
-- table: period_label:period, basis, capex=usd, capex_cash:cash capex=usd, capex_ttm:capex TTM=usd, fcf_ttm:FCF TTM=usd, capex_yoy_pct:capex YoY=pct
-- chart: x=period_label; series=capex,capex_cash,capex_ttm,operating_cash_flow_ttm,fcf_ttm; only=basis:actual,period_kind:quarter
WITH
--@include choice
,
--@include derivation
-- Discrete quarters derived from year-to-date figures and four-quarter sums come from the
-- derivation layer (queries/derivation.sql); a disclosed figure wins over a derived one.
, figure_used AS (
    SELECT * FROM figure
    WHERE segment = ''
      AND metric IN ('capex', 'capex_cash', 'operating_cash_flow', 'free_cash_flow')
      AND basis IN ('actual', 'guidance', 'estimate', 'consensus')
      AND period_kind IN ('quarter', 'half_year', 'nine_months', 'fiscal_year', 'ttm')
),
-- Periods as disclosed, and derived quarters; a derived four-quarter sum fills the TTM
-- columns only (it is no period of its own here).
level AS (
    SELECT * FROM figure_used WHERE NOT (period_kind = 'ttm' AND how <> 'disclosed')
),
quarter_sum AS (
    SELECT entity_id, basis, period_end,
        max(CASE WHEN metric = 'capex' THEN value END) AS capex,
        max(CASE WHEN metric = 'capex' THEN how END) AS capex_how,
        max(CASE WHEN metric = 'capex' THEN disclosure_type END) AS capex_disclosure,
        max(CASE WHEN metric = 'operating_cash_flow' THEN value END) AS operating_cash_flow,
        max(CASE WHEN metric = 'operating_cash_flow' THEN how END) AS operating_cash_flow_how,
        max(CASE WHEN metric = 'operating_cash_flow' THEN disclosure_type END)
            AS operating_cash_flow_disclosure
    FROM figure_used
    WHERE period_kind = 'ttm' AND how <> 'disclosed'
    GROUP BY entity_id, basis, period_end
),
-- The figures of each period, one column each, with their provenance.
period AS (
    SELECT entity_id, entity, basis, period_kind, period_end,
        max(period_label) AS period_label, max(period_start) AS period_start,
        max(fiscal_year) AS fiscal_year, max(fiscal_quarter) AS fiscal_quarter,
        max(CASE WHEN metric = 'capex' THEN value END) AS capex,
        max(CASE WHEN metric = 'capex' THEN how END) AS capex_how,
        max(CASE WHEN metric = 'capex' THEN disclosure_type END) AS capex_disclosure,
        max(CASE WHEN metric = 'capex' THEN source END) AS capex_source,
        max(CASE WHEN metric = 'capex' THEN competing END) AS capex_competing,
        max(CASE WHEN metric = 'capex' THEN disagree END) AS capex_conflict,
        max(CASE WHEN metric = 'capex_cash' THEN value END) AS capex_cash,
        max(CASE WHEN metric = 'capex_cash' THEN how END) AS capex_cash_how,
        max(CASE WHEN metric = 'capex_cash' THEN disclosure_type END) AS capex_cash_disclosure,
        max(CASE WHEN metric = 'capex_cash' THEN source END) AS capex_cash_source,
        max(CASE WHEN metric = 'capex_cash' THEN competing END) AS capex_cash_competing,
        max(CASE WHEN metric = 'capex_cash' THEN disagree END) AS capex_cash_conflict
    FROM level
    GROUP BY entity_id, entity, basis, period_kind, period_end
),
-- Figures disclosed for the twelve months ending on a date (a fiscal year or a TTM).
twelve AS (
    SELECT entity_id, basis, period_end,
        max(CASE WHEN metric = 'capex' THEN value END) AS capex,
        max(CASE WHEN metric = 'capex' THEN disclosure_type END) AS capex_disclosure,
        max(CASE WHEN metric = 'capex' THEN source END) AS capex_source,
        max(CASE WHEN metric = 'capex' THEN competing END) AS capex_competing,
        max(CASE WHEN metric = 'capex' THEN disagree END) AS capex_conflict,
        max(CASE WHEN metric = 'operating_cash_flow' THEN value END) AS ocf,
        max(CASE WHEN metric = 'operating_cash_flow' THEN disclosure_type END) AS ocf_disclosure,
        max(CASE WHEN metric = 'operating_cash_flow' THEN source END) AS ocf_source,
        max(CASE WHEN metric = 'free_cash_flow' THEN value END) AS fcf,
        max(CASE WHEN metric = 'free_cash_flow' THEN disclosure_type END) AS fcf_disclosure,
        max(CASE WHEN metric = 'free_cash_flow' THEN source END) AS fcf_source,
        max(CASE WHEN metric = 'free_cash_flow' THEN competing END) AS fcf_competing,
        max(CASE WHEN metric = 'free_cash_flow' THEN disagree END) AS fcf_conflict
    FROM level
    WHERE period_kind IN ('fiscal_year', 'ttm')
    GROUP BY entity_id, basis, period_end
),
base AS (
    SELECT p.*,
        coalesce(t.capex, s.capex) AS capex_ttm,
        CASE WHEN t.capex IS NOT NULL THEN 'disclosed' ELSE s.capex_how END AS capex_ttm_how,
        t.capex_disclosure AS capex_ttm_disclosure, t.capex_source AS capex_ttm_source,
        t.capex_competing AS capex_ttm_competing, t.capex_conflict AS capex_ttm_conflict,
        coalesce(t.ocf, s.operating_cash_flow) AS operating_cash_flow_ttm,
        CASE WHEN t.ocf IS NOT NULL THEN 'disclosed' ELSE s.operating_cash_flow_how
        END AS operating_cash_flow_ttm_how,
        t.ocf_disclosure AS operating_cash_flow_ttm_disclosure,
        t.ocf_source AS operating_cash_flow_ttm_source,
        t.fcf AS fcf_disclosed_ttm,
        t.fcf_disclosure AS fcf_ttm_disclosure, t.fcf_source AS fcf_ttm_source,
        t.fcf_competing AS fcf_ttm_competing, t.fcf_conflict AS fcf_ttm_conflict
    FROM period AS p
    LEFT JOIN twelve AS t
      ON t.entity_id = p.entity_id AND t.basis = p.basis AND t.period_end = p.period_end
    LEFT JOIN quarter_sum AS s
      ON s.entity_id = p.entity_id AND s.basis = p.basis AND s.period_end = p.period_end
),
with_fcf AS (
    SELECT b.*,
        coalesce(b.fcf_disclosed_ttm, b.operating_cash_flow_ttm - b.capex_ttm) AS fcf_ttm,
        CASE WHEN b.fcf_disclosed_ttm IS NOT NULL THEN 'disclosed'
             WHEN b.operating_cash_flow_ttm - b.capex_ttm IS NOT NULL
             THEN 'derived: operating_cash_flow_ttm - capex_ttm (gross capex; '
                  || 'not the company''s own free cash flow definition)' END AS fcf_ttm_how
    FROM base AS b
)
SELECT
    w.entity, w.period_label, w.period_kind, w.period_start, w.period_end, w.basis,
    w.capex, w.capex_cash, w.capex_ttm, w.operating_cash_flow_ttm, w.fcf_ttm,
    round(100.0 * (w.capex - y.capex) / y.capex, 4) AS capex_yoy_pct,
    round(100.0 * (w.capex_ttm - y.capex_ttm) / y.capex_ttm, 4) AS capex_ttm_yoy_pct,
    round(100.0 * (w.fcf_ttm - y.fcf_ttm) / abs(y.fcf_ttm), 4) AS fcf_ttm_yoy_pct,
    w.capex_how, w.capex_disclosure, w.capex_source, w.capex_competing, w.capex_conflict,
    w.capex_cash_how, w.capex_cash_disclosure, w.capex_cash_source, w.capex_cash_competing,
    w.capex_cash_conflict,
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
