-- The fiscal year end (MM-DD) of the entity `amzdb extract --entity` names.
SELECT fiscal_year_end FROM entities WHERE ticker = ?1
