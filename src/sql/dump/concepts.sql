-- Concept mappings in the concepts CSV format.
SELECT c.concept, m.slug AS metric, cm.note
FROM concept_metrics AS cm
JOIN concepts AS c ON c.concept_id = cm.concept_id
JOIN metrics AS m ON m.metric_id = cm.metric_id
ORDER BY c.concept
