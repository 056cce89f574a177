//! Datasette serves the bundled database with the configuration `amzdb datasette-metadata
//! --config-dir` writes: every report's canned query runs the SQL `amzdb report NAME --sql`
//! prints and returns the rows `amzdb report` prints (for one entity and for all, blank
//! parameters meaning all), every view's page answers, and the titles and descriptions
//! Datasette shows are the queries/ headers.

use crate::util::{python_with, Dir, DB};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What Datasette calls test.sqlite: its file stem.
const DATABASE: &str = "test";

/// A `datasette serve` process, killed when dropped (a failed assertion included).
struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Serves `dir`'s database read-only (`-i`) with the configuration directory `conf`
    /// on a free port of 127.0.0.1, and waits until it answers. Another process may take
    /// the port between our probe and Datasette's bind: then it tries another, a few times.
    fn start(python: &Path, dir: &Dir, conf: &str) -> Server {
        let mut logs = String::new();
        for attempt in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            let log = dir.join(format!("datasette-{attempt}.log"));
            let file = std::fs::File::create(&log).expect("the server's log");
            let child = Command::new(python)
                .args([
                    "-m",
                    "datasette",
                    "serve",
                    conf,
                    "-i",
                    DB,
                    "-h",
                    "127.0.0.1",
                ])
                .args(["-p", &port.to_string()])
                .current_dir(dir.path())
                .stdin(Stdio::null())
                .stdout(file.try_clone().expect("the log again"))
                .stderr(file)
                .spawn()
                .expect("start datasette");
            let mut server = Server { child, port, log };
            if server.wait_until_up(Duration::from_secs(120)) {
                return server;
            }
            logs.push_str(&server.log_text());
        }
        panic!("datasette did not start in 5 attempts:\n{logs}");
    }

    /// Whether the server answers before `limit`; false when it exited (its port taken)
    /// or never answered.
    fn wait_until_up(&mut self, limit: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            if self
                .child
                .try_wait()
                .expect("the server's status")
                .is_some()
            {
                return false;
            }
            if let Some((200, _)) = self.try_get("/-/versions.json") {
                return true;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        false
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// An HTTP/1.0 GET: the status and the body, None when nothing answers.
    fn try_get(&self, path: &str) -> Option<(u16, String)> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .ok()?;
        write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).ok()?;
        let response = String::from_utf8(response).expect("a UTF-8 response");
        let (head, body) = response.split_once("\r\n\r\n")?;
        let status = head.split_whitespace().nth(1)?.parse().ok()?;
        Some((status, body.to_string()))
    }

    /// The JSON at `path`, asserting a 200 answer without an error.
    fn json(&self, path: &str) -> Value {
        let (status, body) = self
            .try_get(path)
            .unwrap_or_else(|| panic!("GET {path}: no answer\n{}", self.log_text()));
        assert_eq!(status, 200, "GET {path}: {body}");
        let json: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(
            json.get("error").is_none_or(Value::is_null),
            "GET {path}: {json}"
        );
        json
    }
}

/// A cell compared by what it holds: text as text, NULL as NULL, numbers as amzdb prints
/// them (15 significant digits, like the sqlite3 shell: Datasette's 0.15999999999999998 is
/// amzdb's 0.16, Datasette's REAL 2.0 amzdb's 2).
#[derive(Debug, PartialEq)]
enum Cell {
    Null,
    Number(String),
    Text(String),
}

fn cells(rows: &Value) -> Vec<Vec<(String, Cell)>> {
    let rows = rows.as_array().expect("an array of rows");
    rows.iter()
        .map(|row| {
            row.as_object()
                .expect("a row object")
                .iter()
                .map(|(column, value)| {
                    let cell = match value {
                        Value::Null => Cell::Null,
                        Value::Number(n) => {
                            Cell::Number(amzdb::output::real(n.as_f64().expect("a number")))
                        }
                        Value::String(s) => Cell::Text(s.clone()),
                        other => panic!("{column}: unexpected {other}"),
                    };
                    (column.clone(), cell)
                })
                .collect()
        })
        .collect()
}

/// The `-- key:` header lines of every queries/*.sql file, read here on their own.
fn headers() -> Vec<std::collections::HashMap<String, String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("queries/")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            std::fs::read_to_string(path)
                .expect("a query file")
                .lines()
                .take_while(|l| l.starts_with("--"))
                .filter_map(|l| l.strip_prefix("--")?.trim().split_once(':'))
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn datasette_serves_every_report_as_a_canned_query_with_the_cli_s_rows() {
    let Some(python) = python_with(&["datasette"]) else {
        return;
    };
    let dir = Dir::new();
    dir.run(&["init"]);
    let said = dir.run(&["datasette-metadata", "--config-dir", "conf"]);
    assert_eq!(
        said,
        "wrote conf/metadata.json and settings.json; serve with:\n  \
         datasette serve conf -i test.sqlite\n"
    );
    let server = Server::start(&python, &dir, "conf");

    // Datasette loaded amzdb's settings and metadata.
    let settings = server.json("/-/settings.json");
    assert_eq!(settings["suggest_facets"], Value::Bool(false), "{settings}");
    let metadata = server.json("/-/metadata.json");
    let database = &metadata["databases"][DATABASE];
    let (tables, queries) = (&database["tables"], &database["queries"]);

    // Titles and descriptions are the queries/ headers: every view's, every report's.
    let headers = headers();
    let mut reports = Vec::new();
    for h in &headers {
        if let Some(view) = h.get("view") {
            assert_eq!(tables[view]["title"], h["title"].as_str(), "{view}");
            assert_eq!(
                tables[view]["description"],
                h["description"].as_str(),
                "{view}"
            );
        }
        if let (Some(_), Some(params)) = (h.get("view"), h.get("params")) {
            let query = &queries[format!("report-{}", h["name"])];
            assert_eq!(query["title"], h["title"].as_str(), "{}", h["name"]);
            let description = query["description"].as_str().expect("a description");
            assert!(description.starts_with(&h["description"]), "{}", h["name"]);
            let params: Vec<&str> = params.split(',').map(str::trim).collect();
            assert_eq!(query["params"], serde_json::json!(params), "{}", h["name"]);
            for p in &params {
                assert!(
                    description.contains(&format!("{p}: ")),
                    "{}: {p}",
                    h["name"]
                );
            }
            reports.push(h["name"].clone());
        }
    }
    assert_eq!(
        queries.as_object().expect("canned queries").len(),
        reports.len()
    );
    assert!(reports.len() >= 10, "{reports:?}");

    // Every canned query returns what `amzdb report` prints, for AMZN and for all.
    for report in &reports {
        for (query, cli) in [
            ("&entity=AMZN", vec!["--entity", "AMZN"]),
            ("", vec!["--all-entities"]),
        ] {
            let path = format!("/{DATABASE}/report-{report}.json?_shape=objects{query}");
            let served = server.json(&path);
            assert_eq!(served["ok"], Value::Bool(true), "{path}");
            // The one SQL: what Datasette ran is what `amzdb report NAME --sql` prints.
            let sql = dir.run(&["report", report, "--sql"]);
            assert_eq!(
                served["query"]["sql"].as_str(),
                Some(sql.trim_end()),
                "{path}"
            );
            assert_eq!(served["truncated"], Value::Bool(false), "{path}");
            let mut args = vec!["report", report.as_str(), "--format", "json"];
            args.extend(cli);
            let printed: Value = serde_json::from_str(&dir.run(&args)).expect("amzdb's JSON rows");
            let (served, printed) = (cells(&served["rows"]), cells(&printed));
            assert!(!printed.is_empty(), "{args:?} printed no rows");
            assert_eq!(served.len(), printed.len(), "{path} vs {args:?}");
            if let Some(i) = (0..served.len()).find(|&i| served[i] != printed[i]) {
                panic!(
                    "{path} differs from amzdb {args:?} in row {i}:\n{:?}\n{:?}",
                    served[i], printed[i]
                );
            }
        }
    }

    // Every view's page answers (a view spans every entity).
    for view in tables.as_object().expect("tables").keys() {
        let page = server.json(&format!("/{DATABASE}/{view}.json?_shape=objects"));
        assert!(page["rows"].is_array(), "{view}: {page}");
    }
}

/// Bad input to the Datasette and `--sql` commands: refused, naming what is wrong, with
/// nothing written and the database unchanged.
#[test]
fn a_config_dir_that_is_a_file_or_a_link_and_sql_with_run_options_are_refused() {
    let dir = crate::util::Dir::with_fixtures();
    let before = dir.snapshot();
    dir.write("conf", "not a directory\n");
    let stderr = dir.run_err(&["datasette-metadata", "--config-dir", "conf"]);
    crate::util::assert_contains(&stderr, "conf: is not a directory");
    assert_eq!(
        std::fs::read_to_string(dir.join("conf")).unwrap(),
        "not a directory\n"
    );
    std::os::unix::fs::symlink(dir.join("elsewhere"), dir.join("link")).unwrap();
    let stderr = dir.run_err(&["datasette-metadata", "--config-dir", "link"]);
    crate::util::assert_contains(&stderr, "link: is a symbolic link");
    assert!(!dir.join("elsewhere").exists());
    for option in [
        &["--as-of", "2026-01-01"][..],
        &["--entity", "DECO"],
        &["--chart", "x.svg"],
    ] {
        let mut args = vec!["report", "capex-fcf", "--sql"];
        args.extend_from_slice(option);
        let out = dir.cmd().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        crate::util::assert_contains(
            &String::from_utf8_lossy(&out.stderr),
            "the argument '--sql' cannot be used with",
        );
    }
    assert!(!dir.join("x.svg").exists());
    dir.snapshot().assert_same(&before);
}
