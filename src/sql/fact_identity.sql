-- The stored fact with a fact's identity key: its identity (the columns of Identity, in
-- order), then its batch and id. Where it came from (src/sql/fact_origin.sql) is read
-- only when a note or problem names it.
SELECT entity_id, metric_id, segment, period_id, measure, value, value_high,
       unit_id, qualifier, basis, disclosure_type, source_id, concept_id,
       scenario, batch_id, fact_id
FROM facts
WHERE entity_id = ?1 AND metric_id = ?2 AND segment = ?3 AND period_id = ?4 AND fact_key = ?5
