//! Embeds the bundled dataset: generates a list of every CSV file under `data/`
//! (include_str! of each), so the binary works from any directory.

use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=queries");
    println!("cargo:rerun-if-changed=data");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    write_queries(&root);
    let mut files = Vec::new();
    collect_csv(&root.join("data"), &mut files);
    files.sort();
    let mut out = String::from(
        "/// Every CSV file of the bundled dataset: (path under the crate, contents).\n",
    );
    out.push_str("pub static FILES: &[(&str, &str)] = &[\n");
    for file in &files {
        let rel = file
            .strip_prefix(&root)
            .expect("under the crate")
            .to_string_lossy()
            .replace('\\', "/");
        out.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            file.to_string_lossy()
        ));
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("bundled.rs");
    fs::write(dest, out).expect("write bundled.rs");
}

/// Generates the list of every `queries/*.sql` file (include_str! of each), sorted by name.
fn write_queries(root: &Path) {
    let mut files: Vec<PathBuf> = fs::read_dir(root.join("queries"))
        .expect("queries/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let mut out = String::from("/// Every query file in `queries/`, sorted by name.\n");
    out.push_str("pub static FILES: &[&str] = &[\n");
    for file in &files {
        out.push_str(&format!(
            "    include_str!({:?}),\n",
            file.to_string_lossy()
        ));
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("queries.rs");
    fs::write(dest, out).expect("write queries.rs");
}

fn collect_csv(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect_csv(&path, files);
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        {
            files.push(path);
        }
    }
}
