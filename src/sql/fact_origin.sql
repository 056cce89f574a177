-- A stored fact's identity (the columns of Identity, in order), how its value was
-- written, the file and line it came from, and its id. Callers add the WHERE clause.
SELECT f.entity_id, f.metric_id, f.segment, f.period_id, f.measure, f.value, f.value_high,
       f.unit_id, f.qualifier, f.basis, f.disclosure_type, f.source_id, f.concept_id,
       f.scenario, f.value_text, f.batch_id, f.line, b.file_name, b.file_kind, f.fact_id
FROM facts AS f
JOIN ingest_batches AS b ON b.batch_id = f.batch_id
