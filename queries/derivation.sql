-- fragment: derivation
-- title: The one derivation layer: discrete quarters from year-to-date figures, and four-quarter sums
-- description: Follows `choice` (its inputs are the chosen level figures, so the report options apply to them). For every entity, metric, segment, basis and unit of an amount (not per-share figures, percentages, ratios or share counts, which do not add up): Q2 = H1 - Q1, Q3 = 9M - H1, Q4 = FY - 9M (the year-to-date figures of one fiscal year, each with the one before it) and the sum of the four consecutive quarters ending on each quarter end (TTM). Each derived figure carries its lineage in `how` (the rule and the facts by id), the least trusted disclosure type of its inputs and a precision that is the sum of theirs. `derived_figure` holds every derived figure with the disclosed figure of the same period, if any, and whether they disagree; `figure` holds every chosen level figure as disclosed (`how` = 'disclosed') and the derived figures no disclosed figure overrides: a disclosed figure always wins.
-- params: entity, as_of, min_disclosure, peers
--
-- Written as one chain of window functions over `chosen`, read once: SQLite expands a CTE
-- anew wherever it is named, and its limit on the cursors of one statement (1000) is
-- reached quickly when `chosen` is named several times. A row becomes two (the figure as
-- disclosed and the figure it derives) by a join with `twin`, never by a UNION.
twin (derived) AS (VALUES (0), (1)),
-- Level figures; year-to-date ones (Q1, H1, 9M, FY; bounds and ranges cannot be
-- subtracted) each with the one before it in its fiscal year.
ytd AS (
    SELECT l.*,
        lag(l.fact_id) OVER w AS prev_fact, lag(l.value) OVER w AS prev_value,
        lag(l.precision) OVER w AS prev_precision, lag(l.fiscal_quarter) OVER w AS prev_quarter,
        lag(l.period_end) OVER w AS prev_end, lag(l.period_label) OVER w AS prev_label,
        lag(l.trust_rank) OVER w AS prev_rank
    FROM (
        SELECT c.*,
            -- Only amounts add up: a year's diluted EPS is not the sum of its quarters'
            -- (the share count changes), nor is a percentage, a ratio or a share count.
            c.unit NOT LIKE '%/%' AND c.unit NOT IN ('%', 'pp', 'bps', 'x', 'pure', 'shares')
                AS additive,
            c.qualifier IN ('exact', 'approx')
            AND ((c.period_kind = 'quarter' AND c.fiscal_quarter = 1)
              OR (c.period_kind = 'half_year' AND c.fiscal_quarter = 2)
              OR (c.period_kind = 'nine_months' AND c.fiscal_quarter = 3)
              OR c.period_kind = 'fiscal_year') AS is_ytd
        FROM chosen AS c
        WHERE c.measure = 'level'
    ) AS l
    WINDOW w AS (PARTITION BY l.entity_id, l.metric_id, l.segment, l.basis, l.unit_id,
                 l.fiscal_year, l.is_ytd ORDER BY l.fiscal_quarter)
),
-- Every level figure as disclosed, and the discrete quarter each year-to-date figure
-- after the first of its year gives (Q2 = H1 - Q1, Q3 = 9M - H1, Q4 = FY - 9M).
with_quarters AS (
    SELECT y.entity_id, y.entity, y.metric_id, y.metric, y.segment, y.basis, y.unit_id, y.unit,
        t.derived, y.period_end, y.fiscal_year, y.fiscal_quarter, y.source, y.additive,
        CASE WHEN t.derived = 1 THEN 'quarter' ELSE y.period_kind END AS period_kind,
        CASE WHEN t.derived = 1 THEN 'Q' || y.fiscal_quarter || ' FY' || y.fiscal_year
             ELSE y.period_label END AS period_label,
        CASE WHEN t.derived = 1 THEN after_prev.next_day ELSE y.period_start
        END AS period_start,
        CASE WHEN t.derived = 1 THEN y.value - y.prev_value ELSE y.value END AS value,
        CASE WHEN t.derived = 1 THEN NULL ELSE y.value_high END AS value_high,
        CASE WHEN t.derived = 1 THEN 'exact' ELSE y.qualifier END AS qualifier,
        CASE WHEN t.derived = 1 THEN y.precision + y.prev_precision ELSE y.precision
        END AS precision,
        CASE WHEN t.derived = 1 THEN y.value - y.prev_value ELSE y.lo END AS lo,
        CASE WHEN t.derived = 1 THEN y.value - y.prev_value ELSE y.hi END AS hi,
        CASE WHEN t.derived = 1
             THEN 'derived: ' || y.period_label || ' (fact ' || y.fact_id || ') - '
                  || y.prev_label || ' (fact ' || y.prev_fact || ')'
             ELSE 'disclosed' END AS how,
        -- A derived quarter is as trusted as the less trusted of its two figures.
        CASE WHEN t.derived = 1 AND y.prev_rank > y.trust_rank THEN y.prev_rank
             ELSE y.trust_rank END AS trust_rank,
        CASE WHEN t.derived = 1 THEN NULL ELSE y.competing END AS competing,
        CASE WHEN t.derived = 1 THEN 0 ELSE y.disagree END AS disagree,
        CASE WHEN t.derived = 1 THEN NULL ELSE y.fact_id END AS fact_id,
        CASE WHEN t.derived = 1 THEN NULL ELSE y.period_id END AS period_id
    FROM ytd AS y
    JOIN twin AS t
      ON t.derived = 0
      OR (y.additive AND y.is_ytd AND y.fiscal_quarter BETWEEN 2 AND 4
          AND y.prev_quarter = y.fiscal_quarter - 1)
    -- The day after the year-to-date figure before it: where a derived quarter starts
    -- (date arithmetic comes from the `days` table, which every engine reads alike).
    LEFT JOIN days AS after_prev ON after_prev.day = y.prev_end
),
-- The quarter each period end has for the sums: disclosed where disclosed, else derived.
quarter_picked AS (
    SELECT q.*,
        q.period_kind = 'quarter' AND q.additive AND q.qualifier IN ('exact', 'approx')
        AND row_number() OVER (
            PARTITION BY q.entity_id, q.metric_id, q.segment, q.basis, q.unit_id,
                q.period_kind, q.period_end
            ORDER BY q.derived, q.trust_rank, q.fact_id) = 1 AS sum_quarter
    FROM with_quarters AS q
),
-- At each quarter: the sum of the quarters ending within the twelve months up to it
-- (a 340-day window holds the three quarter ends before it, never a fourth).
rolled AS (
    SELECT r.*,
        sum(CASE WHEN r.sum_quarter THEN r.value END) OVER t AS ttm_value,
        sum(CASE WHEN r.sum_quarter THEN r.precision END) OVER t AS ttm_precision,
        max(CASE WHEN r.sum_quarter THEN r.trust_rank END) OVER t AS ttm_rank,
        count(CASE WHEN r.sum_quarter THEN 1 END) OVER t AS ttm_quarters,
        min(CASE WHEN r.sum_quarter THEN r.period_start END) OVER t AS ttm_start,
        ends.ttm_start AS twelve_start,
        group_concat(CASE WHEN r.sum_quarter THEN r.period_label || ' ('
            || CASE WHEN r.derived = 1 THEN substr(r.how, 10) ELSE 'fact ' || r.fact_id END
            || ')' END, ' + ') OVER t AS ttm_parts
    FROM quarter_picked AS r
    -- The period end as a day number (for the window's range), and the start of the twelve
    -- months ending on it.
    LEFT JOIN days AS ends ON ends.day = r.period_end
    WINDOW t AS (PARTITION BY r.entity_id, r.metric_id, r.segment, r.basis, r.unit_id
                 ORDER BY ends.day_num RANGE BETWEEN 340 PRECEDING AND CURRENT ROW)
),
-- Every figure so far, and the four-quarter sum at each quarter that has four.
with_sums AS (
    SELECT r.entity_id, r.entity, r.metric_id, r.metric, r.segment, r.basis, r.unit_id, r.unit,
        CASE WHEN t.derived = 1 THEN 1 ELSE r.derived END AS derived, r.period_end, r.fiscal_year, r.fiscal_quarter,
        CASE WHEN t.derived = 1 THEN NULL ELSE r.source END AS source,
        CASE WHEN t.derived = 1 THEN 'ttm' ELSE r.period_kind END AS period_kind,
        CASE WHEN t.derived = 1 THEN 'TTM ' || r.period_label ELSE r.period_label
        END AS period_label,
        CASE WHEN t.derived = 1 THEN r.ttm_start ELSE r.period_start END AS period_start,
        CASE WHEN t.derived = 1 THEN r.ttm_value ELSE r.value END AS value,
        CASE WHEN t.derived = 1 THEN NULL ELSE r.value_high END AS value_high,
        CASE WHEN t.derived = 1 THEN 'exact' ELSE r.qualifier END AS qualifier,
        CASE WHEN t.derived = 1 THEN r.ttm_precision ELSE r.precision END AS precision,
        CASE WHEN t.derived = 1 THEN r.ttm_value ELSE r.lo END AS lo,
        CASE WHEN t.derived = 1 THEN r.ttm_value ELSE r.hi END AS hi,
        CASE WHEN t.derived = 1 THEN 'derived: sum of 4 quarters: ' || r.ttm_parts ELSE r.how
        END AS how,
        CASE WHEN t.derived = 1 THEN r.ttm_rank ELSE r.trust_rank END AS trust_rank,
        CASE WHEN t.derived = 1 THEN NULL ELSE r.competing END AS competing,
        CASE WHEN t.derived = 1 THEN 0 ELSE r.disagree END AS disagree,
        CASE WHEN t.derived = 1 THEN NULL ELSE r.fact_id END AS fact_id,
        CASE WHEN t.derived = 1 THEN NULL ELSE r.period_id END AS period_id
    FROM rolled AS r
    JOIN twin AS t
      ON t.derived = 0
      OR (r.sum_quarter AND r.ttm_quarters = 4
          AND r.ttm_start = r.twelve_start)
),
-- Each figure with the disclosed figure of the same period, if any: a quarter with the
-- quarter ending that day, twelve months with the fiscal year or TTM on the same dates.
matched AS (
    SELECT s.*,
        first_value(s.derived) OVER same AS first_derived,
        first_value(s.fact_id) OVER same AS first_fact,
        first_value(s.value) OVER same AS first_value,
        first_value(s.precision) OVER same AS first_precision,
        first_value(s.lo) OVER same AS first_lo,
        first_value(s.hi) OVER same AS first_hi,
        first_value(s.disagree) OVER same AS first_disagree
    FROM with_sums AS s
    WINDOW same AS (
        PARTITION BY s.entity_id, s.metric_id, s.segment, s.basis, s.unit_id, s.period_end,
            CASE WHEN s.period_kind IN ('ttm', 'fiscal_year') THEN 'twelve months'
                 ELSE s.period_kind END,
            CASE WHEN s.period_kind IN ('ttm', 'fiscal_year') THEN s.period_start END
        ORDER BY s.derived, s.trust_rank, s.period_kind = 'ttm', s.fact_id)
),
resolved AS (
    SELECT m.*,
        CASE WHEN m.first_derived = 0 THEN m.first_fact END AS disclosed_fact,
        CASE WHEN m.first_derived = 0 THEN m.first_value END AS disclosed_value,
        -- Outside the disclosed figure's interval by more than half the coarser precision.
        CASE WHEN m.first_derived = 0 THEN
            CASE WHEN CASE WHEN m.value - m.first_hi >= m.first_lo - m.value
                           THEN m.value - m.first_hi ELSE m.first_lo - m.value END
                      > 0.5 * CASE WHEN m.precision >= m.first_precision THEN m.precision
                                   ELSE m.first_precision END
                 THEN 1 ELSE 0 END
        END AS disagrees,
        CASE m.trust_rank WHEN 1 THEN 'audited' WHEN 2 THEN 'management_commentary'
            ELSE 'third_party_estimate' END AS derived_disclosure
    FROM matched AS m
),
derived_figure AS (
    SELECT r.entity_id, r.entity, r.metric_id, r.metric, r.segment, r.basis, r.unit_id, r.unit,
        r.period_kind, r.period_label, r.period_start, r.period_end, r.fiscal_year,
        r.fiscal_quarter, r.value, r.precision, r.how, r.trust_rank,
        r.derived_disclosure AS disclosure_type, r.disclosed_fact, r.disclosed_value,
        r.disagrees, r.first_disagree AS disclosed_conflict
    FROM resolved AS r
    WHERE r.derived = 1
),
-- The level figure of every period: disclosed (chosen) first, derived where none is.
figure AS (
    SELECT r.entity_id, r.entity, r.metric_id, r.metric, r.segment, r.basis, r.unit_id, r.unit,
        CASE WHEN r.derived = 1
             THEN (SELECT p.period_id FROM periods AS p
                   WHERE p.end_date = r.period_end AND p.start_date = r.period_start
                     AND p.label = r.period_label AND p.kind = r.period_kind)
             ELSE r.period_id END AS period_id,
        r.period_kind, r.period_label, r.period_start, r.period_end, r.fiscal_year,
        r.fiscal_quarter, r.value, r.value_high, r.qualifier, r.precision, r.how, r.trust_rank,
        r.derived_disclosure AS disclosure_type, r.source, r.competing, r.disagree, r.fact_id
    FROM resolved AS r
    WHERE r.derived = 0 OR r.disclosed_fact IS NULL
)
