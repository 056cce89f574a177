-- name: fact_detail
-- title: Every fact with its provenance
-- description: One row per fact: what it is, its period, its value exactly as stored, who said it and how much to trust it.
-- view: fact_detail
SELECT
    f.fact_id,
    e.ticker AS entity,
    m.slug AS metric,
    f.segment,
    p.label AS period_label,
    p.start_date AS period_start,
    p.end_date AS period_end,
    p.kind AS period_kind,
    f.measure,
    -- The stored value with its type: exactly one of each typed pair is set (`value` itself
    -- is a generated column, which other engines reading the file cannot see).
    coalesce(f.value_int, f.value_real) AS value,
    coalesce(f.value_high_int, f.value_high_real) AS value_high,
    coalesce(f.precision_int, f.precision_real) AS precision,
    f.value_text,
    u.unit,
    f.qualifier,
    f.basis,
    f.scenario,
    f.disclosure_type,
    s.slug AS source,
    s.kind AS source_kind,
    s.publisher,
    s.title AS source_title,
    f.published_on,
    f.quote,
    f.note,
    c.concept,
    f.dimensions,
    s.accession,
    s.form,
    s.url AS source_url,
    b.file_name AS ingested_from,
    f.line AS ingested_line,
    b.ingested_at
FROM facts AS f
JOIN entities AS e ON e.entity_id = f.entity_id
JOIN metrics AS m ON m.metric_id = f.metric_id
JOIN periods AS p ON p.period_id = f.period_id
JOIN units AS u ON u.unit_id = f.unit_id
JOIN sources AS s ON s.source_id = f.source_id
JOIN ingest_batches AS b ON b.batch_id = f.batch_id
LEFT JOIN concepts AS c ON c.concept_id = f.concept_id
