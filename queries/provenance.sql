-- name: provenance
-- view: provenance
-- title: The audit trail behind any number
-- description: Every fact after the report options (entity, as-of date, minimum disclosure type; --metric and --period narrow by metric slug and period label), with its source, quote and note, its rank in its group under the shared rule and whether the rule chose it (chosen = 1).
-- params: entity, as_of, min_disclosure, metric, period
-- table: metric, period_label:period, measure, value_text:value, disclosure_type:trust=trust, source, chosen
WITH RECURSIVE
--@include choice
SELECT
    r.entity, r.metric, r.segment, r.period_label, r.measure, r.basis, r.value, r.value_high,
    f.value_text, r.unit, r.qualifier, r.disclosure_type, r.source, s.publisher, s.title AS source_title,
    r.published_on, f.quote, f.note, r.fact_id,
    CASE WHEN r.pick = 1 THEN 1 ELSE 0 END AS chosen,
    r.pick AS rank_in_group
FROM ranked AS r
JOIN facts AS f ON f.fact_id = r.fact_id
JOIN sources AS s ON s.source_id = f.source_id
-- A metric slug and a period label, each '' or NULL for every one.
CROSS JOIN (
    SELECT CAST(nullif($metric, '') AS TEXT) AS metric,
        CAST(nullif($period, '') AS TEXT) AS period_label
) AS narrow
WHERE (narrow.metric IS NULL OR r.metric = narrow.metric)
  AND (narrow.period_label IS NULL OR r.period_label = narrow.period_label)
ORDER BY r.entity, r.metric, r.segment, r.period_end, r.period_start, r.period_label,
    r.measure, r.basis, r.unit, r.pick, r.fact_id
