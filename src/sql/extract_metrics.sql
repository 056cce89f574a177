-- The metrics `amzdb extract` may guess: slug, name, unit, whether an XBRL concept maps to
-- it (then it is a line of the financial statements), and its description (which may say
-- it is an instant).
SELECT m.slug, m.name, u.unit,
       EXISTS (SELECT 1 FROM concept_metrics AS c WHERE c.metric_id = m.metric_id),
       m.description
FROM metrics AS m
JOIN units AS u ON u.unit_id = m.unit_id
ORDER BY m.slug
