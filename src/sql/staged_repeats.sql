-- A staged load's repeats (src/ingest/staged.rs), once its facts are inserted: every
-- staged fact that was not stored because a fact with its identity key was (stored
-- before this load: fact_id at most ?1; or staged before it, the first of its key),
-- with its identity and the fact kept. The staged facts are read in the order of the
-- unique index, so the stored keys are probed in order; the pairs are written in the
-- order of the kept facts, so classify_repeats.sql reads those in order too.
INSERT INTO temp.pairs (
    repeat_id, first_id, batch_id, measure, value, value_high, unit_id, qualifier, basis,
    disclosure_type, source_id, concept_id, scenario
)
SELECT d.arrival, f.fact_id, d.batch_id, d.measure,
    coalesce(d.value_int, d.value_real), coalesce(d.value_high_int, d.value_high_real),
    d.unit_id, d.qualifier, d.basis, d.disclosure_type, d.source_id, d.concept_id,
    d.scenario
FROM (
    SELECT *,
        first_value(arrival) OVER (
            PARTITION BY entity_id, metric_id, segment, period_id, fact_key ORDER BY arrival
        ) AS first_arrival
    FROM temp.staging
) AS d
CROSS JOIN facts AS f ON f.entity_id = d.entity_id AND f.metric_id = d.metric_id
    AND f.segment = d.segment AND f.period_id = d.period_id AND f.fact_key = d.fact_key
WHERE d.arrival <> d.first_arrival OR f.fact_id <= ?1
ORDER BY f.fact_id
