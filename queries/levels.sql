-- fragment: levels
-- title: The level figures growth is computed from
-- description: Follows `choice`, `derivation`, `definition` and `defined`. `level` holds one level figure per entity, metric, segment, basis, unit and period: for the metrics the definitions name, `defined_figure`'s (disclosed, else derived by the layer, else implied by a definition), for every other metric the layer's `figure` (disclosed, else derived); with its lineage (`how`, `shown`), source, disclosure type, qualifier, precision and fact, and `family` (fiscal years count as twelve months, with TTM).
--
-- Shared by every report that compares a level with the one before it (consistency, and
-- the watchlist's growth where none is disclosed), so both read the same figures.
level AS MATERIALIZED (
    SELECT d.entity_id, d.metric, d.segment, d.basis, d.unit_id, d.period_start, d.period_end,
        d.period_label, d.fiscal_year, d.fiscal_quarter, d.value, d.source, d.disclosure_type,
        d.how, d.shown,
        CASE d.period_kind WHEN 'fiscal_year' THEN 'ttm' ELSE d.period_kind END AS family,
        d.period_kind, d.qualifier, d.precision, d.fact_id,
        -- defined_figure keeps no upper bound: a range there has none (a report reading
        -- it must not decide on a range's upper end it does not have).
        CAST(NULL AS DOUBLE) AS value_high
    FROM defined_figure AS d
    WHERE d.pick = 1
    UNION ALL
    SELECT f.entity_id, f.metric, f.segment, f.basis, f.unit_id, f.period_start, f.period_end,
        f.period_label, f.fiscal_year, f.fiscal_quarter, f.value, f.source, f.disclosure_type,
        f.how, NULL,
        CASE f.period_kind WHEN 'fiscal_year' THEN 'ttm' ELSE f.period_kind END,
        f.period_kind, f.qualifier, f.precision, f.fact_id, f.value_high
    FROM figure AS f
    WHERE f.metric NOT IN (
        SELECT metric FROM definition UNION SELECT plus FROM definition WHERE plus IS NOT NULL
        UNION SELECT minus FROM definition WHERE minus IS NOT NULL)
)
