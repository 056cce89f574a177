-- name: disclosure-mix
-- view: disclosure_mix
-- title: How each metric is disclosed
-- description: Per entity and metric: how many facts there are after the report options (entity, as-of date, minimum disclosure type), how many are audited, management commentary or third-party estimates, and the audited share in percent.
-- params: entity, as_of, min_disclosure
-- table: entity, metric, facts, audited:A, management_commentary:M, third_party_estimate:E, audited_share_pct:audited=pct*
WITH RECURSIVE
--@include choice
, counted AS (
    -- The candidates of the shared rule, counted on integer ids before names are joined.
    -- For every entity the facts table is read in one pass (all_facts): through the
    -- (entity, metric, ...) index, as the rule reads one entity's facts, it would visit
    -- every row at random. Both branches keep exactly the rule's candidates; the pass is
    -- skipped when an entity is given (src/report.rs tests both). Counts are BIGINT in
    -- every engine (DuckDB sums integers to a 128-bit HUGEINT).
    SELECT entity_id, metric_id,
        count(*) AS facts,
        CAST(sum(CASE WHEN disclosure_type = 'audited' THEN 1 ELSE 0 END) AS BIGINT)
            AS audited,
        CAST(sum(CASE WHEN disclosure_type = 'management_commentary' THEN 1 ELSE 0 END)
            AS BIGINT) AS management_commentary,
        CAST(sum(CASE WHEN disclosure_type = 'third_party_estimate' THEN 1 ELSE 0 END)
            AS BIGINT) AS third_party_estimate
    FROM (
        SELECT entity_id, metric_id, disclosure_type FROM candidate
        WHERE (SELECT entity FROM params) IS NOT NULL
        UNION ALL
        SELECT all_facts.entity_id, all_facts.metric_id, all_facts.disclosure_type
        -- params first: with an entity given, its one row ends the branch before a scan.
        FROM params CROSS JOIN facts AS all_facts
        WHERE params.entity IS NULL
          AND (params.as_of IS NULL OR all_facts.published_on <= params.as_of)
          AND CASE all_facts.disclosure_type
                WHEN 'audited' THEN 1 WHEN 'management_commentary' THEN 2 ELSE 3
              END <= params.min_rank
    )
    GROUP BY entity_id, metric_id
)
SELECT e.ticker AS entity, m.slug AS metric, facts, audited, management_commentary,
    third_party_estimate,
    -- A whole percentage stays an INTEGER (as stored values do), so every client prints
    -- it alike; others are rounded to 4 decimals.
    CASE WHEN 100 * audited % facts = 0 THEN 100 * audited / facts
         ELSE round(100.0 * audited / facts, 4) END AS audited_share_pct
FROM counted
JOIN entities AS e USING (entity_id)
JOIN metrics AS m USING (metric_id)
ORDER BY entity, metric
