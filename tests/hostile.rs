//! Issue 18: hostile paths and hostile input. Output writes through symlinks, devices and FIFOs,
//! refuses to overwrite its inputs, keeps modes, cleans up on signals; reads are bounded.

mod util;

use healthclaims::assemble::Status;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use util::{parse_jsonl, run, show, Dir};

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

fn mkfifo(p: &std::path::Path) {
    let ok = Command::new("mkfifo").arg(p).status().unwrap().success();
    assert!(ok, "mkfifo {}", p.display());
}

/// Wait for `child` at most `limit`; kill it and fail if it is still running.
fn wait_within(mut child: Child, limit: Duration, what: &str) -> std::process::Output {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{what}: still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn temp_files(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn issue18_output_symlink_replaces_its_target_and_keeps_the_link() {
    let d = Dir::new();
    let a = d.write("a.txt", "Aspirin may help headaches.");
    let real = d.write("real.jsonl", "old\n");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("real.jsonl", d.join("link.jsonl")).unwrap();
    let o = run(&["annotate", s(&a), "-o", s(&d.join("link.jsonl")), "--no-model", "-q"], None);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert!(
        d.join("link.jsonl").symlink_metadata().unwrap().file_type().is_symlink(),
        "the link stays"
    );
    let recs = parse_jsonl(&std::fs::read(&real).unwrap());
    assert_eq!(recs.len(), 1);
    let mode = real.metadata().unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "a replaced file keeps its mode");
}

#[test]
fn issue18_new_output_gets_the_umask_mode() {
    let d = Dir::new();
    let a = d.write("a.txt", "Aspirin may help headaches.");
    for (umask, want) in [("022", 0o644), ("027", 0o640)] {
        let out = d.join(&format!("out-{umask}.jsonl"));
        let script = format!("umask {umask}; exec \"$0\" annotate \"$1\" -o \"$2\" --no-model -q");
        let bin = env!("CARGO_BIN_EXE_healthclaims");
        let st = Command::new("sh").args(["-c", &script, bin, s(&a), s(&out)]).status().unwrap();
        assert!(st.success());
        assert_eq!(out.metadata().unwrap().permissions().mode() & 0o777, want, "umask {umask}");
    }
}

#[test]
fn issue18_descriptor_link_and_fifo_are_written_in_place() {
    let d = Dir::new();
    let a = d.write("a.txt", "Aspirin may help headaches.");
    // What /dev/stdout is: a link to the process's own descriptor 1.
    std::os::unix::fs::symlink("/proc/self/fd/1", d.join("fakestdout")).unwrap();
    let o = run(&["annotate", s(&a), "-o", s(&d.join("fakestdout")), "--no-model", "-q"], None);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert_eq!(parse_jsonl(&o.stdout).len(), 1, "records went to stdout");
    assert!(d.join("fakestdout").symlink_metadata().unwrap().file_type().is_symlink());

    let o = run(&["annotate", s(&a), "-o", "/dev/null", "--no-model", "-q"], None);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());

    let fifo = d.join("out.fifo");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let o = run(&["annotate", s(&a), "-o", s(&fifo), "--no-model", "-q"], None);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert!(fifo.symlink_metadata().unwrap().file_type().is_fifo(), "the FIFO is not replaced");
    assert_eq!(parse_jsonl(&reader.join().unwrap()).len(), 1);
    assert!(temp_files(d.path()).is_empty());
}

#[test]
fn issue18_output_that_is_an_input_is_refused_before_any_work() {
    let d = Dir::new();
    let a = d.write("in/a.txt", "Aspirin may help headaches.");
    std::os::unix::fs::symlink(&a, d.join("alias.txt")).unwrap();
    for out in [a.clone(), d.join("alias.txt")] {
        let o = run(&["annotate", s(&a), "-o", s(&out), "--no-model", "-q"], None);
        assert_eq!(o.status.code(), Some(2), "{}", show(&o));
        assert!(String::from_utf8_lossy(&o.stderr).contains("is also an input"), "{}", show(&o));
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "Aspirin may help headaches.");
    }
    // An earlier output inside the input folder, resumed: it would read its own records back.
    let out = d.join("in/out.jsonl");
    let o = run(&["annotate", s(&d.join("in")), "-o", s(&out), "--no-model", "-q"], None);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let before = std::fs::read(&out).unwrap();
    let o =
        run(&["annotate", s(&d.join("in")), "-o", s(&out), "--resume", "--no-model", "-q"], None);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert_eq!(std::fs::read(&out).unwrap(), before);
    // stdin redirected from the output file
    let child = util::bin()
        .args(["annotate", "-", "-o", s(&out), "--no-model", "-q"])
        .stdin(std::fs::File::open(&out).unwrap())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let o = wait_within(child, Duration::from_secs(60), "stdin clash");
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert_eq!(std::fs::read(&out).unwrap(), before);
}

#[test]
fn issue18_resume_refuses_a_one_line_file_it_did_not_write() {
    let d = Dir::new();
    let a = d.write("a.txt", "Aspirin may help headaches.");
    for content in ["my notes, one line\n", "no newline", "{\"id\":\"x\",\"text\":\"t\"}\n"] {
        let out = d.write("notes.jsonl", content);
        let o = run(&["annotate", s(&a), "-o", s(&out), "--resume", "--no-model", "-q"], None);
        assert_eq!(o.status.code(), Some(2), "{}", show(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("not a healthclaims/1 record"),
            "{}",
            show(&o)
        );
        assert_eq!(std::fs::read_to_string(&out).unwrap(), content, "left as it was");
    }
}

#[test]
fn issue18_output_folder_is_refused_before_reading_input() {
    let d = Dir::new();
    std::fs::create_dir(d.join("outdir")).unwrap();
    // stdin stays open: reading it first would never end
    let mut child = util::bin()
        .args(["annotate", "-", "-o", s(&d.join("outdir")), "--no-model", "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take();
    let o = wait_within(child, Duration::from_secs(60), "-o folder");
    drop(stdin);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is a folder"), "{}", show(&o));
}

#[test]
fn issue18_signals_remove_the_temporary_file() {
    for (sig, code) in [("TERM", 143), ("INT", 130)] {
        let d = Dir::new();
        let out = d.join("out.jsonl");
        let mut child = util::bin()
            .args(["annotate", "-", "-o", s(&out), "--no-model", "-q"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while temp_files(d.path()).is_empty() {
            assert!(start.elapsed() < Duration::from_secs(60), "no temporary file appeared");
            std::thread::sleep(Duration::from_millis(10));
        }
        let pid = child.id().to_string();
        assert!(Command::new("kill").args([&format!("-{sig}"), &pid]).status().unwrap().success());
        let stdin = child.stdin.take();
        let o = wait_within(child, Duration::from_secs(30), "signalled run");
        drop(stdin);
        assert_eq!(o.status.code(), Some(code), "SIG{sig}: {}", show(&o));
        assert!(temp_files(d.path()).is_empty(), "SIG{sig} left {:?}", temp_files(d.path()));
        assert!(!out.exists());
    }
}

#[test]
fn issue18_help_says_what_a_kill_9_leaves() {
    let o = run(&["annotate", "--help"], None);
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(help.contains("kill -9") && help.contains(".healthclaims-*.jsonl.tmp"), "{help}");
}

#[test]
fn issue18_fifo_in_a_folder_is_an_error_record_not_a_hang() {
    let d = Dir::new();
    d.write("in/a.txt", "Aspirin may help headaches.");
    mkfifo(&d.join("in/b.txt"));
    let out = d.join("out.jsonl");
    let child = util::bin()
        .args(["annotate", s(&d.join("in")), "-o", s(&out), "--no-model", "-q"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let o = wait_within(child, Duration::from_secs(60), "folder with a FIFO");
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let recs = parse_jsonl(&std::fs::read(&out).unwrap());
    assert_eq!(
        recs.iter().map(|r| (r.id.as_str(), r.status.clone())).collect::<Vec<_>>(),
        [("a", Status::Ok), ("b", Status::Error)]
    );
    assert!(
        recs[1].error.as_deref().unwrap().contains("not a regular file"),
        "{:?}",
        recs[1].error
    );
}

#[test]
fn issue18_a_named_fifo_is_read_as_a_stream() {
    let d = Dir::new();
    let fifo = d.join("live.txt");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            std::fs::write(fifo, "Melatonin may help with jet lag.").unwrap()
        })
    };
    let o = run(&["annotate", s(&fifo), "-o", "-", "--no-model", "-q"], None);
    writer.join().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let recs = parse_jsonl(&o.stdout);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].text, "Melatonin may help with jet lag.");
}

#[test]
fn issue18_reads_stop_at_max_bytes() {
    let d = Dir::new();
    d.write("a.txt", "Aspirin may help headaches.");
    // an endless stream, named explicitly (read as a stream), and a 2 GiB sparse file
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.txt")).unwrap();
    let sparse = std::fs::File::create(d.join("sparse.txt")).unwrap();
    sparse.set_len(2 << 30).unwrap();
    let long =
        format!("{{\"id\":\"long\",\"text\":\"{}\"}}\n", "Zinc may help colds. ".repeat(100));
    d.write(
        "feed.jsonl",
        format!("{long}{{\"id\":\"short\",\"text\":\"Iron treats anaemia.\"}}\n"),
    );
    let child = util::bin()
        .arg("annotate")
        .args(["a.txt", "zero.txt", "sparse.txt", "feed.jsonl"].map(|f| d.join(f)))
        .args(["-o", "-", "--no-model", "-q", "--max-bytes", "1000"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let o = wait_within(child, Duration::from_secs(60), "bounded reads");
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let recs = parse_jsonl(&o.stdout);
    let got: Vec<(&str, Status)> = recs.iter().map(|r| (r.id.as_str(), r.status.clone())).collect();
    assert_eq!(
        got,
        [
            ("a", Status::Ok),
            ("zero", Status::Error),
            ("sparse", Status::Error),
            ("line-1", Status::Error),
            ("short", Status::Ok)
        ]
    );
    assert!(
        recs[1].error.as_deref().unwrap().contains("more than 1000 bytes"),
        "{:?}",
        recs[1].error
    );
    assert!(
        recs[2].error.as_deref().unwrap().contains("2147483648 bytes (limit 1000)"),
        "{:?}",
        recs[2].error
    );
    assert!(
        recs[3].error.as_deref().unwrap().contains("more than 1000 bytes"),
        "{:?}",
        recs[3].error
    );
}

#[test]
fn issue18_report_skips_a_line_over_the_limit() {
    use std::io::Write;
    let d = Dir::new();
    let jsonl = d.join("a.jsonl");
    let o = run(
        &["annotate", "-", "-o", s(&jsonl), "--no-model", "-q"],
        Some(b"{\"id\":\"x\",\"text\":\"Aspirin may help.\"}\n"),
    );
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    // a gzip bomb in miniature: a small file that inflates to one long line
    let gz = d.join("bomb.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::best(),
    );
    enc.write_all(&vec![b'x'; 5 << 20]).unwrap();
    enc.write_all(b"\n").unwrap();
    enc.finish().unwrap();
    let o =
        run(&["report", s(&jsonl), s(&gz), "-o", s(&d.join("rep")), "--max-bytes", "100000"], None);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bomb.jsonl.gz:1") && err.contains("longer than 100000 bytes"), "{err}");
    assert!(err.contains("1 articles"), "{err}");
}

#[test]
fn issue18_report_does_not_draw_implausible_years() {
    let d = Dir::new();
    let jsonl = d.join("a.jsonl");
    let input = b"{\"id\":\"x\",\"text\":\"Aspirin may help.\",\"published\":\"9999-12-01\"}\n\
                  {\"id\":\"y\",\"text\":\"Zinc may help.\",\"published\":\"2026-02-01\"}\n";
    let o = run(&["annotate", "-", "-o", s(&jsonl), "--no-model", "-q"], Some(input));
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let o = run(&["report", s(&jsonl), "-o", s(&d.join("rep"))], None);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("warning: 1 articles dated outside 1900-2100"),
        "{}",
        show(&o)
    );
    let months = std::fs::read_to_string(d.join("rep/by_month.csv")).unwrap();
    assert!(
        !months.contains("9999") && months.contains("2026-02") && months.contains("undated"),
        "{months}"
    );
}

#[test]
fn issue18_csv_cells_from_articles_cannot_be_formulas() {
    let d = Dir::new();
    let jsonl = d.join("a.jsonl");
    let input = concat!(
        "{\"id\":\"=HYPERLINK(1)\",",
        "\"text\":\"“@SUM(1) cures every headache you will ever have,” experts say.\"}\n"
    );
    let o = run(&["annotate", "-", "-o", s(&jsonl), "--no-model", "-q"], Some(input.as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let o = run(&["report", s(&jsonl), "-o", s(&d.join("rep"))], None);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let quotes = std::fs::read_to_string(d.join("rep/unsupported_quotes.csv")).unwrap();
    let row = quotes.lines().nth(1).unwrap_or_else(|| panic!("no quote row: {quotes}"));
    assert!(row.starts_with("\"'@SUM(1) cures") && row.contains(",'=HYPERLINK(1),"), "{row}");
}

#[test]
fn issue18_threads_are_cut_to_the_cores() {
    let d = Dir::new();
    let a = d.write("a.txt", "Aspirin may help headaches.");
    let o = run(&["annotate", s(&a), "-o", "-", "--no-model", "-j", "100000"], None);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("-j 100000 is more than the"),
        "{}",
        show(&o)
    );
}

#[test]
fn issue18_time_budget_ends_in_an_error_record() {
    let d = Dir::new();
    let a = d.write("a.txt", "Aspirin may help headaches.");
    let o =
        run(&["annotate", s(&a), "-o", "-", "--no-model", "--max-seconds", "0.000000001"], None);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let recs = parse_jsonl(&o.stdout);
    assert!(
        recs[0].error.as_deref().unwrap().contains("time budget exceeded"),
        "{:?}",
        recs[0].error
    );
}

/// Small cases of the stress floods (scripts/stress.sh runs the big ones): each was quadratic.
#[test]
fn issue18_floods_stay_fast() {
    let d = Dir::new();
    let quotes =
        d.write("quotes.txt", "experts said, ".repeat(8000) + "\"aspirin cures headache.\"");
    let html = d.write(
        "deep.html",
        format!(
            "<html><body>{}<p>Aspirin may help.</p></body></html>",
            "<div><span><b>".repeat(20_000)
        ),
    );
    let start = Instant::now();
    let o = run(&["annotate", s(&quotes), s(&html), "-o", "-", "--no-model", "-q"], None);
    let took = start.elapsed();
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let recs = parse_jsonl(&o.stdout);
    assert!(recs[1].warnings.iter().any(|w| w.contains("nested deeper")), "{:?}", recs[1].warnings);
    assert!(recs[1].text.contains("Aspirin may help."));
    // before the fix: 27 s and 7 s on 2 cores; now well under a second each, plus start-up
    assert!(took < Duration::from_secs(10), "took {took:?}");
}
