-- The reviewed facts the extract quality benchmark compares drafts with: every fact whose
-- note names the document it was read from ("in FILE; ..."), with the columns a draft
-- row guesses. The benchmark keeps the facts of one document by the file its note names.
SELECT
    fact_id,
    note,
    metric,
    segment,
    period_label,
    measure,
    value,
    value_high,
    unit,
    basis,
    disclosure_type,
    quote
FROM fact_detail
WHERE note LIKE 'in %'
ORDER BY fact_id
