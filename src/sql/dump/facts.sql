-- Facts in the facts CSV interchange format, re-ingestable as they are.
SELECT e.ticker AS entity, m.slug AS metric, f.segment,
       CASE WHEN p.kind = 'range' THEN p.start_date || '..' || p.end_date ELSE p.label END AS period,
       f.measure, f.value_text AS value,
       CASE WHEN f.value_high IS NULL THEN NULL ELSE CAST(f.value_high AS TEXT) END AS value_high,
       u.unit, f.qualifier, f.basis, f.disclosure_type, s.slug AS source,
       CASE WHEN f.published_on IS s.published_on THEN NULL ELSE f.published_on END AS published_on,
       f.quote, f.note, c.concept,
       CAST(f.precision AS TEXT) AS precision,
       f.dimensions
FROM facts AS f
JOIN entities AS e ON e.entity_id = f.entity_id
JOIN metrics AS m ON m.metric_id = f.metric_id
JOIN periods AS p ON p.period_id = f.period_id
JOIN units AS u ON u.unit_id = f.unit_id
JOIN sources AS s ON s.source_id = f.source_id
LEFT JOIN concepts AS c ON c.concept_id = f.concept_id
WHERE (:entity IS NULL OR e.ticker = :entity)
  AND (:source_kind IS NULL OR s.kind = :source_kind)
ORDER BY e.ticker, c.concept, p.end_date, p.start_date, s.published_on, f.fact_id
