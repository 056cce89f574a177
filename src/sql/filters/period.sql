-- The canonical labels a --period value names: itself, else the labels equal to it in
-- another case or spacing (`q1 fy2026`, `Q1FY2026` find "Q1 FY2026"). Exact first.
SELECT label FROM (
    SELECT DISTINCT label, label = :value AS exact
    FROM periods
    WHERE replace(upper(label), ' ', '') = replace(upper(:value), ' ', '')
)
ORDER BY exact DESC, label
