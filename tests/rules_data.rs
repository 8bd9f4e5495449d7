//! The rules live as data (issue 16: "a linguist should be able to add a reporting verb without
//! reading Rust"): every list file in `models/lexicon/rules/` is read by the code, and no source
//! line carries a long regex literal of word alternatives.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    files.sort();
    files.into_iter().map(|p| (p.clone(), std::fs::read_to_string(&p).expect("read source"))).collect()
}

/// The string literals of one source line (plain and raw).
fn literals(line: &str) -> Vec<String> {
    let re = regex::Regex::new(r##"r#*"((?:[^"\\]|\\.)*)"|"((?:[^"\\]|\\.)*)""##).unwrap();
    re.captures_iter(line).map(|c| c.get(1).or_else(|| c.get(2)).map_or(String::new(), |m| m.as_str().to_string())).collect()
}

#[test]
fn every_rules_file_is_read_by_the_code() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/lexicon/rules");
    let code: String = sources().into_iter().map(|(_, s)| s).collect();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("rules dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt") || n.ends_with(".tsv"))
        .collect();
    names.sort();
    assert!(names.len() >= 30, "only {} rules files", names.len());
    for name in &names {
        assert!(code.contains(&format!("rules/{name}\")")), "models/lexicon/rules/{name} is read by nothing in src/");
    }
}

#[test]
fn no_source_line_holds_a_long_pattern() {
    let mut long = Vec::new();
    for (path, text) in sources() {
        for (n, line) in text.lines().enumerate() {
            for lit in literals(line) {
                let pattern_like = lit.contains('|') || lit.contains("(?");
                if pattern_like && lit.chars().count() > 120 {
                    long.push(format!("{}:{}: {} characters", path.display(), n + 1, lit.chars().count()));
                }
            }
        }
    }
    assert!(long.is_empty(), "regex literals over 120 characters (move the words to models/lexicon/rules/): {long:#?}");
}

#[test]
fn the_check_finds_a_long_alternation() {
    let line = format!("    re(r\"{}\")", vec!["treat"; 30].join("|"));
    let lits = literals(&line);
    assert_eq!(lits.len(), 1);
    assert!(lits[0].contains('|') && lits[0].len() > 120);
    assert_eq!(literals(r#"let a = "x|y"; let b = r"(?i)z";"#), vec!["x|y", "(?i)z"]);
}
