-- Entities in the entities CSV format.
SELECT ticker, name, cik, fiscal_year_end FROM entities
WHERE :entity IS NULL OR ticker = :entity
ORDER BY ticker
