-- Every stored fact with a quote, for `amzdb extract --coverage`: a document's number is
-- covered by a fact with the same value (or value_high) whose quote is taken from the
-- number's sentence. Read only.
SELECT fact_id, value, value_high, quote
FROM facts
WHERE quote IS NOT NULL AND quote <> ''
ORDER BY fact_id
