-- What each fact that repeats the identity key of an earlier one is (temp.pairs: the
-- repeat's identity and the id of the fact kept; filled by src/sql/bulk_repeats.sql or
-- src/sql/staged_repeats.sql in the order of first_id, so the kept facts are read in
-- the order they are stored): 'present' (the same fact stored before this ingest),
-- 'repeated' (the same fact earlier in the same SEC file), or 'other' (kept once from
-- another file of this ingest, given twice in a facts CSV, or a different fact whose
-- key collides), which src/ingest/bulk.rs words row by row.
-- The same fact: every column of the identity (src/ingest/facts.rs) equal, value types
-- too; entity, metric, segment, period and key are equal within a group.
INSERT INTO temp.repeats (repeat_id, first_id, batch_id, class)
SELECT r.repeat_id, r.first_id, r.batch_id,
    CASE
        WHEN NOT (r.measure = f.measure
            AND r.value = f.value AND typeof(r.value) = typeof(f.value)
            AND r.value_high IS f.value_high AND typeof(r.value_high) = typeof(f.value_high)
            AND r.unit_id = f.unit_id AND r.qualifier = f.qualifier AND r.basis = f.basis
            AND r.disclosure_type = f.disclosure_type AND r.source_id = f.source_id
            AND r.concept_id IS f.concept_id AND r.scenario = f.scenario) THEN 'other'
        WHEN f.batch_id < ?1 THEN 'present'
        WHEN f.batch_id = r.batch_id AND b.file_kind <> 'facts' THEN 'repeated'
        ELSE 'other'
    END
FROM temp.pairs AS r
CROSS JOIN facts AS f ON f.fact_id = r.first_id
JOIN ingest_batches AS b ON b.batch_id = r.batch_id
ORDER BY r.rowid
