-- name: capex-fcf
-- view: capex_vs_fcf
-- title: Capex against free cash flow
-- description: Per entity and fiscal period (quarters, halves, nine months, fiscal years, trailing twelve months): gross and cash capex, twelve-month capex, operating cash flow and free cash flow, and growth on a year earlier; discrete quarters derived from year-to-date figures where none is disclosed; cash capex and free cash flow by the declared definitions (queries/definition.sql: the company's own where declared) where the lines exist, free cash flow with gross capex beside them, and a disclosed free cash flow compared with the one its company's definition gives; guidance in rows of its own.
-- params: entity, as_of, min_disclosure
-- table: period_label:period, basis, capex=usd, capex_cash:cash capex=usd, capex_ttm:capex TTM=usd, fcf_ttm:FCF TTM=usd, fcf_gross_ttm:FCF gross TTM=usd, capex_yoy_pct:capex YoY=pct
-- chart: x=period_label; series=capex,capex_cash,capex_ttm,operating_cash_flow_ttm,fcf_ttm; only=basis:actual,period_kind:quarter
WITH RECURSIVE
--@include choice
,
--@include derivation
,
--@include definition
,
--@include defined
-- Discrete quarters derived from year-to-date figures and four-quarter sums come from the
-- derivation layer (queries/derivation.sql), a disclosed figure winning over a derived
-- one; cash capex and free cash flow by a declared definition from queries/defined.sql.
-- Each of those is named once here: SQLite expands a CTE at every name (and everything
-- below it), so the steps below pivot and use window functions instead of self-joins.
, used AS MATERIALIZED (
    SELECT d.* FROM defined_figure AS d
    WHERE d.segment = ''
      AND d.basis IN ('actual', 'guidance', 'estimate', 'consensus')
      AND d.period_kind IN ('quarter', 'half_year', 'nine_months', 'fiscal_year', 'ttm')
      AND ((d.round = 0
            AND d.metric IN ('capex', 'capex_cash', 'operating_cash_flow', 'free_cash_flow'))
        OR (d.round > 0 AND d.pick_implied = 1
            AND d.metric IN ('capex_cash', 'free_cash_flow', 'free_cash_flow_gross')))
),
-- The layer's figures, a group's disagreement counted only when no declared definition
-- explains it; and cash capex implied by a definition where the layer has none.
figure_used AS (
    SELECT g.entity_id, g.entity, g.metric, g.basis, g.period_kind, g.period_label,
        g.period_start, g.period_end, g.fiscal_year, g.fiscal_quarter, g.value, g.precision,
        g.how, g.disclosure_type, g.source, g.competing,
        CASE WHEN g.round = 0 AND g.disagree = 1 AND EXISTS (
            SELECT 1 FROM unsettled AS u
            WHERE u.entity_id = g.entity_id AND u.metric_id = g.metric_id
              AND u.segment = g.segment AND u.period_id = g.period_id AND u.measure = 'level'
              AND u.basis = g.basis AND u.unit_id = g.unit_id) THEN 1 ELSE 0 END AS disagree
    FROM used AS g
    WHERE g.round = 0 OR (g.metric = 'capex_cash' AND g.pick = 1)
),
-- The figures of each period, one column each with their provenance; a derived
-- four-quarter sum is a row of its own here (`derived_sum`), which only fills the TTM
-- columns below, and a figure implied by a definition fills a period, never makes one.
pivoted AS (
    SELECT entity_id, entity, basis, period_kind, period_end,
        period_kind = 'ttm' AND how LIKE 'derived: %' AS derived_sum,
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
        max(CASE WHEN metric = 'capex_cash' THEN disagree END) AS capex_cash_conflict,
        max(CASE WHEN metric = 'operating_cash_flow' THEN value END) AS ocf,
        max(CASE WHEN metric = 'operating_cash_flow' THEN how END) AS ocf_how,
        max(CASE WHEN metric = 'operating_cash_flow' THEN disclosure_type END)
            AS ocf_disclosure,
        max(CASE WHEN metric = 'operating_cash_flow' THEN source END) AS ocf_source,
        max(CASE WHEN metric = 'free_cash_flow' THEN value END) AS fcf,
        max(CASE WHEN metric = 'free_cash_flow' THEN precision END) AS fcf_precision,
        max(CASE WHEN metric = 'free_cash_flow' THEN disclosure_type END) AS fcf_disclosure,
        max(CASE WHEN metric = 'free_cash_flow' THEN source END) AS fcf_source,
        max(CASE WHEN metric = 'free_cash_flow' THEN competing END) AS fcf_competing,
        max(CASE WHEN metric = 'free_cash_flow' THEN disagree END) AS fcf_conflict
    FROM figure_used
    GROUP BY entity_id, entity, basis, period_kind, period_end, derived_sum
    HAVING max(how NOT LIKE 'derived by definition: %') = 1
),
-- Each period with the figures for the twelve months ending on its end date: disclosed
-- (a fiscal year or a TTM), else the derived sum of four quarters.
base AS (
    SELECT p.*,
        max(CASE WHEN twelve THEN p.capex END) OVER e AS t_capex,
        max(CASE WHEN twelve THEN p.capex_disclosure END) OVER e AS t_capex_disclosure,
        max(CASE WHEN twelve THEN p.capex_source END) OVER e AS t_capex_source,
        max(CASE WHEN twelve THEN p.capex_competing END) OVER e AS t_capex_competing,
        max(CASE WHEN twelve THEN p.capex_conflict END) OVER e AS t_capex_conflict,
        max(CASE WHEN twelve THEN p.ocf END) OVER e AS t_ocf,
        max(CASE WHEN twelve THEN p.ocf_disclosure END) OVER e AS t_ocf_disclosure,
        max(CASE WHEN twelve THEN p.ocf_source END) OVER e AS t_ocf_source,
        max(CASE WHEN twelve THEN p.fcf END) OVER e AS t_fcf,
        max(CASE WHEN twelve THEN p.fcf_precision END) OVER e AS t_fcf_precision,
        max(CASE WHEN twelve THEN p.fcf_disclosure END) OVER e AS t_fcf_disclosure,
        max(CASE WHEN twelve THEN p.fcf_source END) OVER e AS t_fcf_source,
        max(CASE WHEN twelve THEN p.fcf_competing END) OVER e AS t_fcf_competing,
        max(CASE WHEN twelve THEN p.fcf_conflict END) OVER e AS t_fcf_conflict,
        max(CASE WHEN p.derived_sum THEN p.capex END) OVER e AS s_capex,
        max(CASE WHEN p.derived_sum THEN p.capex_how END) OVER e AS s_capex_how,
        max(CASE WHEN p.derived_sum THEN p.ocf END) OVER e AS s_ocf,
        max(CASE WHEN p.derived_sum THEN p.ocf_how END) OVER e AS s_ocf_how
    FROM (
        SELECT q.*,
            NOT q.derived_sum AND q.period_kind IN ('fiscal_year', 'ttm') AS twelve
        FROM pivoted AS q
    ) AS p
    WINDOW e AS (PARTITION BY p.entity_id, p.basis, p.period_end)
),
-- Free cash flow for the twelve months ending on a date by the declared definitions: the
-- company's own (even where a figure is disclosed, to compare) and with gross capex.
twelve_defined AS (
    SELECT u.entity_id, u.basis, u.period_end,
        max(CASE WHEN u.metric = 'free_cash_flow' THEN u.value END) AS fcf_company,
        max(CASE WHEN u.metric = 'free_cash_flow' THEN u.precision END)
            AS fcf_company_precision,
        max(CASE WHEN u.metric = 'free_cash_flow' THEN u.how END) AS fcf_company_how,
        max(CASE WHEN u.metric = 'free_cash_flow' THEN u.disclosure_type END)
            AS fcf_company_disclosure,
        max(CASE WHEN u.metric = 'free_cash_flow_gross' THEN u.value END) AS fcf_gross,
        max(CASE WHEN u.metric = 'free_cash_flow_gross' THEN u.how END) AS fcf_gross_how,
        max(CASE WHEN u.metric = 'free_cash_flow_gross' THEN u.disclosure_type END)
            AS fcf_gross_disclosure
    FROM used AS u
    LEFT JOIN days AS d ON d.day = u.period_end
    WHERE u.round > 0 AND u.period_kind IN ('fiscal_year', 'ttm')
      AND u.period_start = d.ttm_start
    GROUP BY u.entity_id, u.basis, u.period_end
),
-- Free cash flow: disclosed, else by the company's declared definition, else (saying so)
-- with gross capex.
with_fcf AS (
    SELECT b.*,
        coalesce(b.t_capex, b.s_capex) AS capex_ttm,
        CASE WHEN b.t_capex IS NOT NULL THEN 'disclosed' ELSE b.s_capex_how END
            AS capex_ttm_how,
        coalesce(b.t_ocf, b.s_ocf) AS operating_cash_flow_ttm,
        CASE WHEN b.t_ocf IS NOT NULL THEN 'disclosed' ELSE b.s_ocf_how END
            AS operating_cash_flow_ttm_how,
        d.fcf_company AS fcf_company_ttm, d.fcf_company_how AS fcf_company_ttm_how,
        d.fcf_company_disclosure AS fcf_company_ttm_disclosure,
        d.fcf_gross AS fcf_gross_ttm, d.fcf_gross_how AS fcf_gross_ttm_how,
        d.fcf_gross_disclosure AS fcf_gross_ttm_disclosure,
        coalesce(b.t_fcf, d.fcf_company, d.fcf_gross) AS fcf_ttm,
        CASE WHEN b.t_fcf IS NOT NULL THEN 'disclosed'
             WHEN d.fcf_company IS NOT NULL THEN d.fcf_company_how
             WHEN d.fcf_gross IS NOT NULL
             THEN 'derived: operating_cash_flow_ttm - capex_ttm (gross capex; '
                  || 'not the company''s own free cash flow definition)' END AS fcf_ttm_how,
        CASE WHEN b.t_fcf IS NOT NULL THEN b.t_fcf_disclosure
             WHEN d.fcf_company IS NOT NULL THEN d.fcf_company_disclosure
             ELSE d.fcf_gross_disclosure END AS fcf_ttm_disclosure,
        -- Year-on-year changes only between figures of one definition.
        CASE WHEN coalesce(b.t_fcf, d.fcf_company) IS NOT NULL THEN 'company'
             WHEN d.fcf_gross IS NOT NULL THEN 'gross' END AS fcf_ttm_definition,
        -- The disclosed figure and the one its company's definition gives, compared
        -- within half the coarser precision.
        CASE WHEN b.t_fcf IS NULL OR d.fcf_company IS NULL THEN NULL
             WHEN abs(b.t_fcf - d.fcf_company)
                  <= 0.5 * CASE WHEN b.t_fcf_precision >= d.fcf_company_precision
                                THEN b.t_fcf_precision ELSE d.fcf_company_precision END
             THEN 1 ELSE 0 END AS fcf_ttm_agrees
    FROM base AS b
    LEFT JOIN twelve_defined AS d
      ON d.entity_id = b.entity_id AND d.basis = b.basis AND d.period_end = b.period_end
    WHERE NOT b.derived_sum
),
-- The actual figures of the same kind of period one fiscal year earlier.
with_prev AS (
    SELECT w.*,
        max(CASE WHEN w.basis = 'actual' THEN w.capex END) OVER y AS y_capex,
        max(CASE WHEN w.basis = 'actual' THEN w.capex_ttm END) OVER y AS y_capex_ttm,
        max(CASE WHEN w.basis = 'actual' THEN w.fcf_ttm END) OVER y AS y_fcf_ttm,
        max(CASE WHEN w.basis = 'actual' THEN w.fcf_ttm_definition END) OVER y
            AS y_fcf_ttm_definition,
        max(CASE WHEN w.basis = 'actual' THEN w.period_label END) OVER y AS yoy_base_period
    FROM with_fcf AS w
    WINDOW y AS (PARTITION BY w.entity_id, w.period_kind, w.fiscal_quarter
                 ORDER BY w.fiscal_year RANGE BETWEEN 1 PRECEDING AND 1 PRECEDING)
)
SELECT
    w.entity, w.period_label, w.period_kind, w.period_start, w.period_end, w.basis,
    w.capex, w.capex_cash, w.capex_ttm, w.operating_cash_flow_ttm, w.fcf_ttm, w.fcf_gross_ttm,
    round(100.0 * (w.capex - w.y_capex) / w.y_capex, 4) AS capex_yoy_pct,
    round(100.0 * (w.capex_ttm - w.y_capex_ttm) / w.y_capex_ttm, 4) AS capex_ttm_yoy_pct,
    CASE WHEN w.y_fcf_ttm_definition = w.fcf_ttm_definition
         THEN round(100.0 * (w.fcf_ttm - w.y_fcf_ttm) / abs(w.y_fcf_ttm), 4) END
        AS fcf_ttm_yoy_pct,
    w.capex_how, w.capex_disclosure, w.capex_source, w.capex_competing, w.capex_conflict,
    w.capex_cash_how, w.capex_cash_disclosure, w.capex_cash_source, w.capex_cash_competing,
    w.capex_cash_conflict,
    w.capex_ttm_how, w.t_capex_disclosure AS capex_ttm_disclosure,
    w.t_capex_source AS capex_ttm_source, w.t_capex_competing AS capex_ttm_competing,
    w.t_capex_conflict AS capex_ttm_conflict,
    w.operating_cash_flow_ttm_how, w.t_ocf_disclosure AS operating_cash_flow_ttm_disclosure,
    w.t_ocf_source AS operating_cash_flow_ttm_source,
    w.fcf_ttm_how, w.fcf_ttm_disclosure, w.t_fcf_source AS fcf_ttm_source,
    w.t_fcf_competing AS fcf_ttm_competing, w.t_fcf_conflict AS fcf_ttm_conflict,
    w.yoy_base_period,
    w.fcf_gross_ttm_how, w.fcf_gross_ttm_disclosure,
    w.fcf_company_ttm, w.fcf_company_ttm_how, w.fcf_company_ttm_disclosure, w.fcf_ttm_agrees
FROM with_prev AS w
ORDER BY w.entity, w.period_end,
    CASE w.period_kind WHEN 'quarter' THEN 1 WHEN 'half_year' THEN 2 WHEN 'nine_months' THEN 3
        WHEN 'ttm' THEN 4 ELSE 5 END,
    CASE w.basis WHEN 'actual' THEN 1 ELSE 2 END, w.basis
