-- A bulk load's repeats (src/ingest/bulk.rs): every appended fact whose identity key an
-- earlier fact has (read in the order of the unique index's columns, built without its
-- uniqueness for this, so nothing is sorted), with its identity and the fact kept: the
-- first by fact_id, as the row-by-row path keeps the first. For classify_repeats.sql.
INSERT INTO temp.pairs (
    repeat_id, first_id, batch_id, measure, value, value_high, unit_id, qualifier, basis,
    disclosure_type, source_id, concept_id, scenario
)
SELECT d.fact_id, d.first_id, r.batch_id, r.measure, r.value, r.value_high, r.unit_id,
    r.qualifier, r.basis, r.disclosure_type, r.source_id, r.concept_id, r.scenario
FROM (
    SELECT fact_id,
        first_value(fact_id) OVER (
            PARTITION BY entity_id, metric_id, segment, period_id, fact_key ORDER BY fact_id
        ) AS first_id
    FROM facts
) AS d
JOIN facts AS r ON r.fact_id = d.fact_id
WHERE d.fact_id <> d.first_id
ORDER BY d.first_id
