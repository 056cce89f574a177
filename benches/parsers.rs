//! Micro-benchmarks of the hot pure functions: value and period parsing, and the check
//! of one facts CSV row. `cargo bench --bench parsers`.

use amzdb::parse::period::Period;
use amzdb::parse::value::{parse_value, Number};
use amzdb::parse::FiscalYearEnd;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn values(c: &mut Criterion) {
    let inputs = [
        "44.2B",
        "$1,234,567.89",
        "28%",
        "-3.5 million",
        "131819000000",
        "2.78",
    ];
    c.bench_function("parse_value", |b| {
        b.iter(|| {
            for text in inputs {
                let v = parse_value(black_box(text)).expect("valid");
                black_box(Number::from_decimal(v.amount).expect("fits"));
            }
        })
    });
}

fn periods(c: &mut Criterion) {
    let fye: FiscalYearEnd = "01-31".parse().expect("valid");
    let inputs = [
        "Q1 FY2026",
        "TTM Q3 FY2025",
        "FY2024",
        "2026-03-31",
        "2025-02-01..2025-04-30",
    ];
    c.bench_function("parse_period", |b| {
        b.iter(|| {
            for text in inputs {
                black_box(Period::parse(black_box(text), fye).expect("valid"));
            }
        })
    });
}

/// The facts CSV row validator, through the real ingest of 1,000 rows (checked, then
/// rolled back: a dry run) into a database with the rows' reference data.
fn row_validator(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let write = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        amzdb::ingest::Input::File(path)
    };
    let reference = vec![
        write(
            "entities.csv",
            "ticker,name,cik,fiscal_year_end\nACME,Acme,,12-31\n".into(),
        ),
        write(
            "sources.csv",
            "source,publisher,title,published_on,url,kind\nwire,Wire,W,2026-05-01,,news\n".into(),
        ),
        write(
            "metrics.csv",
            "metric,name,unit,description\ncapex,Capex,USD,\n".into(),
        ),
    ];
    let mut facts =
        String::from("entity,metric,segment,period,value,unit,disclosure_type,source,quote\n");
    for i in 0..1_000 {
        let (year, quarter) = (1950 + i / 4, 1 + i % 4);
        facts.push_str(&format!(
            "ACME,capex,,Q{quarter} FY{year},{}.{}B,USD,audited,wire,\"Capex was ${}.{} billion, up\"\n",
            i % 97,
            i % 10,
            i % 97,
            i % 10
        ));
    }
    let facts = vec![write("facts.csv", facts)];
    let mut conn = amzdb::db::open_rw(&dir.path().join("bench.sqlite")).expect("database");
    amzdb::ingest::ingest(&mut conn, &reference, &amzdb::ingest::Options::default())
        .expect("reference");
    let dry_run = amzdb::ingest::Options {
        dry_run: true,
        ..Default::default()
    };
    c.bench_function("check_and_insert_1000_rows", |b| {
        b.iter(|| black_box(amzdb::ingest::ingest(&mut conn, &facts, &dry_run).expect("valid")))
    });
}

criterion_group!(benches, values, periods, row_validator);
criterion_main!(benches);
