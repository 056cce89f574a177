-- amzdb schema v3: filings. A fact keeps the XBRL dimensions of its context (a new
-- `dimensions` column); segment_map says which amzdb segment an XBRL dimension is (a
-- segments CSV, data/segments.csv for the bundled one); ingest_batches admits the two
-- filing formats, an XBRL instance ('xbrl') and an inline XBRL document ('ixbrl'), and
-- segments CSV files ('segments').
--
-- SQLite cannot change a CHECK constraint in place, and ingest_batches is the parent of
-- facts: both tables are rebuilt (every id kept), facts first pointing at the new
-- batches table, so that no fact ever points at a dropped one. Renaming with
-- legacy_alter_table lets the views (reinstalled by amzdb after migrating) still name
-- the old tables meanwhile; with foreign keys on, the rename also rewrites the facts'
-- REFERENCES clause to the final name.

CREATE TABLE ingest_batches_v3 (
    batch_id        INTEGER PRIMARY KEY,
    file_name       TEXT NOT NULL,
    content_sha256  TEXT NOT NULL CHECK (length(content_sha256) = 64),
    file_kind       TEXT NOT NULL CHECK (
        file_kind = 'entities' OR file_kind = 'sources' OR file_kind = 'metrics'
        OR file_kind = 'concepts' OR file_kind = 'facts' OR file_kind = 'companyfacts'
        OR file_kind = 'fsds' OR file_kind = 'xbrl' OR file_kind = 'ixbrl'
        OR file_kind = 'segments'),
    rows_read       INTEGER NOT NULL CHECK (rows_read >= 0),
    rows_inserted   INTEGER NOT NULL CHECK (rows_inserted >= 0),
    rows_present    INTEGER NOT NULL CHECK (rows_present >= 0),
    ingested_at     TEXT NOT NULL
) STRICT;

INSERT INTO ingest_batches_v3 SELECT * FROM ingest_batches;

CREATE TABLE facts_v3 (
    fact_id         INTEGER PRIMARY KEY,
    entity_id       INTEGER NOT NULL REFERENCES entities (entity_id),
    metric_id       INTEGER NOT NULL REFERENCES metrics (metric_id),
    segment         TEXT NOT NULL DEFAULT '',
    period_id       INTEGER NOT NULL REFERENCES periods (period_id),
    measure         TEXT NOT NULL DEFAULT 'level' CHECK (
        measure = 'level' OR measure = 'yoy_pct' OR measure = 'qoq_pct'
        OR measure = 'yoy_change' OR measure = 'qoq_change'
        OR measure = 'yoy_multiple' OR measure = 'qoq_multiple'),
    value           ANY NOT NULL CHECK (typeof(value) = 'integer' OR typeof(value) = 'real'),
    value_high      ANY CHECK (
        value_high IS NULL OR typeof(value_high) = 'integer' OR typeof(value_high) = 'real'),
    precision       ANY NOT NULL CHECK (
        (typeof(precision) = 'integer' OR typeof(precision) = 'real') AND precision > 0),
    value_text      TEXT NOT NULL,
    unit_id         INTEGER NOT NULL REFERENCES units (unit_id),
    qualifier       TEXT NOT NULL DEFAULT 'exact' CHECK (
        qualifier = 'exact' OR qualifier = 'approx' OR qualifier = 'at_least'
        OR qualifier = 'at_most' OR qualifier = 'range'),
    basis           TEXT NOT NULL DEFAULT 'actual' CHECK (
        basis = 'actual' OR basis = 'run_rate' OR basis = 'guidance'
        OR basis = 'estimate' OR basis = 'consensus' OR basis = 'target'),
    disclosure_type TEXT NOT NULL CHECK (
        disclosure_type = 'audited' OR disclosure_type = 'management_commentary'
        OR disclosure_type = 'third_party_estimate'),
    source_id       INTEGER NOT NULL REFERENCES sources (source_id),
    published_on    TEXT CHECK (published_on IS NULL OR date(published_on) IS published_on),
    quote           TEXT,
    note            TEXT,
    -- The XBRL concept of a fact imported from an SEC file (or given in a facts CSV).
    concept_id      INTEGER REFERENCES concepts (concept_id),
    batch_id        INTEGER NOT NULL REFERENCES ingest_batches_v3 (batch_id),
    line            INTEGER NOT NULL,
    fact_key        INTEGER NOT NULL,
    -- The XBRL dimensions of a fact read from a filing, `axis=member|axis=member` as its
    -- context gives them (the segment says which amzdb segment they make, or names them
    -- verbatim); NULL for facts without dimensions and for every other kind of file.
    dimensions      TEXT,
    CHECK ((qualifier = 'range') = (value_high IS NOT NULL)),
    CHECK (value_high IS NULL OR value_high >= value)
) STRICT;

INSERT INTO facts_v3 SELECT *, NULL FROM facts;
DROP TABLE facts;
DROP TABLE ingest_batches;
PRAGMA legacy_alter_table = ON;
ALTER TABLE ingest_batches_v3 RENAME TO ingest_batches;
ALTER TABLE facts_v3 RENAME TO facts;
PRAGMA legacy_alter_table = OFF;

-- As in v2: one index serves look-ups by (entity, metric, segment, period) and
-- duplicate detection (fact_key: a 64-bit hash of the fact's identity).
CREATE UNIQUE INDEX facts_by_entity_metric
    ON facts (entity_id, metric_id, segment, period_id, fact_key);
CREATE INDEX facts_by_concept ON facts (concept_id) WHERE concept_id IS NOT NULL;

-- Which amzdb segment an XBRL dimension (axis and member) is. An empty segment marks a
-- member that adds nothing beside a segment axis (srt:ConsolidationItemsAxis =
-- us-gaap:OperatingSegmentsMember). A fact's dimensions make its segment only when every
-- one is here and they name one segment; otherwise the segment names them verbatim.
CREATE TABLE segment_map (
    axis    TEXT NOT NULL,
    member  TEXT NOT NULL,
    segment TEXT NOT NULL,
    note    TEXT,
    PRIMARY KEY (axis, member)
) STRICT;
