-- amzdb schema v5: typed values and a calendar, so that engines other than SQLite read
-- the file (DuckDB attaches it with its sqlite extension and re-binds every view's SQL
-- over the base tables it scans).
--
-- facts.value, value_high and precision were STRICT `ANY` columns: INTEGER when a figure
-- is a whole number of base units, else REAL. DuckDB types a column by its declaration,
-- so it cannot read them (no SQLite view over them helps: DuckDB re-binds the view over
-- the same column). Each is now stored in two typed columns, exactly one of them set
-- (value_int for an INTEGER, value_real for a REAL; neither for a missing value_high),
-- and the old name is a generated VIRTUAL column over the pair: `coalesce` returns the
-- stored value with its own type, so every SQLite reader of `value` (views, dump, the
-- sqlite3 shell) sees the same integer or real as before, and nothing stores it twice.
-- DuckDB's scanner does not list generated columns, so `SELECT * FROM facts` there reads
-- the typed columns only (value_int BIGINT, value_real DOUBLE).
--
-- SQLite cannot turn a column into a generated one in place: facts is rebuilt as in v3
-- (every id and row kept, the typed columns filled by each value's storage class, so
-- integers stay integers and reals stay reals), with legacy_alter_table so the views
-- still naming facts (reinstalled by amzdb after migrating) do not stop the rename. No
-- table points at facts, so dropping the old one breaks no foreign key.

CREATE TABLE facts_v5 (
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
    batch_id        INTEGER NOT NULL REFERENCES ingest_batches (batch_id),
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

INSERT INTO facts_v5 (
    fact_id, entity_id, metric_id, segment, period_id, measure,
    value_int, value_real, value_high_int, value_high_real, precision_int, precision_real,
    value_text, unit_id, qualifier, basis, disclosure_type, source_id, published_on,
    quote, note, concept_id, batch_id, line, fact_key, dimensions, scenario
)
SELECT
    fact_id, entity_id, metric_id, segment, period_id, measure,
    CASE typeof(value) WHEN 'integer' THEN value END,
    CASE typeof(value) WHEN 'real' THEN value END,
    CASE typeof(value_high) WHEN 'integer' THEN value_high END,
    CASE typeof(value_high) WHEN 'real' THEN value_high END,
    CASE typeof(precision) WHEN 'integer' THEN precision END,
    CASE typeof(precision) WHEN 'real' THEN precision END,
    value_text, unit_id, qualifier, basis, disclosure_type, source_id, published_on,
    quote, note, concept_id, batch_id, line, fact_key, dimensions, scenario
FROM facts
ORDER BY fact_id;

DROP TABLE facts;
PRAGMA legacy_alter_table = ON;
ALTER TABLE facts_v5 RENAME TO facts;
PRAGMA legacy_alter_table = OFF;

-- As in v2: one index serves look-ups by (entity, metric, segment, period) and
-- duplicate detection (fact_key: a 64-bit hash of the fact's identity).
CREATE UNIQUE INDEX facts_by_entity_metric
    ON facts (entity_id, metric_id, segment, period_id, fact_key);
CREATE INDEX facts_by_concept ON facts (concept_id) WHERE concept_id IS NOT NULL;

-- The date arithmetic the reports need, computed once by SQLite: DuckDB has no
-- `date(x, '+1 day', '-12 months')`, and a value both engines read from a table is the
-- same in both. A view joins `days` on a period's date and reads the column it needs.
CREATE TABLE days (
    day         TEXT PRIMARY KEY,      -- YYYY-MM-DD
    next_day    TEXT NOT NULL,         -- date(day, '+1 day')
    next_md     TEXT NOT NULL,         -- strftime('%m-%d', day, '+1 day')
    prev_q_end  TEXT NOT NULL,         -- date(day, 'start of month', '-2 months', '-1 day')
    q_start     TEXT NOT NULL,         -- date(day, '+1 day', '-3 months')
    ttm_start   TEXT NOT NULL,         -- date(day, '+1 day', '-12 months')
    year_end    TEXT NOT NULL,         -- date(day, '+1 year', '-1 day')
    cal_quarter INTEGER NOT NULL,      -- (CAST(strftime('%m', day) AS INTEGER) + 2) / 3
    day_num     INTEGER NOT NULL       -- days since 1970-01-01 (julianday(day) - 2440587.5)
) STRICT, WITHOUT ROWID;

-- Which days there are: every date a period starts or ends on, and every date those
-- rows name (one round: a view may look up the row of a period's prev_q_end, say, but
-- never the row of that row's). Each statement below computes a row the same way;
-- SQLite has no user functions in SQL, so the expressions are written out in each.
INSERT INTO days
SELECT
    day,
    date(day, '+1 day'),
    strftime('%m-%d', day, '+1 day'),
    date(day, 'start of month', '-2 months', '-1 day'),
    date(day, '+1 day', '-3 months'),
    date(day, '+1 day', '-12 months'),
    date(day, '+1 year', '-1 day'),
    (CAST(strftime('%m', day) AS INTEGER) + 2) / 3,
    CAST(julianday(day) - 2440587.5 AS INTEGER)
FROM (
    SELECT start_date AS day FROM periods WHERE start_date IS NOT NULL
    UNION
    SELECT end_date FROM periods
);

-- The dates the period rows name, read from those rows (only they are in days yet).
INSERT OR IGNORE INTO days
SELECT
    day,
    date(day, '+1 day'),
    strftime('%m-%d', day, '+1 day'),
    date(day, 'start of month', '-2 months', '-1 day'),
    date(day, '+1 day', '-3 months'),
    date(day, '+1 day', '-12 months'),
    date(day, '+1 year', '-1 day'),
    (CAST(strftime('%m', day) AS INTEGER) + 2) / 3,
    CAST(julianday(day) - 2440587.5 AS INTEGER)
FROM (
    SELECT next_day AS day FROM days
    UNION SELECT prev_q_end FROM days
    UNION SELECT q_start FROM days
    UNION SELECT ttm_start FROM days
    UNION SELECT year_end FROM days
);

-- Every later period brings its days, whichever path inserts it (an ingest, a bulk
-- load, a user's own SQL), in the same transaction: first the period's own dates, then
-- the dates their rows name.
CREATE TRIGGER periods_add_days AFTER INSERT ON periods
BEGIN
    INSERT OR IGNORE INTO days
    SELECT
        day,
        date(day, '+1 day'),
        strftime('%m-%d', day, '+1 day'),
        date(day, 'start of month', '-2 months', '-1 day'),
        date(day, '+1 day', '-3 months'),
        date(day, '+1 day', '-12 months'),
        date(day, '+1 year', '-1 day'),
        (CAST(strftime('%m', day) AS INTEGER) + 2) / 3,
        CAST(julianday(day) - 2440587.5 AS INTEGER)
    FROM (
        SELECT NEW.start_date AS day WHERE NEW.start_date IS NOT NULL
        UNION
        SELECT NEW.end_date
    );
    INSERT OR IGNORE INTO days
    SELECT
        day,
        date(day, '+1 day'),
        strftime('%m-%d', day, '+1 day'),
        date(day, 'start of month', '-2 months', '-1 day'),
        date(day, '+1 day', '-3 months'),
        date(day, '+1 day', '-12 months'),
        date(day, '+1 year', '-1 day'),
        (CAST(strftime('%m', day) AS INTEGER) + 2) / 3,
        CAST(julianday(day) - 2440587.5 AS INTEGER)
    FROM (
        SELECT d.next_day AS day FROM days AS d WHERE d.day IN (NEW.start_date, NEW.end_date)
        UNION SELECT d.prev_q_end FROM days AS d WHERE d.day IN (NEW.start_date, NEW.end_date)
        UNION SELECT d.q_start FROM days AS d WHERE d.day IN (NEW.start_date, NEW.end_date)
        UNION SELECT d.ttm_start FROM days AS d WHERE d.day IN (NEW.start_date, NEW.end_date)
        UNION SELECT d.year_end FROM days AS d WHERE d.day IN (NEW.start_date, NEW.end_date)
    );
END;
