-- Every metric slug, for the "did you mean" of an unknown --metric.
SELECT slug FROM metrics ORDER BY slug
