-- The stored ticker a --entity value names: tickers are stored in upper case, so
-- `amzn` finds AMZN (both lookups use the unique index on ticker).
SELECT ticker FROM entities WHERE ticker = :value
UNION
SELECT ticker FROM entities WHERE ticker = upper(:value)
