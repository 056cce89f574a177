-- Stores one watch item (src/ingest/watch.rs), unless the same item is stored already
-- (the unique index watch_items_identity: entity, metric, segment, measure, condition,
-- bounds by value, unit, first period and source): then nothing changes and the row is
-- counted present. Each bound is bound to the typed column of its own type, as a fact's
-- value is (src/sql/insert_fact.sql), the other left NULL.
INSERT INTO watch_items (
    entity_id, metric_id, segment, measure, condition,
    low_int, low_real, high_int, high_real, low_text, high_text,
    unit_id, from_period_id, source_id, quote, note, batch_id, line
) VALUES (
    ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18
)
ON CONFLICT DO NOTHING
