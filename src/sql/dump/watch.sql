-- Watch items in the watch CSV format, re-ingestable as they are: each bound as it was
-- written, the first period as a facts CSV names it (a date range that is no fiscal
-- period by its dates). `--entity` and `--source-kind` choose items as they choose facts.
SELECT e.ticker AS entity, m.slug AS metric, w.segment, w.measure, w.condition,
       w.low_text AS low, w.high_text AS high, u.unit,
       CASE WHEN p.kind = 'range' THEN p.start_date || '..' || p.end_date ELSE p.label END
           AS from_period,
       s.slug AS source, w.quote, w.note
FROM watch_items AS w
JOIN entities AS e ON e.entity_id = w.entity_id
JOIN metrics AS m ON m.metric_id = w.metric_id
JOIN periods AS p ON p.period_id = w.from_period_id
JOIN units AS u ON u.unit_id = w.unit_id
JOIN sources AS s ON s.source_id = w.source_id
WHERE (:entity IS NULL OR e.ticker = :entity)
  AND (:source_kind IS NULL OR s.kind = :source_kind)
ORDER BY e.ticker, w.watch_id
