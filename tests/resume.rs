//! Daily batches: `annotate --resume` after a crash. The binary is killed (SIGKILL) mid-run, rerun
//! with `--resume`, and the output compared with a clean run over the same input: the same
//! lines, in the same order, byte for byte, no article lost or written twice.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_healthclaims");

/// A small article with some variety (and non-ASCII text), `sentences` sentences long.
fn article(i: usize, sentences: usize) -> String {
    let drugs = ["metformin", "ibuprofen", "CBD oil", "melatonin", "statins", "semaglutide"];
    let conds = ["type 2 diabetes", "knee pain", "anxiety", "jet lag 時差ぼけ", "dementia", "obesity"];
    let mut s = format!("Article {i}: notes on {} 😀.\n", drugs[i % drugs.len()]);
    for k in 0..sentences {
        let d = drugs[(i + k) % drugs.len()];
        let c = conds[(i * 7 + k) % conds.len()];
        s.push_str(&match k % 4 {
            0 => format!("{d} may help with {c}, a small study suggests. "),
            1 => format!("“{d} cures {c},” said a wellness coach. "),
            2 => format!("People who take {d} are less likely to report {c} (n={}). ", 100 + i * k),
            _ => format!("Researchers at the clinic said more trials of {d} are needed.\n"),
        });
    }
    s
}

fn jsonl_input(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        let v = serde_json::json!({
            "id": format!("art-{i:03}"),
            "text": article(i, 6),
            "url": format!("https://news{}.example.com/{i}", i % 3),
            "published": format!("2026-{:02}-01", 1 + i % 12),
        });
        out.push_str(&v.to_string());
        out.push('\n');
    }
    out
}

fn run_stdin(args: &[&str], input: &str) -> std::process::Output {
    let mut child = Command::new(BIN).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn lines(path: &Path) -> usize {
    std::fs::read(path).map(|b| b.iter().filter(|&&c| c == b'\n').count()).unwrap_or(0)
}

fn poll_until(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn kill(mut child: Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn assert_same_file(got: &Path, want: &Path) {
    let (g, w) = (std::fs::read_to_string(got).unwrap(), std::fs::read_to_string(want).unwrap());
    let (gl, wl): (Vec<&str>, Vec<&str>) = (g.lines().collect(), w.lines().collect());
    let mut ids: Vec<String> = gl.iter().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].to_string()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate articles in the resumed output");
    assert_eq!(gl.len(), wl.len(), "line count differs from the clean run");
    for (i, (a, b)) in gl.iter().zip(&wl).enumerate() {
        assert!(a == b, "line {} differs from the clean run:\n{a:.200}\n{b:.200}", i + 1);
    }
    assert_eq!(g, w);
}

/// Deterministic crash point: feed 150 of 300 articles on stdin, wait until the first two
/// chunks (128 articles) are written, kill, then resume with all 300.
#[test]
fn killed_stdin_run_resumes_to_the_clean_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = jsonl_input(300);
    let clean = dir.path().join("clean.jsonl");
    let out = run_stdin(&["annotate", "-", "-o", path(&clean), "-j", "1", "-q"], &input);
    assert!(out.status.code().unwrap() <= 1, "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(lines(&clean), 300);

    let daily = dir.path().join("daily.jsonl");
    let mut child = Command::new(BIN)
        .args(["annotate", "-", "-o", path(&daily), "--resume", "-j", "1", "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let first: String = input.lines().take(150).map(|l| format!("{l}\n")).collect();
    stdin.write_all(first.as_bytes()).unwrap();
    stdin.flush().unwrap();
    poll_until("128 lines", Duration::from_secs(120), || lines(&daily) >= 128);
    std::thread::sleep(Duration::from_millis(100));
    kill(child);
    drop(stdin);
    let partial = std::fs::read_to_string(&daily).unwrap();
    assert_eq!(partial.lines().count(), 128);
    assert!(std::fs::read_to_string(&clean).unwrap().starts_with(&partial), "the killed run wrote a prefix of the clean run");

    let out = run_stdin(&["annotate", "-", "-o", path(&daily), "--resume", "-j", "1", "-q"], &input);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("172 articles") && err.contains("128 already done"), "{err}");
    assert_same_file(&daily, &clean);

    // Running again adds nothing.
    let out = run_stdin(&["annotate", "-", "-o", path(&daily), "--resume", "-j", "1", "-q"], &input);
    assert!(String::from_utf8_lossy(&out.stderr).contains("0 articles"));
    assert_same_file(&daily, &clean);
}

fn folder_of_articles(dir: &Path, n: usize) -> PathBuf {
    let folder = dir.join("in");
    std::fs::create_dir(&folder).unwrap();
    for i in 0..n {
        std::fs::write(folder.join(format!("art-{i:03}.txt")), article(i, 8)).unwrap();
    }
    folder
}

/// Kill a folder run as soon as the output has any bytes (likely mid-line: the writer's buffer
/// is flushed in 8 KiB pieces), at several points; every rerun gives the clean output.
#[test]
fn killed_folder_run_resumes_to_the_clean_output() {
    let dir = tempfile::tempdir().unwrap();
    let folder = folder_of_articles(dir.path(), 300);
    let clean = dir.path().join("clean.jsonl");
    let st = Command::new(BIN).args(["annotate", path(&folder), "-o", path(&clean), "-j", "1", "-q"]).output().unwrap().status;
    assert!(st.code().unwrap() <= 1);
    assert_eq!(lines(&clean), 300);
    let clean_len = std::fs::metadata(&clean).unwrap().len();

    for (k, kill_at) in [1u64, clean_len / 3, clean_len * 2 / 3].into_iter().enumerate() {
        let daily = dir.path().join(format!("daily-{k}.jsonl"));
        let child = Command::new(BIN)
            .args(["annotate", path(&folder), "-o", path(&daily), "--resume", "-j", "1", "-q"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        poll_until("output", Duration::from_secs(120), || std::fs::metadata(&daily).map(|m| m.len() >= kill_at).unwrap_or(false));
        kill(child);
        let before = lines(&daily);
        let st = Command::new(BIN)
            .args(["annotate", path(&folder), "-o", path(&daily), "--resume", "-j", "1", "-q"])
            .output()
            .unwrap()
            .status;
        assert!(st.code().unwrap() <= 1);
        assert!(before <= 300);
        assert_same_file(&daily, &clean);
    }
}

/// A crash mid-write leaves a torn last line: it is dropped and that article redone.
#[test]
fn torn_last_line_is_redone() {
    let dir = tempfile::tempdir().unwrap();
    let folder = folder_of_articles(dir.path(), 20);
    let clean = dir.path().join("clean.jsonl");
    Command::new(BIN).args(["annotate", path(&folder), "-o", path(&clean), "-q"]).output().unwrap();
    let text = std::fs::read_to_string(&clean).unwrap();
    let cut: usize = text.lines().take(10).map(|l| l.len() + 1).sum::<usize>() + 40;
    let daily = dir.path().join("daily.jsonl");
    std::fs::write(&daily, &text.as_bytes()[..cut]).unwrap();
    let out = Command::new(BIN).args(["annotate", path(&folder), "-o", path(&daily), "--resume", "-q"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("10 already done"));
    assert_same_file(&daily, &clean);
}

/// An edited article (same id, new content) is a new version: appended, the old line kept.
#[test]
fn edited_article_is_appended_once() {
    let dir = tempfile::tempdir().unwrap();
    let folder = folder_of_articles(dir.path(), 5);
    let daily = dir.path().join("daily.jsonl");
    let run = || Command::new(BIN).args(["annotate", path(&folder), "-o", path(&daily), "--resume", "-q"]).output().unwrap();
    run();
    assert_eq!(lines(&daily), 5);
    std::fs::write(folder.join("art-002.txt"), "Metformin may help, updated edition.").unwrap();
    std::fs::write(folder.join("art-new.txt"), "A new article about ibuprofen.").unwrap();
    let out = run();
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 articles"), "{}", String::from_utf8_lossy(&out.stderr));
    run();
    let ids: Vec<String> = std::fs::read_to_string(&daily)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["art-000", "art-001", "art-002", "art-003", "art-004", "art-002", "art-new"]);
}

/// A complete but unreadable line in the middle is not a crash's torn tail: resuming must not
/// truncate the valid lines after it; it stops with an error and leaves the file alone.
#[test]
fn corrupt_middle_line_is_not_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let folder = folder_of_articles(dir.path(), 6);
    let daily = dir.path().join("daily.jsonl");
    Command::new(BIN).args(["annotate", path(&folder), "-o", path(&daily), "-q"]).output().unwrap();
    let text = std::fs::read_to_string(&daily).unwrap();
    let mut ls: Vec<&str> = text.lines().collect();
    ls[2] = "{not json";
    let broken = ls.join("\n") + "\n";
    std::fs::write(&daily, &broken).unwrap();
    let out = Command::new(BIN).args(["annotate", path(&folder), "-o", path(&daily), "--resume", "-q"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 3"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(&daily).unwrap(), broken);
}

/// The same article twice in one input: under `--resume` it is written once, crash or not.
#[test]
fn duplicate_input_is_written_once_under_resume() {
    let dir = tempfile::tempdir().unwrap();
    let base = jsonl_input(100);
    let ls: Vec<&str> = base.lines().collect();
    let input: String = ls.iter().chain([&ls[10], &ls[90]]).map(|l| format!("{l}\n")).collect();
    let daily = dir.path().join("daily.jsonl");
    let out = run_stdin(&["annotate", "-", "-o", path(&daily), "--resume", "-q"], &input);
    assert!(String::from_utf8_lossy(&out.stderr).contains("100 articles"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(lines(&daily), 100);
}

/// Unreadable JSONL lines have no content hash; two files' `line-1` are still two articles, and
/// a rerun adds neither again.
#[test]
fn unreadable_lines_of_two_files_are_both_kept() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.jsonl", "b.jsonl"] {
        std::fs::write(dir.path().join(name), "{broken\n{\"id\": \"ok-1\", \"text\": \"Fine.\"}\n".replace("ok-1", name)).unwrap();
    }
    let daily = dir.path().join("out").join("daily.jsonl");
    let run = || {
        Command::new(BIN)
            .args(["annotate", path(&dir.path().join("a.jsonl")), path(&dir.path().join("b.jsonl")), "-o", path(&daily), "--resume", "-q"])
            .output()
            .unwrap()
    };
    let first = run();
    assert_eq!(first.status.code(), Some(1), "{}", String::from_utf8_lossy(&first.stderr));
    assert_eq!(lines(&daily), 4);
    let second = run();
    assert!(String::from_utf8_lossy(&second.stderr).contains("4 already done"), "{}", String::from_utf8_lossy(&second.stderr));
    assert_eq!(lines(&daily), 4);
}
