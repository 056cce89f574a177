//! Keeps the README true: every subcommand and every report is documented there, and
//! every subcommand has help text.

use crate::util::Dir;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md")
}

#[test]
fn every_subcommand_has_help_and_is_in_the_readme() {
    let dir = Dir::new();
    let help = dir
        .amzdb()
        .arg("--help")
        .output()
        .expect("run amzdb --help");
    let help = String::from_utf8(help.stdout).expect("UTF-8");
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 7, "{commands:?}");
    let readme = readme();
    for command in commands {
        assert!(
            readme.contains(&format!("amzdb {command}")),
            "README lacks `amzdb {command}`"
        );
        let out = dir
            .amzdb()
            .args([command, "--help"])
            .output()
            .expect("help");
        assert!(
            out.status.success() && out.stdout.len() > 100,
            "{command} --help"
        );
    }
}

#[test]
fn every_report_is_in_the_readme_with_its_view() {
    let dir = Dir::new();
    dir.cmd().args(["init", "--empty"]).assert().success();
    let list = dir.run(&["report", "--format", "csv"]);
    let readme = readme();
    let mut reader = csv::Reader::from_reader(list.as_bytes());
    let mut n = 0;
    for record in reader.records() {
        let record = record.expect("a row");
        let (report, view) = (&record[0], &record[1]);
        assert!(
            readme.contains(&format!("| `{report}` | `{view}` |")),
            "README's report table lacks {report} / {view}"
        );
        assert!(
            readme.contains(&format!("### {report} (`{view}`)")),
            "no section for {report}"
        );
        n += 1;
    }
    assert_eq!(n, 13, "the thirteen reports");
}
