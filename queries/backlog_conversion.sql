-- name: backlog-conversion
-- view: backlog_conversion
-- title: Backlog conversion
-- description: Per entity, segment and quarter end with a backlog: the backlog, its change on the previous quarter end, the segment's revenue that quarter (disclosed, else derived from year-to-date figures by the derivation layer), implied bookings, book-to-bill, conversion and coverage; commitments disclosed as outside the backlog in a column of their own.
-- params: entity, as_of, min_disclosure
-- table: segment, period_label:quarter, backlog=usd, revenue=usd, implied_bookings:bookings=usd*, book_to_bill:b2b=ratio*, conversion_pct:conv=pct*, coverage_years:years=ratio*, commitments_outside_backlog:outside=usd
-- chart: x=period_label; series=backlog,revenue,implied_bookings,commitments_outside_backlog; group=segment
WITH RECURSIVE
--@include choice
,
--@include derivation
-- The segment's revenue for the quarter comes from the derivation layer: disclosed, else
-- derived from year-to-date figures (Q2 = H1 - Q1, ...), with its lineage in revenue_how.
, backlog AS (
    SELECT * FROM chosen
    WHERE metric = 'backlog' AND measure = 'level' AND basis = 'actual' AND period_kind = 'instant'
),
-- The quarter end before each backlog date (fiscal quarters end on month ends: the last
-- day of the third month before), from the `days` table.
backlog_dated AS (
    SELECT b.*, d.prev_q_end AS prev_end
    FROM backlog AS b
    LEFT JOIN days AS d ON d.day = b.period_end
),
joined AS (
    SELECT
        b.entity, b.segment,
        CASE WHEN b.fiscal_quarter IS NOT NULL
             THEN 'Q' || b.fiscal_quarter || ' FY' || b.fiscal_year
             ELSE b.period_label END AS period_label,
        b.period_end,
        b.value AS backlog, p.value AS backlog_prev,
        r.value AS revenue, c.value AS commitments_outside_backlog,
        b.disclosure_type AS backlog_disclosure, b.source AS backlog_source,
        b.competing AS backlog_competing, b.disagree AS backlog_conflict,
        p.disclosure_type AS backlog_prev_disclosure, p.source AS backlog_prev_source,
        p.competing AS backlog_prev_competing, p.disagree AS backlog_prev_conflict,
        r.disclosure_type AS revenue_disclosure, r.source AS revenue_source,
        r.competing AS revenue_competing, r.disagree AS revenue_conflict, r.how AS revenue_how,
        c.qualifier AS commitments_outside_backlog_qualifier,
        c.disclosure_type AS commitments_outside_backlog_disclosure,
        c.source AS commitments_outside_backlog_source
    FROM backlog_dated AS b
    LEFT JOIN backlog AS p
      ON p.entity_id = b.entity_id AND p.segment = b.segment AND p.period_end = b.prev_end
    LEFT JOIN figure AS r
      ON r.entity_id = b.entity_id AND r.segment = b.segment AND r.metric = 'revenue'
     AND r.basis = 'actual' AND r.period_kind = 'quarter' AND r.period_end = b.period_end
    LEFT JOIN chosen AS c
      ON c.entity_id = b.entity_id AND c.segment = b.segment
     AND c.metric = 'commitments_outside_backlog' AND c.measure = 'level'
     AND c.period_end = b.period_end
)
SELECT
    entity, segment, period_label, period_end,
    backlog, backlog_prev,
    backlog - backlog_prev AS backlog_change,
    round(100.0 * (backlog - backlog_prev) / backlog_prev, 4) AS backlog_qoq_pct,
    revenue,
    backlog - backlog_prev + revenue AS implied_bookings,
    round(1.0 * (backlog - backlog_prev + revenue) / revenue, 4) AS book_to_bill,
    round(100.0 * revenue / backlog_prev, 4) AS conversion_pct,
    round(1.0 * backlog / (4 * revenue), 4) AS coverage_years,
    commitments_outside_backlog,
    'backlog_change, backlog_qoq_pct, implied_bookings, book_to_bill, conversion_pct, coverage_years'
        AS derived_columns,
    backlog_disclosure, backlog_source, backlog_competing, backlog_conflict,
    backlog_prev_disclosure, backlog_prev_source, backlog_prev_competing, backlog_prev_conflict,
    revenue_disclosure, revenue_source, revenue_competing, revenue_conflict, revenue_how,
    commitments_outside_backlog_qualifier, commitments_outside_backlog_disclosure,
    commitments_outside_backlog_source
FROM joined
ORDER BY entity, segment, period_end
