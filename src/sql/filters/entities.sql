-- Every ticker, for the "did you mean" of an unknown --entity.
SELECT ticker FROM entities ORDER BY ticker
