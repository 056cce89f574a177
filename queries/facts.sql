-- name: facts
-- title: Browse facts
-- description: Facts with their provenance, filtered by entity, metric, segment, period label and disclosure type.
-- params: entity, metric, segment, period, disclosure
SELECT entity, metric, segment, period_label, measure, value, value_high, unit,
       qualifier, basis, scenario, disclosure_type, source, publisher, published_on, quote
FROM fact_detail
WHERE ($entity IS NULL OR entity = $entity)
  AND ($metric IS NULL OR metric = $metric)
  AND ($segment IS NULL OR segment = $segment)
  AND ($period IS NULL OR period_label = $period)
  AND ($disclosure IS NULL OR disclosure_type = $disclosure)
ORDER BY entity, metric, segment, period_end, period_start, measure, basis, fact_id
