-- name: ai-scorecard
-- view: ai_scorecard
-- title: Amazon's AI business in one place
-- description: One row per figure the shared rule chooses among the AI metrics, grouped by area: run rates (revenue basis run_rate of AWS, AWS AI services, Custom silicon, Trainium and Bedrock; the AI run-rate multiple), silicon (chips deployed, Project Rainier, chip business rank), commitments (revenue commitments, commitments outside backlog, backlog), capacity (power, customer capacity commitments), investment (investment commitments, cumulative investment) and adoption (customer spend), with their growth claims.
-- params: entity, as_of, min_disclosure
-- table: area, metric, segment, period_label:period, measure, value_text:value, disclosure_type:trust=trust
WITH RECURSIVE
--@include choice
, scored AS (
    SELECT c.*,
        CASE
            WHEN metric = 'revenue' AND basis = 'run_rate'
             AND segment IN ('AWS', 'AWS AI services', 'Custom silicon', 'Trainium', 'Bedrock')
            THEN 'run rate'
            WHEN metric = 'revenue_run_rate_multiple' THEN 'run rate'
            WHEN metric IN ('chips_deployed', 'project_rainier_chips', 'chip_business_rank')
            THEN 'silicon'
            WHEN metric IN ('revenue_commitments', 'commitments_outside_backlog', 'backlog')
            THEN 'commitments'
            WHEN metric IN ('power_capacity', 'customer_capacity_commitment') THEN 'capacity'
            WHEN metric IN ('investment_commitment', 'cumulative_investment') THEN 'investment'
            WHEN metric = 'customer_spend' THEN 'adoption'
        END AS area
    FROM chosen AS c
)
SELECT
    s.entity, s.area, s.metric, s.segment, s.period_label, s.period_end, s.measure, s.basis,
    s.value, s.value_high, f.value_text, s.unit, s.qualifier, s.disclosure_type, s.source,
    s.competing, s.disagree AS conflict
FROM scored AS s
JOIN facts AS f ON f.fact_id = s.fact_id
WHERE area IS NOT NULL
ORDER BY s.entity,
    CASE s.area WHEN 'run rate' THEN 1 WHEN 'silicon' THEN 2 WHEN 'commitments' THEN 3
        WHEN 'capacity' THEN 4 WHEN 'investment' THEN 5 ELSE 6 END,
    s.metric, s.segment, s.period_end, s.period_start, s.measure, s.basis, s.unit, s.fact_id
