-- amzdb schema v6: watch items. A watch item is a condition someone set on a future
-- figure ("whether AWS growth can hold in the 25%-30% range", "if Q2 lands above $50B"):
-- an entity's metric, segment and measure, `above` a low bound, `below` a high bound or
-- `between` the two, for every period of its kind from `from_period` on, with the source
-- and verbatim quote of whoever set it. The `watchlist` report checks each against the
-- figure the shared rule chooses (queries/watchlist.sql). Watch items arrive in a watch
-- CSV (`amzdb ingest`), so ingest_batches admits a new file kind, 'watch'.
--
-- SQLite cannot change a CHECK constraint in place, and ingest_batches is the parent of
-- facts: as in v3, both are rebuilt (every id and row kept), facts first pointing at the
-- new batches table so that no fact ever points at a dropped one; renaming with
-- legacy_alter_table lets the views (reinstalled by amzdb after migrating) still name
-- the old tables meanwhile, and with foreign keys on the rename rewrites facts'
-- REFERENCES clause to the final name. facts' definition is v5's, unchanged.

CREATE TABLE ingest_batches_v6 (
    batch_id        INTEGER PRIMARY KEY,
    file_name       TEXT NOT NULL,
    content_sha256  TEXT NOT NULL CHECK (length(content_sha256) = 64),
    file_kind       TEXT NOT NULL CHECK (
        file_kind = 'entities' OR file_kind = 'sources' OR file_kind = 'metrics'
        OR file_kind = 'concepts' OR file_kind = 'facts' OR file_kind = 'companyfacts'
        OR file_kind = 'fsds' OR file_kind = 'xbrl' OR file_kind = 'ixbrl'
        OR file_kind = 'segments' OR file_kind = 'watch'),
    rows_read       INTEGER NOT NULL CHECK (rows_read >= 0),
    rows_inserted   INTEGER NOT NULL CHECK (rows_inserted >= 0),
    rows_present    INTEGER NOT NULL CHECK (rows_present >= 0),
    ingested_at     TEXT NOT NULL
) STRICT;

INSERT INTO ingest_batches_v6 SELECT * FROM ingest_batches ORDER BY batch_id;

CREATE TABLE facts_v6 (
    fact_id         INTEGER PRIMARY KEY,
    entity_id       INTEGER NOT NULL REFERENCES entities (entity_id),
    metric_id       INTEGER NOT NULL REFERENCES metrics (metric_id),
    segment         TEXT NOT NULL DEFAULT '',
    period_id       INTEGER NOT NULL REFERENCES periods (period_id),
    measure         TEXT NOT NULL DEFAULT 'level' CHECK (
        measure = 'level' OR measure = 'yoy_pct' OR measure = 'qoq_pct'
        OR measure = 'yoy_change' OR measure = 'qoq_change'
        OR measure = 'yoy_multiple' OR measure = 'qoq_multiple'),
    -- The figure: a whole number of base units as INTEGER (exact at any size), any other
    -- as REAL. src/sql/insert_fact.sql splits one bound value by its type.
    value_int       INTEGER,
    value_real      REAL,
    value           ANY AS (coalesce(value_int, value_real)) VIRTUAL,
    value_high_int  INTEGER,
    value_high_real REAL,
    value_high      ANY AS (coalesce(value_high_int, value_high_real)) VIRTUAL,
    precision_int   INTEGER,
    precision_real  REAL,
    precision       ANY AS (coalesce(precision_int, precision_real)) VIRTUAL,
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
    batch_id        INTEGER NOT NULL REFERENCES ingest_batches_v6 (batch_id),
    line            INTEGER NOT NULL,
    fact_key        INTEGER NOT NULL,
    -- The XBRL dimensions of a fact read from a filing, `axis=member|axis=member` as its
    -- context gives them (the segment says which amzdb segment they make, or names them
    -- verbatim); NULL for facts without dimensions and for every other kind of file.
    dimensions      TEXT,
    -- A named hypothetical the fact belongs to (see v4), never an actual figure.
    scenario        TEXT NOT NULL DEFAULT '' CHECK (scenario = '' OR basis <> 'actual'),
    -- Exactly one of each pair is set (value_high may be absent), so the generated
    -- column is the stored value; a value of any other type (TEXT, BLOB) sets neither.
    CHECK ((value_int IS NULL) <> (value_real IS NULL)),
    CHECK (NOT (value_high_int IS NOT NULL AND value_high_real IS NOT NULL)),
    CHECK ((precision_int IS NULL) <> (precision_real IS NULL)),
    CHECK (precision > 0),
    CHECK ((qualifier = 'range') = (value_high IS NOT NULL)),
    CHECK (value_high IS NULL OR value_high >= value)
) STRICT;

INSERT INTO facts_v6 (
    fact_id, entity_id, metric_id, segment, period_id, measure,
    value_int, value_real, value_high_int, value_high_real, precision_int, precision_real,
    value_text, unit_id, qualifier, basis, disclosure_type, source_id, published_on,
    quote, note, concept_id, batch_id, line, fact_key, dimensions, scenario
)
SELECT
    fact_id, entity_id, metric_id, segment, period_id, measure,
    value_int, value_real, value_high_int, value_high_real, precision_int, precision_real,
    value_text, unit_id, qualifier, basis, disclosure_type, source_id, published_on,
    quote, note, concept_id, batch_id, line, fact_key, dimensions, scenario
FROM facts
ORDER BY fact_id;

DROP TABLE facts;
DROP TABLE ingest_batches;
PRAGMA legacy_alter_table = ON;
ALTER TABLE ingest_batches_v6 RENAME TO ingest_batches;
ALTER TABLE facts_v6 RENAME TO facts;
PRAGMA legacy_alter_table = OFF;

-- v5's indexes of facts, as they were.
CREATE UNIQUE INDEX facts_by_entity_metric
    ON facts (entity_id, metric_id, segment, period_id, fact_key);
CREATE INDEX facts_by_concept ON facts (concept_id) WHERE concept_id IS NOT NULL;

CREATE TABLE watch_items (
    watch_id        INTEGER PRIMARY KEY,
    entity_id       INTEGER NOT NULL REFERENCES entities (entity_id),
    metric_id       INTEGER NOT NULL REFERENCES metrics (metric_id),
    segment         TEXT NOT NULL DEFAULT '',
    measure         TEXT NOT NULL DEFAULT 'level' CHECK (
        measure = 'level' OR measure = 'yoy_pct' OR measure = 'qoq_pct'
        OR measure = 'yoy_change' OR measure = 'qoq_change'
        OR measure = 'yoy_multiple' OR measure = 'qoq_multiple'),
    -- `above` low (the figure at least low), `below` high (at most high), `between` the
    -- two (inclusive): a bound belongs to its condition, so `above` has no high.
    condition       TEXT NOT NULL CHECK (
        condition = 'above' OR condition = 'below' OR condition = 'between'),
    -- Each bound typed as facts' values are (v5): a whole number of base units INTEGER,
    -- any other REAL, at most one of each pair set; `low` and `high` read the pair.
    low_int         INTEGER,
    low_real        REAL,
    low             ANY AS (coalesce(low_int, low_real)) VIRTUAL,
    high_int        INTEGER,
    high_real       REAL,
    high            ANY AS (coalesce(high_int, high_real)) VIRTUAL,
    -- Each bound as written (`25%`, `$50B`), as value_text keeps a fact's.
    low_text        TEXT,
    high_text       TEXT,
    unit_id         INTEGER NOT NULL REFERENCES units (unit_id),
    -- The first period the item applies to; it applies to every later period of the
    -- same kind (quarters from a quarter, years from a year, instants from an instant).
    from_period_id  INTEGER NOT NULL REFERENCES periods (period_id),
    source_id       INTEGER NOT NULL REFERENCES sources (source_id),
    quote           TEXT,
    note            TEXT,
    batch_id        INTEGER NOT NULL REFERENCES ingest_batches (batch_id),
    line            INTEGER NOT NULL,
    CHECK (NOT (low_int IS NOT NULL AND low_real IS NOT NULL)),
    CHECK (NOT (high_int IS NOT NULL AND high_real IS NOT NULL)),
    CHECK ((low IS NULL) = (low_text IS NULL)),
    CHECK ((high IS NULL) = (high_text IS NULL)),
    CHECK (condition <> 'above' OR (low IS NOT NULL AND high IS NULL)),
    CHECK (condition <> 'below' OR (low IS NULL AND high IS NOT NULL)),
    CHECK (condition <> 'between' OR (low IS NOT NULL AND high IS NOT NULL AND low <= high))
) STRICT;

-- One item per identity: the same condition from the same source given twice (in one
-- file or two) is stored once, as a fact is. Bounds compare by value (`25%` = `25.0%`).
CREATE UNIQUE INDEX watch_items_identity ON watch_items (
    entity_id, metric_id, segment, measure, condition, ifnull(low, ''), ifnull(high, ''),
    unit_id, from_period_id, source_id);
