-- name: definitions
-- view: definitions
-- title: Metric definitions and the identities between metrics
-- description: The declared definitions (queries/definition.sql), one row each: `metric` = `plus` - `minus` for every company (`entity` empty) or one company's own definition; `alternative_to` names the metric a figure of this one is often given under; `formula` spells the identity out.
WITH RECURSIVE
--@include definition
SELECT
    d.entity, d.metric, d.kind, d.name,
    CASE WHEN d.plus IS NOT NULL THEN d.metric || ' = ' || d.plus || ' - ' || d.minus END
        AS formula,
    d.plus, d.minus, d.alternative_to, d.source, d.quote
FROM definition AS d
