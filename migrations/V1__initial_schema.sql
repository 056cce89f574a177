-- amzdb schema v1: sourced financial facts.
-- Reference tables (entities, sources, metrics, units, periods) use integer keys;
-- facts are append-only and point at them. Enumerated columns are readable text
-- guarded by CHECK constraints, so the sqlite3 shell shows what a row means.

CREATE TABLE units (
    unit_id     INTEGER PRIMARY KEY,
    unit        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL
) STRICT;

INSERT INTO units (unit, description) VALUES
    ('USD',       'US dollars'),
    ('USD/share', 'US dollars per share'),
    ('%',         'percent (stored in percent points: 28% is 28)'),
    ('pp',        'percentage points (a change in a percentage)'),
    ('count',     'a number of things'),
    ('shares',    'a number of shares'),
    ('GW',        'gigawatts of power'),
    ('x',         'a multiple (times)'),
    ('bps',       'basis points (hundredths of a percentage point)'),
    ('USD/unit',  'US dollars per unit sold'),
    ('USD/month', 'US dollars per month'),
    ('days',      'days'),
    ('hours',     'hours'),
    ('seconds',   'seconds');

CREATE TABLE entities (
    entity_id       INTEGER PRIMARY KEY,
    ticker          TEXT NOT NULL UNIQUE CHECK (ticker <> '' AND ticker = upper(ticker)),
    name            TEXT NOT NULL CHECK (name <> ''),
    cik             INTEGER UNIQUE CHECK (cik IS NULL OR cik > 0),
    fiscal_year_end TEXT NOT NULL CHECK (fiscal_year_end GLOB '[01][0-9]-[0-3][0-9]')
) STRICT;

CREATE TABLE sources (
    source_id    INTEGER PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE CHECK (slug <> ''),
    publisher    TEXT NOT NULL CHECK (publisher <> ''),
    title        TEXT NOT NULL CHECK (title <> ''),
    published_on TEXT CHECK (published_on IS NULL OR date(published_on) IS published_on),
    url          TEXT,
    kind         TEXT NOT NULL CHECK (kind IN (
        'filing', 'earnings_call', 'shareholder_letter', 'press_release',
        'news', 'research', 'market_data', 'survey')),
    -- For SEC filings: the accession number, the form, and the company that filed.
    accession    TEXT UNIQUE CHECK (accession IS NULL OR accession GLOB '[0-9]*-[0-9][0-9]-[0-9]*'),
    form         TEXT,
    entity_id    INTEGER REFERENCES entities (entity_id)
) STRICT;

CREATE TABLE metrics (
    metric_id   INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE CHECK (slug <> ''),
    name        TEXT NOT NULL CHECK (name <> ''),
    unit_id     INTEGER NOT NULL REFERENCES units (unit_id),
    description TEXT NOT NULL DEFAULT ''
) STRICT;

-- XBRL concepts (`us-gaap:PaymentsToAcquireProductiveAssets`), with the label the SEC
-- file gives.
CREATE TABLE concepts (
    concept_id INTEGER PRIMARY KEY,
    concept    TEXT NOT NULL UNIQUE CHECK (concept GLOB '?*:?*'),
    label      TEXT
) STRICT;

-- Which amzdb metric an XBRL concept reports: data, loaded from a concepts CSV.
-- A concept with no mapping gets a metric of its own name when its facts are imported.
CREATE TABLE concept_metrics (
    concept_id INTEGER PRIMARY KEY REFERENCES concepts (concept_id),
    metric_id  INTEGER NOT NULL REFERENCES metrics (metric_id),
    note       TEXT NOT NULL DEFAULT ''
) STRICT;

-- A period as resolved for a fiscal calendar: label is canonical for that calendar
-- ("Q1 FY2026", "TTM Q1 FY2026", "2026-03-31" for an instant, "a..b" for other ranges).
CREATE TABLE periods (
    period_id      INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN (
        'quarter', 'half_year', 'nine_months', 'fiscal_year', 'ttm', 'instant', 'range')),
    start_date     TEXT CHECK (start_date IS NULL OR date(start_date) IS start_date),
    end_date       TEXT NOT NULL CHECK (date(end_date) IS end_date),
    label          TEXT NOT NULL,
    fiscal_year    INTEGER,
    fiscal_quarter INTEGER CHECK (fiscal_quarter IS NULL OR fiscal_quarter BETWEEN 1 AND 4),
    CHECK ((kind = 'instant') = (start_date IS NULL)),
    CHECK (start_date IS NULL OR start_date <= end_date)
) STRICT;

-- One row per period and fiscal calendar: the same dates can be a fiscal quarter for one
-- company and not for another.
CREATE UNIQUE INDEX periods_by_range
    ON periods (end_date, ifnull(start_date, ''), label, ifnull(fiscal_year, 0), ifnull(fiscal_quarter, 0));

-- One row per ingested file that added anything.
CREATE TABLE ingest_batches (
    batch_id        INTEGER PRIMARY KEY,
    file_name       TEXT NOT NULL,
    content_sha256  TEXT NOT NULL CHECK (length(content_sha256) = 64),
    file_kind       TEXT NOT NULL CHECK (file_kind IN (
        'entities', 'sources', 'metrics', 'concepts', 'facts', 'companyfacts', 'fsds')),
    rows_read       INTEGER NOT NULL CHECK (rows_read >= 0),
    rows_inserted   INTEGER NOT NULL CHECK (rows_inserted >= 0),
    rows_present    INTEGER NOT NULL CHECK (rows_present >= 0),
    ingested_at     TEXT NOT NULL
) STRICT;

-- Facts are append-only: a newer figure for the same period is a new row.
-- value is INTEGER when the figure is a whole number of base units (44.2B USD is
-- 44200000000), else REAL; value_text keeps the figure exactly as it was given,
-- and precision the size of its last given digit in base units (44.2B: 100000000).
CREATE TABLE facts (
    fact_id         INTEGER PRIMARY KEY,
    entity_id       INTEGER NOT NULL REFERENCES entities (entity_id),
    metric_id       INTEGER NOT NULL REFERENCES metrics (metric_id),
    segment         TEXT NOT NULL DEFAULT '',
    period_id       INTEGER NOT NULL REFERENCES periods (period_id),
    measure         TEXT NOT NULL DEFAULT 'level' CHECK (measure IN (
        'level', 'yoy_pct', 'qoq_pct', 'yoy_change', 'qoq_change', 'yoy_multiple', 'qoq_multiple')),
    value           ANY NOT NULL CHECK (typeof(value) IN ('integer', 'real')),
    value_high      ANY CHECK (value_high IS NULL OR typeof(value_high) IN ('integer', 'real')),
    precision       ANY NOT NULL CHECK (typeof(precision) IN ('integer', 'real') AND precision > 0),
    value_text      TEXT NOT NULL,
    unit_id         INTEGER NOT NULL REFERENCES units (unit_id),
    qualifier       TEXT NOT NULL DEFAULT 'exact' CHECK (qualifier IN (
        'exact', 'approx', 'at_least', 'at_most', 'range')),
    basis           TEXT NOT NULL DEFAULT 'actual' CHECK (basis IN (
        'actual', 'run_rate', 'guidance', 'estimate', 'consensus', 'target')),
    disclosure_type TEXT NOT NULL CHECK (disclosure_type IN (
        'audited', 'management_commentary', 'third_party_estimate')),
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

-- One index serves both look-ups by (entity, metric, segment, period) and duplicate
-- detection: fact_key is a 64-bit hash of the fact's identity (see src/ingest/facts.rs),
-- unique within its (entity, metric, segment, period).
CREATE UNIQUE INDEX facts_by_entity_metric
    ON facts (entity_id, metric_id, segment, period_id, fact_key);
CREATE INDEX facts_by_concept ON facts (concept_id) WHERE concept_id IS NOT NULL;
CREATE INDEX periods_by_end ON periods (end_date);
