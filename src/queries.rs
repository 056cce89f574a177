//! The registry of SQL in `queries/`. Each file carries a header (`-- name:`, `-- title:`,
//! `-- description:`, optional `-- view:` and `-- params:`); a fragment (`-- fragment:`)
//! is a list of CTEs that other files pull in with a line `--@include NAME`.
//!
//! One definition serves both uses: the CLI runs a query with its `:params` bound, and
//! the view installed in every database is the same SQL with every parameter NULL
//! (no options).

mod generated {
    include!(concat!(env!("OUT_DIR"), "/queries.rs"));
}

/// The embedded query files (every `queries/*.sql`, sorted by name; build.rs lists them).
const FILES: &[&str] = generated::FILES;

#[derive(Debug, Clone)]
pub struct Query {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// The view this query is installed as, if any.
    pub view: Option<&'static str>,
    pub params: Vec<&'static str>,
    /// Parameters of included fragments the report does not take: always NULL (e.g. a
    /// report across entities includes the choice rule but takes no entity).
    pub fixed_null: Vec<&'static str>,
    /// A fragment's parameter the report sets to a constant (`-- fixed: name = 'literal'`).
    pub fixed: Option<(&'static str, &'static str)>,
    /// The columns a table shows by default (`-- table:`), with their styles.
    pub table: &'static str,
    /// What `--chart` draws (`-- chart:`), if the report is a time series.
    pub chart: &'static str,
    /// The SQL with every `--@include` expanded.
    pub sql: String,
}

struct File {
    text: &'static str,
}

impl File {
    fn header(&self, key: &str) -> Option<&'static str> {
        self.text
            .lines()
            .take_while(|l| l.starts_with("--"))
            .find_map(|l| {
                l.strip_prefix("--")?
                    .trim()
                    .strip_prefix(key)?
                    .strip_prefix(':')
            })
            .map(str::trim)
    }

    fn fixed(&self) -> Option<(&'static str, &'static str)> {
        let (name, literal) = self.header("fixed")?.split_once('=')?;
        Some((name.trim(), literal.trim()))
    }

    fn params(&self) -> Vec<&'static str> {
        self.header("params")
            .map(|p| {
                p.split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn files() -> impl Iterator<Item = File> {
    FILES.iter().map(|text| File { text })
}

/// The fragments a file includes.
fn included(text: &str) -> Vec<File> {
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("--@include "))
        .filter_map(|name| files().find(|f| f.header("fragment") == Some(name.trim())))
        .collect()
}

/// The SQL of a file with each `--@include NAME` line replaced by that fragment's CTEs.
fn expand(text: &str) -> String {
    text.lines()
        .map(|line| match line.trim().strip_prefix("--@include ") {
            Some(name) => files()
                .find(|f| f.header("fragment") == Some(name.trim()))
                .map(|f| f.text.trim_end().to_string())
                .unwrap_or_else(|| format!("-- missing fragment {name}")),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn all() -> Vec<Query> {
    files()
        .filter(|f| f.header("fragment").is_none())
        .map(|f| {
            let params = f.params();
            let fixed = f.fixed();
            let fixed_null = included(f.text)
                .iter()
                .flat_map(File::params)
                .filter(|p| !params.contains(p) && fixed.map(|(name, _)| name) != Some(*p))
                .collect();
            Query {
                name: f.header("name").unwrap_or_default(),
                title: f.header("title").unwrap_or_default(),
                description: f.header("description").unwrap_or_default(),
                view: f.header("view"),
                params,
                fixed_null,
                fixed,
                table: f.header("table").unwrap_or_default(),
                chart: f.header("chart").unwrap_or_default(),
                sql: expand(f.text),
            }
        })
        .collect()
}

pub fn get(name: &str) -> Option<Query> {
    all().into_iter().find(|q| q.name == name)
}

impl Query {
    /// A canned report: installed as a view and run with the report options.
    pub fn is_report(&self) -> bool {
        self.view.is_some() && !self.params.is_empty()
    }

    /// The query as its view: every parameter replaced by NULL.
    pub fn view_sql(&self) -> String {
        self.params.iter().fold(self.run_sql(), |sql, param| {
            replace_param(&sql, param, "NULL")
        })
    }

    /// The SQL the CLI runs: parameters it does not take are NULL or their fixed value,
    /// the rest are bound.
    pub fn run_sql(&self) -> String {
        let sql = self.fixed_null.iter().fold(self.sql.clone(), |sql, param| {
            replace_param(&sql, param, "NULL")
        });
        match self.fixed {
            Some((name, literal)) => replace_param(&sql, name, literal),
            None => sql,
        }
    }
}

/// Replaces `:name` (not `:name_more`) with `with`.
fn replace_param(sql: &str, name: &str, with: &str) -> String {
    let token = format!(":{name}");
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(at) = rest.find(&token) {
        let after = &rest[at + token.len()..];
        let whole = !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
        out.push_str(&rest[..at]);
        out.push_str(if whole { with } else { &token });
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_has_a_header() {
        for q in all() {
            assert!(
                !q.name.is_empty() && !q.title.is_empty() && !q.description.is_empty(),
                "{q:?}"
            );
        }
    }

    #[test]
    fn includes_expand_and_views_have_no_parameters() {
        for q in all() {
            assert!(
                !q.sql.contains("--@include") && !q.sql.contains("missing fragment"),
                "{}",
                q.name
            );
            if q.view.is_some() {
                let fixed = q.fixed.map(|(name, _)| name);
                for p in q.params.iter().chain(&q.fixed_null).chain(&fixed) {
                    assert!(!q.view_sql().contains(&format!(":{p}")), "{}: :{p}", q.name);
                }
                for p in q.fixed_null.iter().chain(&fixed) {
                    assert!(!q.run_sql().contains(&format!(":{p}")), "{}: :{p}", q.name);
                }
                if let Some((name, literal)) = q.fixed {
                    assert!(q.view_sql().contains(literal), "{}: {name}", q.name);
                }
            }
        }
    }

    #[test]
    fn parameters_are_replaced_as_whole_tokens() {
        assert_eq!(
            replace_param("a = :as_of, b = :as_of_x", "as_of", "NULL"),
            "a = NULL, b = :as_of_x"
        );
    }

    #[test]
    fn every_query_prepares_against_the_schema_and_is_read_only() {
        let conn = crate::db::memory();
        for q in all() {
            let stmt = conn
                .prepare(&q.run_sql())
                .unwrap_or_else(|e| panic!("{}: {e}", q.name));
            assert!(stmt.readonly(), "{} writes", q.name);
            assert_eq!(
                stmt.parameter_count(),
                q.params.len(),
                "{}: params header",
                q.name
            );
        }
    }
}
