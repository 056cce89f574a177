//! The bodies of amzdb's fuzz targets. cargo-fuzz runs them from `fuzz_targets/*.rs`;
//! the main crate's tests include this file too (`tests/properties`), to replay the
//! regression inputs in `fuzz/regressions/` on every `cargo test` and to fuzz in-process
//! where no nightly toolchain is at hand. Each target takes any bytes, must not panic,
//! and checks what must hold of whatever amzdb accepts.

use amzdb::ingest::{ingest, Format, Input, Options};
use amzdb::parse::period::parse_date;
use amzdb::parse::value::{parse_value, Number};
use amzdb::parse::{FiscalYearEnd, Period};
use rusqlite::Connection;
use std::cell::RefCell;
use std::path::Path;

/// A fuzz target: takes any bytes, panics on a bug.
pub type Target = fn(&[u8]);

/// The targets by name, as `cargo fuzz run NAME` and `fuzz/regressions/NAME/` call them.
pub const TARGETS: [(&str, Target); 5] = [
    ("value", value),
    ("period", period),
    ("facts_csv", facts_csv),
    ("companyfacts", companyfacts),
    ("fsds_num", fsds_num),
];

/// A value: parsing never panics, and a value amzdb stores prints as text that parses
/// back to the same number.
pub fn value(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(parsed) = parse_value(&text) else {
        return;
    };
    assert!(parsed.precision > rust_decimal::Decimal::ZERO, "{text:?}");
    let Ok(number) = Number::from_decimal(parsed.amount) else {
        return;
    };
    let printed = number.to_string();
    let again = parse_value(&printed)
        .unwrap_or_else(|e| panic!("{text:?} is stored as {printed}, which does not parse: {e}"));
    let again = Number::from_decimal(again.amount).expect("it was stored");
    assert_eq!(again, number, "{text:?} -> {printed}");
    if let Number::Int(i) = number {
        assert_eq!(rust_decimal::Decimal::from(i), parsed.amount.normalize());
    }
}

/// A period, with the first byte choosing the fiscal year end: parsing never panics, and
/// what parses resolves again to itself from its dates and from its label.
pub fn period(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let _ = parse_date(&text);
    let _ = text.parse::<FiscalYearEnd>();
    let fye = fiscal_year_end(first);
    let Ok(p) = Period::parse(&text, fye) else {
        return;
    };
    if let Some(start) = p.start {
        assert!(start <= p.end, "{text:?}: {p:?}");
    }
    assert_eq!(Period::from_dates(p.start, p.end, fye), p, "{text:?}");
    // A label names the same dates again, unless it names a fiscal year past 2200
    // (a date late in 2200 can fall in FY2201 of a calendar ending early in the year).
    if p.fiscal_year.is_none_or(|fy| fy <= 2200) {
        let again = Period::parse(&p.label, fye).unwrap_or_else(|e| {
            panic!(
                "{text:?} is labelled {}, which does not parse: {e}",
                p.label
            )
        });
        assert_eq!(again, p, "{text:?}");
    }
}

/// One of a spread of fiscal year ends, month ends and mid-month days alike.
pub fn fiscal_year_end(byte: u8) -> FiscalYearEnd {
    let month = u32::from(byte % 12) + 1;
    let day = match byte / 12 % 4 {
        0 => 31,
        1 => 28,
        2 => 30,
        _ => 15,
    };
    let last = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month as usize - 1];
    format!("{month:02}-{:02}", day.min(last))
        .parse()
        .expect("a day of the year")
}

/// Reference data the fuzzed facts can point at (two calendars, units of every kind).
const ENTITIES: &str = "ticker,name,cik,fiscal_year_end\n\
    DECO,\"December Co, Inc.\",1111,12-31\nJANO,January Co,2222,01-31\n";
const SOURCES: &str = "source,publisher,title,published_on,url,kind\n\
    deco-10q,December Co,DECO 10-Q,2026-05-01,https://example.com/deco-10q,filing\n\
    jano-call,January Co,JANO call,2025-05-20,,earnings_call\n";
const METRICS: &str = "metric,name,unit,description\n\
    capex,Capital expenditures,USD,\neps,Diluted EPS,USD/share,\n\
    operating_margin,Operating margin,%,\nrevenue,Revenue,USD,\ncash,Cash,USD,\n";

thread_local! {
    /// One database per thread, made once: every fuzzed ingest is a dry run on it.
    static DB: RefCell<Option<(tempfile::TempDir, Connection)>> = const { RefCell::new(None) };
}

/// Runs `f` on the fuzzing database (with the reference data) and a scratch directory.
fn with_db(f: impl FnOnce(&mut Connection, &Path)) {
    DB.with(|db| {
        let mut db = db.borrow_mut();
        let (dir, conn) = db.get_or_insert_with(|| {
            let dir = tempfile::tempdir().expect("a temporary directory");
            let mut conn = amzdb::db::open_rw(&dir.path().join("fuzz.sqlite")).expect("a database");
            let reference = [
                ("entities.csv", ENTITIES),
                ("sources.csv", SOURCES),
                ("metrics.csv", METRICS),
            ]
            .map(|(name, text)| Input::Embedded { name, text });
            ingest(&mut conn, &reference, &Options::default()).expect("the reference data");
            (dir, conn)
        });
        f(conn, dir.path());
    });
}

/// Ingests one input as a dry run. Problems with the input are fine; a panic or any
/// other error (the database's, an I/O error on our own temporary file) is not.
fn dry_run(conn: &mut Connection, input: Input, format: Format, entity: Option<&str>) {
    let options = Options {
        dry_run: true,
        format: Some(format),
        entity: entity.map(str::to_string),
        progress: None,
        document: Default::default(),
        // Every input read, even one with the bytes of a reference file.
        recheck: true,
        prehash: None,
    };
    match ingest(conn, &[input], &options) {
        Ok(_) | Err(amzdb::error::Error::Input(_)) => {}
        Err(e) if KNOWN.iter().any(|k| e.to_string().contains(k)) => {}
        Err(e) => panic!("ingest failed with an error that is not a problem with the input: {e}"),
    }
}

/// Errors the fuzzers found that are still open: bad input that reaches the database and
/// fails as a database error, naming no file or line, instead of being reported as a
/// problem. Empty: the accession, NUL-in-concept and huge-qtrs inputs in
/// `fuzz/regressions/` are now refused by the readers.
const KNOWN: &[&str] = &[];

/// Bytes as a CSV file (entities, sources, metrics, concepts or facts, by its header).
pub fn facts_csv(data: &[u8]) {
    with_db(|conn, dir| {
        let path = dir.join("input.csv");
        std::fs::write(&path, data).expect("write the input");
        dry_run(conn, Input::File(path), Format::Csv, None);
    });
}

/// Bytes as a companyfacts JSON file.
pub fn companyfacts(data: &[u8]) {
    with_db(|conn, dir| {
        let path = dir.join("companyfacts.json");
        std::fs::write(&path, data).expect("write the input");
        dry_run(conn, Input::File(path), Format::CompanyFacts, Some("FUZZ"));
    });
}

/// A valid sub.txt: two filings of one company whose fiscal year ends in January.
const SUB_TXT: &str = "adsh\tcik\tname\tsic\tfye\tform\tfiled\n\
    0000000001-09-000001\t42\tOLD NAME INC\t5961\t0131\t10-Q\t20090515\n\
    0000000001-09-000002\t42\tNEW NAME INC\t5961\t0131\t10-K\t20090801\n";

/// Bytes as num.txt in an FSDS folder with a small valid sub.txt.
pub fn fsds_num(data: &[u8]) {
    with_db(|conn, dir| {
        let quarter = dir.join("fsds");
        std::fs::create_dir_all(&quarter).expect("create the folder");
        std::fs::write(quarter.join("sub.txt"), SUB_TXT).expect("write sub.txt");
        std::fs::write(quarter.join("num.txt"), data).expect("write num.txt");
        dry_run(conn, Input::File(quarter), Format::Fsds, None);
    });
}
