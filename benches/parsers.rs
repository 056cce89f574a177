//! Micro-benchmarks of the hot pure functions: value and period parsing, and the check
//! of one facts CSV row. `cargo bench --bench parsers`.

use amzdb::parse::period::Period;
use amzdb::parse::value::{parse_value, Number};
use amzdb::parse::FiscalYearEnd;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn values(c: &mut Criterion) {
    let inputs = ["44.2B", "$1,234,567.89", "28%", "-3.5 million", "131819000000", "2.78"];
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
    let inputs = ["Q1 FY2026", "TTM Q3 FY2025", "FY2024", "2026-03-31", "2025-02-01..2025-04-30"];
    c.bench_function("parse_period", |b| {
        b.iter(|| {
            for text in inputs {
                black_box(Period::parse(black_box(text), fye).expect("valid"));
            }
        })
    });
}

criterion_group!(benches, values, periods);
criterion_main!(benches);
