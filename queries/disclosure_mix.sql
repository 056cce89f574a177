-- name: disclosure-mix
-- view: disclosure_mix
-- title: How each metric is disclosed
-- description: Per entity and metric: how many facts there are after the report options (entity, as-of date, minimum disclosure type), how many are audited, management commentary or third-party estimates, and the audited share in percent.
-- params: entity, as_of, min_rank
-- table: entity, metric, facts, audited:A, management_commentary:M, third_party_estimate:E, audited_share_pct:audited=pct*
WITH
--@include choice
, counted AS (
    SELECT entity, metric,
        count(*) AS facts,
        sum(disclosure_type = 'audited') AS audited,
        sum(disclosure_type = 'management_commentary') AS management_commentary,
        sum(disclosure_type = 'third_party_estimate') AS third_party_estimate
    FROM candidate
    GROUP BY entity, metric
)
SELECT entity, metric, facts, audited, management_commentary, third_party_estimate,
    -- A whole percentage stays an INTEGER (as stored values do), so every client prints
    -- it alike; others are rounded to 4 decimals.
    CASE WHEN 100 * audited % facts = 0 THEN 100 * audited / facts
         ELSE round(100.0 * audited / facts, 4) END AS audited_share_pct
FROM counted
ORDER BY entity, metric
