-- The committed ingest batches a file is recognised against: each file's kind and the
-- SHA-256 of its content, oldest first (the first batch of a content is the one named).
SELECT batch_id, file_kind, content_sha256, file_name, ingested_at
FROM ingest_batches
ORDER BY batch_id
