-- The migrations refinery recorded as applied, oldest first.
SELECT version, name, applied_on, checksum
FROM refinery_schema_history
ORDER BY version
