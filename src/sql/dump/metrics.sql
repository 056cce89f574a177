-- Metrics in the metrics CSV format.
SELECT m.slug AS metric, m.name, u.unit, m.description
FROM metrics AS m JOIN units AS u ON u.unit_id = m.unit_id
ORDER BY m.metric_id
