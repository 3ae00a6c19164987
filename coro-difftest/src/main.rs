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
//! Exits with 1 when a disagreement was found.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use coro_difftest::{run_batch, BatchOptions, Config, Feature};

fn features(list: &str) -> Result<Vec<Feature>, String> {
    list.split(',')
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect()
}

fn parse() -> Result<(BatchOptions, Option<PathBuf>), String> {
    let mut o = BatchOptions::new(1, 300, Config::all());
    o.verbose = true;
    let mut out = None;
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
    Ok((o, out))
}

fn main() -> ExitCode {
    let (opts, out) = match parse() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("coro-difftest: {e}");
            return ExitCode::from(2);
        }
    };
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
