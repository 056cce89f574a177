-- A complete calendar for tests/ecosystem/duckdb.rs: a TEMP table named days (which a
-- statement's own `days` resolves to before the stored table) with a row for every date
-- from three years before the first period date to three years after the last, each
-- computed as migrations/V5__typed_values_and_days.sql computes the stored rows.
CREATE TEMP TABLE days (
    day         TEXT PRIMARY KEY,
    next_day    TEXT NOT NULL,
    next_md     TEXT NOT NULL,
    prev_q_end  TEXT NOT NULL,
    q_start     TEXT NOT NULL,
    ttm_start   TEXT NOT NULL,
    year_end    TEXT NOT NULL,
    cal_quarter INTEGER NOT NULL,
    day_num     INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

WITH RECURSIVE span (day) AS (
    SELECT date(min(coalesce(start_date, end_date)), '-3 years') FROM main.periods
    UNION ALL
    SELECT date(day, '+1 day') FROM span
    WHERE day < (SELECT date(max(end_date), '+3 years') FROM main.periods)
)
INSERT INTO temp.days
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
FROM span;
