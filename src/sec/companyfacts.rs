//! SEC companyfacts JSON (`data.sec.gov/api/xbrl/companyfacts/CIK##########.json`): one
//! company, every fact of every concept, each citing the filing (accession, form, filed
//! date) that reported it. Numbers are read exactly as written.

use super::{Company, Described, Filing, SecFact, SecReader, Skipped};
use crate::error::{Error, Problem, Result};
use chrono::{Datelike, NaiveDate};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::collections::HashMap;
use std::io::Read;
use std::marker::PhantomData;
use std::path::Path;

// A key given twice is refused at every level: in the maps (taxonomies, concepts, units)
// by `Unique`, among an object's fields by `Object`, and inside values amzdb does not
// read (`fy`, `frame`, anything the SEC adds) by `Checked`.

struct File {
    cik: serde_json::Value,
    entity_name: String,
    facts: Unique<Unique<Concept>>,
}

struct Concept {
    label: Option<String>,
    units: Unique<Vec<Fact>>,
}

struct Fact {
    start: Option<String>,
    end: String,
    val: serde_json::Number,
    accn: String,
    form: String,
    filed: String,
}

/// A JSON object read field by field, refusing a key given twice. Fields the type does
/// not read are still read through (and checked), then dropped.
trait Object: Sized {
    const EXPECTING: &'static str;
    /// The fields read so far.
    type Fields: Default;
    /// Reads the value of `key`; false when the type does not use that key.
    fn field<'de, A: MapAccess<'de>>(
        fields: &mut Self::Fields,
        key: &str,
        map: &mut A,
    ) -> std::result::Result<bool, A::Error>;
    fn finish<E: de::Error>(fields: Self::Fields) -> std::result::Result<Self, E>;
}

/// The error for a key given twice; serde_json adds the line and column it stopped at,
/// just past the key.
fn twice<E: de::Error>(key: &str) -> E {
    E::custom(format!(
        "the key {key:?} is given twice in one object (only one of its values could be kept)"
    ))
}

fn required<T, E: de::Error>(value: Option<T>, name: &'static str) -> std::result::Result<T, E> {
    value.ok_or_else(|| E::missing_field(name))
}

/// Reads an `Object`.
struct Strict<T>(T);

impl<'de, T: Object> Deserialize<'de> for Strict<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Visit<T>(PhantomData<T>);

        impl<'de, T: Object> Visitor<'de> for Visit<T> {
            type Value = Strict<T>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(T::EXPECTING)
            }

            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut fields = T::Fields::default();
                let mut seen: Vec<String> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if seen.contains(&key) {
                        return Err(twice(&key));
                    }
                    if !T::field(&mut fields, &key, &mut map)? {
                        map.next_value::<Checked>()?;
                    }
                    seen.push(key);
                }
                T::finish(fields).map(Strict)
            }
        }

        deserializer.deserialize_map(Visit(PhantomData))
    }
}

impl Object for File {
    const EXPECTING: &'static str = "a companyfacts object (cik, entityName, facts)";
    type Fields = (
        Option<serde_json::Value>,
        Option<String>,
        Option<Unique<Unique<Concept>>>,
    );

    fn field<'de, A: MapAccess<'de>>(
        f: &mut Self::Fields,
        key: &str,
        map: &mut A,
    ) -> std::result::Result<bool, A::Error> {
        match key {
            "cik" => f.0 = Some(map.next_value()?),
            "entityName" => f.1 = Some(map.next_value()?),
            "facts" => f.2 = Some(map.next_value()?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn finish<E: de::Error>(f: Self::Fields) -> std::result::Result<Self, E> {
        Ok(File {
            cik: required(f.0, "cik")?,
            entity_name: required(f.1, "entityName")?,
            facts: required(f.2, "facts")?,
        })
    }
}

impl Object for Concept {
    const EXPECTING: &'static str = "a concept (label, units)";
    type Fields = (Option<Option<String>>, Option<Unique<Vec<Fact>>>);

    fn field<'de, A: MapAccess<'de>>(
        f: &mut Self::Fields,
        key: &str,
        map: &mut A,
    ) -> std::result::Result<bool, A::Error> {
        match key {
            "label" => f.0 = Some(map.next_value()?),
            "units" => f.1 = Some(map.next_value()?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn finish<E: de::Error>(f: Self::Fields) -> std::result::Result<Self, E> {
        Ok(Concept {
            label: f.0.flatten(),
            units: required(f.1, "units")?,
        })
    }
}

impl Object for Fact {
    const EXPECTING: &'static str = "a fact (start, end, val, accn, form, filed)";
    type Fields = (
        Option<Option<String>>,
        Option<String>,
        Option<serde_json::Number>,
        Option<String>,
        Option<String>,
        Option<String>,
    );

    fn field<'de, A: MapAccess<'de>>(
        f: &mut Self::Fields,
        key: &str,
        map: &mut A,
    ) -> std::result::Result<bool, A::Error> {
        match key {
            "start" => f.0 = Some(map.next_value()?),
            "end" => f.1 = Some(map.next_value()?),
            "val" => f.2 = Some(map.next_value()?),
            "accn" => f.3 = Some(map.next_value()?),
            "form" => f.4 = Some(map.next_value()?),
            "filed" => f.5 = Some(map.next_value()?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn finish<E: de::Error>(f: Self::Fields) -> std::result::Result<Self, E> {
        Ok(Fact {
            start: f.0.flatten(),
            end: required(f.1, "end")?,
            val: required(f.2, "val")?,
            accn: required(f.3, "accn")?,
            form: required(f.4, "form")?,
            filed: required(f.5, "filed")?,
        })
    }
}

impl<'de> Deserialize<'de> for File {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Strict::deserialize(d).map(|Strict(v)| v)
    }
}

impl<'de> Deserialize<'de> for Concept {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Strict::deserialize(d).map(|Strict(v)| v)
    }
}

impl<'de> Deserialize<'de> for Fact {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Strict::deserialize(d).map(|Strict(v)| v)
    }
}

/// Any JSON value, read through and dropped, refusing a key given twice at any depth
/// (serde_json's recursion limit still bounds the depth).
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;

        impl<'de> Visitor<'de> for Visit {
            type Value = Checked;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }

            fn visit_bool<E>(self, _: bool) -> std::result::Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_i64<E>(self, _: i64) -> std::result::Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_u64<E>(self, _: u64) -> std::result::Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_f64<E>(self, _: f64) -> std::result::Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_str<E>(self, _: &str) -> std::result::Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_unit<E>(self) -> std::result::Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_none<E>(self) -> std::result::Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_some<D: Deserializer<'de>>(
                self,
                d: D,
            ) -> std::result::Result<Checked, D::Error> {
                Checked::deserialize(d)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Checked, A::Error> {
                while seq.next_element::<Checked>()?.is_some() {}
                Ok(Checked)
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Checked, A::Error> {
                let mut seen = std::collections::HashSet::new();
                while let Some(key) = map.next_key::<String>()? {
                    if seen.contains(&key) {
                        return Err(twice(&key));
                    }
                    map.next_value::<Checked>()?;
                    seen.insert(key);
                }
                Ok(Checked)
            }
        }

        d.deserialize_any(Visit)
    }
}

/// A JSON object read in file order that refuses a key given twice: serde (and JSON
/// parsers generally) keep the last value, which silently dropped every fact of the first.
struct Unique<V>(IndexMap<String, V>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Unique<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Visit<V>(PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for Visit<V> {
            type Value = Unique<V>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut entries = IndexMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    if entries.contains_key(&key) {
                        return Err(twice(&key));
                    }
                    let value = map.next_value()?;
                    entries.insert(key, value);
                }
                Ok(Unique(entries))
            }
        }

        deserializer.deserialize_map(Visit(PhantomData))
    }
}

impl<V> Unique<V> {
    fn iter(&self) -> indexmap::map::Iter<'_, String, V> {
        self.0.iter()
    }
}

impl<'a, V> IntoIterator for &'a Unique<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = indexmap::map::Iter<'a, String, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Whether a file looks like companyfacts JSON: a JSON object naming a cik and facts.
pub fn looks_like(path: &Path) -> bool {
    let mut head = [0_u8; 4096];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let text = String::from_utf8_lossy(&head[..n]);
    text.trim_start().starts_with('{') && text.contains("\"cik\"")
}

pub struct CompanyFactsReader {
    described: Described,
    file: File,
}

/// Reads and checks the whole file (one company's facts fit in memory). Syntax and shape
/// errors name the line and column serde_json stopped at.
pub fn open(path: &Path) -> Result<std::result::Result<CompanyFactsReader, Vec<Problem>>> {
    let name = path.display().to_string();
    let reader =
        std::io::BufReader::new(std::fs::File::open(path).map_err(|e| Error::io(path, e))?);
    let file: File = match serde_json::from_reader(reader) {
        Ok(file) => file,
        Err(e) if e.is_io() => return Err(Error::io(path, e.into())),
        Err(e) => {
            let what = if e.is_eof() {
                "the JSON ends early (a truncated file?)"
            } else {
                "not companyfacts JSON"
            };
            let mut p = Problem::file(&name, format!("{what}: {e}")).at(e.line() as u64);
            p.column = Some(format!("character {}", e.column()));
            return Ok(Err(vec![p]));
        }
    };
    let cik = match &file.cik {
        serde_json::Value::Number(n) => n.to_string().parse::<i64>().ok(),
        serde_json::Value::String(s) => s.trim_start_matches("CIK").parse::<i64>().ok(),
        _ => None,
    };
    let Some(cik) = cik.filter(|c| *c > 0) else {
        return Ok(Err(vec![
            Problem::file(&name, "expected a positive CIK").column("cik", &file.cik.to_string())
        ]));
    };
    let mut problems = Vec::new();
    let mut filings: IndexMap<String, Filing> = IndexMap::new();
    let mut years: HashMap<(u32, u32), usize> = HashMap::new();
    for (taxonomy, concepts) in &file.facts {
        for (tag, concept) in concepts {
            for (unit, facts) in &concept.units {
                for fact in facts {
                    let at = || format!("{taxonomy}:{tag} [{unit}] filed in {}", fact.accn);
                    if !super::is_accession(&fact.accn) {
                        problems.push(
                            Problem::file(
                                &name,
                                format!(
                                    "{}: expected an accession number like 0001018724-26-000014",
                                    at()
                                ),
                            )
                            .column("accn", &fact.accn),
                        );
                        continue;
                    }
                    if let Some(message) = super::concept_problem(&format!("{taxonomy}:{tag}")) {
                        problems.push(
                            Problem::file(&name, format!("{}: {message}", at()))
                                .column("concept", &format!("{taxonomy}:{tag}")),
                        );
                        continue;
                    }
                    let Ok(filed) = NaiveDate::parse_from_str(&fact.filed, "%Y-%m-%d") else {
                        problems.push(
                            Problem::file(&name, format!("{}: expected a date YYYY-MM-DD", at()))
                                .column("filed", &fact.filed),
                        );
                        continue;
                    };
                    filings.entry(fact.accn.clone()).or_insert_with(|| Filing {
                        accession: fact.accn.clone(),
                        document: None,
                        cik,
                        form: fact.form.clone(),
                        filed: Some(filed),
                    });
                    if let (Some(start), Ok(end)) = (
                        fact.start
                            .as_deref()
                            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()),
                        NaiveDate::parse_from_str(&fact.end, "%Y-%m-%d"),
                    ) {
                        if (350..=380).contains(&(end - start).num_days())
                            && fact.form.starts_with("10-K")
                        {
                            *years.entry((end.month(), end.day())).or_default() += 1;
                        }
                    }
                }
            }
        }
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let fiscal_year_end = years
        .into_iter()
        .max_by_key(|&((m, d), n)| (n, m, d))
        .map(|((m, d), _)| format!("{m:02}-{d:02}"));
    Ok(Ok(CompanyFactsReader {
        described: Described {
            companies: vec![Company {
                cik,
                name: file.entity_name.clone(),
                fiscal_year_end,
            }],
            filings: filings.into_values().collect(),
            name,
        },
        file,
    }))
}

fn date(text: &str) -> std::result::Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| "expected a date YYYY-MM-DD".to_string())
}

impl SecReader for CompanyFactsReader {
    fn described(&self) -> &Described {
        &self.described
    }

    fn for_each_fact(
        &mut self,
        each: &mut dyn FnMut(SecFact) -> Result<()>,
        problem: &mut dyn FnMut(Problem),
    ) -> Result<Skipped> {
        let mut n = 0_u64;
        for (taxonomy, concepts) in &self.file.facts {
            for (tag, concept) in concepts {
                for (unit, facts) in &concept.units {
                    for fact in facts {
                        n += 1;
                        let bad = |column: &str, value: &str, message: String| {
                            Problem::file(
                                &self.described.name,
                                format!(
                                    "fact #{n} ({taxonomy}:{tag} [{unit}], {}): {message}",
                                    fact.accn
                                ),
                            )
                            .column(column, value)
                        };
                        let end = match date(&fact.end) {
                            Ok(d) => d,
                            Err(m) => {
                                problem(bad("end", &fact.end, m));
                                continue;
                            }
                        };
                        let start = match fact.start.as_deref().map(date).transpose() {
                            Ok(Some(s)) if s > end => {
                                problem(bad(
                                    "start",
                                    &s.to_string(),
                                    "starts after its end".into(),
                                ));
                                continue;
                            }
                            Ok(s) => s,
                            Err(m) => {
                                problem(bad("start", fact.start.as_deref().unwrap_or(""), m));
                                continue;
                            }
                        };
                        let text = fact.val.to_string();
                        let value = match text
                            .parse::<Decimal>()
                            .or_else(|_| Decimal::from_scientific(&text))
                        {
                            Ok(v) => v,
                            Err(_) => {
                                problem(bad("val", &text, "expected a decimal number".into()));
                                continue;
                            }
                        };
                        let name = format!("{taxonomy}:{tag}");
                        let decimals = super::inferred_decimals(&name, value);
                        each(SecFact {
                            concept: name,
                            label: concept.label.clone(),
                            unit: unit.clone(),
                            start,
                            end,
                            value,
                            accession: fact.accn.clone(),
                            line: n,
                            dimensions: Vec::new(),
                            decimals,
                        })?;
                    }
                }
            }
        }
        Ok(Skipped::default())
    }
}

#[cfg(test)]
// Tests say on stderr why they skip; a closed stderr is no concern there.
#[allow(clippy::disallowed_macros)]
mod tests {
    use super::*;

    fn shared(file: &str) -> Option<std::path::PathBuf> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/sec")
            .join(file);
        if path.exists() {
            return Some(path);
        }
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "{} missing on CI",
            path.display()
        );
        eprintln!("skipped: {} is absent", path.display());
        None
    }

    fn read_all(path: &Path) -> (CompanyFactsReader, Vec<SecFact>) {
        let mut reader = open(path).unwrap().unwrap_or_else(|p| panic!("{p:?}"));
        let mut facts = Vec::new();
        reader
            .for_each_fact(
                &mut |f| {
                    facts.push(f);
                    Ok(())
                },
                &mut |p| panic!("{p}"),
            )
            .unwrap();
        (reader, facts)
    }

    #[test]
    fn amazon_subset_reads_exactly() {
        let Some(path) = shared("amzn-companyfacts-subset.json") else {
            return;
        };
        assert!(looks_like(&path));
        let (reader, facts) = read_all(&path);
        assert_eq!(reader.companies()[0].cik, 1018724);
        assert_eq!(
            reader.companies()[0].fiscal_year_end.as_deref(),
            Some("12-31")
        );
        let q1 = facts
            .iter()
            .find(|f| {
                f.concept == "us-gaap:PaymentsToAcquireProductiveAssets"
                    && f.start == NaiveDate::from_ymd_opt(2026, 1, 1)
                    && f.accession == "0001018724-26-000014"
            })
            .expect("Q1 2026 capex");
        assert_eq!(q1.value, Decimal::from(44_203_000_000_i64));
        let eps = facts
            .iter()
            .find(|f| {
                f.concept == "us-gaap:EarningsPerShareDiluted"
                    && f.start == NaiveDate::from_ymd_opt(2026, 1, 1)
            })
            .expect("Q1 2026 EPS");
        assert_eq!(eps.value.to_string(), "2.78");
        assert_eq!(eps.unit, "USD/shares");
        let filing = reader
            .filings()
            .iter()
            .find(|f| f.accession == "0001018724-26-000014")
            .unwrap();
        assert_eq!(
            (
                filing.form.as_str(),
                filing.filed.unwrap().to_string().as_str()
            ),
            ("10-Q", "2026-04-30")
        );
    }

    #[test]
    fn snowflake_fiscal_year_ends_in_january() {
        let Some(path) = shared("snow-companyfacts.json") else {
            return;
        };
        let (reader, facts) = read_all(&path);
        assert_eq!(
            reader.companies()[0].fiscal_year_end.as_deref(),
            Some("01-31")
        );
        assert_eq!(facts.len(), 8163);
    }

    #[test]
    fn truncated_and_malformed_files_name_the_place() {
        let dir = tempfile::tempdir().unwrap();
        let truncated = dir.path().join("t.json");
        std::fs::write(
            &truncated,
            "{\"cik\": 1, \"entityName\": \"X\", \"facts\": {\"us-gaap\": {",
        )
        .unwrap();
        let problems = open(&truncated).unwrap().err().expect("refused");
        assert!(
            problems[0].message.contains("ends early"),
            "{}",
            problems[0]
        );
        assert_eq!(problems[0].line, Some(1));

        let bad = dir.path().join("b.json");
        std::fs::write(
            &bad,
            r#"{"cik": 1, "entityName": "X", "facts": {"us-gaap": {"Revenues": {"label": "R", "units": {"USD": [
                {"start": "2025-01-01", "end": "2025-02-30", "val": 5, "accn": "0000000001-25-000001", "form": "10-K", "filed": "2025-03-01"},
                {"end": "2025-03-31", "val": 7, "accn": "0000000001-25-000001", "form": "10-K", "filed": "2025-03-01"}
            ]}}}}}"#,
        )
        .unwrap();
        let mut reader = open(&bad).unwrap().unwrap_or_else(|p| panic!("{p:?}"));
        let (mut good, mut problems) = (Vec::new(), Vec::new());
        reader
            .for_each_fact(
                &mut |f| {
                    good.push(f);
                    Ok(())
                },
                &mut |p| problems.push(p),
            )
            .unwrap();
        assert_eq!(good.len(), 1, "the good fact still arrives");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].column.as_deref(), Some("end"));
        assert_eq!(problems[0].value.as_deref(), Some("2025-02-30"));
        assert!(problems[0].message.contains("us-gaap:Revenues"));
    }

    #[test]
    fn a_unit_given_twice_is_refused_not_kept_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("twice.json");
        let fact = r#"{"end": "2025-03-31", "val": 7, "accn": "0000000001-25-000001", "form": "10-Q", "filed": "2025-04-01"}"#;
        std::fs::write(
            &path,
            format!(
                "{{\"cik\": 1, \"entityName\": \"X\", \"facts\": {{\"dei\": {{\"A\": {{\"units\": {{\n\
                 \"USD\": [{fact}],\n\"USD\": [{fact}]}}}}}}}}}}"
            ),
        )
        .unwrap();
        let problems = open(&path).unwrap().err().expect("refused");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(3));
        assert_eq!(problems[0].column.as_deref(), Some("character 6"));
        assert!(
            problems[0]
                .message
                .contains("the key \"USD\" is given twice in one object"),
            "{}",
            problems[0]
        );
    }
}
