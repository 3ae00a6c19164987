//! The bounded differential batch that `cargo test --workspace` runs: programs from the CI
//! configuration ([`Config::ci`]), built in both forms, must produce identical traces.
//!
//! `CORO_DIFFTEST_COUNT` and `CORO_DIFFTEST_SEED` change the batch; the long run is
//! `cargo run -p coro-difftest --release -- --seed 1 --count 10000`.

use std::path::PathBuf;
use std::time::Duration;

use coro_difftest::{detect_native, run_batch, BatchOptions, Config};

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn macro_agrees_with_rustc_on_generated_programs() {
    if detect_native().is_none() {
        eprintln!(
            "SKIPPED coro-difftest: neither `cargo +nightly` nor RUSTC_BOOTSTRAP=1 compiles rustc's native coroutines, so there is no oracle to compare with"
        );
        return;
    }
    let seed = env_num("CORO_DIFFTEST_SEED", 1);
    let count = env_num("CORO_DIFFTEST_COUNT", 250) as usize;
    let mut opts = BatchOptions::new(seed, count, Config::ci());
    opts.work_dir = Some(PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("coro-difftest"));
    opts.reduce = 2;
    opts.reduce_budget = Duration::from_secs(120);
    opts.chunk = 250;
    let report = run_batch(&opts).expect("the differential batch could not run");
    let summary = report.summary();
    println!("{summary}");
    assert!(
        report.disagreements.is_empty(),
        "#[coro::coroutine] disagrees with rustc's coroutines:\n{summary}"
    );
    assert!(
        report.invalid.len() * 50 <= report.programs,
        "too many generated programs do not compile natively (a generator bug):\n{summary}"
    );
    assert!(report.agreed * 10 >= report.programs * 9, "{summary}");
}
