-- Every period label, for the "did you mean" of an unknown --period.
SELECT DISTINCT label FROM periods ORDER BY label
