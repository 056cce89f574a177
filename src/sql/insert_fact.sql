-- Appends one fact (src/ingest/facts.rs adds the clause that skips a fact already stored).
-- Each number (value, value_high, precision) is bound to the typed column of its own type
-- (schema v5), the other left NULL, so a whole number stays exact and the generated
-- value/value_high/precision read back what was bound.
INSERT INTO facts (
    entity_id, metric_id, segment, period_id, measure,
    value_int, value_real, value_high_int, value_high_real, precision_int, precision_real,
    value_text, unit_id, qualifier, basis, disclosure_type, source_id, published_on,
    quote, note, concept_id, batch_id, line, fact_key, dimensions, scenario
) VALUES (
    ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,
    ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26
)
