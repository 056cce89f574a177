//! EDGAR filing folders and zips (`000101872425000004/`, `...-xbrl.zip`) built in the
//! test from the real files in ../shared/sec: which document is imported, the accession
//! from the folder's or zip's name, and folders and zips refused with nothing changed.

use super::{reference_only, value, AMZN_2024, INSTANCE};
use crate::sec::sec_file;
use crate::util::{assert_contains, Dir};
use std::io::Write;

/// Runs `amzdb ARGS`, asserts it succeeds, returns (stdout, stderr).
fn run_both(dir: &Dir, args: &[&str]) -> (String, String) {
    let out = dir.cmd().args(args).output().expect("run amzdb");
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert!(out.status.success(), "amzdb {args:?} failed:\n{stderr}");
    (String::from_utf8(out.stdout).expect("UTF-8"), stderr)
}

/// Writes a folder in the test's directory: each file a real one (by its name in
/// ../shared/sec) or given text.
fn folder(dir: &Dir, name: &str, files: &[(&str, File)]) {
    std::fs::create_dir_all(dir.join(name)).unwrap();
    for (file, what) in files {
        dir.write(&format!("{name}/{file}"), what.bytes());
    }
}

/// One file of a filing built for a test.
enum File {
    Real(&'static str),
    Text(String),
}

impl File {
    fn bytes(&self) -> Vec<u8> {
        match self {
            File::Real(name) => std::fs::read(sec_file(name).expect("checked")).unwrap(),
            File::Text(text) => text.clone().into_bytes(),
        }
    }
}

/// The files of a folder, zipped (deflated) into `name` in the test's directory.
fn zip_folder(dir: &Dir, folder: &str, name: &str) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(dir.join(name)).unwrap());
    let mut files: Vec<_> = std::fs::read_dir(dir.join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for file in files {
        let entry = file.file_name().unwrap().to_string_lossy().into_owned();
        zip.start_file(entry, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(&std::fs::read(&file).unwrap()).unwrap();
    }
    zip.finish().unwrap();
}

/// The real inline 10-K without its ix:header: what an exhibit in inline XBRL's
/// namespace looks like (no contexts, no cover facts of its own).
fn exhibit() -> File {
    let text = std::fs::read_to_string(sec_file(AMZN_2024).expect("checked")).unwrap();
    let start = text.find("<ix:header>").expect("ix:header");
    let end = text.find("</ix:header>").expect("/ix:header") + "</ix:header>".len();
    File::Text(format!("{}{}", &text[..start], &text[end..]))
}

/// What EDGAR's folder of Amazon's FY2024 10-K holds, the instance aside: the inline
/// document, an exhibit, the schema and FilingSummary.xml.
fn fy2024_folder(dir: &Dir, name: &str) {
    folder(
        dir,
        name,
        &[
            ("amzn-20241231.htm", File::Real(AMZN_2024)),
            ("amzn-20241231xex21.htm", exhibit()),
            (
                "amzn-20241231.xsd",
                File::Text("<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"/>".into()),
            ),
            (
                "FilingSummary.xml",
                File::Text("<FilingSummary><ReportType>10-K</ReportType></FilingSummary>".into()),
            ),
        ],
    );
}

#[test]
fn a_filing_folder_imports_its_inline_document_under_the_accession_of_its_name() {
    if sec_file(AMZN_2024).is_none() {
        return;
    }
    let dir = reference_only();
    fy2024_folder(&dir, "000101872425000004");
    let (out, err) = run_both(
        &dir,
        &["ingest", "000101872425000004", "--filed", "2025-02-07"],
    );
    assert_contains(
        &err,
        "amzdb: note: 000101872425000004: imported amzn-20241231.htm, its inline XBRL \
         document (3 other files not read)",
    );
    // The skipped facts are the filing's nil ones, said as such (not FSDS's rows).
    assert_contains(
        &out,
        "2 nil facts skipped (xsi:nil: tagged without a value)",
    );
    assert!(!out.contains("co-registrant"), "{out}");
    let source = "sec-0001018724-25-000004";
    assert_eq!(
        value(&dir, source, "revenue", "AWS", "FY2024"),
        107_556_000_000
    );
    let batch: String = dir.one("SELECT file_name FROM ingest_batches WHERE file_kind = 'ixbrl'");
    assert_eq!(batch, "000101872425000004/amzn-20241231.htm");
    // The exhibit added nothing: one filing, one source.
    let sources: i64 = dir.one("SELECT count(*) FROM sources WHERE kind = 'filing'");
    assert_eq!(sources, 1);
    dir.assert_sound();

    // The same filing as EDGAR's -xbrl.zip: the same facts, all already present.
    zip_folder(&dir, "000101872425000004", "0001018724-25-000004-xbrl.zip");
    let before = dir.snapshot();
    let (again, err) = run_both(
        &dir,
        &[
            "ingest",
            "0001018724-25-000004-xbrl.zip",
            "--filed",
            "2025-02-07",
        ],
    );
    assert_contains(
        &err,
        "0001018724-25-000004-xbrl.zip: imported amzn-20241231.htm, its inline XBRL document",
    );
    assert!(again.starts_with("nothing new: 0 facts ("), "{again}");
    assert_eq!(dir.snapshot().rows, before.rows);
}

#[test]
fn a_zip_gives_the_same_facts_as_its_folder_and_its_accession_from_its_name() {
    if sec_file(AMZN_2024).is_none() {
        return;
    }
    let by_folder = reference_only();
    fy2024_folder(&by_folder, "000101872425000004");
    by_folder.run(&["ingest", "000101872425000004"]);
    let by_zip = reference_only();
    fy2024_folder(&by_zip, "unzipped");
    zip_folder(&by_zip, "unzipped", "000101872425000004.zip");
    by_zip.run(&["ingest", "000101872425000004.zip"]);
    let facts = "SELECT entity, metric, segment, period_label, value, unit, source, dimensions \
                 FROM fact_detail ORDER BY 1, 2, 3, 4, 5, 6, 7, 8";
    let (a, b) = (
        crate::util::rows_of(&by_folder.conn(), facts),
        crate::util::rows_of(&by_zip.conn(), facts),
    );
    assert!(a.len() > 1000, "{}", a.len());
    assert_eq!(a, b);
    let source: String = by_zip.one("SELECT DISTINCT source FROM fact_detail");
    assert_eq!(source, "sec-0001018724-25-000004");
    // --accession still wins over the name.
    let named = reference_only();
    fy2024_folder(&named, "000101872425000004");
    named.run(&[
        "ingest",
        "000101872425000004",
        "--accession",
        "0001018724-25-999999",
    ]);
    let source: String = named.one("SELECT DISTINCT source FROM fact_detail");
    assert_eq!(source, "sec-0001018724-25-999999");
}

#[test]
fn the_instance_is_imported_before_the_inline_document_and_format_chooses_the_other() {
    let (Some(_), Some(_)) = (sec_file(INSTANCE), sec_file(AMZN_2024)) else {
        return;
    };
    let dir = reference_only();
    folder(
        &dir,
        "000101872423000004",
        &[
            ("amzn-20221231_htm.xml", File::Real(INSTANCE)),
            ("amzn-20221231.htm", File::Real(AMZN_2024)),
        ],
    );
    let (_, err) = run_both(&dir, &["ingest", "000101872423000004", "--dry-run"]);
    assert_contains(
        &err,
        "000101872423000004: imported amzn-20221231_htm.xml, its XBRL instance (1 other file \
         not read)",
    );
    dir.run(&["ingest", "000101872423000004"]);
    let source = "sec-0001018724-23-000004";
    assert_eq!(
        value(&dir, source, "revenue", "AWS", "FY2022"),
        80_096_000_000
    );
    let fy2024: i64 = dir.one("SELECT count(*) FROM fact_detail WHERE period_label = 'FY2024'");
    assert_eq!(fy2024, 0, "the inline document was read too");
    let kinds: String = dir.one("SELECT group_concat(DISTINCT file_kind) FROM ingest_batches WHERE file_kind IN ('xbrl', 'ixbrl')");
    assert_eq!(kinds, "xbrl");
    // --format ixbrl takes the inline document.
    let (_, err) = run_both(
        &dir,
        &[
            "ingest",
            "000101872423000004",
            "--format",
            "ixbrl",
            "--dry-run",
        ],
    );
    assert_contains(&err, "imported amzn-20221231.htm, its inline XBRL document");
}

#[test]
fn a_folder_of_csv_files_stays_one_whatever_else_it_holds() {
    if sec_file(AMZN_2024).is_none() {
        return;
    }
    let dir = reference_only();
    let metrics =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/metrics.csv")).unwrap();
    folder(
        &dir,
        "mixed",
        &[
            ("metrics.csv", File::Text(metrics)),
            ("amzn-20241231.htm", File::Real(AMZN_2024)),
        ],
    );
    // --recheck: the metrics file is the one already ingested; read, its rows count.
    let (out, err) = run_both(&dir, &["ingest", "--recheck", "mixed"]);
    assert!(
        out.starts_with("nothing new: 0 facts (0 already present), 0 metrics ("),
        "{out}"
    );
    assert!(!err.contains("imported"), "{err}");
    assert_eq!(dir.count("facts"), 0);
    // --format csv keeps a directory a search for CSV files, a filing's folder too.
    fy2024_folder(&dir, "000101872425000004");
    let err = dir.refused_unchanged(&["ingest", "000101872425000004", "--format", "csv"]);
    assert_contains(
        &err,
        "000101872425000004: no .csv files in this directory or below it",
    );
}

/// A database holding one real import, to show a refused folder or zip changes nothing.
fn with_one_import() -> Dir {
    let dir = reference_only();
    fy2024_folder(&dir, "000101872425000004");
    dir.run(&["ingest", "000101872425000004"]);
    dir
}

#[test]
fn a_folder_or_zip_without_an_instance_or_inline_document_is_refused_naming_its_files() {
    if sec_file(AMZN_2024).is_none() {
        return;
    }
    let dir = with_one_import();
    // A filing's folder without its documents: an exhibit (inline, no ix:header), the
    // schema, FilingSummary.xml and a text file.
    folder(
        &dir,
        "000101872425000005",
        &[
            ("amzn-20241231xex21.htm", exhibit()),
            (
                "amzn-20241231.xsd",
                File::Text("<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"/>".into()),
            ),
            ("readme.txt", File::Text("the filing's documents".into())),
        ],
    );
    let err = dir.refused_unchanged(&["ingest", "000101872425000005"]);
    assert_contains(
        &err,
        "000101872425000005: no XBRL instance or inline XBRL document in this folder: found \
         amzn-20241231.xsd, amzn-20241231xex21.htm, readme.txt (amzn-20241231xex21.htm inline \
         XBRL without ix:header, an exhibit's form); expected an EDGAR filing's folder or zip \
         holding its XBRL instance (such as amzn-20241231_htm.xml) or its inline XBRL document \
         (the .htm with ix:header)",
    );
    assert_contains(&err, "1 problem found; nothing was written");
    zip_folder(&dir, "000101872425000005", "0001018724-25-000005-xbrl.zip");
    let err = dir.refused_unchanged(&["ingest", "0001018724-25-000005-xbrl.zip"]);
    assert_contains(
        &err,
        "0001018724-25-000005-xbrl.zip: no XBRL instance or inline XBRL document in this zip: \
         found amzn-20241231.xsd, amzn-20241231xex21.htm, readme.txt",
    );
    // --format xbrl asks for an instance, and there is none in the good folder either.
    let err = dir.refused_unchanged(&["ingest", "000101872425000004", "--format", "xbrl"]);
    assert_contains(
        &err,
        "000101872425000004: no XBRL instance (--format xbrl) in this folder: found \
         FilingSummary.xml, amzn-20241231.htm,",
    );
}

#[test]
fn a_zip_that_is_not_one_or_is_cut_short_is_refused() {
    if sec_file(AMZN_2024).is_none() {
        return;
    }
    let dir = with_one_import();
    dir.write("0001018724-25-000004-xbrl.zip", "<html>not a zip</html>");
    let err = dir.refused_unchanged(&["ingest", "0001018724-25-000004-xbrl.zip"]);
    assert_contains(
        &err,
        "0001018724-25-000004-xbrl.zip: not a readable zip archive: truncated or damaged (",
    );
    assert_contains(
        &err,
        "expected an EDGAR filing's zip (the -xbrl.zip of its filing index) holding its XBRL \
         instance or inline XBRL document (download the filing again)",
    );
    zip_folder(&dir, "000101872425000004", "whole.zip");
    let bytes = std::fs::read(dir.join("whole.zip")).unwrap();
    dir.write("000101872425000004.zip", &bytes[..bytes.len() / 2]);
    let err = dir.refused_unchanged(&["ingest", "000101872425000004.zip"]);
    assert_contains(
        &err,
        "000101872425000004.zip: not a readable zip archive: truncated or damaged (",
    );
    // Whole, but the inline document's compressed bytes garbled.
    let entry = zip::ZipArchive::new(std::fs::File::open(dir.join("whole.zip")).unwrap())
        .unwrap()
        .by_name("amzn-20241231.htm")
        .unwrap()
        .data_start()
        .unwrap() as usize;
    let mut garbled = bytes.clone();
    for b in &mut garbled[entry + 100_000..entry + 100_040] {
        *b = !*b;
    }
    dir.write("garbled-xbrl.zip", &garbled);
    let err = dir.refused_unchanged(&["ingest", "garbled-xbrl.zip"]);
    assert_contains(
        &err,
        "garbled-xbrl.zip!amzn-20241231.htm: truncated or damaged zip: ",
    );
    assert_contains(&err, "download the filing again");
}

#[test]
fn two_instances_or_two_inline_documents_are_two_filings_refused_unless_one_is_named() {
    let (Some(_), Some(_)) = (sec_file(INSTANCE), sec_file(AMZN_2024)) else {
        return;
    };
    let dir = reference_only();
    let cases = [
        (
            "000101872423000004",
            [
                ("amzn-20221231_htm.xml", INSTANCE),
                ("amzn-20211231_htm.xml", INSTANCE),
            ],
            "000101872423000004: holds 2 XBRL instances (amzn-20211231_htm.xml, \
             amzn-20221231_htm.xml): the documents of 2 filings? amzdb imports one filing at \
             a time: name the one to import (amzdb ingest \
             000101872423000004/amzn-20211231_htm.xml)",
        ),
        (
            "filings",
            [
                ("amzn-20241231.htm", AMZN_2024),
                ("amzn-20241231-copy.htm", AMZN_2024),
            ],
            "filings: holds 2 inline XBRL documents (amzn-20241231-copy.htm, \
             amzn-20241231.htm)",
        ),
    ];
    for (name, files, expected) in cases {
        folder(
            &dir,
            name,
            &files.map(|(file, real)| (file, File::Real(real))),
        );
        let err = dir.refused_unchanged(&["ingest", name]);
        assert_contains(&err, expected);
    }
    zip_folder(&dir, "000101872423000004", "two.zip");
    let err = dir.refused_unchanged(&["ingest", "two.zip"]);
    assert_contains(&err, "unzip it and name the one to import");
    // Named, one is imported, under the accession of its folder.
    dir.run(&["ingest", "000101872423000004/amzn-20221231_htm.xml"]);
    assert_eq!(
        value(&dir, "sec-0001018724-23-000004", "revenue", "AWS", "FY2022"),
        80_096_000_000
    );
}

const LABELS: &str = "amzn-10k-fy2022-labels.xml";

#[test]
fn the_label_linkbase_names_the_metrics_of_unmapped_concepts_and_changes_no_metric() {
    let (Some(_), Some(_)) = (sec_file(INSTANCE), sec_file(LABELS)) else {
        return;
    };
    let dir = reference_only();
    let mapped = "SELECT name FROM metrics WHERE slug = 'capex_proceeds_and_incentives'";
    let mapped_before: String = dir.one(mapped);
    folder(
        &dir,
        "000101872423000004",
        &[
            ("amzn-20221231_htm.xml", File::Real(INSTANCE)),
            ("amzn-20221231_lab.xml", File::Real(LABELS)),
        ],
    );
    let (_, err) = run_both(&dir, &["ingest", "000101872423000004"]);
    assert_contains(
        &err,
        "000101872423000004: imported amzn-20221231_htm.xml, its XBRL instance, with the \
         standard labels of amzn-20221231_lab.xml\n",
    );
    let name = "SELECT name FROM metrics WHERE slug = 'us-gaap:ShareBasedCompensation'";
    let labelled: String = dir.one(name);
    assert_eq!(labelled, "Share-Based Payment Arrangement, Noncash Expense");
    // The dump's metrics CSV says it too.
    dir.run(&["dump", "out"]);
    let metrics = std::fs::read_to_string(dir.join("out/metrics.csv")).unwrap();
    assert_contains(
        &metrics,
        "us-gaap:ShareBasedCompensation,\"Share-Based Payment Arrangement, Noncash Expense\",USD,",
    );
    // A metric amzdb maps keeps its own name (the label is Amazon's own extension's).
    let mapped_after: String = dir.one(mapped);
    assert_eq!(mapped_after, mapped_before);
    assert_eq!(
        value(
            &dir,
            "sec-0001018724-23-000004",
            "capex_proceeds_and_incentives",
            "",
            "FY2022"
        ),
        5_324_000_000
    );

    // A metric created before, named after its concept, stays as it was.
    let earlier = reference_only();
    earlier.run(&["ingest", &sec_file(INSTANCE).unwrap()]);
    folder(
        &earlier,
        "000101872423000004",
        &[
            ("amzn-20221231_htm.xml", File::Real(INSTANCE)),
            ("amzn-20221231_lab.xml", File::Real(LABELS)),
        ],
    );
    earlier.run(&["ingest", "000101872423000004"]);
    let kept: String = earlier.one(name);
    assert_eq!(kept, "us-gaap:ShareBasedCompensation");
}

#[test]
fn a_truncated_label_linkbase_is_refused_naming_it() {
    let (Some(_), Some(labels)) = (sec_file(INSTANCE), sec_file(LABELS)) else {
        return;
    };
    let dir = reference_only();
    let text = std::fs::read_to_string(labels).unwrap();
    // Cut at a line's end: the elements around it are never closed.
    let cut = text[..text.len() / 2].rfind('\n').unwrap();
    folder(
        &dir,
        "000101872423000004",
        &[
            ("amzn-20221231_htm.xml", File::Real(INSTANCE)),
            ("amzn-20221231_lab.xml", File::Text(text[..cut].to_string())),
        ],
    );
    let err = dir.refused_unchanged(&["ingest", "000101872423000004"]);
    assert_contains(
        &err,
        "000101872423000004/amzn-20221231_lab.xml: the XML ends early (a truncated file?); \
         expected the filing's label linkbase as EDGAR serves it",
    );
    // Cut inside a tag: where the XML breaks, as a line and character.
    let mid_tag = text[..text.len() / 2].rfind("xlink:href").unwrap() + 3;
    dir.write("000101872423000004/amzn-20221231_lab.xml", &text[..mid_tag]);
    let err = dir.refused_unchanged(&["ingest", "000101872423000004"]);
    let line = text[..mid_tag].lines().count();
    assert_contains(
        &err,
        &format!("000101872423000004/amzn-20221231_lab.xml:{line}: column 'character "),
    );
    assert_contains(&err, "not well-formed XML: ");
}
