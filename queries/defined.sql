-- fragment: defined
-- title: Figures the declared definitions determine, and the disagreements they explain
-- description: Follows `choice`, `derivation` and `definition`. `defined_figure` round 0 holds the layer's level figures (`figure`) of the metrics the definitions name, so a report about those metrics reads the layer through it alone. Every identity of `definition` is solved for each of its terms (metric = plus - minus, plus = metric + minus, minus = plus - metric) and applied to the level figures of the derivation layer (disclosed, else a derived quarter or TTM) of one entity, segment, basis, unit and period, in two rounds (a figure one identity gives may feed another: capex_cash from capex and proceeds, then free cash flow from it), never deriving a metric from a figure that was itself derived from that metric. `defined_figure` holds the layer's figures (round 0) and the implied ones (rounds 1 and 2) with their lineage; `pick` 1 is the figure of a period reports use (the layer's first), `pick_implied` 1 the best implied one. `disagreeing_pair` lists the pairs of facts of one group that disagree beyond the coarser precision; `explained` the disagreeing level facts that a declared alternative reading of their metric (`alternative_to`) reproduces within that precision, with `explained_by`; `pair_status` each pair and whether one of its facts is explained; `unsettled` the groups with a disagreement no definition explains (reports' `!` tags).
-- params: entity, as_of, min_disclosure, peers
--
-- SQLite expands a CTE anew at each name, with everything below it, and refuses a
-- statement whose expansions go too deep ("VIEWs and/or subqueries nested too deep"; see
-- also the cursor limit in queries/derivation.sql): the layer is named once here
-- (`defined_input`), the rounds are one recursive CTE, and a report should name
-- `defined_figure` and `explained` as few times as it can.
--
-- How a lineage prints money: at the precision of the figure (147.3B), in millions when
-- it is a whole number of them (148,531M), else in units (148,531,000,001; a fraction as
-- it is). A format with `whole` > 0 prints an integer (as a BIGINT: other engines refuse
-- %d with a fraction) and fits only whole multiples of `whole`.
money_format (from_precision, whole, format, divisor, rank) AS (
    VALUES (1e9, 0, '%.0fB', 1e9, 1), (1e8, 0, '%.1fB', 1e9, 1), (1e7, 0, '%.2fB', 1e9, 1),
        (0, 1000000, '%,dM', 1000000, 1), (0, 1, '%,d', 1, 2), (0, 0, '%.15g', 1, 3)
),
-- The terms of an identity, for solving it for each (0 metric, 1 plus, 2 minus).
term (n) AS (VALUES (0), (1), (2)),
-- Level figures of the metrics the definitions name, each with how it prints in a
-- lineage: metric, period, value and its fact (or the layer's lineage).
defined_input AS MATERIALIZED (
    SELECT f.entity_id, f.entity, f.metric, f.segment, f.basis, f.unit_id, f.unit,
        f.period_id, f.period_kind, f.period_label, f.period_start, f.period_end,
        f.fiscal_year, f.fiscal_quarter, f.value, f.qualifier, f.precision, f.trust_rank,
        f.fact_id, CASE WHEN f.fact_id IS NOT NULL THEN 'disclosed' ELSE f.how END AS how,
        f.source, 0 AS round,
        f.metric || ' ' || f.period_label || ' '
            || CASE WHEN f.unit = 'USD'
                    THEN (SELECT CASE WHEN m.whole = 0
                                      THEN printf(m.format, f.value / m.divisor)
                                      ELSE printf(m.format, CAST(f.value / m.divisor AS BIGINT))
                                 END
                          FROM money_format AS m
                          WHERE m.from_precision <= f.precision
                            AND (m.whole = 0 OR (f.value = CAST(f.value AS BIGINT)
                                                 AND f.value % m.whole = 0))
                          ORDER BY m.from_precision DESC, m.rank LIMIT 1)
                    ELSE printf('%.15g', f.value) || ' ' || f.unit END
            || CASE WHEN f.fact_id IS NOT NULL THEN ' (fact ' || f.fact_id || ')'
                    ELSE ' (' || f.how || ')' END AS shown,
        ',' || f.metric || ',' AS uses,
        f.metric_id, f.competing, f.disagree
    FROM figure AS f
    WHERE f.metric IN (
        SELECT metric FROM definition UNION SELECT plus FROM definition
        UNION SELECT minus FROM definition)
),
-- Each identity solved for each of its three terms: a_metric (+ or -) b_metric.
identity AS (
    SELECT d.entity, d.name,
        CASE t.n WHEN 0 THEN d.metric WHEN 1 THEN d.plus ELSE d.minus END AS solves,
        CASE t.n WHEN 1 THEN d.metric ELSE d.plus END AS a_metric,
        CASE t.n WHEN 2 THEN d.metric ELSE d.minus END AS b_metric,
        CASE t.n WHEN 1 THEN 1 ELSE -1 END AS b_sign
    FROM definition AS d
    CROSS JOIN term AS t
    WHERE d.plus IS NOT NULL
),
-- The layer's figures (round 0), then what an identity gives from a figure of an earlier
-- round and a figure of the layer of the same period (rounds 1 and 2): capex_cash from
-- capex and proceeds, then free cash flow from it. Never a metric from a figure that was
-- derived from that metric (`uses` lists every metric on the way), never a bound or a
-- range. Recursive, so that each name of the layer expands once (a self-join of the
-- rounds would expand it at each name, past SQLite's limits).
defined_step (entity_id, entity, metric, segment, basis, unit_id, unit, period_id,
        period_kind, period_label, period_start, period_end, fiscal_year, fiscal_quarter,
        value, qualifier, precision, shown_precision, trust_rank, fact_id, how, source,
        round, shown, formula, uses, metric_id, competing, disagree) AS (
    SELECT entity_id, entity, metric, segment, basis, unit_id, unit, period_id, period_kind,
        period_label, period_start, period_end, fiscal_year, fiscal_quarter, value,
        qualifier, precision, precision, trust_rank, fact_id, how, source, 0, shown,
        -- Typed: the first row fixes a recursive CTE's column types in other engines.
        CAST(NULL AS TEXT), uses, metric_id, competing, disagree
    FROM defined_input
    UNION ALL
    SELECT r.entity_id, r.entity, i.solves, r.segment, r.basis, r.unit_id, r.unit,
        r.period_id, r.period_kind, r.period_label, r.period_start, r.period_end,
        r.fiscal_year, r.fiscal_quarter,
        CASE WHEN r.metric = i.a_metric THEN r.value + i.b_sign * x.value
             ELSE x.value + i.b_sign * r.value END,
        'exact', r.precision + x.precision,
        -- Shown at the finer precision of the two, as trusted as the less trusted.
        CASE WHEN r.shown_precision <= x.precision THEN r.shown_precision ELSE x.precision END,
        CASE WHEN r.trust_rank >= x.trust_rank THEN r.trust_rank ELSE x.trust_rank END,
        NULL, NULL, NULL, r.round + 1, NULL,
        replace(replace(
            CASE WHEN r.metric = i.a_metric THEN '@R' ELSE '@X' END
            || CASE i.b_sign WHEN 1 THEN ' + ' ELSE ' - ' END
            || CASE WHEN r.metric = i.a_metric THEN '@X' ELSE '@R' END
            || ', by ' || i.name, '@X', x.shown),
            '@R', CASE WHEN r.round = 0 THEN r.shown
                       ELSE r.metric || ' ' || r.period_label || ' '
                            || CASE WHEN r.unit = 'USD'
                                    THEN (SELECT CASE WHEN m.whole = 0
                                                 THEN printf(m.format, r.value / m.divisor)
                                                 ELSE printf(m.format,
                                                     CAST(r.value / m.divisor AS BIGINT))
                                            END
                                          FROM money_format AS m
                                          WHERE m.from_precision <= r.shown_precision
                                            AND (m.whole = 0
                                              OR (r.value = CAST(r.value AS BIGINT)
                                                  AND r.value % m.whole = 0))
                                          ORDER BY m.from_precision DESC, m.rank LIMIT 1)
                                    ELSE printf('%.15g', r.value) || ' ' || r.unit END
                            || ' (= ' || r.formula || ')' END),
        r.uses || i.solves || ',' || substr(x.uses, 2), NULL, NULL, 0
    FROM defined_step AS r
    JOIN identity AS i
      ON r.metric IN (i.a_metric, i.b_metric) AND (i.entity IS NULL OR r.entity = i.entity)
    JOIN defined_input AS x
      ON x.entity_id = r.entity_id
     AND x.metric = CASE WHEN r.metric = i.a_metric THEN i.b_metric ELSE i.a_metric END
     AND x.segment = r.segment AND x.basis = r.basis AND x.unit_id = r.unit_id
     -- The same start, or none for both (an instant; '' is never a date).
     AND coalesce(x.period_start, '') = coalesce(r.period_start, '')
     AND x.period_end = r.period_end
     AND x.qualifier IN ('exact', 'approx')
    WHERE r.round < 2 AND r.qualifier IN ('exact', 'approx')
      -- Two figures of the layer make one pair, taken once (the first term from r).
      AND (r.round > 0 OR r.metric = i.a_metric)
      AND instr(r.uses || x.uses, ',' || i.solves || ',') = 0
),
-- Every figure with its lineage (`how`) and how it prints (`shown`); per period, `pick`
-- 1 is the one reports use (the layer's before an implied one), `pick_implied` 1 the
-- best implied one.
defined_figure AS MATERIALIZED (
    SELECT u.entity_id, u.entity, u.metric, u.segment, u.basis, u.unit_id, u.unit,
        u.period_id, u.period_kind, u.period_label, u.period_start, u.period_end,
        u.fiscal_year, u.fiscal_quarter, u.value, u.qualifier, u.precision, u.trust_rank,
        u.fact_id, u.source, u.round, u.metric_id, u.competing, u.disagree,
        coalesce(u.how, 'derived by definition: ' || u.formula) AS how,
        coalesce(u.shown, u.metric || ' ' || u.period_label || ' '
            || CASE WHEN u.unit = 'USD'
                    THEN (SELECT CASE WHEN m.whole = 0
                                      THEN printf(m.format, u.value / m.divisor)
                                      ELSE printf(m.format, CAST(u.value / m.divisor AS BIGINT))
                                 END
                          FROM money_format AS m
                          WHERE m.from_precision <= u.shown_precision
                            AND (m.whole = 0 OR (u.value = CAST(u.value AS BIGINT)
                                                 AND u.value % m.whole = 0))
                          ORDER BY m.from_precision DESC, m.rank LIMIT 1)
                    ELSE printf('%.15g', u.value) || ' ' || u.unit END
            || ' (= ' || u.formula || ')') AS shown,
        row_number() OVER (
            PARTITION BY u.entity_id, u.metric, u.segment, u.basis, u.unit_id, u.period_start,
                u.period_end
            ORDER BY u.round, u.trust_rank, u.precision, u.formula) AS pick,
        row_number() OVER (
            PARTITION BY u.entity_id, u.metric, u.segment, u.basis, u.unit_id, u.period_start,
                u.period_end, u.round = 0
            ORDER BY u.round, u.trust_rank, u.precision, u.formula) AS pick_implied,
        CASE u.trust_rank WHEN 1 THEN 'audited' WHEN 2 THEN 'management_commentary'
            ELSE 'third_party_estimate' END AS disclosure_type
    FROM defined_step AS u
),
-- Facts of groups with two or more (only those can disagree), and the pairs of them
-- that disagree beyond the coarser precision (bounds and ranges as intervals).
multi AS MATERIALIZED (
    SELECT * FROM ranked WHERE competing > 1
),
disagreeing_pair AS MATERIALIZED (
    SELECT a.fact_id AS a_id, b.fact_id AS b_id
    FROM multi AS a
    JOIN multi AS b
      ON b.entity_id = a.entity_id AND b.metric_id = a.metric_id AND b.segment = a.segment
     AND b.period_id = a.period_id AND b.measure = a.measure AND b.basis = a.basis
     AND b.unit_id = a.unit_id AND b.fact_id > a.fact_id
    -- The gap between the two intervals beyond half the coarser precision.
    WHERE CASE WHEN a.lo >= b.lo THEN a.lo ELSE b.lo END
          - CASE WHEN a.hi <= b.hi THEN a.hi ELSE b.hi END
          > 0.5 * CASE WHEN a.precision >= b.precision THEN a.precision ELSE b.precision END
),
-- A disagreeing level fact that a declared alternative reading of its metric reproduces
-- within the coarser precision, by a figure that does not itself come from that fact.
explained AS MATERIALIZED (
    SELECT x.fact_id, x.explained_by
    FROM (
        SELECT c.fact_id, alt.name || ': ' || d.shown AS explained_by,
            row_number() OVER (PARTITION BY c.fact_id
                ORDER BY d.round, d.trust_rank, d.precision, d.how) AS n
        FROM multi AS c
        JOIN definition AS alt
          ON alt.alternative_to = c.metric AND (alt.entity IS NULL OR alt.entity = c.entity)
        JOIN defined_figure AS d
          ON d.entity_id = c.entity_id AND d.metric = alt.metric AND d.segment = c.segment
         AND d.basis = c.basis AND d.unit_id = c.unit_id
         AND coalesce(d.period_start, '') = coalesce(c.period_start, '')
         AND d.period_end = c.period_end AND d.qualifier IN ('exact', 'approx')
        WHERE c.measure = 'level'
          AND EXISTS (SELECT 1 FROM disagreeing_pair AS p
                      WHERE p.a_id = c.fact_id OR p.b_id = c.fact_id)
          -- The figure within the fact's interval, give or take half the coarser precision.
          AND CASE WHEN c.lo >= d.value THEN c.lo ELSE d.value END
              - CASE WHEN c.hi <= d.value THEN c.hi ELSE d.value END
              <= 0.5 * CASE WHEN c.precision >= d.precision THEN c.precision
                            ELSE d.precision END
          AND (d.fact_id IS NULL OR d.fact_id <> c.fact_id)
          AND instr(d.shown, '(fact ' || c.fact_id || ')') = 0
    ) AS x
    WHERE x.n = 1
),
-- Each disagreeing pair, and whether a declared definition explains one of its facts.
pair_status AS MATERIALIZED (
    SELECT p.a_id, p.b_id, CASE WHEN count(x.fact_id) > 0 THEN 1 ELSE 0 END AS explained
    FROM disagreeing_pair AS p
    LEFT JOIN explained AS x ON x.fact_id IN (p.a_id, p.b_id)
    GROUP BY p.a_id, p.b_id
),
-- Groups with a disagreement no declared definition explains.
unsettled AS MATERIALIZED (
    SELECT DISTINCT c.entity_id, c.metric_id, c.segment, c.period_id, c.measure, c.basis,
        c.unit_id
    FROM pair_status AS p
    JOIN multi AS c ON c.fact_id = p.a_id
    WHERE p.explained = 0
)
