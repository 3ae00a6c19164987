//! The differential test runner.
//!
//! ```text
//! cargo run -p coro-difftest --release -- --seed 1 --count 10000
//! ```
//!
//! Options: `--seed N` (default 1), `--count N` (default 300), `--chunk N` programs per build
//! (default 250), `--reduce N` disagreements to reduce (default 3), `--reduce-secs N` per
//! reduction (default 240), `--config all|ci` (default all), `--disable f1,f2`,
//! `--enable f1,f2`, `--only SEED,SEED` (re-run single program seeds), `--work DIR`,
//! `--coro-root DIR` (test another checkout of `coro`), `--edition 2021|2024` (of the generated
//! crates, default 2021),
//! `--out FILE` (write the report there too), `--quiet`.
//! `--check FILE` checks the hand-written programs of a case file instead (see
//! `coro_difftest::cases`; `--edition`, `--work`, `--coro-root` apply).
//! Exits with 1 when a disagreement was found.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use coro_difftest::{check_cases, diff, run_batch, BatchOptions, Config, Feature, Verdict};

fn features(list: &str) -> Result<Vec<Feature>, String> {
    list.split(',')
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect()
}

struct Cli {
    opts: BatchOptions,
    out: Option<PathBuf>,
    check: Option<PathBuf>,
}

fn parse() -> Result<Cli, String> {
    let mut o = BatchOptions::new(1, 300, Config::all());
    o.verbose = true;
    let mut out = None;
    let mut check = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or_else(|| format!("{a} needs a value"));
        let num = |v: String| v.parse::<u64>().map_err(|e| format!("{a}: {e}"));
        match a.as_str() {
            "--seed" => o.seed = num(val()?)?,
            "--count" => o.count = num(val()?)? as usize,
            "--chunk" => o.chunk = num(val()?)? as usize,
            "--reduce" => o.reduce = num(val()?)? as usize,
            "--reduce-secs" => o.reduce_budget = Duration::from_secs(num(val()?)?),
            "--config" => {
                o.config = match val()?.as_str() {
                    "all" => Config::all(),
                    "ci" => Config::ci(),
                    other => return Err(format!("unknown config {other}")),
                }
            }
            "--disable" => o.config = o.config.clone().without(&features(&val()?)?),
            "--enable" => o.config = o.config.clone().with(&features(&val()?)?),
            "--only" => {
                o.only = val()?
                    .split(',')
                    .map(|s| s.parse::<u64>().map_err(|e| e.to_string()))
                    .collect::<Result<_, _>>()?
            }
            "--work" => o.work_dir = Some(PathBuf::from(val()?)),
            "--coro-root" => o.coro_root = Some(PathBuf::from(val()?)),
            "--edition" => {
                o.edition = match val()?.as_str() {
                    e @ ("2021" | "2024") => e.to_string(),
                    other => return Err(format!("unsupported edition {other}: 2021 or 2024")),
                }
            }
            "--out" => out = Some(PathBuf::from(val()?)),
            "--check" => check = Some(PathBuf::from(val()?)),
            "--quiet" => o.verbose = false,
            "--help" | "-h" => {
                println!(
                    "see the crate docs: cargo doc -p coro-difftest; features: {}",
                    Feature::ALL
                        .iter()
                        .map(|f| f.name())
                        .collect::<Vec<_>>()
                        .join(",")
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Cli {
        opts: o,
        out,
        check,
    })
}

/// `--check FILE`: each case's verdict, with the error or the trace diff.
fn check(file: &PathBuf, o: &BatchOptions) -> ExitCode {
    let src = match std::fs::read_to_string(file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("coro-difftest: {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let results = match check_cases(&src, &o.edition, o.work_dir.clone(), o.coro_root.clone()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("coro-difftest: {e}");
            return ExitCode::from(2);
        }
    };
    let mut bad = 0;
    for (name, _, v) in &results {
        match v {
            Verdict::Agree => println!("{name}: agree"),
            Verdict::Invalid(e) => {
                bad += 1;
                println!("{name}: INVALID (the native form does not compile): {e}");
            }
            Verdict::CoroCompileError(e) => {
                bad += 1;
                println!("{name}: the coro form does not compile: {e}");
            }
            Verdict::TraceDiffers { coro, native } => {
                bad += 1;
                println!("{name}: traces differ (- native, + coro):");
                if o.verbose {
                    print!("{}", diff(native, coro));
                }
            }
        }
    }
    println!(
        "{} cases, {} agree, {bad} do not",
        results.len(),
        results.len() - bad
    );
    if bad == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn main() -> ExitCode {
    let Cli {
        opts,
        out,
        check: case_file,
    } = match parse() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("coro-difftest: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(file) = case_file {
        return check(&file, &opts);
    }
    match run_batch(&opts) {
        Ok(report) => {
            let s = report.summary();
            println!("{s}");
            if let Some(path) = out {
                if let Err(e) = std::fs::write(&path, &s) {
                    eprintln!("coro-difftest: cannot write {}: {e}", path.display());
                }
            }
            if report.disagreements.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("coro-difftest: {e}");
            ExitCode::from(2)
        }
    }
}
