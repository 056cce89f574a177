-- A staged load's facts (src/ingest/staged.rs) into facts in the order of the unique
-- index facts_by_entity_metric, so its pages are visited once each, in order, whatever
-- the index's size (SQLite's sorter orders the rows in bounded memory and temporary
-- files). Within one (entity, metric, segment, period) the file's order is kept, so the
-- first of two facts with one identity key is the one stored, as on the row-by-row
-- path; the others (and facts already stored) are left out here and resolved after.
-- OR FAIL: a row the checks missed stops the statement without undoing the rows before
-- it (the ingest then rolls back whole), so SQLite keeps no statement journal of every
-- index page the insert changes.
INSERT OR FAIL INTO facts (
    entity_id, metric_id, segment, period_id, measure,
    value_int, value_real, value_high_int, value_high_real, precision_int, precision_real,
    value_text, unit_id, qualifier, basis, disclosure_type, source_id, published_on,
    quote, note, concept_id, batch_id, line, fact_key, dimensions, scenario
)
SELECT
    entity_id, metric_id, segment, period_id, measure,
    value_int, value_real, value_high_int, value_high_real, precision_int, precision_real,
    value_text, unit_id, qualifier, basis, disclosure_type, source_id, published_on,
    quote, note, concept_id, batch_id, line, fact_key, dimensions, scenario
FROM temp.staging
WHERE true
ORDER BY entity_id, metric_id, segment, period_id, arrival
ON CONFLICT (entity_id, metric_id, segment, period_id, fact_key) DO NOTHING
