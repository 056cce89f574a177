//! Large instances import whole: Amazon's FY2022 instance copied into one document
//! (benches/common/instance.rs, the benchmark's generator: contexts renamed, periods
//! moved by four years a copy, every context before every fact) gives every copy's
//! facts, with the filing's figures in the moved years. The time and peak memory of a
//! 50 MB instance are the benchmark's (benches/filings.rs), not a test's.

#[path = "../../benches/common/instance.rs"]
mod instance;

use super::{reference_only, value, INSTANCE};
use crate::sec::sec_file;
use crate::util::Dir;
use instance::{generate, Layout};
use std::path::Path;

/// The facts stored and the repeats kept once, from ingest's summary line.
fn counts(summary: &str) -> (i64, i64) {
    let number_before = |label: &str| -> i64 {
        let at = summary
            .find(label)
            .unwrap_or_else(|| panic!("{label:?} in {summary}"));
        let digits: String = summary[..at]
            .trim_end()
            .rsplit(' ')
            .next()
            .unwrap_or_default()
            .to_string();
        digits
            .parse()
            .unwrap_or_else(|_| panic!("a number before {label:?} in {summary}"))
    };
    (
        number_before(" facts (0 already present)"),
        number_before(" repeated facts kept once"),
    )
}

/// Imports a generated instance of `layout` holding at least `bytes`, and checks it
/// gives `copies` times what the filing alone gives, AWS's revenue in each copy's years.
fn imports_every_copy(layout: Layout, bytes: u64) {
    let Some(original) = sec_file(INSTANCE) else {
        return;
    };
    let alone = reference_only();
    let (facts, repeated) = counts(&alone.run(&["ingest", &original]));
    let dir = reference_only();
    let generated = dir.join("amzn-generated.xml");
    let copies = generate(Path::new(&original), &generated, layout, bytes).unwrap();
    assert_eq!(copies, 3, "{bytes} bytes make three copies");
    let out = dir.run(&["ingest", generated.to_str().unwrap()]);
    let copies = copies as i64;
    assert_eq!(counts(&out), (copies * facts, copies * repeated), "{out}");
    // Copy 0 is the filing (AWS revenue FY2020 and FY2022), copy 1 four years earlier,
    // copy 2 four years later.
    let source = "sec-amzn-generated.xml";
    for shift in [0, -4, 4] {
        for (year, aws) in [(2020, 45_370), (2022, 80_096)] {
            let period = format!("FY{}", year + shift);
            assert_eq!(
                value(&dir, source, "revenue", "AWS", &period),
                aws * 1_000_000,
                "AWS revenue in {period}"
            );
        }
    }
    assert_same_figures(&alone, &dir, copies);
}

/// Every figure of the filing alone is in the generated import once per copy: the same
/// concepts, segments and values, only the periods moved.
fn assert_same_figures(alone: &Dir, generated: &Dir, copies: i64) {
    let figures = "SELECT concept, segment, value, count(*) FROM fact_detail \
                   GROUP BY concept, segment, value ORDER BY concept, segment, value";
    let rows = |dir: &Dir| -> Vec<(String, String, String, i64)> {
        let conn = dir.conn();
        let mut stmt = conn.prepare(figures).unwrap();
        stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get::<_, rusqlite::types::Value>(2)
                    .map(|v| format!("{v:?}"))?,
                r.get(3)?,
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
    };
    let expected: Vec<_> = rows(alone)
        .into_iter()
        .map(|(c, s, v, n)| (c, s, v, n * copies))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(rows(generated), expected);
}

#[test]
fn an_instance_of_three_copies_of_a_10k_gives_three_times_its_facts() {
    // 2.5 MB a copy: 6 MB takes three.
    imports_every_copy(Layout::Repeated, 6_000_000);
}

#[test]
fn an_instance_whose_every_figure_has_a_context_of_its_own_gives_every_figure() {
    // The filing (2.5 MB), then 1.3 MB a copy of figures with their contexts.
    imports_every_copy(Layout::OwnContexts, 4_500_000);
}
