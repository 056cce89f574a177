-- fragment: choice
-- title: The shared rule that picks one figure among many
-- description: Candidate facts after the report options (entity, as-of date, minimum disclosure type; a report may fix the entities it spans as `peers`, a space-separated list of tickers), ranked within each (entity, metric, segment, period, measure, basis, unit; a scenario's facts have basis `BASIS: SCENARIO`, so a scenario is a group of its own and never the period's actual): most trusted disclosure type, then the company's own documents, then the most precise, then exact before qualified, then the latest published, then the lowest fact_id. `chosen` keeps the first of each group with how many competed and whether any two disagree beyond their stated precision.
-- params: entity, as_of, min_rank, peers
params AS (
    SELECT :entity AS entity, :as_of AS as_of, coalesce(:min_rank, 3) AS min_rank,
        :peers AS peers
),
candidate AS (
    SELECT
        f.fact_id, f.entity_id, e.ticker AS entity, f.metric_id, m.slug AS metric, f.segment,
        f.period_id, p.label AS period_label, p.kind AS period_kind,
        p.start_date AS period_start, p.end_date AS period_end, p.fiscal_year, p.fiscal_quarter,
        f.measure,
        -- A scenario's figures are keyed by basis and scenario ('estimate: at scale'), so
        -- every report keeps them apart from the period's figures and from each other, and
        -- none is ever the period's actual (a scenario's basis is never 'actual').
        CASE WHEN f.scenario = '' THEN f.basis ELSE f.basis || ': ' || f.scenario END AS basis,
        f.scenario, f.value, f.value_high, f.precision, f.qualifier, f.unit_id, u.unit,
        f.disclosure_type, s.slug AS source, s.kind AS source_kind, f.published_on,
        f.concept_id, s.accession, s.form,
        CASE f.disclosure_type
            WHEN 'audited' THEN 1 WHEN 'management_commentary' THEN 2 ELSE 3
        END AS trust_rank,
        CASE WHEN s.kind IN ('filing', 'earnings_call', 'shareholder_letter', 'press_release')
            THEN 0 ELSE 1
        END AS secondhand,
        -- The interval a fact claims: a bound is open on one side.
        CASE f.qualifier WHEN 'at_most' THEN -1e308 ELSE f.value END AS lo,
        CASE f.qualifier WHEN 'range' THEN f.value_high WHEN 'at_least' THEN 1e308 ELSE f.value END AS hi
    FROM facts AS f
    JOIN entities AS e ON e.entity_id = f.entity_id
    JOIN metrics AS m ON m.metric_id = f.metric_id
    JOIN periods AS p ON p.period_id = f.period_id
    JOIN units AS u ON u.unit_id = f.unit_id
    JOIN sources AS s ON s.source_id = f.source_id
    JOIN params
    -- One entity's facts through the (entity, metric, ...) index, or a report's peers';
    -- every entity without either.
    WHERE f.entity_id IN (
            SELECT entity_id FROM entities WHERE ticker = (SELECT entity FROM params)
            UNION ALL
            SELECT entity_id FROM entities
            WHERE instr(' ' || (SELECT peers FROM params) || ' ', ' ' || ticker || ' ') > 0
            UNION ALL
            SELECT entity_id FROM entities
            WHERE (SELECT entity FROM params) IS NULL AND (SELECT peers FROM params) IS NULL
          )
      AND (params.as_of IS NULL OR f.published_on <= params.as_of)
      AND CASE f.disclosure_type
            WHEN 'audited' THEN 1 WHEN 'management_commentary' THEN 2 ELSE 3
          END <= params.min_rank
),
ranked AS (
    SELECT c.*,
        row_number() OVER fact_group AS pick,
        count(*) OVER (PARTITION BY entity_id, metric_id, segment, period_id, measure, basis, unit_id) AS competing
    FROM candidate AS c
    WINDOW fact_group AS (
        PARTITION BY entity_id, metric_id, segment, period_id, measure, basis, unit_id
        ORDER BY trust_rank, secondhand, precision, qualifier <> 'exact',
                 published_on IS NULL, published_on DESC, fact_id
    )
),
chosen AS (
    SELECT r.*,
        -- Only a group of two or more can disagree (most groups have one fact).
        CASE WHEN r.competing < 2 THEN 0 ELSE EXISTS (
            SELECT 1 FROM candidate AS a JOIN candidate AS b
              ON b.entity_id = a.entity_id AND b.metric_id = a.metric_id
             AND b.segment = a.segment AND b.period_id = a.period_id
             AND b.measure = a.measure AND b.basis = a.basis AND b.unit_id = a.unit_id
             AND b.fact_id > a.fact_id
            WHERE a.entity_id = r.entity_id AND a.metric_id = r.metric_id
              AND a.segment = r.segment AND a.period_id = r.period_id
              AND a.measure = r.measure AND a.basis = r.basis AND a.unit_id = r.unit_id
              AND max(a.lo, b.lo) - min(a.hi, b.hi) > 0.5 * max(a.precision, b.precision)
        ) END AS disagree
    FROM ranked AS r
    WHERE r.pick = 1
)
