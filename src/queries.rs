//! The registry of SQL in `queries/`. Each file carries a header (`-- name:`, `-- title:`,
//! `-- description:`, optional `-- view:` and `-- params:`); a fragment (`-- fragment:`)
//! is a list of CTEs that other files pull in with a line `--@include NAME`.
//!
//! One definition serves both uses: the CLI runs a query with its `$params` bound, and
//! the view installed in every database is the same SQL with every parameter NULL
//! (no options). The SQL of views is portable: DuckDB re-parses a view's text when it
//! attaches the file, so the `portable` test below keeps SQLite-only constructs out.

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

/// Replaces the parameter `$name` (not `$name_more`, nor a `$name` in a comment or a
/// string) with `with`.
fn replace_param(sql: &str, name: &str, with: &str) -> String {
    let token = format!("${name}");
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(at) = rest.find(['$', '\'', '-']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        // A comment runs to the end of its line; a string to its closing quote (a doubled
        // quote inside reads as two strings, which is the same here).
        let skip = if rest.starts_with("--") {
            rest.find('\n').unwrap_or(rest.len())
        } else if rest.starts_with('\'') {
            rest[1..].find('\'').map_or(rest.len(), |end| end + 2)
        } else if rest.starts_with(&token)
            && !rest[token.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        {
            out.push_str(with);
            rest = &rest[token.len()..];
            continue;
        } else {
            1
        };
        out.push_str(&rest[..skip]);
        rest = &rest[skip..];
    }
    out.push_str(rest);
    out
}

/// A query's SQL as tokens: words (keywords, names, numbers, `$params`), `'strings'` and
/// `"names"` as one token each, every other character its own token; comments dropped.
#[cfg(test)]
fn tokens(sql: &str) -> Vec<String> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '\'' || c == '"' {
            // A quote inside is doubled ('it''s'): one token either way.
            let start = i;
            i += 1;
            while i < chars.len() && !(chars[i] == c && chars.get(i + 1) != Some(&c)) {
                i += if chars[i] == c { 2 } else { 1 };
            }
            i += 1;
            out.push(chars[start..i.min(chars.len())].iter().collect());
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else {
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
            i += 1;
        }
    }
    out
}

/// What in a view's SQL another engine cannot run: DuckDB re-parses every view's text
/// when it attaches the file (and its sqlite extension reads the schema with SQLite
/// 3.38, which must parse it too). Each entry names the construct and the portable form.
#[cfg(test)]
fn portability_problems(sql: &str) -> Vec<String> {
    let t = tokens(sql);
    let word = |i: usize| t.get(i).map(|s| s.to_ascii_uppercase()).unwrap_or_default();
    // The index after the parenthesis that closes the one at `open`.
    let close = |open: usize| {
        let mut depth = 0;
        for (j, tok) in t.iter().enumerate().skip(open) {
            match tok.as_str() {
                "(" => depth += 1,
                ")" if depth == 1 => return j + 1,
                ")" => depth -= 1,
                _ => {}
            }
        }
        t.len()
    };
    let mut problems = Vec::new();
    let mut say = |at: usize, what: &str| {
        let context = t[at.saturating_sub(3)..(at + 4).min(t.len())].join(" ");
        problems.push(format!("{what}: `{context}`"));
    };
    for i in 0..t.len() {
        let next = word(i + 1);
        match word(i).as_str() {
            "WITH" if next != "RECURSIVE" => say(
                i,
                "WITH without RECURSIVE (DuckDB binds a recursive CTE only under it)",
            ),
            "JOIN" if !matches!(word(i.wrapping_sub(1)).as_str(), "CROSS" | "NATURAL") => {
                // JOIN table [AS] alias, or JOIN (subquery) [AS] alias, then ON or USING.
                let mut j = if t.get(i + 1).map(String::as_str) == Some("(") {
                    close(i + 1)
                } else {
                    i + 2
                };
                if word(j) == "AS" {
                    j += 2;
                } else if !matches!(word(j).as_str(), "ON" | "USING") {
                    j += 1;
                }
                if !matches!(word(j).as_str(), "ON" | "USING") {
                    say(i, "JOIN without ON (write CROSS JOIN)");
                }
            }
            "NATURAL" => say(i, "NATURAL JOIN (name the columns)"),
            "INDEXED" => say(i, "NOT INDEXED / INDEXED BY (SQLite only; use +column)"),
            "IS" if !(next == "NULL" || next == "NOT" && word(i + 2) == "NULL") => say(
                i,
                "IS / IS [NOT] DISTINCT FROM between values (SQLite 3.38 in DuckDB's sqlite \
                 extension has no DISTINCT FROM; write coalesce(a, '') = coalesce(b, ''))",
            ),
            "MAX" | "MIN" if next == "(" => {
                let end = close(i + 1);
                let mut depth = 0;
                let commas = t[i + 1..end].iter().filter(|tok| {
                    match tok.as_str() {
                        "(" => depth += 1,
                        ")" => depth -= 1,
                        _ => {}
                    }
                    depth == 1 && tok.as_str() == ","
                });
                if commas.count() > 0 {
                    say(
                        i,
                        "max/min of several values (write CASE WHEN a >= b THEN a ELSE b END)",
                    );
                }
            }
            "GREATEST" | "LEAST" => say(i, "greatest/least (not in SQLite 3.38; write CASE)"),
            "DATE" | "TIME" | "DATETIME" | "JULIANDAY" | "STRFTIME" | "UNIXEPOCH" | "TIMEDIFF"
                if next == "(" =>
            {
                say(
                    i,
                    "SQLite date function (read the `days` table; substr of ISO dates)",
                )
            }
            "AS" if matches!(next.as_str(), "REAL" | "INTEGER" | "INT" | "FLOAT") => say(
                i,
                "CAST AS REAL/INTEGER (32-bit in DuckDB; write AS DOUBLE / AS BIGINT)",
            ),
            "PIVOT" | "UNPIVOT" | "QUALIFY" => say(i, "a DuckDB keyword as a name"),
            ":" if word(i.wrapping_sub(1)) != ":"
                && t.get(i + 1)
                    .is_some_and(|n| n.starts_with(char::is_alphabetic)) =>
            {
                say(i, ":name parameter (DuckDB binds only $name)")
            }
            ":" if next == ":" => say(i, "::type cast (DuckDB only; write CAST)"),
            "?" | "@" => say(i, "a parameter other than $name"),
            tok if tok.starts_with('\'') && tok.contains("%!") => {
                say(i, "printf's %! flag (SQLite only)")
            }
            _ => {}
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_are_portable_sql() {
        let mut problems = Vec::new();
        for q in all().into_iter().filter(|q| q.view.is_some()) {
            for p in portability_problems(&q.run_sql()) {
                problems.push(format!("{}: {p}", q.name));
            }
        }
        assert!(problems.is_empty(), "{problems:#?}");
    }

    /// A view reads the typed columns of facts (value_int, value_real, ...), never the
    /// generated `value`, `value_high` and `precision`: DuckDB's sqlite extension lists a
    /// table's columns as `pragma_table_info` does, without generated ones. Here `facts`
    /// is a temporary view of exactly those columns (it shadows the table by name).
    #[test]
    fn views_read_only_the_columns_of_facts_other_engines_see() {
        let conn = crate::db::memory();
        let columns: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info('facts')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .filter(|c: &String| !["value", "value_high", "precision"].contains(&c.as_str()))
            .collect();
        assert!(columns.iter().any(|c| c == "value_int"), "{columns:?}");
        conn.execute_batch(&format!(
            "CREATE TEMP VIEW facts AS SELECT {} FROM main.facts",
            columns.join(", ")
        ))
        .unwrap();
        for q in all().into_iter().filter(|q| q.view.is_some()) {
            if let Err(e) = conn.prepare(&q.run_sql()) {
                panic!("{}: {e}", q.name);
            }
        }
    }

    /// Every date a view looks up in `days` is one the table holds: `days` has a row for
    /// each date a period starts or ends on and for each date those rows name (one round;
    /// migrations/V5). So a view joins `days` only on a period's date, or on a date a
    /// period's row names (cloud-peers' `row_start`: a period start or an instant's
    /// q_start). A new lookup must be added here with its reason; tests/ecosystem/duckdb.rs
    /// checks on real databases that a complete calendar gives every view the same rows.
    #[test]
    fn views_look_up_days_only_for_dates_the_table_holds() {
        let period_dates = [
            "b.period_end", // backlog-conversion: a backlog's period end
            "u.period_end", // capex-fcf: a defined figure's period end
            "c.period_end", // cloud-peers: a figure's period end
            "row_end",      // cloud-peers: a figure's period end
            "row_start",    // cloud-peers: a period start, or q_start of a period end
            "y.prev_end",   // derivation: the end of the year-to-date period before
            "r.period_end", // derivation: a quarter's period end
        ];
        let mut seen = std::collections::BTreeSet::new();
        for q in all().into_iter().filter(|q| q.view.is_some()) {
            let t = tokens(&q.run_sql());
            for (i, w) in t.iter().enumerate() {
                if !w.eq_ignore_ascii_case("days") {
                    continue;
                }
                // JOIN days AS a ON a . day = X [. col]
                let joined = t[i - 1].eq_ignore_ascii_case("JOIN")
                    && t[i + 1].eq_ignore_ascii_case("AS")
                    && t[i + 3].eq_ignore_ascii_case("ON")
                    && t[i + 4] == t[i + 2]
                    && t[i + 6] == "day"
                    && t[i + 7] == "=";
                assert!(
                    joined,
                    "{}: days read other than by `JOIN days AS a ON a.day = x`: {:?}",
                    q.name,
                    &t[i - 1..i + 8]
                );
                let looked_up = if t[i + 9] == "." {
                    format!("{}.{}", t[i + 8], t[i + 10])
                } else {
                    t[i + 8].clone()
                };
                assert!(
                    period_dates.contains(&looked_up.as_str()),
                    "{}: days looked up for {looked_up}: is every such date in the table?",
                    q.name
                );
                seen.insert(looked_up);
            }
        }
        assert_eq!(seen.len(), period_dates.len(), "unused entries: {seen:?}");
    }

    /// The lint above fails on each construct it names, and passes the portable forms.
    #[test]
    fn the_portability_lint_finds_each_construct() {
        let bad = [
            "WITH a AS (SELECT 1) SELECT * FROM a",
            "SELECT * FROM facts AS f JOIN params WHERE f.fact_id = 1",
            "SELECT * FROM facts AS f JOIN (VALUES (0), (1)) AS t WHERE 1",
            "SELECT * FROM facts NOT INDEXED",
            "SELECT * FROM a JOIN b ON a.x IS b.x",
            "SELECT * FROM a JOIN b ON a.x IS NOT DISTINCT FROM b.x",
            "SELECT max(a.lo, b.lo) FROM a",
            "SELECT min(x, max(y)) FROM a",
            "SELECT date(d, '+1 day') FROM a",
            "SELECT strftime('%Y', d) FROM a",
            "SELECT julianday(d) FROM a",
            "SELECT CAST(x AS REAL) FROM a",
            "SELECT CAST(x AS INTEGER) FROM a",
            "SELECT printf('%!.15g', x) FROM a",
            "SELECT * FROM a WHERE x = :entity",
            "SELECT * FROM a WHERE x = ?1",
            "SELECT x::BIGINT FROM a",
            "SELECT * FROM pivot",
            "SELECT * FROM a NATURAL JOIN b",
        ];
        for sql in bad {
            assert_eq!(
                portability_problems(sql).len(),
                1,
                "{sql}: {:?}",
                portability_problems(sql)
            );
        }
        let good = [
            "WITH RECURSIVE a AS (SELECT 1) SELECT * FROM a",
            "SELECT * FROM facts AS f CROSS JOIN params WHERE f.x IS NULL AND f.y IS NOT NULL",
            "SELECT * FROM a LEFT JOIN days AS d ON d.day = a.period_end JOIN e USING (x)",
            "SELECT * FROM a JOIN (SELECT 1 AS x) AS t ON t.x = a.x JOIN b ON b.x = a.x",
            "SELECT max(x), min(CASE WHEN a >= b THEN a ELSE b END) FROM a",
            "SELECT CAST(x AS DOUBLE), CAST(y AS BIGINT), printf('%.15g', x) FROM a",
            "SELECT 'it''s :not a param -- nor a comment', \"values\" FROM a -- date(x)",
            "SELECT * FROM a WHERE x = $entity",
        ];
        for sql in good {
            assert_eq!(portability_problems(sql), Vec::<String>::new(), "{sql}");
        }
    }

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
                    assert!(!q.view_sql().contains(&format!("${p}")), "{}: ${p}", q.name);
                }
                for p in q.fixed_null.iter().chain(&fixed) {
                    assert!(!q.run_sql().contains(&format!("${p}")), "{}: ${p}", q.name);
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
            replace_param(
                "a = $as_of, b = $as_of_x -- $as_of\n, c = '$as_of', d = 1-$as_of",
                "as_of",
                "NULL"
            ),
            "a = NULL, b = $as_of_x -- $as_of\n, c = '$as_of', d = 1-NULL"
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
