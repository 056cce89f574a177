-- fragment: choice
-- title: The shared rule that picks one figure among many
-- description: Candidate facts after the report options (entity, as-of date, minimum disclosure type; a report may fix the entities it spans as `peers`, a space-separated list of tickers), ranked within each (entity, metric, segment, period, measure, basis, unit; a scenario's facts have basis `BASIS: SCENARIO`, so a scenario is a group of its own and never the period's actual): most trusted disclosure type, then the company's own documents, then the most precise, then exact before qualified, then the latest published, then the lowest fact_id. `chosen` keeps the first of each group with how many competed and whether any two disagree beyond their stated precision.
-- params: entity, as_of, min_disclosure, peers
--
-- The parameters are text, and '' counts as not given (Datasette sends '' for a blank
-- field; the CLI binds NULL): entity a ticker, as_of YYYY-MM-DD, min_disclosure the least
-- trusted disclosure type kept (audited, management_commentary or third_party_estimate;
-- any other name keeps nothing), peers tickers separated by spaces. Typed as TEXT, so an
-- engine that types a bare NULL as a number (DuckDB) still compares them with text.
params AS (
    SELECT CAST(nullif($entity, '') AS TEXT) AS entity,
        CAST(nullif($as_of, '') AS TEXT) AS as_of,
        CASE coalesce(nullif($min_disclosure, ''), 'third_party_estimate')
            WHEN 'audited' THEN 1 WHEN 'management_commentary' THEN 2
            WHEN 'third_party_estimate' THEN 3
        END AS min_rank,
        CAST(nullif($peers, '') AS TEXT) AS peers
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
        -- The stored value with its type (an INTEGER stays exact in SQLite): exactly one
        -- of each typed pair is set; `value` itself is a generated column other engines
        -- cannot see.
        f.scenario, coalesce(f.value_int, f.value_real) AS value,
        coalesce(f.value_high_int, f.value_high_real) AS value_high,
        coalesce(f.precision_int, f.precision_real) AS precision, f.qualifier, f.unit_id, u.unit,
        f.disclosure_type, s.slug AS source, s.kind AS source_kind, f.published_on,
        f.concept_id, s.accession, s.form,
        CASE f.disclosure_type
            WHEN 'audited' THEN 1 WHEN 'management_commentary' THEN 2 ELSE 3
        END AS trust_rank,
        CASE WHEN s.kind IN ('filing', 'earnings_call', 'shareholder_letter', 'press_release')
            THEN 0 ELSE 1
        END AS secondhand,
        -- The interval a fact claims: a bound is open on one side.
        CASE f.qualifier WHEN 'at_most' THEN -1e308 ELSE coalesce(f.value_int, f.value_real)
        END AS lo,
        CASE f.qualifier WHEN 'range' THEN coalesce(f.value_high_int, f.value_high_real)
            WHEN 'at_least' THEN 1e308 ELSE coalesce(f.value_int, f.value_real)
        END AS hi
    FROM facts AS f
    JOIN entities AS e ON e.entity_id = f.entity_id
    JOIN metrics AS m ON m.metric_id = f.metric_id
    JOIN periods AS p ON p.period_id = f.period_id
    JOIN units AS u ON u.unit_id = f.unit_id
    JOIN sources AS s ON s.source_id = f.source_id
    CROSS JOIN params
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
        CASE WHEN r.competing < 2 THEN 0 WHEN EXISTS (
            SELECT 1 FROM candidate AS a JOIN candidate AS b
              ON b.entity_id = a.entity_id AND b.metric_id = a.metric_id
             AND b.segment = a.segment AND b.period_id = a.period_id
             AND b.measure = a.measure AND b.basis = a.basis AND b.unit_id = a.unit_id
             AND b.fact_id > a.fact_id
            WHERE a.entity_id = r.entity_id AND a.metric_id = r.metric_id
              AND a.segment = r.segment AND a.period_id = r.period_id
              AND a.measure = r.measure AND a.basis = r.basis AND a.unit_id = r.unit_id
              -- The gap between the two intervals (greater of the lows less the lesser of
              -- the highs) beyond half the coarser precision.
              AND CASE WHEN a.lo >= b.lo THEN a.lo ELSE b.lo END
                  - CASE WHEN a.hi <= b.hi THEN a.hi ELSE b.hi END
                  > 0.5 * CASE WHEN a.precision >= b.precision THEN a.precision
                               ELSE b.precision END
        ) THEN 1 ELSE 0 END AS disagree
    FROM ranked AS r
    WHERE r.pick = 1
)
