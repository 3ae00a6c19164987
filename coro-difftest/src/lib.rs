//! Differential testing of `#[coro::coroutine]` against rustc's own coroutine transform.
//!
//! A seeded [generator](generate) writes random, well-typed coroutine bodies (nested loops,
//! `if`/`match`/`if let`/`let else`, labelled `break`/`continue`, `break value`, early
//! `return`, `?`, shadowing, blocks as values, yields in expression positions, `yield_from!`
//! of generated sub-coroutines, values with a logging `Drop`, panics, resume arguments; and the
//! constructs of issue 19: bindings that shadow saved locals, `&self`/`&mut self` methods,
//! reference parameters and reborrows, closures, hand-driven coroutines, items in the body,
//! yields in assignment places, drop flags, let-chains, `unsafe`, std's macros). Each
//! program is [rendered](render) twice: as a `#[coro::coroutine]` fn (stable) and as a nightly
//! `#[coroutine]` closure using `yield`, where `yield_from!` becomes a hand-written delegation
//! loop. One shared driver resumes both with the same arguments and records every resume,
//! yield, return, panic and drop into a trace; the [`Workspace`] builds many programs per crate,
//! runs them and compares the traces; a disagreement is [reduced](reduce::reduce) to a minimal
//! program.
//!
//! ```no_run
//! use coro_difftest::{run_batch, BatchOptions, Config};
//!
//! let report = run_batch(&BatchOptions::new(1, 100, Config::ci())).unwrap();
//! println!("{}", report.summary());
//! assert!(report.disagreements.is_empty());
//! ```
//!
//! From the command line: `cargo run -p coro-difftest --release -- --seed 1 --count 10000`.

pub mod ast;
pub mod cases;
pub mod config;
pub mod gen;
pub mod harness;
pub mod reduce;
pub mod render;
pub mod rng;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use ast::Program;
pub use config::{Config, Feature};
pub use gen::generate;
pub use harness::{detect_native, NativeToolchain, Verdict, Workspace};
pub use rng::Rng;

/// The seed of program `index` of the batch with seed `seed`.
///
/// ```
/// assert_eq!(coro_difftest::program_seed(1, 5), (1 << 32) | 5);
/// ```
pub fn program_seed(seed: u64, index: usize) -> u64 {
    (seed << 32) | index as u64
}

/// What to run.
#[derive(Clone, Debug)]
pub struct BatchOptions {
    /// The batch's seed.
    pub seed: u64,
    /// How many programs.
    pub count: usize,
    /// What the generator may produce.
    pub config: Config,
    /// How many programs go into one build of the generated crates.
    pub chunk: usize,
    /// Where the generated crates live (default: `<target>/coro-difftest`).
    pub work_dir: Option<PathBuf>,
    /// How many disagreements to reduce (the others are only listed).
    pub reduce: usize,
    /// Time budget for reducing one disagreement.
    pub reduce_budget: Duration,
    /// Print progress on stderr.
    pub verbose: bool,
    /// Run only these program seeds instead of `count` programs from `seed`.
    pub only: Vec<u64>,
    /// The `coro` package the generated crate depends on (default: this workspace's root).
    pub coro_root: Option<PathBuf>,
    /// The Rust edition of the generated crates (temporary scopes differ: 2021 keeps a block's
    /// tail-expression temporaries to the end of the enclosing statement, 2024 does not).
    pub edition: String,
}

impl BatchOptions {
    /// Defaults for a batch.
    pub fn new(seed: u64, count: usize, config: Config) -> BatchOptions {
        BatchOptions {
            seed,
            count,
            config,
            chunk: 250,
            work_dir: None,
            reduce: 3,
            reduce_budget: Duration::from_secs(240),
            verbose: false,
            only: Vec::new(),
            coro_root: None,
            edition: "2021".to_string(),
        }
    }
}

/// One disagreement, with its reduced form.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The program as generated.
    pub program: Program,
    /// Its verdict.
    pub verdict: Verdict,
    /// The reduced program and its verdict, if it was reduced.
    pub reduced: Option<(Program, Verdict)>,
}

/// What a batch found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Programs generated.
    pub programs: usize,
    /// Programs whose both forms agreed.
    pub agreed: usize,
    /// Programs whose native form did not compile (generator bugs), with rustc's first error.
    pub invalid: Vec<(u64, String)>,
    /// Disagreements.
    pub disagreements: Vec<Finding>,
    /// For each construct, how many valid programs contain it.
    pub coverage: BTreeMap<Feature, usize>,
    /// Which native toolchain was used.
    pub native: Option<NativeToolchain>,
}

impl Report {
    /// A human-readable summary: counts, coverage, and every disagreement.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "coro-difftest: {} programs, {} agreed, {} disagreed, {} invalid (native oracle: {:?})",
            self.programs,
            self.agreed,
            self.disagreements.len(),
            self.invalid.len(),
            self.native
        );
        let _ = writeln!(s, "coverage (programs containing each construct):");
        for f in Feature::ALL {
            let _ = writeln!(
                s,
                "  {:<20} {}",
                f.name(),
                self.coverage.get(f).copied().unwrap_or(0)
            );
        }
        for (seed, e) in self.invalid.iter().take(5) {
            let _ = writeln!(s, "invalid program (generator bug), seed {seed}: {e}");
        }
        for f in &self.disagreements {
            s.push_str(&describe(f));
        }
        s
    }
}

/// A finding as text: the (reduced) program and the two traces or the compile error.
pub fn describe(f: &Finding) -> String {
    let (p, v) = match &f.reduced {
        Some((p, v)) => (p, v),
        None => (&f.program, &f.verdict),
    };
    let mut s = format!(
        "\n==== disagreement: program seed {} ({}) ====\n",
        f.program.seed,
        if f.reduced.is_some() {
            "reduced"
        } else {
            "not reduced"
        }
    );
    s.push_str(&render::show(p));
    match v {
        Verdict::CoroCompileError(e) => {
            let _ = writeln!(
                s,
                "---- the #[coro::coroutine] form fails to compile; the native form compiles:\n{e}"
            );
        }
        Verdict::TraceDiffers { coro, native } => {
            let _ = writeln!(s, "---- trace diff (- native/expected, + coro/actual):");
            s.push_str(&diff(native, coro));
            let _ = writeln!(
                s,
                "---- native form:\n{}",
                render::pretty(&render::module(p, render::Form::Native))
            );
        }
        _ => {}
    }
    s
}

/// A line diff of two traces (common prefix and suffix shown once).
pub fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    let pre = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..]
        .iter()
        .rev()
        .zip(b[pre..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let mut s = String::new();
    for l in &a[..pre] {
        let _ = writeln!(s, "  {l}");
    }
    for l in &a[pre..a.len() - suf] {
        let _ = writeln!(s, "- {l}");
    }
    for l in &b[pre..b.len() - suf] {
        let _ = writeln!(s, "+ {l}");
    }
    for l in &a[a.len() - suf..] {
        let _ = writeln!(s, "  {l}");
    }
    s
}

/// A coarse key grouping disagreements that probably share a cause: the compile error without
/// names and positions, or the first differing trace lines without numbers.
///
/// ```
/// use coro_difftest::{category, Verdict};
///
/// let a = Verdict::CoroCompileError("src/p1.rs:3:4: error[E0381]: used binding `v1`".into());
/// let b = Verdict::CoroCompileError("src/p9.rs:7:1: error[E0381]: used binding `v7`".into());
/// assert_eq!(category(&a), category(&b));
/// ```
pub fn category(v: &Verdict) -> String {
    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut in_tick = false;
        for c in s.chars() {
            match c {
                '`' => {
                    in_tick = !in_tick;
                    out.push('`');
                }
                _ if in_tick => {}
                c if c.is_ascii_digit() => {}
                c => out.push(c),
            }
        }
        out
    }
    match v {
        Verdict::CoroCompileError(e) => {
            let msg = e.split(": error").nth(1).unwrap_or(e);
            format!("compile: error{}", strip(msg))
        }
        Verdict::TraceDiffers { coro, native } => {
            let (c, n): (Vec<&str>, Vec<&str>) = (coro.lines().collect(), native.lines().collect());
            let i = c.iter().zip(&n).take_while(|(a, b)| a == b).count();
            let word = |l: Option<&&str>| {
                l.map(|l| strip(l.split(' ').next().unwrap_or("")))
                    .unwrap_or_default()
            };
            format!(
                "trace: native `{}` vs coro `{}`",
                word(n.get(i)),
                word(c.get(i))
            )
        }
        _ => String::new(),
    }
}

/// Checks hand-written programs (see [`cases`]): each case's name and verdict, in order.
pub fn check_cases(
    src: &str,
    edition: &str,
    work_dir: Option<PathBuf>,
    coro_root: Option<PathBuf>,
) -> io::Result<Vec<(String, Program, Verdict)>> {
    let cases = cases::parse(src).map_err(io::Error::other)?;
    let native = detect_native().ok_or_else(|| {
        io::Error::other(
            "neither `cargo +nightly` nor RUSTC_BOOTSTRAP=1 can compile native coroutines",
        )
    })?;
    let dir = work_dir.unwrap_or_else(|| default_work_dir().join("cases"));
    let root = coro_root.unwrap_or_else(coro_root_dir);
    let ws = Workspace::new(&dir, &root, native, edition)?;
    let programs: Vec<Program> = cases.iter().map(|c| c.1.clone()).collect();
    let verdicts = ws.check(&programs)?;
    Ok(cases
        .into_iter()
        .zip(verdicts)
        .map(|((n, p), v)| (n, p, v))
        .collect())
}

fn coro_root_dir() -> PathBuf {
    coro_root()
}

/// The `coro` package's directory (the workspace root).
pub fn coro_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("coro-difftest lives in the workspace")
        .to_path_buf()
}

/// The default directory of the generated crates: `$CARGO_TARGET_DIR/coro-difftest`, else
/// `<workspace>/target/coro-difftest`.
pub fn default_work_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| coro_root().join("target"))
        .join("coro-difftest")
}

/// Generates, builds, runs and compares a batch; reduces the first disagreements.
pub fn run_batch(opts: &BatchOptions) -> io::Result<Report> {
    let native = detect_native().ok_or_else(|| {
        io::Error::other(
            "neither `cargo +nightly` nor RUSTC_BOOTSTRAP=1 can compile native coroutines",
        )
    })?;
    let dir = opts.work_dir.clone().unwrap_or_else(default_work_dir);
    let root = opts.coro_root.clone().unwrap_or_else(coro_root);
    let mut ws = Workspace::new(&dir, &root, native, &opts.edition)?;
    ws.verbose = opts.verbose;
    let seeds: Vec<u64> = if opts.only.is_empty() {
        (0..opts.count)
            .map(|i| program_seed(opts.seed, i))
            .collect()
    } else {
        opts.only.clone()
    };
    let mut report = Report {
        native: Some(native),
        ..Report::default()
    };
    let mut config = opts.config.clone();
    config.edition = opts.edition.parse().unwrap_or(2021);
    for chunk in seeds.chunks(opts.chunk.max(1)) {
        let programs: Vec<Program> = chunk.iter().map(|&s| generate(s, &config)).collect();
        let verdicts = ws.check(&programs)?;
        for (p, v) in programs.into_iter().zip(verdicts) {
            report.programs += 1;
            match &v {
                Verdict::Invalid(e) => {
                    report.invalid.push((p.seed, e.clone()));
                    continue;
                }
                Verdict::Agree => report.agreed += 1,
                _ => report.disagreements.push(Finding {
                    program: p.clone(),
                    verdict: v.clone(),
                    reduced: None,
                }),
            }
            for f in p.features() {
                *report.coverage.entry(f).or_default() += 1;
            }
        }
        if opts.verbose {
            eprintln!(
                "[difftest] {} programs: {} agreed, {} disagreed, {} invalid",
                report.programs,
                report.agreed,
                report.disagreements.len(),
                report.invalid.len()
            );
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    let picked: Vec<usize> = (0..report.disagreements.len())
        .filter(|&i| seen.insert(category(&report.disagreements[i].verdict)))
        .take(opts.reduce)
        .collect();
    for i in picked {
        let f = &mut report.disagreements[i];
        if opts.verbose {
            eprintln!("[difftest] reducing program seed {}", f.program.seed);
        }
        let r = reduce::reduce(&ws, &f.program, &f.verdict, opts.reduce_budget, 60)?;
        f.reduced = Some(r);
        if opts.verbose {
            eprintln!("{}", describe(f));
        }
    }
    Ok(report)
}
