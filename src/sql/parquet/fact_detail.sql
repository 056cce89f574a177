-- One entity's facts with their provenance (the fact_detail view), in fact order.
SELECT * FROM fact_detail WHERE entity = ?1 ORDER BY fact_id
