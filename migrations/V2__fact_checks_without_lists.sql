-- amzdb schema v2: the same facts table, with CHECK constraints SQLite evaluates
-- cheaply. In v1, `measure IN ('level', ...)` and the three like it made SQLite build
-- four temporary B-trees for every inserted row: half the time of a bulk load. Each list
-- is now a chain of comparisons, which accepts and refuses exactly the same values.
--
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt (copied with
-- every fact_id kept) and its indexes made again. legacy_alter_table lets the rename
-- proceed while the views still name `facts`; amzdb reinstalls every view after
-- migrating.

CREATE TABLE facts_v2 (
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
    batch_id        INTEGER NOT NULL REFERENCES ingest_batches (batch_id),
    line            INTEGER NOT NULL,
    fact_key        INTEGER NOT NULL,
    CHECK ((qualifier = 'range') = (value_high IS NOT NULL)),
    CHECK (value_high IS NULL OR value_high >= value)
) STRICT;

INSERT INTO facts_v2 SELECT * FROM facts;
DROP TABLE facts;
PRAGMA legacy_alter_table = ON;
ALTER TABLE facts_v2 RENAME TO facts;
PRAGMA legacy_alter_table = OFF;

-- As in v1: one index serves look-ups by (entity, metric, segment, period) and
-- duplicate detection (fact_key: a 64-bit hash of the fact's identity).
CREATE UNIQUE INDEX facts_by_entity_metric
    ON facts (entity_id, metric_id, segment, period_id, fact_key);
CREATE INDEX facts_by_concept ON facts (concept_id) WHERE concept_id IS NOT NULL;
