-- name: materiality
-- view: materiality
-- title: How large each claimed amount is against the company's revenue and net income
-- description: One row per chosen claim of an amount: a level figure in USD chosen by the shared rule that is management commentary or a third-party estimate, or whose basis is run_rate, guidance, estimate, target or consensus (run rates, backlog, commitments, guidance, savings; a scenario's figures too, their basis naming the scenario). Each is sized against its entity's base: the latest fiscal year ending on or before the claim's period end with a chosen actual whole-company revenue (the same rule, so the options apply), and that year's net income. pct_of_revenue = 100 * value / revenue; pct_of_net_income = 100 * value / net income, only for income-like claims (operating_income, net_income, incremental_net_income, investment_gain, project_cost_savings, project_cost_savings_after_tax, depreciation_savings) and only when that net income is a profit. Percentages exact (REAL); `how` gives the arithmetic with the base's fact and source. A claim with no such year keeps its row with the base columns empty.
-- params: entity, as_of, min_disclosure
-- table: metric, segment, period_label:period, basis, value=usd, disclosure_type:trust=trust, base_period:base, pct_of_revenue:rev %=ratio*, pct_of_net_income:NI %=ratio*
WITH RECURSIVE
--@include choice
, pool AS (
    -- Claims and bases in one pass over `chosen`. Every basis but `actual` (run_rate,
    -- guidance, estimate, target, consensus, and a scenario's, which is never actual)
    -- makes a claim.
    SELECT c.*,
        c.measure = 'level' AND c.unit = 'USD'
        AND (c.disclosure_type IN ('management_commentary', 'third_party_estimate')
             OR c.basis <> 'actual')
            AS is_claim,
        c.measure = 'level' AND c.unit = 'USD' AND c.segment = '' AND c.basis = 'actual'
        AND c.period_kind = 'fiscal_year' AND c.metric IN ('revenue', 'net_income')
            AS is_base
    FROM chosen AS c
),
base AS (
    SELECT entity_id, metric, period_id, period_label, period_end, value, fact_id, source,
        disclosure_type
    FROM pool
    WHERE is_base
),
claim AS (
    SELECT p.*,
        -- The base year: the latest fiscal year with a chosen revenue that ends on or
        -- before the claim's period end (a Q1 FY2026 run rate or a FY2026 guidance made
        -- before FY2026's revenue is in: FY2025). Its net income is that year's or none:
        -- revenue and net income are never taken from two different years.
        (SELECT b.period_id FROM base AS b
         WHERE b.entity_id = p.entity_id AND b.metric = 'revenue'
           AND b.period_end <= p.period_end
         ORDER BY b.period_end DESC, b.period_id
         LIMIT 1) AS base_period_id,
        -- Claims whose share of net income means something: amounts of (or added to)
        -- profit. Capex savings are not (cash, not the income statement); the same list
        -- is in the header above and in README "materiality".
        p.metric IN ('operating_income', 'net_income', 'incremental_net_income',
                     'investment_gain', 'project_cost_savings',
                     'project_cost_savings_after_tax', 'depreciation_savings')
            AS income_like
    FROM pool AS p
    WHERE p.is_claim
),
sized AS (
    SELECT c.*,
        r.period_label AS base_period, r.period_end AS base_period_end,
        r.value AS revenue, r.source AS revenue_source, r.fact_id AS revenue_fact_id,
        r.disclosure_type AS revenue_disclosure,
        n.value AS net_income, n.source AS net_income_source,
        n.fact_id AS net_income_fact_id, n.disclosure_type AS net_income_disclosure,
        -- Exact: no rounding here (a table shows two decimals).
        CASE WHEN r.value > 0 THEN 100.0 * c.value / r.value END AS pct_of_revenue,
        -- A share of a loss has no meaning as a size: empty, and `how` says why.
        CASE WHEN c.income_like AND n.value > 0 THEN 100.0 * c.value / n.value END
            AS pct_of_net_income
    FROM claim AS c
    LEFT JOIN base AS r
      ON r.entity_id = c.entity_id AND r.period_id = c.base_period_id
     AND r.metric = 'revenue'
    LEFT JOIN base AS n
      ON n.entity_id = c.entity_id AND n.period_id = c.base_period_id
     AND n.metric = 'net_income'
)
SELECT
    entity, metric, segment, period_label, period_end, basis, scenario, value, value_high,
    value_text, unit, qualifier, disclosure_type, source, competing, disagree AS conflict,
    fact_id, base_period, base_period_end, revenue, revenue_source, revenue_fact_id,
    revenue_disclosure, pct_of_revenue, CASE WHEN income_like THEN 1 ELSE 0 END AS income_like,
    net_income, net_income_source, net_income_fact_id, net_income_disclosure,
    pct_of_net_income,
    CASE
        WHEN base_period IS NULL THEN 'no fiscal-year revenue (actual, whole company) ends by '
            || period_end
        ELSE claimed || ' / revenue ' || base_period || ' '
            || printf('%.15g', revenue) || ' (fact ' || revenue_fact_id || ', '
            || revenue_source || ') = '
            || CASE WHEN pct_of_revenue IS NULL THEN 'no share (revenue is not positive)'
                    ELSE printf('%.2f', pct_of_revenue) || '%' END
            || CASE
                WHEN NOT income_like THEN ''
                WHEN net_income IS NULL THEN '; no net income for ' || base_period
                WHEN pct_of_net_income IS NULL THEN '; net income ' || base_period || ' '
                    || printf('%.15g', net_income) || ' (fact ' || net_income_fact_id
                    || ') is no profit: no share of it'
                ELSE '; ' || claimed || ' / net income ' || base_period || ' '
                    || printf('%.15g', net_income) || ' (fact ' || net_income_fact_id || ', '
                    || net_income_source || ') = ' || printf('%.2f', pct_of_net_income) || '%'
            END
    END AS how
FROM (
    -- The claim as the arithmetic uses it: a bound or an approximation says so, and a
    -- range is sized by its low end (as every report compares ranges).
    SELECT s.*, f.value_text,
        CASE s.qualifier WHEN 'approx' THEN '~' WHEN 'at_least' THEN 'at least '
            WHEN 'at_most' THEN 'at most ' ELSE '' END
        || printf('%.15g', s.value)
        || CASE WHEN s.qualifier = 'range'
                THEN ' (low end; high ' || printf('%.15g', s.value_high) || ')'
                ELSE '' END AS claimed
    FROM sized AS s
    JOIN facts AS f ON f.fact_id = s.fact_id
) AS sized
ORDER BY entity, period_end, period_label, metric, segment, basis, fact_id
