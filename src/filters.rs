//! Filter options (`--entity`, `--metric`, `--segment`, `--period`, `--source-kind`):
//! each value resolved to the one stored spelling it names, or refused as unknown with
//! the nearest known value; and the one-line note that says why known filters found
//! nothing. Every command with filter options calls this module, so a filter that
//! matches nothing is never a silent empty result.

use crate::cli::DumpArgs;
use crate::error::{Error, Result};
use crate::ingest::catalog;
use crate::model::{DisclosureType, SourceKind};
use rusqlite::{named_params, Connection};

/// What a filter option names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    Entity,
    Metric,
    Segment,
    Period,
    SourceKind,
}

impl Filter {
    /// The word in messages: "unknown metric 'capx'".
    pub fn what(self) -> &'static str {
        match self {
            Filter::Entity => "entity",
            Filter::Metric => "metric",
            Filter::Segment => "segment",
            Filter::Period => "period",
            Filter::SourceKind => "source kind",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Filter::Entity => "entities",
            Filter::Metric => "metrics",
            Filter::Segment => "segments",
            Filter::Period => "periods",
            Filter::SourceKind => "source kinds",
        }
    }
}

/// The value a filter names, as stored: itself when stored so, else the one stored value
/// it names in another case or spelling (`amzn` is AMZN, `q1 fy2026` is "Q1 FY2026").
/// An unknown value is a usage error with the nearest known value, if any.
pub fn resolve(conn: &Connection, filter: Filter, given: Option<&str>) -> Result<Option<String>> {
    let Some(value) = given else {
        return Ok(None);
    };
    let matches = matching(conn, filter, value)?;
    match matches.as_slice() {
        [] => Err(Error::Usage(unknown(conn, filter, value)?)),
        [one] => Ok(Some(one.clone())),
        // Exact first: a value stored as given is that value, whatever else resembles it.
        [first, ..] if first == value => Ok(Some(first.clone())),
        several => Err(Error::Usage(format!(
            "{} '{value}' is ambiguous: it could be {}; give one exactly as stored",
            filter.what(),
            quoted(several)
        ))),
    }
}

/// The stored values `value` names, exact match first.
fn matching(conn: &Connection, filter: Filter, value: &str) -> Result<Vec<String>> {
    let sql = match filter {
        Filter::Entity => include_str!("sql/filters/entity.sql"),
        Filter::Metric => include_str!("sql/filters/metric.sql"),
        Filter::Period => include_str!("sql/filters/period.sql"),
        Filter::Segment => {
            // Few distinct segments: compared here, case-insensitively.
            let mut found: Vec<String> = known(conn, filter)?
                .into_iter()
                .filter(|s| s.to_lowercase() == value.to_lowercase())
                .collect();
            found.sort_by_key(|s| s != value);
            return Ok(found);
        }
        Filter::SourceKind => {
            let spelled = value.trim().to_lowercase().replace(['-', ' '], "_");
            return Ok(SourceKind::ALL
                .iter()
                .map(|k| k.as_str())
                .filter(|k| *k == spelled)
                .map(String::from)
                .collect());
        }
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(named_params! { ":value": value }, |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every value a filter can name, for suggestions.
fn known(conn: &Connection, filter: Filter) -> Result<Vec<String>> {
    let sql = match filter {
        Filter::Entity => include_str!("sql/filters/entities.sql"),
        Filter::Metric => include_str!("sql/filters/metrics.sql"),
        Filter::Period => include_str!("sql/filters/periods.sql"),
        Filter::Segment => include_str!("sql/filters/segments.sql"),
        Filter::SourceKind => {
            return Ok(SourceKind::ALL
                .iter()
                .map(|k| k.as_str().to_string())
                .collect())
        }
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// "unknown entity 'XYZQ'; did you mean 'XYZ'?", or with no near value, the known ones
/// (a few of them when there are many).
fn unknown(conn: &Connection, filter: Filter, value: &str) -> Result<String> {
    const LISTED: usize = 10;
    let known = known(conn, filter)?;
    let what = format!("{} '{value}'", filter.what());
    if catalog::nearest(value, known.iter().map(String::as_str)).is_some() {
        return Ok(catalog::unknown(
            &what,
            value,
            known.iter().map(String::as_str),
        ));
    }
    let list = match known.len() {
        0 => format!("the database has no {}", filter.plural()),
        n if n <= LISTED => format!("known {}: {}", filter.plural(), quoted(&known)),
        n => format!(
            "{n} {} are known, e.g. {}",
            filter.plural(),
            quoted(&known[..LISTED])
        ),
    };
    Ok(format!("unknown {what}; {list}"))
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `amzdb dump`'s options with --entity and --source-kind resolved.
pub fn resolve_dump(conn: &Connection, args: &DumpArgs) -> Result<DumpArgs> {
    Ok(DumpArgs {
        entity: resolve(conn, Filter::Entity, args.entity.as_deref())?,
        source_kind: resolve(conn, Filter::SourceKind, args.source_kind.as_deref())?,
        ..args.clone()
    })
}

/// Why `amzdb facts` found nothing when every filter it was given names a known value:
/// no fact has them all together (or, with one filter, that value has no facts).
pub fn why_no_facts(given: &[(Filter, Option<&str>)]) -> String {
    let named: Vec<String> = given
        .iter()
        .filter_map(|(f, v)| v.map(|v| format!("{} '{v}'", f.what())))
        .collect();
    match named.as_slice() {
        [] => "the database has no facts".to_string(),
        [one] => format!("{one} is known, but no fact has it"),
        [init @ .., last] => format!(
            "each filter is known, but no fact has {} and {last} together",
            init.join(", ")
        ),
    }
}

/// The options a report ran with, as `why_no_report_rows` needs them.
#[derive(Debug, Default)]
pub struct ReportScope<'a> {
    pub report: &'a str,
    pub entity: Option<&'a str>,
    pub as_of: Option<&'a str>,
    pub min_disclosure: Option<DisclosureType>,
    pub metric: Option<&'a str>,
    pub period: Option<&'a str>,
}

/// Why a report found no rows: the first of its options that leaves no fact (no facts
/// at all, none published by --as-of, none trusted enough, none of --metric/--period),
/// or, when facts are left, that the report needs figures they do not give.
pub fn why_no_report_rows(conn: &Connection, scope: &ReportScope) -> Result<String> {
    let min_rank = scope.min_disclosure.map(rank);
    let mut stmt = conn.prepare_cached(include_str!("sql/filters/why_empty.sql"))?;
    let (any_fact, any_published, any_trusted, any_matching) = stmt.query_row(
        named_params! {
            ":entity": scope.entity,
            ":as_of": scope.as_of,
            ":min_rank": min_rank,
            ":metric": scope.metric,
            ":period": scope.period,
        },
        |r| {
            Ok((
                r.get::<_, bool>(0)?,
                r.get::<_, bool>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, bool>(3)?,
            ))
        },
    )?;
    let who = match scope.entity {
        Some(e) => e.to_string(),
        None => "the database".to_string(),
    };
    let published = scope
        .as_of
        .map(|d| format!(" published on or before {d}"))
        .unwrap_or_default();
    let trusted = scope
        .min_disclosure
        .map(|d| format!(" that are {}", trusted_as(d)))
        .unwrap_or_default();
    Ok(if !any_fact {
        format!("{who} has no facts")
    } else if !any_published {
        format!("{who} has facts, but none{published}")
    } else if !any_trusted {
        format!("{who} has facts{published}, but none{trusted}")
    } else if !any_matching {
        let mut of = Vec::new();
        if let Some(m) = scope.metric {
            of.push(format!("metric '{m}'"));
        }
        if let Some(p) = scope.period {
            of.push(format!("period '{p}'"));
        }
        format!(
            "{who} has no facts of {}{published}{trusted}",
            of.join(" for ")
        )
    } else {
        format!(
            "{who} has facts{published}{trusted}, but none that report {} shows",
            scope.report
        )
    })
}

/// The rank `--min-disclosure` keeps up to (1 is the most trusted), as the reports use.
pub fn rank(d: DisclosureType) -> i64 {
    match d {
        DisclosureType::Audited => 1,
        DisclosureType::ManagementCommentary => 2,
        DisclosureType::ThirdPartyEstimate => 3,
    }
}

fn trusted_as(d: DisclosureType) -> &'static str {
    match d {
        DisclosureType::Audited => "audited",
        DisclosureType::ManagementCommentary => "audited or management commentary",
        DisclosureType::ThirdPartyEstimate => "of any disclosure type",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let conn = crate::db::memory();
        conn.execute_batch(
            "INSERT INTO entities (ticker, name, fiscal_year_end) VALUES
                 ('AMZN', 'Amazon', '12-31'), ('XYZ', 'X', '12-31');
             INSERT INTO sources (slug, publisher, title, kind) VALUES ('s', 'p', 't', 'news');
             INSERT INTO metrics (slug, name, unit_id) VALUES
                 ('capex', 'Capex', 1), ('free_cash_flow', 'FCF', 1);
             INSERT INTO periods (kind, start_date, end_date, label, fiscal_year, fiscal_quarter)
                 VALUES ('quarter', '2026-01-01', '2026-03-31', 'Q1 FY2026', 2026, 1);
             INSERT INTO ingest_batches (file_name, content_sha256, file_kind, rows_read,
                 rows_inserted, rows_present, ingested_at)
                 VALUES ('f', printf('%064d', 0), 'facts', 0, 0, 0, 'now');
             INSERT INTO facts (entity_id, metric_id, segment, period_id, value_int, precision_int,
                 value_text, unit_id, disclosure_type, source_id, published_on, batch_id,
                 line, fact_key)
             VALUES (1, 1, 'AWS', 1, 1, 1, '1', 1, 'third_party_estimate', 1, '2026-04-01',
                     1, 1, 1),
                    (1, 1, '', 1, 1, 1, '1', 1, 'audited', 1, '2026-04-01', 1, 2, 2),
                    (2, 2, 'Cloud', 1, 1, 1, '1', 1, 'audited', 1, NULL, 1, 3, 3);",
        )
        .unwrap();
        conn
    }

    fn ok(conn: &Connection, filter: Filter, value: &str) -> String {
        resolve(conn, filter, Some(value)).unwrap().unwrap()
    }

    fn err(conn: &Connection, filter: Filter, value: &str) -> String {
        match resolve(conn, filter, Some(value)) {
            Err(Error::Usage(m)) => m,
            other => panic!("{value}: {other:?}"),
        }
    }

    #[test]
    fn values_resolve_to_their_stored_spelling() {
        let conn = db();
        assert_eq!(ok(&conn, Filter::Entity, "amzn"), "AMZN");
        assert_eq!(
            ok(&conn, Filter::Metric, "Free-Cash-Flow"),
            "free_cash_flow"
        );
        assert_eq!(ok(&conn, Filter::Period, "q1 fy2026"), "Q1 FY2026");
        assert_eq!(ok(&conn, Filter::Period, "Q1FY2026"), "Q1 FY2026");
        assert_eq!(ok(&conn, Filter::Segment, "aws"), "AWS");
        assert_eq!(ok(&conn, Filter::Segment, ""), "");
        assert_eq!(
            ok(&conn, Filter::SourceKind, "earnings-call"),
            "earnings_call"
        );
        assert_eq!(resolve(&conn, Filter::Entity, None).unwrap(), None);
    }

    #[test]
    fn unknown_values_get_the_nearest_known_one() {
        let conn = db();
        assert_eq!(
            err(&conn, Filter::Entity, "XYZQ"),
            "unknown entity 'XYZQ'; did you mean 'XYZ'?"
        );
        assert_eq!(
            err(&conn, Filter::Metric, "capx"),
            "unknown metric 'capx'; did you mean 'capex'?"
        );
        assert_eq!(
            err(&conn, Filter::Period, "Q1 2026"),
            "unknown period 'Q1 2026'; did you mean 'Q1 FY2026'?"
        );
        assert_eq!(
            err(&conn, Filter::Segment, "Advertising services"),
            "unknown segment 'Advertising services'; known segments: '', 'AWS', 'Cloud'"
        );
        assert!(err(&conn, Filter::SourceKind, "filings").ends_with("did you mean 'filing'?"));
    }

    /// The skip scan of segments.sql finds exactly the segments a full scan finds,
    /// across entities and metrics with gaps between them.
    #[test]
    fn the_segment_skip_scan_finds_every_segment() {
        let conn = db();
        conn.execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 4 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
             INSERT INTO facts (entity_id, metric_id, segment, period_id, value_int, precision_int,
                 value_text, unit_id, disclosure_type, source_id, batch_id, line, fact_key)
             SELECT 1 + i % 2, 1 + i % 3 % 2, printf('S%d', i % 17), 1, 1, 1, '1', 1,
                 'audited', 1, 1, i, i FROM n;",
        )
        .unwrap();
        let mut stmt = conn
            .prepare("SELECT DISTINCT segment FROM facts ORDER BY segment")
            .unwrap();
        let all: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(all.len(), 20);
        assert_eq!(known(&conn, Filter::Segment).unwrap(), all);
    }

    #[test]
    fn an_exact_value_wins_over_its_other_spellings() {
        let conn = db();
        conn.execute_batch("INSERT INTO metrics (slug, name, unit_id) VALUES ('Capex', 'C', 1)")
            .unwrap();
        assert_eq!(ok(&conn, Filter::Metric, "Capex"), "Capex");
        assert_eq!(ok(&conn, Filter::Metric, "capex"), "capex");
        assert!(err(&conn, Filter::Metric, "CAPEX").contains("ambiguous"));
    }

    #[test]
    fn empty_reports_say_which_option_left_no_fact() {
        let conn = db();
        let why = |scope: ReportScope| why_no_report_rows(&conn, &scope).unwrap();
        let amzn = |as_of, min_disclosure| ReportScope {
            report: "capex-fcf",
            entity: Some("AMZN"),
            as_of,
            min_disclosure,
            ..Default::default()
        };
        assert_eq!(
            why(amzn(Some("2001-01-01"), None)),
            "AMZN has facts, but none published on or before 2001-01-01"
        );
        assert_eq!(
            why(amzn(Some("2026-04-01"), Some(DisclosureType::Audited))),
            "AMZN has facts published on or before 2026-04-01 that are audited, \
             but none that report capex-fcf shows"
        );
        assert_eq!(
            why(ReportScope {
                entity: Some("XYZ"),
                ..amzn(None, Some(DisclosureType::ManagementCommentary))
            }),
            "XYZ has facts that are audited or management commentary, \
             but none that report capex-fcf shows"
        );
        assert_eq!(
            why(ReportScope {
                metric: Some("free_cash_flow"),
                ..amzn(None, None)
            }),
            "AMZN has no facts of metric 'free_cash_flow'"
        );
        assert_eq!(
            why(ReportScope {
                entity: Some("XYZ"),
                ..amzn(Some("2030-01-01"), None)
            }),
            "XYZ has facts, but none published on or before 2030-01-01"
        );
    }
}
