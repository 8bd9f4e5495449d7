//! `healthclaims` binary: parse the command line, run it, map the outcome to an exit status
//! (0 ok, 1 some articles errored, 2 usage or fatal error; a closed stdout pipe exits 0).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // `--version` names the model and lexicon too, which clap's static version string cannot.
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    if args.len() == 1 && (args[0] == "--version" || args[0] == "-V") {
        println!("{}", healthclaims::cli::version_text());
        return ExitCode::SUCCESS;
    }
    let cli = match healthclaims::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match healthclaims::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("healthclaims: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}
