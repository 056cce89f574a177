-- name: derived
-- view: derived_facts
-- title: Derived figures and their lineage
-- description: Every figure the derivation layer (queries/derivation.sql) computes: discrete quarters from year-to-date figures (Q2 = H1 - Q1, Q3 = 9M - H1, Q4 = FY - 9M) and sums of four consecutive quarters (TTM), for every metric, segment and entity, from the figures the shared choice rule picks. `how` is the lineage (the rule and the facts by id), `disclosure_type` the least trusted of the inputs; `status` says whether reports use the figure (`used`) or a disclosed figure for the same period wins (`disclosed wins`), and `disagrees` whether the two differ by more than half the coarser precision.
-- params: entity, as_of, min_disclosure
-- table: metric, segment, period_label:period, value=usd*, disclosure_type:trust=trust, status, disagrees, how
WITH RECURSIVE
--@include choice
,
--@include derivation
SELECT
    d.entity, d.metric, d.segment, d.period_label, d.period_kind, d.period_start, d.period_end,
    d.basis, d.unit, d.value, d.precision, d.how, d.disclosure_type,
    CASE WHEN d.disclosed_fact IS NULL THEN 'used' ELSE 'disclosed wins' END AS status,
    d.disclosed_value, d.disclosed_fact, d.disagrees
FROM derived_figure AS d
ORDER BY d.entity, d.metric, d.segment, d.basis, d.unit, d.period_end,
    CASE d.period_kind WHEN 'quarter' THEN 1 ELSE 2 END
