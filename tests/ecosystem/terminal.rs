//! Tables fit the terminal: every report and `amzdb facts` on the bundled database,
//! at `COLUMNS` 100, 60 and 200, with a real terminal's width when `COLUMNS` is unset,
//! and with a `COLUMNS` that is not a number; numbers are never cut, `--wide` never fitted.

use crate::util::Dir;

/// The bundled database (`amzdb init`).
fn bundled() -> Dir {
    let dir = Dir::new();
    dir.run(&["init"]);
    dir
}

/// `amzdb ARGS` with `COLUMNS` set: its stdout and stderr (it must succeed).
fn at(dir: &Dir, columns: &str, args: &[&str]) -> (String, String) {
    let out = dir
        .cmd()
        .env("COLUMNS", columns)
        .args(args)
        .output()
        .expect("run amzdb");
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert!(
        out.status.success(),
        "COLUMNS={columns} amzdb {args:?}: {stderr}"
    );
    (String::from_utf8(out.stdout).expect("UTF-8"), stderr)
}

/// Every report's name, from `amzdb report --format csv`.
fn reports(dir: &Dir) -> Vec<String> {
    dir.run(&["report", "--format", "csv"])
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap_or_default().to_string())
        .collect()
}

/// The commands whose tables are measured: every report, then `facts`.
fn commands(dir: &Dir) -> Vec<Vec<String>> {
    let mut all: Vec<Vec<String>> = reports(dir)
        .into_iter()
        .map(|r| vec!["report".into(), r])
        .collect();
    all.push(vec!["facts".into()]);
    all
}

/// The widest line, in characters (a box-drawing line is 3 bytes a character).
fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

fn is_table_line(line: &str) -> bool {
    line.starts_with(['┌', '│', '├', '└'])
}

/// The body cells of a table (the rows after the header rule), trimmed.
fn body(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip_while(|l| !l.starts_with('├'))
        .filter(|l| l.starts_with('│'))
        .map(|l| {
            let inner = l.trim_start_matches('│').trim_end_matches('│');
            inner.split('│').map(|c| c.trim().to_string()).collect()
        })
        .collect()
}

/// A cell that was cut although it is a number: only figure characters before the `…`
/// (a date range such as `2026-04-01..2026-09-30` is a period label, text).
fn cut_number(cell: &str) -> bool {
    cell.strip_suffix('…').is_some_and(|kept| {
        let figure = kept.trim_start_matches(['-', '$', '~', '≤', '≥']);
        !figure.is_empty()
            && !figure.contains('-')
            && figure
                .chars()
                .all(|c| c.is_ascii_digit() || ".,$%–".contains(c))
    })
}

/// The lines after the table (the legend, wrapped or not).
fn after_table(text: &str) -> Vec<&str> {
    text.lines()
        .skip_while(|l| !l.starts_with('└'))
        .skip(2) // the bottom rule and `(N rows)`
        .collect()
}

fn assert_no_cut_number(what: &str, text: &str) {
    for row in body(text) {
        for cell in row {
            assert!(!cut_number(&cell), "{what}: a number was cut: {cell:?}");
        }
    }
}

/// A legend's words, however it was wrapped.
fn words(lines: &[&str]) -> String {
    let words: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
    words.join(" ")
}

#[test]
fn every_table_fits_100_columns_with_numbers_whole_and_the_legend_wrapped() {
    let dir = bundled();
    let mut legends = 0;
    for args in commands(&dir) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let what = args.join(" ");
        let (table, _) = at(&dir, "100", &args);
        for line in table.lines() {
            assert!(
                line.chars().count() <= 100,
                "{what}: a line of {} characters at COLUMNS=100:\n{line}",
                line.chars().count()
            );
        }
        assert!(table.lines().any(is_table_line), "{what}: no table");
        assert_no_cut_number(&what, &table);
        // --wide is today's output: every column, not fitted, the legend on one line.
        let wide_args = [args.clone(), vec!["--wide"]].concat();
        let (wide, _) = at(&dir, "100", &wide_args);
        assert!(widest(&wide) > 100, "{what} --wide was fitted");
        let legend = after_table(&table);
        if legend.is_empty() {
            continue;
        }
        let wide_legend = after_table(&wide);
        if legend[0].starts_with("tags:") {
            assert_eq!(wide_legend.len(), 1, "{what} --wide: {wide_legend:?}");
            legends += 1;
            assert!(legend.len() > 1, "{what}: the legend was not wrapped");
            assert_eq!(
                words(&legend),
                wide_legend[0],
                "{what}: the legend lost words"
            );
        }
    }
    assert!(
        legends >= 8,
        "only {legends} reports printed the tags legend"
    );
}

#[test]
fn wide_output_does_not_depend_on_the_terminal() {
    let dir = bundled();
    for args in [
        &["report", "capex-fcf", "--wide"][..],
        &["facts", "--metric", "capex", "--wide"],
    ] {
        let (narrow, _) = at(&dir, "60", args);
        let (broad, _) = at(&dir, "200", args);
        assert_eq!(narrow, broad, "{args:?}");
        // facts --wide: every column of the CSV, the quote too.
        if args[0] == "facts" {
            let csv = dir.run(&["facts", "--metric", "capex", "--format", "csv"]);
            let header = csv.lines().next().unwrap_or_default();
            let shown = narrow.lines().nth(1).unwrap_or_default();
            for column in header.split(',') {
                crate::util::assert_contains(shown, column);
            }
        }
    }
}

/// The figure a reports' `$B` column prints for a value in dollars.
fn billions(csv_value: &str) -> String {
    let n: f64 = csv_value.parse().expect("a number in the CSV");
    let text = format!("{:.3}", n / 1e9);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[test]
fn number_cells_are_the_csv_values_formatted() {
    let dir = bundled();
    // capex-fcf: each row's capex in $B is the CSV's capex, scaled, then its tag.
    let (table, _) = at(&dir, "100", &["report", "capex-fcf"]);
    let csv = dir.run(&["report", "capex-fcf", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let capex = headers.iter().position(|h| h == "capex").unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let rows = body(&table);
    assert_eq!(rows.len(), records.len());
    let mut checked = 0;
    for (row, record) in rows.iter().zip(&records) {
        if record[capex].is_empty() {
            continue;
        }
        let figure = row[2].split(' ').next().unwrap_or_default();
        assert_eq!(
            figure,
            billions(&record[capex]),
            "capex {:?}",
            &record[capex]
        );
        checked += 1;
    }
    assert!(checked > 100, "only {checked} capex cells compared");

    // facts: a dollar level is shown in $B or $M, whole.
    let (table, _) = at(&dir, "100", &["facts", "--metric", "capex"]);
    let csv = dir.run(&["facts", "--metric", "capex", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (value, unit, qualifier, high, measure) = (
        col("value"),
        col("unit"),
        col("qualifier"),
        col("value_high"),
        col("measure"),
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let rows = body(&table);
    assert_eq!(rows.len(), records.len());
    let mut checked = 0;
    for (row, r) in rows.iter().zip(&records) {
        let plain = r[unit] == *"USD"
            && r[qualifier] == *"exact"
            && r[high].is_empty()
            && r[measure] == *"level";
        let n: f64 = r[value].parse().unwrap();
        if plain && n >= 1e9 {
            assert_eq!(row[5], format!("${}B", billions(&r[value])), "{r:?}");
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} capex facts compared");
}

#[test]
fn narrow_and_broad_terminals() {
    let dir = bundled();
    for args in [
        &["report", "capex-fcf"][..],
        &["report", "provenance"],
        &["report", "disclosure-mix"],
        &["report", "restatements"],
        &["facts"],
    ] {
        let what = args.join(" ");
        let (at_100, _) = at(&dir, "100", args);
        let (at_60, _) = at(&dir, "60", args);
        let (at_200, _) = at(&dir, "200", args);
        // 60: as narrow as the numbers allow; never wider than at 100.
        assert!(widest(&at_60) <= widest(&at_100), "{what}: wider at 60");
        assert_no_cut_number(&what, &at_60);
        for line in after_table(&at_60) {
            assert!(line.chars().count() <= 60, "{what}: {line}");
        }
        // 200: room for more text, nothing beyond 200.
        assert!(widest(&at_200) <= 200, "{what}: wider than 200");
        assert!(
            widest(&at_200) >= widest(&at_100),
            "{what}: narrower at 200"
        );
        assert!(
            at_200.matches('…').count() <= at_100.matches('…').count(),
            "{what}: more cut at 200"
        );
        assert_eq!(body(&at_60).len(), body(&at_200).len(), "{what}: rows");
    }
    // A table of few numbers fits 60 whole.
    let (mix, _) = at(&dir, "60", &["report", "disclosure-mix"]);
    let table: Vec<&str> = mix.lines().filter(|l| is_table_line(l)).collect();
    assert!(table.iter().all(|l| l.chars().count() <= 60), "{table:?}");
    // The text that provenance cuts at 100 shows more at 200.
    let (cut, _) = at(&dir, "100", &["report", "provenance"]);
    let (broad, _) = at(&dir, "200", &["report", "provenance"]);
    assert!(broad.matches('…').count() < cut.matches('…').count());
}

#[test]
fn a_columns_that_is_not_a_number_falls_back_with_a_note() {
    let dir = Dir::new();
    let default = dir.run(&["report"]);
    assert_eq!(widest(&default), 100, "no terminal: 100 columns\n{default}");
    for bad in ["abc", "0", "-3", "12x", ""] {
        let (table, stderr) = at(&dir, bad, &["report"]);
        assert_eq!(table, default, "COLUMNS={bad:?}");
        crate::util::assert_contains(&stderr, &format!("ignoring COLUMNS=\"{bad}\""));
    }
}

#[test]
fn a_real_terminal_gives_its_width_also_behind_a_pipe() {
    // `script` (util-linux) runs amzdb on a pseudo-terminal of 70 columns.
    let dir = Dir::new();
    let amzdb = env!("CARGO_BIN_EXE_amzdb");
    let run = |shell: &str| {
        let out = std::process::Command::new("script")
            .args(["-qec", shell, "/dev/null"])
            .current_dir(dir.path())
            .env_remove("COLUMNS")
            .env_remove("AMZDB_DB")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run script (util-linux)");
        assert!(out.status.success(), "{shell}");
        String::from_utf8(out.stdout)
            .expect("UTF-8")
            .replace("\r\n", "\n")
    };
    let direct = run(&format!("stty cols 70 rows 20; '{amzdb}' report"));
    assert_eq!(widest(&direct), 70, "{direct}");
    // `amzdb report | less`: standard output is a pipe, the terminal is standard error's.
    let piped = run(&format!("stty cols 70 rows 20; '{amzdb}' report | cat"));
    assert_eq!(piped, direct);
}

#[test]
fn facts_show_a_readable_set_of_columns_and_filter_by_disclosure() {
    let dir = bundled();
    let (table, _) = at(
        &dir,
        "100",
        &["facts", "--metric", "capex", "--period", "Q1 FY2026"],
    );
    assert_eq!(
        body(&format!("├\n{}", table.lines().nth(1).unwrap()))[0],
        ["entity", "metric", "segment", "period", "basis", "value", "type", "source"]
    );
    let rows = body(&table);
    assert!(rows.contains(&vec![
        "AMZN".to_string(),
        "capex".into(),
        String::new(),
        "Q1 FY2026".into(),
        "actual".into(),
        "$44.203B".into(),
        "A".into(),
        "sec-0001018724-26-000014".into(),
    ]));
    // A growth figure says so; the type letters are explained under the table.
    assert!(
        rows.iter().any(|r| r[5] == "77.0% YoY" && r[6] == "E"),
        "{table}"
    );
    crate::util::assert_contains(
        &table,
        "type: A audited, M management commentary, E third-party estimate",
    );

    // --disclosure keeps only that type, in every format; CSV keeps every column.
    let (audited, _) = at(&dir, "100", &["facts", "--disclosure", "audited"]);
    let audited = body(&audited);
    assert!(audited.iter().all(|r| r[6] == "A"));
    let csv = dir.run(&["facts", "--disclosure", "audited", "--format", "csv"]);
    assert_eq!(csv.lines().next().unwrap().split(',').count(), 16);
    let count: i64 = dir
        .conn()
        .query_row(
            "SELECT count(*) FROM fact_detail WHERE disclosure_type = 'audited'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited.len() as i64, count);
    let json = dir.run(&[
        "facts",
        "--disclosure",
        "third-party-estimate",
        "--format",
        "json",
    ]);
    let json: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert!(!json.is_empty());
    assert!(json
        .iter()
        .all(|f| f["disclosure_type"] == "third_party_estimate"));

    // No match: a note says why, and the output is an empty table.
    let out = dir
        .cmd()
        .args([
            "facts",
            "--entity",
            "MSFT",
            "--disclosure",
            "third-party-estimate",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    crate::util::assert_contains(
        &String::from_utf8_lossy(&out.stderr),
        "no third_party_estimate fact matches the other filters",
    );
}
