//! disclosure-mix, provenance, consensus, cloud-peers and ai-scorecard on the hand-written
//! fixtures in tests/fixtures/reports_simple: Amazon (AMZN, year end 12-31), Microsoft
//! (MSFT, 06-30, so its Q3 FY2026 is January to March 2026) and Alphabet (GOOGL), with
//! sources published 2026-04-15 (analyst-b), 04-28 (googl-10q), 04-29 (msft-call),
//! 04-30 (amzn-call), 05-01 (amzn-10q) and 05-02 (news-a).

use super::{dir_with, report_rows, row};
use crate::util::Dir;
use std::collections::HashMap;

const FIXTURE: &str = "reports_simple";

type Row = HashMap<String, String>;

/// The given columns of every row, each row as `a|b|c`, in report order.
fn cells(rows: &[Row], columns: &[&str]) -> Vec<String> {
    rows.iter()
        .map(|r| {
            columns
                .iter()
                .map(|c| {
                    r.get(*c)
                        .unwrap_or_else(|| panic!("no column {c} in {r:#?}"))
                        .as_str()
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

// ---------------------------------------------------------------------------------
// disclosure-mix

const MIX: &[&str] = &[
    "metric",
    "facts",
    "audited",
    "management_commentary",
    "third_party_estimate",
    "audited_share_pct",
];

#[test]
fn disclosure_mix_counts_each_metrics_facts_by_disclosure_type() {
    let dir = dir_with(FIXTURE);
    let rows = report_rows(&dir, &["disclosure-mix"]);
    assert!(
        rows.iter().all(|r| r["entity"] == "AMZN"),
        "AMZN by default"
    );
    assert_eq!(
        cells(&rows, MIX),
        [
            "backlog|3|0|2|1|0",
            "chips_deployed|1|0|1|0|0",
            "eps_diluted|3|1|1|1|33.3333",
            "power_capacity|1|0|1|0|0",
            "revenue|12|3|3|6|25",
            "revenue_commitments|1|0|1|0|0",
        ]
    );

    let all = report_rows(&dir, &["disclosure-mix", "--all-entities"]);
    assert_eq!(
        cells(&all, &["entity", "metric", "facts", "audited_share_pct"])[6..],
        [
            "GOOGL|backlog|2|0",
            "GOOGL|remaining_performance_obligation|1|100",
            "GOOGL|revenue|2|100",
            "MSFT|remaining_performance_obligation|2|50",
            "MSFT|revenue|2|0",
        ]
    );
}

#[test]
fn disclosure_mix_counts_only_facts_that_pass_as_of_and_min_disclosure() {
    let dir = dir_with(FIXTURE);
    let trusted = report_rows(
        &dir,
        &[
            "disclosure-mix",
            "--min-disclosure",
            "management-commentary",
        ],
    );
    assert_eq!(
        cells(&trusted, MIX),
        [
            "backlog|2|0|2|0|0",
            "chips_deployed|1|0|1|0|0",
            "eps_diluted|2|1|1|0|50",
            "power_capacity|1|0|1|0|0",
            "revenue|6|3|3|0|50",
            "revenue_commitments|1|0|1|0|0",
        ]
    );
    // Before the 10-Q (05-01) and the newswire (05-02): the call and the analyst only.
    let early = report_rows(&dir, &["disclosure-mix", "--as-of", "2026-04-30"]);
    let revenue = row(&early, &[("metric", "revenue")]);
    assert_eq!(
        cells(std::slice::from_ref(revenue), MIX),
        ["revenue|6|0|3|3|0"]
    );
    let audited_only = report_rows(&dir, &["disclosure-mix", "--min-disclosure", "audited"]);
    assert_eq!(
        cells(&audited_only, MIX),
        ["eps_diluted|1|1|0|0|100", "revenue|3|3|0|0|100"]
    );
}

// ---------------------------------------------------------------------------------
// provenance

#[test]
fn provenance_lists_every_fact_and_marks_the_one_the_rule_chooses() {
    let dir = dir_with(FIXTURE);
    let rows = report_rows(
        &dir,
        &["provenance", "--metric", "revenue", "--period", "Q1 FY2026"],
    );
    assert_eq!(
        rows.len(),
        12,
        "every revenue fact of Q1 FY2026, chosen or not"
    );
    assert!(rows
        .iter()
        .all(|r| r["metric"] == "revenue" && r["period_label"] == "Q1 FY2026"));
    let aws: Vec<Row> = rows
        .iter()
        .filter(|r| r["segment"] == "AWS" && r["measure"] == "level")
        .cloned()
        .collect();
    assert_eq!(
        cells(
            &aws,
            &[
                "value",
                "value_text",
                "disclosure_type",
                "source",
                "chosen",
                "rank_in_group"
            ]
        ),
        [
            "30000000000|30B|audited|news-a|1|1",
            "30500000000|30.5B|management_commentary|amzn-call|0|2",
        ],
        "audited beats management commentary, even read in the press"
    );
    assert_eq!(aws[0]["publisher"], "Newswire A");
    assert_eq!(aws[0]["source_title"], "Newswire A on Amazon's quarter");
    assert_eq!(aws[0]["published_on"], "2026-05-02");
    assert_eq!(aws[0]["quote"], "AWS sales were $30 billion");
    assert_eq!(aws[0]["note"], "the statement line read in the press");
    assert_eq!(aws[1]["qualifier"], "approx");
    let silicon = row(&rows, &[("segment", "Custom silicon"), ("chosen", "0")]);
    assert_eq!(silicon["value"], "100");
    assert_eq!(silicon["rank_in_group"], "2");

    // Without --metric and --period: every AMZN fact, one chosen per group.
    let all = report_rows(&dir, &["provenance"]);
    assert_eq!(all.len(), 21);
    let ids: Vec<&str> = all.iter().map(|r| r["fact_id"].as_str()).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "one row per fact");
    assert_eq!(all.iter().filter(|r| r["chosen"] == "1").count(), 18);
    assert!(all
        .iter()
        .all(|r| (r["chosen"] == "1") == (r["rank_in_group"] == "1")));

    let backlog = report_rows(
        &dir,
        &[
            "provenance",
            "--metric",
            "backlog",
            "--period",
            "2026-03-31",
        ],
    );
    assert_eq!(cells(&backlog, &["value", "chosen"]), ["364000000000|1"]);
}

#[test]
fn provenance_chooses_again_after_as_of_and_min_disclosure() {
    let dir = dir_with(FIXTURE);
    let args = ["provenance", "--metric", "revenue", "--period", "Q1 FY2026"];
    let mut early_args = args.to_vec();
    early_args.extend(["--as-of", "2026-04-30"]);
    let early = report_rows(&dir, &early_args);
    let aws = row(&early, &[("segment", "AWS"), ("measure", "level")]);
    assert_eq!(
        (aws["source"].as_str(), aws["chosen"].as_str()),
        ("amzn-call", "1"),
        "the audited newswire figure is not out yet, so the call's is chosen"
    );
    assert!(early
        .iter()
        .all(|r| r["published_on"].as_str() <= "2026-04-30"));

    let mut trusted_args = args.to_vec();
    trusted_args.extend(["--min-disclosure", "management-commentary"]);
    let trusted = report_rows(&dir, &trusted_args);
    assert!(trusted
        .iter()
        .all(|r| r["disclosure_type"] != "third_party_estimate"));
    let silicon = row(&trusted, &[("segment", "Custom silicon")]);
    assert_eq!(
        (silicon["value"].as_str(), silicon["chosen"].as_str()),
        ("40", "1")
    );
}

// ---------------------------------------------------------------------------------
// consensus

const SURPRISE: &[&str] = &[
    "metric",
    "segment",
    "period_label",
    "measure",
    "unit",
    "actual",
    "consensus",
    "surprise",
    "surprise_unit",
];

#[test]
fn consensus_gives_surprise_in_percent_on_levels_and_points_on_growth() {
    let dir = dir_with(FIXTURE);
    let rows = report_rows(&dir, &["consensus"]);
    assert_eq!(
        cells(&rows, SURPRISE),
        [
            // 100 * (2.78 - 2.70) / 2.70
            "eps_diluted||Q1 FY2026|level|USD/share|2.78|2.7|2.963|%",
            // 100 * (102.4B - 100B) / 100B
            "revenue||Q1 FY2026|level|USD|102400000000|100000000000|2.4|%",
            "revenue|AWS|Q1 FY2026|yoy_pct|%|28|26|2|pp",
            "revenue|Advertising|Q1 FY2026|yoy_pct|%|22.5|21.3|1.2|pp",
        ]
    );
    let eps = row(&rows, &[("metric", "eps_diluted")]);
    assert_eq!(
        cells(
            std::slice::from_ref(eps),
            &[
                "actual_disclosure",
                "actual_source",
                "actual_competing",
                "actual_conflict",
                "consensus_disclosure",
                "consensus_source",
                "consensus_competing",
                "consensus_conflict",
            ]
        ),
        ["audited|amzn-10q|2|0|third_party_estimate|analyst-b|1|0"]
    );
    let ads = row(&rows, &[("segment", "Advertising")]);
    assert_eq!(ads["actual_disclosure"], "third_party_estimate");
    assert!(
        rows.iter()
            .all(|r| r["segment"] != "AWS" || r["measure"] != "level"),
        "AWS revenue has no consensus figure, so no row"
    );
}

#[test]
fn consensus_pairs_what_is_left_after_as_of_and_min_disclosure() {
    let dir = dir_with(FIXTURE);
    let early = report_rows(&dir, &["consensus", "--as-of", "2026-04-30"]);
    assert_eq!(
        cells(&early, &["metric", "actual", "actual_source", "surprise"]),
        ["eps_diluted|2.78|amzn-call|2.963"],
        "only the call's EPS is out by then"
    );
    let trusted = report_rows(
        &dir,
        &["consensus", "--min-disclosure", "management-commentary"],
    );
    assert!(
        trusted.is_empty(),
        "consensus figures are third-party estimates"
    );
}

// ---------------------------------------------------------------------------------
// cloud-peers

const PEERS: &[&str] = &[
    "period",
    "period_start",
    "period_end",
    "aws_revenue",
    "aws_yoy_pct",
    "azure_revenue",
    "azure_yoy_pct",
    "google_cloud_revenue",
    "google_cloud_yoy_pct",
    "aws_backlog",
    "microsoft_rpo",
    "google_cloud_backlog",
];

#[test]
fn cloud_peers_aligns_fiscal_quarters_and_instants_by_calendar_date() {
    let dir = dir_with(FIXTURE);
    let rows = report_rows(&dir, &["cloud-peers"]);
    assert_eq!(
        cells(&rows, PEERS),
        [
            "Q4 CY2025|2025-10-01|2025-12-31|||||||244000000000||240000000000",
            "Q1 CY2026|2026-01-01|2026-03-31|30000000000|28|20000000000|39|17000000000|63|\
             364000000000|390000000000|460000000000",
            "2026-05-13||2026-05-13|||||||370000000000||",
        ]
    );
    let q1 = row(&rows, &[("period", "Q1 CY2026")]);
    assert_eq!(q1["aws_revenue_disclosure"], "audited");
    assert_eq!(q1["aws_revenue_source"], "news-a");
    assert_eq!(q1["aws_revenue_competing"], "2");
    assert_eq!(
        q1["azure_yoy_pct_source"], "msft-call",
        "Microsoft's Q3 FY2026 is the calendar Q1"
    );
    assert_eq!(q1["microsoft_rpo_segment"], "", "the whole company first");
    assert_eq!(q1["google_cloud_backlog_metric"], "backlog");
    assert_eq!(
        q1["google_cloud_backlog_disclosure"],
        "management_commentary"
    );

    let msft = report_rows(&dir, &["cloud-peers", "--entity", "MSFT"]);
    assert_eq!(
        msft, rows,
        "cloud-peers spans entities: --entity does not apply"
    );
    let all = report_rows(&dir, &["cloud-peers", "--all-entities"]);
    assert_eq!(all, rows);
}

#[test]
fn cloud_peers_chooses_after_as_of_and_min_disclosure() {
    let dir = dir_with(FIXTURE);
    let audited = report_rows(&dir, &["cloud-peers", "--min-disclosure", "audited"]);
    assert_eq!(
        cells(&audited, PEERS),
        [
            "Q1 CY2026|2026-01-01|2026-03-31|30000000000|28|||17000000000|63||\
          380000000000|"
        ],
        "Alphabet's company-wide RPO never stands in for Google Cloud's backlog"
    );
    let q1 = &audited[0];
    assert_eq!(q1["microsoft_rpo_segment"], "Microsoft Cloud");
    assert_eq!(q1["google_cloud_backlog_metric"], "");

    let early = report_rows(&dir, &["cloud-peers", "--as-of", "2026-04-30"]);
    assert_eq!(
        cells(&early, PEERS),
        [
            "Q4 CY2025|2025-10-01|2025-12-31|||||||244000000000||240000000000",
            "Q1 CY2026|2026-01-01|2026-03-31|30500000000||20000000000|39|17000000000|63|\
             364000000000|390000000000|460000000000",
        ]
    );
    assert_eq!(early[1]["aws_revenue_source"], "amzn-call");
}

// ---------------------------------------------------------------------------------
// ai-scorecard

const CARD: &[&str] = &[
    "area",
    "metric",
    "segment",
    "period_label",
    "measure",
    "basis",
    "value",
    "unit",
    "qualifier",
    "competing",
    "conflict",
];

#[test]
fn ai_scorecard_collects_the_chosen_ai_figures_by_area() {
    let dir = dir_with(FIXTURE);
    let rows = report_rows(&dir, &["ai-scorecard"]);
    assert_eq!(
        cells(&rows, CARD),
        [
            "run rate|revenue|AWS AI services|Q1 FY2026|level|run_rate|15000000000|USD|exact|1|0",
            "run rate|revenue|Custom silicon|Q1 FY2026|qoq_pct|run_rate|40|%|approx|2|1",
            "silicon|chips_deployed|Trainium|2025-12-31|level|actual|1400000|count|at_least|1|0",
            "commitments|backlog|AWS|2025-12-31|level|actual|244000000000|USD|exact|1|0",
            "commitments|backlog|AWS|2026-03-31|level|actual|364000000000|USD|exact|1|0",
            "commitments|backlog|AWS|2026-05-13|level|actual|370000000000|USD|approx|1|0",
            "commitments|revenue_commitments|Trainium|2026-03-31|level|actual|225000000000|USD|\
             at_least|1|0",
            "capacity|power_capacity||2025-12-31|qoq_change|actual|1.2|GW|exact|1|0",
        ],
        "the company's total run rate and the reported revenue are not AI figures"
    );
    let silicon = row(&rows, &[("segment", "Custom silicon")]);
    assert_eq!(silicon["disclosure_type"], "management_commentary");
    assert_eq!(silicon["source"], "amzn-call");
    assert_eq!(silicon["value_text"], "40%");

    let all = report_rows(&dir, &["ai-scorecard", "--all-entities"]);
    assert_eq!(
        cells(&all, &["entity", "metric", "period_label", "value"])[8..],
        [
            "GOOGL|backlog|2025-12-31|240000000000",
            "GOOGL|backlog|2026-03-31|460000000000",
        ]
    );
    assert!(report_rows(&dir, &["ai-scorecard", "--entity", "MSFT"]).is_empty());
}

#[test]
fn ai_scorecard_chooses_after_as_of_and_min_disclosure() {
    let dir = dir_with(FIXTURE);
    let early = report_rows(&dir, &["ai-scorecard", "--as-of", "2026-04-30"]);
    assert_eq!(
        early.len(),
        7,
        "the newswire's backlog of 2026-05-13 is not out yet"
    );
    let silicon = row(&early, &[("segment", "Custom silicon")]);
    assert_eq!(
        (silicon["competing"].as_str(), silicon["conflict"].as_str()),
        ("1", "0")
    );
    let trusted = report_rows(
        &dir,
        &["ai-scorecard", "--min-disclosure", "management-commentary"],
    );
    assert_eq!(trusted.len(), 7);
    assert!(trusted
        .iter()
        .all(|r| r["disclosure_type"] == "management_commentary"));
    assert!(report_rows(&dir, &["ai-scorecard", "--min-disclosure", "audited"]).is_empty());
}

// ---------------------------------------------------------------------------------
// Tables, views and the shared rule

const REPORTS: &[(&str, &str)] = &[
    ("disclosure-mix", "disclosure_mix"),
    ("provenance", "provenance"),
    ("consensus", "consensus"),
    ("cloud-peers", "cloud_peers"),
    ("ai-scorecard", "ai_scorecard"),
];

#[test]
fn every_report_prints_a_table() {
    let dir = dir_with(FIXTURE);
    for (report, _) in REPORTS {
        let table = dir.run(&["report", report]);
        assert!(
            table
                .lines()
                .any(|l| l.starts_with('(') && l.ends_with(" rows)")),
            "{report}:\n{table}"
        );
    }
    let consensus = dir.run(&["report", "consensus"]);
    for cell in ["2.963", "2.4", "1.2", "pp"] {
        crate::util::assert_contains(&consensus, cell);
    }
    crate::util::assert_contains(&dir.run(&["report", "cloud-peers"]), "Q1 CY2026");
}

/// The CLI with --all-entities and the stock sqlite3 shell on the view give the same
/// rows, on the fixtures and on the bundled dataset.
#[test]
fn views_and_cli_agree_row_for_row() {
    let bundled = Dir::new();
    bundled.cmd().arg("init").assert().success();
    for dir in [dir_with(FIXTURE), bundled] {
        for (report, view) in REPORTS {
            super::assert_view_agrees_with_cli(&dir, report, view);
        }
    }
}
