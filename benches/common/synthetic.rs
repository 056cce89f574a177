//! Synthetic facts in amzdb's CSV shape, the same for every benchmark that needs many:
//! ~2,000 entities, 50 metrics (40 in USD, 10 in %), 40 quarters, the three disclosure
//! types, 100 sources, ~60-character quotes, a third of them quoted (fixed seed).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

pub const ENTITIES: usize = 2_000;
const METRICS: usize = 50;
const QUARTERS: usize = 40;
const SOURCES: usize = 100;

fn ticker(i: usize) -> String {
    format!("E{i:04}")
}

/// Writes entities, sources and metrics CSVs and `rows` distinct facts starting at row
/// `first` (so a second file adds new facts to the same entities).
pub fn generate(dir: &Path, first: usize, rows: usize, seed: u64) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let mut w = BufWriter::new(File::create(dir.join("entities.csv"))?);
    writeln!(w, "ticker,name,cik,fiscal_year_end")?;
    for e in 0..ENTITIES {
        let fye = if e % 5 == 0 { "01-31" } else { "12-31" };
        writeln!(w, "{},Entity {e} Inc.,{},{fye}", ticker(e), 100_000 + e)?;
    }
    let mut w = BufWriter::new(File::create(dir.join("sources.csv"))?);
    writeln!(w, "source,publisher,title,published_on,url,kind")?;
    let kinds = ["filing", "earnings_call", "news", "research", "market_data"];
    for s in 0..SOURCES {
        writeln!(
            w,
            "src-{s:03},Publisher {s},Report {s},2026-0{}-1{},,{}",
            1 + s % 9,
            s % 10,
            kinds[s % 5]
        )?;
    }
    let mut w = BufWriter::new(File::create(dir.join("metrics.csv"))?);
    writeln!(w, "metric,name,unit,description")?;
    for m in 0..METRICS {
        let unit = if m < 40 { "USD" } else { "%" };
        writeln!(w, "metric_{m:02},Metric {m},{unit},A synthetic metric")?;
    }
    let facts = dir.join(format!("facts-{first}.csv"));
    let mut w = BufWriter::with_capacity(1 << 20, File::create(&facts)?);
    writeln!(
        w,
        "entity,metric,segment,period,measure,value,value_high,unit,qualifier,basis,disclosure_type,source,published_on,quote,note"
    )?;
    let mut rng = StdRng::seed_from_u64(seed);
    let disclosure = ["audited", "management_commentary", "third_party_estimate"];
    let words = [
        "capital", "spending", "rose", "sharply", "in", "the", "quarter", "while", "cash", "flow",
        "fell", "growth",
    ];
    for i in first..first + rows {
        // Every row is a different (entity, metric, period, source): distinct facts.
        let e = i % ENTITIES;
        let m = (i / ENTITIES) % METRICS;
        let q = (i / (ENTITIES * METRICS)) % QUARTERS;
        let s = (i / (ENTITIES * METRICS * QUARTERS)) % SOURCES;
        let (fy, fq) = (2016 + q / 4, 1 + q % 4);
        let (value, unit) = if m < 40 {
            (
                format!("{}.{}B", rng.random_range(1..500), rng.random_range(0..10)),
                "USD",
            )
        } else {
            (format!("{}%", rng.random_range(-50..200)), "%")
        };
        let mut quote: Vec<&str> = (0..10)
            .map(|_| words[rng.random_range(0..words.len())])
            .collect();
        let quote = if i % 3 == 0 {
            quote.insert(3, "and,");
            format!("\"The company said {}\"", quote.join(" "))
        } else {
            format!("The company said {}", quote.join(" "))
        };
        writeln!(
            w,
            "{},metric_{m:02},,Q{fq} FY{fy},level,{value},,{unit},exact,actual,{},src-{s:03},,{quote},",
            ticker(e),
            disclosure[rng.random_range(0..3)],
        )?;
    }
    w.flush()?;
    Ok(facts)
}
