//! The registry of SQL in `queries/`: each file carries a header (`-- name:`, `-- title:`,
//! `-- description:`, optional `-- view:` and `-- params:`). Files with a view name are
//! installed as views in every database; the CLI selects from them, so each query's SQL
//! lives in one place.

/// The embedded query files, in installation order (a view may use the views before it).
const FILES: &[&str] = &[
    include_str!("../queries/fact_detail.sql"),
    include_str!("../queries/facts.sql"),
];

#[derive(Debug, Clone)]
pub struct Query {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// The view this query is installed as, if any.
    pub view: Option<&'static str>,
    pub params: Vec<&'static str>,
    pub sql: &'static str,
}

impl Query {
    fn parse(sql: &'static str) -> Query {
        let header = |key: &str| {
            sql.lines()
                .take_while(|l| l.starts_with("--"))
                .find_map(|l| {
                    l.strip_prefix("--")?
                        .trim()
                        .strip_prefix(key)?
                        .strip_prefix(':')
                })
                .map(str::trim)
        };
        Query {
            name: header("name").unwrap_or_default(),
            title: header("title").unwrap_or_default(),
            description: header("description").unwrap_or_default(),
            view: header("view"),
            params: header("params")
                .map(|p| {
                    p.split(',')
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            sql,
        }
    }
}

pub fn all() -> Vec<Query> {
    FILES.iter().map(|sql| Query::parse(sql)).collect()
}

pub fn get(name: &str) -> Option<Query> {
    all().into_iter().find(|q| q.name == name)
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
    fn every_query_prepares_against_the_schema_and_is_read_only() {
        let conn = crate::db::memory();
        for q in all() {
            let stmt = conn
                .prepare(q.sql)
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
