//! End-to-end tests of the `healthclaims annotate` command: bad input never stops a batch,
//! one output line per input article, exit statuses, stdin streaming, determinism, resume.

mod util;

use healthclaims::assemble::Status;
use util::{check_offsets, parse_jsonl, run, show, Dir};

/// A folder holding every kind of bad input the issue lists, next to two good articles.
/// Returns the folder and the number of articles it holds (JSONL lines count one each).
fn bad_inputs() -> (Dir, usize) {
    let d = Dir::new();
    d.write("good.txt", "Metformin may help lower blood sugar in type 2 diabetes. It is taken with meals.");
    d.write("invalid_utf8.txt", b"Aspirin can reduce fever.\xff\xfe Ibuprofen \xc3\x28may help pain.".as_slice());
    d.write("empty.txt", "");
    d.write("whitespace.md", "   \n\n\t  \n");
    let mut binary = vec![0u8, 1, 2, 3, 0x89, b'P', b'N', b'G', 0, 0, 0];
    binary.extend((0..4000u32).map(|i| (i * 7 % 256) as u8));
    d.write("binary.txt", binary);
    // One long line (the 12 MB version is a stress case: scripts/stress.sh).
    let line = "Magnesium may reduce migraine frequency in some adults 😀 and 睡眠 ";
    let big: String = line.repeat(256 * 1024 / 70);
    d.write("huge_one_line.txt", big);
    d.write(
        "feed.jsonl",
        concat!(
            r#"{"id":"j1","text":"Melatonin might improve sleep onset in insomnia.","published":"2026-01-05"}"#,
            "\n",
            r#"{"id":"j2","text": "broken"#,
            "\n",
            r#"{"id":"j3","html":"<html><body><p>Doctors agree that statins lower cholesterol.</p></body></html>"}"#,
            "\n",
            r#"{"id":"j4","title":"no text field"}"#,
            "\n",
            r#"[1,2,3]"#,
            "\n"
        ),
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(d.join("does-not-exist.txt"), d.join("dangling.txt")).unwrap();
    d.write("unbalanced.txt", "“Semaglutide changes everything, said nobody in particular. And then it went on\n\nand on without a closing quote. ‘Another one. \"And a straight one.");
    d.write("scripts.txt", "Ketamine 💊 may ease depression. 抑郁症 (depression) ketamine. مرحبا ketamine طبيب. e\u{301}sketamine works.");
    d.write("page.html", "<html><head><title>T</title></head><body><nav>Home</nav><p>Lithium is used for bipolar disorder.</p></body></html>");
    // good, utf8, empty, ws, binary, huge, 5 jsonl lines, dangling, unbalanced, scripts, page
    let count = 6 + 5 + if cfg!(unix) { 1 } else { 0 } + 3;
    (d, count)
}

#[test]
fn bad_inputs_yield_one_line_each_and_exit_1() {
    let (d, count) = bad_inputs();
    let out = d.join("out/annotations.jsonl");
    let o = run(&["annotate", d.path().to_str().unwrap(), "-o", out.to_str().unwrap(), "--quiet"], None);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let recs = parse_jsonl(&std::fs::read(&out).unwrap());
    assert_eq!(recs.len(), count, "one line per input article");
    let by_id = |id: &str| recs.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("no record {id}"));
    for r in &recs {
        assert_eq!(r.schema, "healthclaims/1");
        if r.status == Status::Ok {
            check_offsets(r);
            assert!(r.error.is_none());
        } else {
            assert!(r.error.as_deref().is_some_and(|e| !e.is_empty()), "error record without reason: {}", r.id);
        }
    }
    assert_eq!(by_id("good").status, Status::Ok);
    let utf8 = by_id("invalid_utf8");
    assert_eq!(utf8.status, Status::Ok, "invalid UTF-8 is decoded lossily");
    assert!(utf8.warnings.iter().any(|w| w.contains("UTF-8")), "and flagged: {:?}", utf8.warnings);
    assert!(utf8.text.contains('\u{FFFD}'));
    assert_eq!(by_id("empty").status, Status::Error);
    assert_eq!(by_id("whitespace").status, Status::Error);
    assert!(by_id("binary").error.as_deref().unwrap_or("").contains("binary"));
    assert_eq!(by_id("huge_one_line").status, Status::Ok);
    assert!(by_id("huge_one_line").sentences.len() > 1);
    assert_eq!(by_id("j1").status, Status::Ok);
    assert_eq!(by_id("j1").meta.published.as_deref(), Some("2026-01-05"));
    assert_eq!(by_id("j3").status, Status::Ok);
    let jsonl_errors = recs.iter().filter(|r| r.source.contains("feed.jsonl") && r.status == Status::Error).count();
    assert_eq!(jsonl_errors, 3, "broken line, missing text field and non-object each get an error line");
    #[cfg(unix)]
    assert!(by_id("dangling").error.as_deref().unwrap_or("").contains("cannot read"));
    assert_eq!(by_id("unbalanced").status, Status::Ok);
    assert_eq!(by_id("scripts").status, Status::Ok);
    assert_eq!(by_id("page").status, Status::Ok);
    assert!(!by_id("page").text.contains("Home"), "navigation is dropped from HTML");
}

#[test]
fn all_ok_exits_0_and_usage_errors_exit_2() {
    let d = Dir::new();
    d.write("a.txt", "Ibuprofen relieves headaches.");
    let o = run(&["annotate", d.path().to_str().unwrap(), "-o", d.join("o.jsonl").to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let summary = String::from_utf8_lossy(&o.stderr);
    assert!(summary.contains("1 articles (1 ok, 0 errors)"), "summary line: {summary}");

    let o = run(&["annotate", d.join("missing-folder").to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("does not exist"));

    let o = run(&["annotate", "--no-such-flag"], None);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["frobnicate"], None);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["annotate", "-", "--resume"], Some(b""));
    assert_eq!(o.status.code(), Some(2), "--resume needs a file: {}", show(&o));
}

#[test]
fn help_has_examples() {
    let o = run(&["annotate", "--help"], None);
    assert_eq!(o.status.code(), Some(0));
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(help.contains("Examples:") && help.contains("annotate - < articles.jsonl"), "{help}");
    let o = run(&["--help"], None);
    assert!(String::from_utf8_lossy(&o.stdout).contains("annotate"));
}

#[test]
fn stdin_jsonl_streams_to_stdout_in_order() {
    let mut input = String::new();
    for i in 0..150 {
        input.push_str(&format!("{{\"id\":\"a{i}\",\"text\":\"Article {i}. Aspirin may reduce pain.\"}}\n"));
    }
    let o = run(&["annotate", "-", "--threads", "2"], Some(input.as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let recs = parse_jsonl(&o.stdout);
    let ids: Vec<String> = recs.iter().map(|r| r.id.clone()).collect();
    let want: Vec<String> = (0..150).map(|i| format!("a{i}")).collect();
    assert_eq!(ids, want);
    assert!(recs.iter().all(|r| r.source.starts_with("-:")));
}

#[test]
fn output_is_byte_identical_for_1_and_2_threads() {
    let d = Dir::new();
    for i in 0..40 {
        d.write(
            &format!("in/{i:02}.txt"),
            format!("Study {i}. “Metformin may lower the risk of cancer,” said Dr. Lee. Experts say statins reduce heart attacks.\n* Ibuprofen relieves pain."),
        );
    }
    let a = d.join("a.jsonl");
    let b = d.join("b.jsonl");
    let inp = d.join("in");
    for (t, o) in [("1", &a), ("2", &b)] {
        let r = run(&["annotate", inp.to_str().unwrap(), "-o", o.to_str().unwrap(), "-j", t, "-q"], None);
        assert_eq!(r.status.code(), Some(0), "{}", show(&r));
    }
    let (a, b) = (std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
    assert!(!a.is_empty());
    assert!(a == b, "output differs between 1 and 2 threads");
}

#[test]
fn file_output_is_atomic_and_leaves_no_temp_files() {
    let d = Dir::new();
    d.write("in/a.txt", "Aspirin relieves headaches.");
    let out = d.join("deep/nested/out.jsonl");
    let o = run(&["annotate", d.join("in").to_str().unwrap(), "-o", out.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let names: Vec<String> = std::fs::read_dir(d.join("deep/nested"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["out.jsonl".to_string()]);
}

#[test]
fn resume_appends_only_new_or_changed_articles() {
    let d = Dir::new();
    d.write("in/a.txt", "Aspirin relieves headaches.");
    d.write("in/b.txt", "Melatonin may help insomnia.");
    let out = d.join("o.jsonl");
    let args = ["annotate", d.join("in").to_str().unwrap().to_string().leak(), "-o", out.to_str().unwrap().to_string().leak(), "--resume", "-q"];
    assert_eq!(run(&args, None).status.code(), Some(0));
    assert_eq!(run(&args, None).status.code(), Some(0));
    let recs = parse_jsonl(&std::fs::read(&out).unwrap());
    assert_eq!(recs.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec!["a", "b"], "rerun duplicates nothing");
    d.write("in/c.txt", "Zinc may shorten colds.");
    d.write("in/a.txt", "Aspirin relieves headaches and fever.");
    let o = run(&args, None);
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 already done"), "{}", show(&o));
    let recs = parse_jsonl(&std::fs::read(&out).unwrap());
    assert_eq!(recs.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec!["a", "b", "a", "c"]);
    // A torn last line (a crash mid-write) is dropped before appending.
    let mut bytes = std::fs::read(&out).unwrap();
    bytes.extend_from_slice(b"{\"schema\":\"healthclaims/1\",\"id\":\"z");
    std::fs::write(&out, bytes).unwrap();
    d.write("in/d.txt", "Iron treats anaemia.");
    assert_eq!(run(&args, None).status.code(), Some(0));
    let recs = parse_jsonl(&std::fs::read(&out).unwrap());
    assert_eq!(recs.len(), 5);
    assert_eq!(recs.last().unwrap().id, "d");
}

#[test]
fn closed_stdout_pipe_exits_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let mut input = String::new();
    for i in 0..3000 {
        input.push_str(&format!("{{\"id\":\"a{i}\",\"text\":\"Aspirin may reduce pain {i}.\"}}\n"));
    }
    let mut child = util::bin()
        .args(["annotate", "-", "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut si = child.stdin.take().unwrap();
    std::thread::spawn(move || {
        use std::io::Write;
        let _ = si.write_all(input.as_bytes());
    });
    let mut first = [0u8; 100];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

/// Issue 17: under `--batches`, a blank line on stdin gets the batch's records written before
/// any more input comes (the Python package keeps one process and waits for each batch), and
/// the records are those of a plain run of the same lines, blank lines aside.
#[test]
fn issue17_batches_are_answered_before_eof() {
    use std::io::{BufRead, BufReader, Write};
    let line = |i: usize| format!("{{\"id\":\"b{i}\",\"text\":\"Article {i}. Aspirin may reduce pain.\"}}\n");
    let mut child = util::bin()
        .args(["annotate", "-", "--batches", "--no-model", "-q"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn healthclaims");
    let mut stdin = child.stdin.take().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut got = Vec::new();
    // two batches (3 articles, then 1), each answered while stdin stays open
    for batch in [0..3, 3..4] {
        for i in batch.clone() {
            stdin.write_all(line(i).as_bytes()).unwrap();
        }
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
        for _ in batch {
            let mut l = String::new();
            out.read_line(&mut l).unwrap();
            assert!(l.ends_with('\n'), "a record per article before EOF, got {l:?}");
            got.push(l);
        }
    }
    drop(stdin);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(rest, "");
    // the same lines without blank lines, in one plain run: the same records but for the line
    // numbers in `source`
    let plain: String = (0..4).map(line).collect();
    let o = run(&["annotate", "-", "--no-model", "-q"], Some(plain.as_bytes()));
    let want: Vec<String> = String::from_utf8(o.stdout).unwrap().lines().map(|l| l.replace("\"-:4\"", "\"-:5\"")).collect();
    let got: Vec<String> = got.iter().map(|l| l.trim_end().to_string()).collect();
    assert_eq!(got, want);
    // --batches needs stdin
    let o = run(&["annotate", "corpus", "--batches"], None);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
}

/// Issue 17: `--version` names the binary, the model it would load and the lexicon.
#[test]
fn issue17_version_names_binary_model_and_lexicon() {
    let o = util::bin().arg("--version").env_remove("HEALTHCLAIMS_MODEL").output().unwrap();
    assert!(o.status.success());
    let v = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = v.lines().collect();
    assert_eq!(lines[0], format!("healthclaims {}", env!("CARGO_PKG_VERSION")));
    assert!(lines[1].starts_with("model healthclaims-minilm ") && lines[1].contains("models/healthclaims-minilm"), "{v}");
    assert!(lines[2].starts_with(&format!("lexicon {}+", env!("CARGO_PKG_VERSION"))), "{v}");
    let o = util::bin().arg("--version").env("HEALTHCLAIMS_MODEL", "/nonexistent/model").output().unwrap();
    let v = String::from_utf8(o.stdout).unwrap();
    assert!(v.contains("model: none found") && v.contains("/nonexistent/model"), "{v}");
}
