-- The stored fact with an identity key, with the file and line it came from.
SELECT f.entity_id, f.metric_id, f.segment, f.period_id, f.measure, f.value, f.value_high,
       f.unit_id, f.qualifier, f.basis, f.disclosure_type, f.source_id, f.concept_id,
       f.batch_id, f.line, b.file_name
FROM facts AS f
JOIN ingest_batches AS b ON b.batch_id = f.batch_id
WHERE f.entity_id = ?1 AND f.metric_id = ?2 AND f.segment = ?3 AND f.period_id = ?4
  AND f.fact_key = ?5
