-- The segment map (which amzdb segment an XBRL dimension is) in the segments CSV format,
-- so that a database rebuilt from a dump maps the dimensions of later filings as this one does.
SELECT axis, member, segment, note
FROM segment_map
ORDER BY axis, member
