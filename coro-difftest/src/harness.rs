//! Writing programs into the two generated crates, building them, running them and comparing
//! their traces.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::ast::Program;
use crate::render::{module, Form};

const PRELUDE: &str = include_str!("prelude.txt");

/// How the native form is compiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NativeToolchain {
    /// `cargo +nightly`.
    Nightly,
    /// The default toolchain with `RUSTC_BOOTSTRAP=1` (a test-only oracle).
    Bootstrap,
}

const PROBE: &str = "#![feature(coroutines, coroutine_trait, stmt_expr_attributes)]\n\
    pub fn f() -> impl std::ops::Coroutine<i64, Yield = i64, Return = i64> + Unpin {\n\
    #[coroutine] move |_a: i64| -> i64 { let x = yield 1; x }\n}\n";

fn probe(nightly: bool) -> bool {
    let dir = std::env::temp_dir().join(format!("coro-difftest-probe-{}", std::process::id()));
    let _ = fs::create_dir_all(&dir);
    let mut cmd = Command::new("rustc");
    if nightly {
        cmd.arg("+nightly");
    } else {
        cmd.env("RUSTC_BOOTSTRAP", "1");
    }
    cmd.args([
        "--edition",
        "2021",
        "--crate-type",
        "lib",
        "--emit",
        "metadata",
        "-o",
    ])
    .arg(dir.join("probe.rmeta"))
    .arg("-")
    .stdin(Stdio::piped())
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    clean_env(&mut cmd);
    let ok = match cmd.spawn() {
        Ok(mut child) => {
            if let Some(mut stdin) = child.stdin.take() {
                let _ = stdin.write_all(PROBE.as_bytes());
            }
            child.wait().map(|s| s.success()).unwrap_or(false)
        }
        Err(_) => false,
    };
    let _ = fs::remove_dir_all(&dir);
    ok
}

/// Finds a toolchain that compiles rustc's native coroutines: nightly if installed, else the
/// default toolchain with `RUSTC_BOOTSTRAP=1`; `None` if neither works.
pub fn detect_native() -> Option<NativeToolchain> {
    if probe(true) {
        Some(NativeToolchain::Nightly)
    } else if probe(false) {
        Some(NativeToolchain::Bootstrap)
    } else {
        None
    }
}

/// Removes what an outer `cargo` sets that would confuse the inner builds.
fn clean_env(cmd: &mut Command) {
    for k in [
        "CARGO_MAKEFLAGS",
        "MAKEFLAGS",
        "MFLAGS",
        "CARGO_TARGET_DIR",
        "RUSTC",
        "RUSTDOC",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO",
    ] {
        cmd.env_remove(k);
    }
}

/// The outcome of one program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Both forms compiled and produced the same trace.
    Agree,
    /// The native form did not compile: a generator bug, not a macro bug.
    Invalid(String),
    /// The `#[coro::coroutine]` form did not compile, the native one did.
    CoroCompileError(String),
    /// Both ran, with different traces.
    TraceDiffers {
        /// The trace of the `#[coro::coroutine]` form.
        coro: String,
        /// The trace of rustc's native form.
        native: String,
    },
}

impl Verdict {
    /// Whether this is a disagreement between the macro and rustc.
    pub fn is_disagreement(&self) -> bool {
        matches!(
            self,
            Verdict::CoroCompileError(_) | Verdict::TraceDiffers { .. }
        )
    }
}

/// The directory holding the two generated crates and their target directories.
#[derive(Debug)]
pub struct Workspace {
    dir: PathBuf,
    native: NativeToolchain,
    /// Print cargo's progress.
    pub verbose: bool,
}

fn write_if_changed(path: &Path, text: &str) -> io::Result<()> {
    if fs::read_to_string(path).ok().as_deref() != Some(text) {
        fs::write(path, text)?;
    }
    Ok(())
}

impl Workspace {
    /// Sets up the two crates under `dir` (created if missing). `coro_root` is the directory of
    /// the `coro` package.
    pub fn new(
        dir: &Path,
        coro_root: &Path,
        native: NativeToolchain,
        edition: &str,
    ) -> io::Result<Workspace> {
        for (form, name) in [(Form::Coro, "coro"), (Form::Native, "native")] {
            let c = dir.join(name);
            fs::create_dir_all(c.join("src"))?;
            let deps = match form {
                Form::Coro => format!(
                    "coro = {{ path = {:?} }}\n",
                    coro_root.display().to_string()
                ),
                Form::Native => String::new(),
            };
            write_if_changed(
                &c.join("Cargo.toml"),
                &format!(
                    "[package]\nname = \"difftest-{name}\"\nversion = \"0.0.0\"\nedition = \"{edition}\"\npublish = false\n\n[dependencies]\n{deps}\n[workspace]\n\n[profile.dev]\ndebug = 0\nincremental = false\n"
                ),
            )?;
            write_if_changed(&c.join("src/prelude.rs"), PRELUDE)?;
            let lock = coro_root.join("Cargo.lock");
            if form == Form::Coro && !c.join("Cargo.lock").exists() && lock.exists() {
                fs::copy(lock, c.join("Cargo.lock"))?;
            }
        }
        Ok(Workspace {
            dir: dir.to_path_buf(),
            native,
            verbose: false,
        })
    }

    fn crate_dir(&self, form: Form) -> PathBuf {
        self.dir.join(match form {
            Form::Coro => "coro",
            Form::Native => "native",
        })
    }

    fn target_dir(&self, form: Form) -> PathBuf {
        self.dir.join(match form {
            Form::Coro => "target-coro",
            Form::Native => "target-native",
        })
    }

    fn write_main(&self, form: Form, ids: &[usize]) -> io::Result<()> {
        let mut s = String::from("#![allow(warnings)]\n");
        match form {
            Form::Coro => s.push_str("pub use coro::{Coroutine, CoroutineState};\n"),
            Form::Native => s.push_str(
                "#![feature(coroutines, coroutine_trait, stmt_expr_attributes)]\npub use std::ops::{Coroutine, CoroutineState};\n",
            ),
        }
        s.push_str("mod prelude;\n");
        for i in ids {
            s.push_str(&format!("mod p{i};\n"));
        }
        s.push_str("\nfn main() {\n    std::panic::set_hook(Box::new(|_| {}));\n    use std::io::Write;\n    let mut out = std::io::stdout();\n    for a in std::env::args().skip(1) {\n        let id: usize = a.parse().unwrap();\n        println!(\"#P {id}\");\n        let _ = out.flush();\n        let t = match id {\n");
        for i in ids {
            s.push_str(&format!("            {i} => p{i}::run(),\n"));
        }
        s.push_str("            _ => String::from(\"<<no such program>>\"),\n        };\n        println!(\"{t}\\n#E\");\n        let _ = out.flush();\n    }\n}\n");
        write_if_changed(&self.crate_dir(form).join("src/main.rs"), &s)
    }

    /// Builds one form with the given programs, leaving out those that fail to compile (whose
    /// first error is returned per program). `Err` if the build fails for another reason.
    fn build(
        &self,
        form: Form,
        ids: &[usize],
    ) -> io::Result<(Vec<usize>, BTreeMap<usize, String>)> {
        let mut ids: Vec<usize> = ids.to_vec();
        let mut failed = BTreeMap::new();
        loop {
            self.write_main(form, &ids)?;
            let mut cmd = Command::new("cargo");
            match (form, self.native) {
                (Form::Native, NativeToolchain::Nightly) => {
                    cmd.arg("+nightly");
                }
                (Form::Native, NativeToolchain::Bootstrap) => {
                    cmd.env("RUSTC_BOOTSTRAP", "1");
                }
                _ => {}
            }
            cmd.args([
                "build",
                "--message-format=short",
                "--quiet",
                "--manifest-path",
            ])
            .arg(self.crate_dir(form).join("Cargo.toml"));
            clean_env(&mut cmd);
            cmd.env("CARGO_TARGET_DIR", self.target_dir(form));
            if form == Form::Native {
                cmd.env_remove("RUSTUP_TOOLCHAIN");
            }
            cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
            let out = cmd.output()?;
            let log = String::from_utf8_lossy(&out.stderr).into_owned();
            if self.verbose {
                eprintln!(
                    "[difftest] built {form:?} with {} programs: {}",
                    ids.len(),
                    out.status
                );
            }
            if out.status.success() {
                return Ok((ids, failed));
            }
            let mut bad = BTreeSet::new();
            for line in log.lines() {
                if let Some(rest) = line.strip_prefix("src/p") {
                    let num: String = rest.chars().take_while(char::is_ascii_digit).collect();
                    let after = &rest[num.len()..];
                    if after.starts_with(".rs:") && line.contains(": error") {
                        if let Ok(n) = num.parse::<usize>() {
                            bad.insert(n);
                            failed.entry(n).or_insert_with(|| line.to_string());
                        }
                    }
                }
            }
            if bad.is_empty() {
                return Err(io::Error::other(format!(
                    "build of the {form:?} crate failed:\n{log}"
                )));
            }
            ids.retain(|i| !bad.contains(i));
        }
    }

    /// Runs the built binary of one form on some programs; the trace of each.
    fn run(&self, form: Form, ids: &[usize]) -> io::Result<BTreeMap<usize, String>> {
        let name = match form {
            Form::Coro => "difftest-coro",
            Form::Native => "difftest-native",
        };
        let exe = self.target_dir(form).join("debug").join(name);
        let mut traces = BTreeMap::new();
        let mut rest: Vec<usize> = ids.to_vec();
        while !rest.is_empty() {
            let mut child = Command::new(&exe)
                .args(rest.iter().map(|i| i.to_string()))
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()?;
            let mut stdout = child.stdout.take().expect("piped");
            let reader = std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = stdout.read_to_end(&mut buf);
                buf
            });
            let deadline = Instant::now() + Duration::from_secs(20 + rest.len() as u64 / 10);
            let status = loop {
                if let Some(s) = child.try_wait()? {
                    break Some(s);
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    break None;
                }
                std::thread::sleep(Duration::from_millis(10));
            };
            let text = String::from_utf8_lossy(&reader.join().unwrap_or_default()).into_owned();
            let mut current: Option<(usize, Vec<&str>)> = None;
            let mut done = BTreeSet::new();
            for line in text.lines() {
                if let Some(n) = line.strip_prefix("#P ") {
                    current = n.parse().ok().map(|n| (n, Vec::new()));
                } else if line == "#E" {
                    if let Some((n, lines)) = current.take() {
                        traces.insert(n, lines.join("\n"));
                        done.insert(n);
                    }
                } else if let Some((_, lines)) = current.as_mut() {
                    lines.push(line);
                }
            }
            let broken = current.map(|(n, lines)| {
                let why = match status {
                    None => "<<timed out>>".to_string(),
                    Some(s) => format!("<<process died: {s}>>"),
                };
                traces.insert(n, format!("{}\n{why}", lines.join("\n")));
                n
            });
            match broken {
                Some(n) => {
                    let pos = rest.iter().position(|&i| i == n).unwrap_or(0);
                    rest = rest[pos + 1..]
                        .iter()
                        .copied()
                        .filter(|i| !done.contains(i))
                        .collect();
                }
                None => {
                    for i in &rest {
                        traces
                            .entry(*i)
                            .or_insert_with(|| "<<no output>>".to_string());
                    }
                    rest.clear();
                }
            }
        }
        Ok(traces)
    }

    /// Writes, builds and runs both forms of every program; the verdict of each, in order.
    pub fn check(&self, programs: &[Program]) -> io::Result<Vec<Verdict>> {
        let ids: Vec<usize> = (0..programs.len()).collect();
        for form in [Form::Coro, Form::Native] {
            for (i, p) in programs.iter().enumerate() {
                write_if_changed(
                    &self.crate_dir(form).join(format!("src/p{i}.rs")),
                    &module(p, form),
                )?;
            }
        }
        let (nat, coro) = std::thread::scope(|s| {
            let n = s.spawn(|| self.build(Form::Native, &ids));
            let c = self.build(Form::Coro, &ids);
            (n.join().expect("build thread"), c)
        });
        let (nat_ok, nat_failed) = nat?;
        let (coro_ok, coro_failed) = coro?;
        let nat_runs = self.run(Form::Native, &nat_ok)?;
        let coro_runs = self.run(Form::Coro, &coro_ok)?;
        Ok(ids
            .iter()
            .map(|i| {
                if let Some(e) = nat_failed.get(i) {
                    return Verdict::Invalid(e.clone());
                }
                if let Some(e) = coro_failed.get(i) {
                    return Verdict::CoroCompileError(e.clone());
                }
                let c = coro_runs.get(i).cloned().unwrap_or_default();
                let n = nat_runs.get(i).cloned().unwrap_or_default();
                if c == n {
                    Verdict::Agree
                } else {
                    Verdict::TraceDiffers { coro: c, native: n }
                }
            })
            .collect())
    }
}
