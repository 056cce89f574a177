-- The sources the dumped facts and watch items cite, in the sources CSV format.
SELECT s.slug AS source, s.publisher, s.title, s.published_on, s.url, s.kind,
       s.accession, s.form, e.ticker AS entity
FROM sources AS s
LEFT JOIN entities AS e ON e.entity_id = s.entity_id
WHERE s.source_id IN (
    SELECT f.source_id FROM facts AS f JOIN entities AS fe ON fe.entity_id = f.entity_id
    WHERE (:entity IS NULL OR fe.ticker = :entity)
    UNION
    SELECT w.source_id FROM watch_items AS w JOIN entities AS we ON we.entity_id = w.entity_id
    WHERE (:entity IS NULL OR we.ticker = :entity)
)
  AND (:source_kind IS NULL OR s.kind = :source_kind)
ORDER BY s.published_on, s.slug
