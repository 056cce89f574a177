-- A staged fact's identity (the columns of Identity, in order), how its value was
-- written, the file and line it came from, and its arrival in place of an id: the
-- columns of src/sql/fact_origin.sql, for a fact of temp.staging never stored.
SELECT s.entity_id, s.metric_id, s.segment, s.period_id, s.measure,
       coalesce(s.value_int, s.value_real), coalesce(s.value_high_int, s.value_high_real),
       s.unit_id, s.qualifier, s.basis, s.disclosure_type, s.source_id, s.concept_id,
       s.scenario, s.value_text, s.batch_id, s.line, b.file_name, b.file_kind, s.arrival
FROM temp.staging AS s
JOIN ingest_batches AS b ON b.batch_id = s.batch_id
WHERE s.arrival = ?1
