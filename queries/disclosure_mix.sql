-- name: disclosure-mix
-- view: disclosure_mix
-- title: How each metric is disclosed
-- description: Per entity and metric: how many facts there are after the report options (entity, as-of date, minimum disclosure type), how many are audited, management commentary or third-party estimates, and the audited share in percent.
-- params: entity, as_of, min_rank
-- table: entity, metric, facts, audited:A, management_commentary:M, third_party_estimate:E, audited_share_pct:audited=pct*
WITH
--@include choice
, counted AS (
    -- The candidates of the shared rule, counted on integer ids before names are joined.
    -- For every entity the facts table is read in one pass (all_facts, NOT INDEXED):
    -- through the (entity, metric, ...) index, as the rule reads one entity's facts, it
    -- would visit every row at random. Both branches keep exactly the rule's candidates;
    -- the pass is skipped when an entity is given (src/report.rs tests both).
    SELECT entity_id, metric_id,
        count(*) AS facts,
        sum(disclosure_type = 'audited') AS audited,
        sum(disclosure_type = 'management_commentary') AS management_commentary,
        sum(disclosure_type = 'third_party_estimate') AS third_party_estimate
    FROM (
        SELECT entity_id, metric_id, disclosure_type FROM candidate
        WHERE (SELECT entity FROM params) IS NOT NULL
        UNION ALL
        SELECT all_facts.entity_id, all_facts.metric_id, all_facts.disclosure_type
        FROM facts AS all_facts NOT INDEXED JOIN params
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
