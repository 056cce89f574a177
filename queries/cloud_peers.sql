-- name: cloud-peers
-- view: cloud_peers
-- title: AWS, Azure and Google Cloud side by side
-- description: One row per calendar quarter (fiscal quarters aligned by their dates; a quarter derived from year-to-date figures where none is disclosed, `*_revenue_how` giving its lineage; fiscal years in rows of their own, CY2024 when the fiscal year is the calendar year; backlog and RPO at the quarter's end; an instant on another date gets a row of its own): revenue and growth of AWS (AMZN), Azure (MSFT) and Google Cloud (GOOGL), AWS backlog, Microsoft's RPO and Google Cloud's backlog (or its RPO; never Alphabet's company-wide RPO), basis actual, chosen by the shared rule among the facts of AMZN, MSFT and GOOGL only (--entity does not apply).
-- params: as_of, min_disclosure
-- fixed: peers = 'AMZN MSFT GOOGL'
-- table: period, aws_revenue:AWS=usd, aws_yoy_pct:AWS YoY=pct, azure_yoy_pct:Azure YoY=pct, google_cloud_revenue:GCP=usd, google_cloud_yoy_pct:GCP YoY=pct, aws_backlog:AWS backlog=usd, microsoft_rpo:MSFT RPO=usd, google_cloud_backlog:GCP backlog=usd
WITH RECURSIVE
--@include choice
,
--@include derivation
-- Levels from the derivation layer (disclosed, else a quarter derived from year-to-date
-- figures: `*_revenue_how` gives the lineage); growth claims as chosen.
, level_or_claim AS (
    SELECT entity, metric, segment, period_kind, measure, unit, basis, period_start,
        period_end, value, trust_rank, fact_id, disclosure_type, source, competing, disagree,
        'disclosed' AS how
    FROM chosen
    WHERE measure <> 'level'
    UNION ALL
    SELECT entity, metric, segment, period_kind, 'level', unit, basis, period_start,
        period_end, value, trust_rank, fact_id, disclosure_type, source, competing, disagree,
        how
    FROM figure
),
series AS (
    SELECT c.*,
        CASE
            WHEN entity = 'AMZN' AND metric = 'revenue' AND segment = 'AWS'
             AND period_kind IN ('quarter', 'fiscal_year') AND measure = 'level' AND unit = 'USD' THEN 'aws_revenue'
            WHEN entity = 'AMZN' AND metric = 'revenue' AND segment = 'AWS'
             AND period_kind IN ('quarter', 'fiscal_year') AND measure = 'yoy_pct' AND unit = '%' THEN 'aws_yoy_pct'
            WHEN entity = 'MSFT' AND metric = 'revenue' AND segment = 'Azure'
             AND period_kind IN ('quarter', 'fiscal_year') AND measure = 'level' AND unit = 'USD' THEN 'azure_revenue'
            WHEN entity = 'MSFT' AND metric = 'revenue' AND segment = 'Azure'
             AND period_kind IN ('quarter', 'fiscal_year') AND measure = 'yoy_pct' AND unit = '%' THEN 'azure_yoy_pct'
            WHEN entity = 'GOOGL' AND metric = 'revenue' AND segment = 'Google Cloud'
             AND period_kind IN ('quarter', 'fiscal_year') AND measure = 'level' AND unit = 'USD'
            THEN 'google_cloud_revenue'
            WHEN entity = 'GOOGL' AND metric = 'revenue' AND segment = 'Google Cloud'
             AND period_kind IN ('quarter', 'fiscal_year') AND measure = 'yoy_pct' AND unit = '%'
            THEN 'google_cloud_yoy_pct'
            WHEN entity = 'AMZN' AND metric = 'backlog' AND segment = 'AWS'
             AND period_kind = 'instant' AND measure = 'level' AND unit = 'USD' THEN 'aws_backlog'
            WHEN entity = 'MSFT' AND metric = 'remaining_performance_obligation'
             AND period_kind = 'instant' AND measure = 'level' AND unit = 'USD' THEN 'microsoft_rpo'
            -- Google Cloud's own: Alphabet's company-wide RPO (the 10-K's figure) is
            -- not Google Cloud's backlog.
            WHEN entity = 'GOOGL' AND metric IN ('backlog', 'remaining_performance_obligation')
             AND segment = 'Google Cloud' AND period_kind = 'instant' AND measure = 'level' AND unit = 'USD'
            THEN 'google_cloud_backlog'
        END AS series,
        -- Where a series has more than one candidate for a period (RPO of several
        -- segments, Google's backlog and RPO): the whole company or Google Cloud first,
        -- backlog before RPO, then the most trusted.
        (segment NOT IN ('', 'Google Cloud')) AS other_segment,
        (metric <> 'backlog' AND entity = 'GOOGL') AS not_backlog,
        -- The calendar period a figure belongs to: its own dates for a quarter; for an
        -- instant at a calendar quarter's end, that quarter (dates from the `days` table).
        CASE
            WHEN period_kind <> 'instant' THEN period_start
            WHEN ends.next_md IN ('01-01', '04-01', '07-01', '10-01') THEN ends.q_start
        END AS row_start,
        period_end AS row_end
    FROM level_or_claim AS c
    LEFT JOIN days AS ends ON ends.day = c.period_end
    WHERE basis = 'actual'
),
picked AS (
    SELECT s.*,
        row_number() OVER (
            PARTITION BY series, row_start, row_end
            ORDER BY other_segment, not_backlog, segment, metric, trust_rank, fact_id
        ) AS series_pick
    FROM series AS s
    WHERE series IS NOT NULL
),
grid AS (
    SELECT row_start, row_end,
        max(CASE WHEN series = 'aws_revenue' THEN value END) AS aws_revenue,
        max(CASE WHEN series = 'aws_revenue' THEN disclosure_type END) AS aws_revenue_disclosure,
        max(CASE WHEN series = 'aws_revenue' THEN source END) AS aws_revenue_source,
        max(CASE WHEN series = 'aws_revenue' THEN competing END) AS aws_revenue_competing,
        max(CASE WHEN series = 'aws_revenue' THEN disagree END) AS aws_revenue_conflict,
        max(CASE WHEN series = 'aws_revenue' THEN how END) AS aws_revenue_how,
        max(CASE WHEN series = 'aws_yoy_pct' THEN value END) AS aws_yoy_pct,
        max(CASE WHEN series = 'aws_yoy_pct' THEN disclosure_type END) AS aws_yoy_pct_disclosure,
        max(CASE WHEN series = 'aws_yoy_pct' THEN source END) AS aws_yoy_pct_source,
        max(CASE WHEN series = 'aws_yoy_pct' THEN competing END) AS aws_yoy_pct_competing,
        max(CASE WHEN series = 'aws_yoy_pct' THEN disagree END) AS aws_yoy_pct_conflict,
        max(CASE WHEN series = 'azure_revenue' THEN value END) AS azure_revenue,
        max(CASE WHEN series = 'azure_revenue' THEN disclosure_type END) AS azure_revenue_disclosure,
        max(CASE WHEN series = 'azure_revenue' THEN source END) AS azure_revenue_source,
        max(CASE WHEN series = 'azure_revenue' THEN competing END) AS azure_revenue_competing,
        max(CASE WHEN series = 'azure_revenue' THEN disagree END) AS azure_revenue_conflict,
        max(CASE WHEN series = 'azure_revenue' THEN how END) AS azure_revenue_how,
        max(CASE WHEN series = 'azure_yoy_pct' THEN value END) AS azure_yoy_pct,
        max(CASE WHEN series = 'azure_yoy_pct' THEN disclosure_type END) AS azure_yoy_pct_disclosure,
        max(CASE WHEN series = 'azure_yoy_pct' THEN source END) AS azure_yoy_pct_source,
        max(CASE WHEN series = 'azure_yoy_pct' THEN competing END) AS azure_yoy_pct_competing,
        max(CASE WHEN series = 'azure_yoy_pct' THEN disagree END) AS azure_yoy_pct_conflict,
        max(CASE WHEN series = 'google_cloud_revenue' THEN value END) AS google_cloud_revenue,
        max(CASE WHEN series = 'google_cloud_revenue' THEN disclosure_type END)
            AS google_cloud_revenue_disclosure,
        max(CASE WHEN series = 'google_cloud_revenue' THEN source END)
            AS google_cloud_revenue_source,
        max(CASE WHEN series = 'google_cloud_revenue' THEN competing END)
            AS google_cloud_revenue_competing,
        max(CASE WHEN series = 'google_cloud_revenue' THEN disagree END)
            AS google_cloud_revenue_conflict,
        max(CASE WHEN series = 'google_cloud_revenue' THEN how END) AS google_cloud_revenue_how,
        max(CASE WHEN series = 'google_cloud_yoy_pct' THEN value END) AS google_cloud_yoy_pct,
        max(CASE WHEN series = 'google_cloud_yoy_pct' THEN disclosure_type END)
            AS google_cloud_yoy_pct_disclosure,
        max(CASE WHEN series = 'google_cloud_yoy_pct' THEN source END)
            AS google_cloud_yoy_pct_source,
        max(CASE WHEN series = 'google_cloud_yoy_pct' THEN competing END)
            AS google_cloud_yoy_pct_competing,
        max(CASE WHEN series = 'google_cloud_yoy_pct' THEN disagree END)
            AS google_cloud_yoy_pct_conflict,
        max(CASE WHEN series = 'aws_backlog' THEN value END) AS aws_backlog,
        max(CASE WHEN series = 'aws_backlog' THEN disclosure_type END) AS aws_backlog_disclosure,
        max(CASE WHEN series = 'aws_backlog' THEN source END) AS aws_backlog_source,
        max(CASE WHEN series = 'aws_backlog' THEN competing END) AS aws_backlog_competing,
        max(CASE WHEN series = 'aws_backlog' THEN disagree END) AS aws_backlog_conflict,
        max(CASE WHEN series = 'microsoft_rpo' THEN value END) AS microsoft_rpo,
        max(CASE WHEN series = 'microsoft_rpo' THEN segment END) AS microsoft_rpo_segment,
        max(CASE WHEN series = 'microsoft_rpo' THEN disclosure_type END) AS microsoft_rpo_disclosure,
        max(CASE WHEN series = 'microsoft_rpo' THEN source END) AS microsoft_rpo_source,
        max(CASE WHEN series = 'microsoft_rpo' THEN competing END) AS microsoft_rpo_competing,
        max(CASE WHEN series = 'microsoft_rpo' THEN disagree END) AS microsoft_rpo_conflict,
        max(CASE WHEN series = 'google_cloud_backlog' THEN value END) AS google_cloud_backlog,
        max(CASE WHEN series = 'google_cloud_backlog' THEN metric END) AS google_cloud_backlog_metric,
        max(CASE WHEN series = 'google_cloud_backlog' THEN segment END)
            AS google_cloud_backlog_segment,
        max(CASE WHEN series = 'google_cloud_backlog' THEN disclosure_type END)
            AS google_cloud_backlog_disclosure,
        max(CASE WHEN series = 'google_cloud_backlog' THEN source END)
            AS google_cloud_backlog_source,
        max(CASE WHEN series = 'google_cloud_backlog' THEN competing END)
            AS google_cloud_backlog_competing,
        max(CASE WHEN series = 'google_cloud_backlog' THEN disagree END)
            AS google_cloud_backlog_conflict
    FROM picked
    WHERE series_pick = 1
    GROUP BY row_start, row_end
)
SELECT
    -- A calendar quarter (Q1 CY2025) or year (CY2025) where the dates are one; dates are
    -- ISO text (YYYY-MM-DD), so the year and month-day are substrings.
    CASE
        WHEN row_start IS NULL THEN row_end
        WHEN row_start = e.q_start
         AND substr(row_start, 6, 5) IN ('01-01', '04-01', '07-01', '10-01')
        THEN 'Q' || s.cal_quarter || ' CY' || substr(row_start, 1, 4)
        WHEN substr(row_start, 6, 5) = '01-01' AND row_end = s.year_end
        THEN 'CY' || substr(row_start, 1, 4)
        ELSE row_start || '..' || row_end
    END AS period,
    row_start AS period_start, row_end AS period_end,
    aws_revenue, aws_yoy_pct, azure_revenue, azure_yoy_pct,
    google_cloud_revenue, google_cloud_yoy_pct,
    aws_backlog, microsoft_rpo, google_cloud_backlog,
    aws_revenue_disclosure, aws_revenue_source, aws_revenue_competing, aws_revenue_conflict,
    aws_yoy_pct_disclosure, aws_yoy_pct_source, aws_yoy_pct_competing, aws_yoy_pct_conflict,
    azure_revenue_disclosure, azure_revenue_source, azure_revenue_competing,
    azure_revenue_conflict,
    azure_yoy_pct_disclosure, azure_yoy_pct_source, azure_yoy_pct_competing,
    azure_yoy_pct_conflict,
    google_cloud_revenue_disclosure, google_cloud_revenue_source,
    google_cloud_revenue_competing, google_cloud_revenue_conflict,
    google_cloud_yoy_pct_disclosure, google_cloud_yoy_pct_source,
    google_cloud_yoy_pct_competing, google_cloud_yoy_pct_conflict,
    aws_backlog_disclosure, aws_backlog_source, aws_backlog_competing, aws_backlog_conflict,
    microsoft_rpo_segment, microsoft_rpo_disclosure, microsoft_rpo_source,
    microsoft_rpo_competing, microsoft_rpo_conflict,
    google_cloud_backlog_metric, google_cloud_backlog_segment, google_cloud_backlog_disclosure,
    google_cloud_backlog_source, google_cloud_backlog_competing, google_cloud_backlog_conflict,
    aws_revenue_how, azure_revenue_how, google_cloud_revenue_how
FROM grid
LEFT JOIN days AS e ON e.day = row_end
LEFT JOIN days AS s ON s.day = row_start
ORDER BY row_end, row_start
