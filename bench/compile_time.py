#!/usr/bin/env python3
"""Compile time of coroutine bodies as they grow: `cargo check` of generated bodies at 18, 36, 54
(the 300-line body), 72, 108 and 216 yields with `#[coro::coroutine]`, the same bodies as plain
fns, and as rustc's native coroutines (nightly); a debug `cargo build` of the 108-yield body with
the macro and natively; and the macro's own expansion time (`-Z time-passes`, nightly or
RUSTC_BOOTSTRAP=1) where it can be had.

    python3 bench/compile_time.py [--sizes 18,36,54] [--runs 2] [--out FILE]

Prints a markdown table (and writes it to --out). Each figure is the best of --runs runs of a
fresh check of the body's crate only (dependencies built once first, CARGO_INCREMENTAL=0). The
body is the one of bench/report.sh: groups of an `if`, a `for` and a `match`, three yields each.
"""
import argparse, os, re, shutil, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "target", "compile-time")


def body(groups, form, pad):
    y = {"coro": lambda e: f"yield_!({e})", "native": lambda e: f"(yield {e})", "plain": lambda e: f"sink({e})"}[form]
    lines = [
        "    let mut acc: u64 = seed;",
        "    let mut log: Vec<u64> = Vec::new();",
        "    let mut label = String::from(\"gen\");",
    ]
    for i in range(1, groups + 1):
        lines += [
            f"    let mut a{i} = acc.wrapping_mul({i + 2}).wrapping_add({i});",
            f"    if a{i} % 3 == 0 {{",
            f"        {y(f'a{i}')};",
            "    } else {",
            f"        a{i} += 1;",
            "    }",
            f"    for j in 0..(a{i} % 4) {{",
            f"        log.push(j + a{i});",
            f"        {y('j')};",
            "    }",
            f"    match a{i} % 5 {{",
            f"        0 => {{ let got = {y(f'a{i} ^ 1')}; acc = acc.wrapping_add(got); }}",
            "        1 => label.push('x'),",
            f"        _ => acc ^= a{i},",
            "    }",
            f"    acc = acc.wrapping_add(a{i}).wrapping_add(log.len() as u64 + label.len() as u64);",
        ]
    if pad:
        while len(lines) < 299:
            lines.append("    acc = acc.rotate_left(1);")
    lines.append("    acc")
    return "\n".join(lines)


DRIVE = """
/// Drives the coroutine, so that its code is generated in this crate.
pub fn drive(seed: u64) -> u64 {
    let mut c = big(seed);
    let mut sum = 0u64;
    loop {
        match std::pin::Pin::new(&mut c).resume(sum) {
            CoroutineState::Yielded(y) => sum = sum.wrapping_add(y),
            CoroutineState::Complete(r) => return sum ^ r,
        }
    }
}
"""


def source(form, groups, pad):
    b = body(groups, form, pad)
    if form == "coro":
        return ("use coro::{Coroutine, CoroutineState};\n\n#[coro::coroutine(yield = u64, resume = u64)]\n"
                f"pub fn big(seed: u64) -> u64 {{\n{b}\n}}\n{DRIVE}")
    if form == "native":
        return ("#![feature(coroutines, coroutine_trait, stmt_expr_attributes)]\n#![allow(unused_parens)]\n"
                "use std::ops::{Coroutine, CoroutineState};\n\n"
                "pub fn big(seed: u64) -> impl Coroutine<u64, Yield = u64, Return = u64> + Unpin {\n"
                f"    #[coroutine]\n    move |_first: u64| {{\n{b}\n    }}\n}}\n{DRIVE}")
    return ("#[inline(never)]\nfn sink(x: u64) -> u64 { std::hint::black_box(x) }\n\n"
            f"pub fn big(seed: u64) -> u64 {{\n{b}\n}}\n")


def crate(name, form, groups, pad):
    d = os.path.join(WORK, name)
    os.makedirs(os.path.join(d, "src"), exist_ok=True)
    deps = f'coro = {{ path = "{ROOT}" }}\n' if form != "native" else ""
    with open(os.path.join(d, "Cargo.toml"), "w") as f:
        f.write(f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
                f'[dependencies]\n{deps}\n[workspace]\n')
    with open(os.path.join(d, "src", "lib.rs"), "w") as f:
        f.write(source(form, groups, pad))
    shutil.copy(os.path.join(ROOT, "Cargo.lock"), os.path.join(d, "Cargo.lock"))
    return d


def have_nightly():
    return subprocess.run(["cargo", "+nightly", "--version"], capture_output=True).returncode == 0


def timed(d, cmd, env):
    """Seconds of a fresh build of the crate itself (its dependencies are built already)."""
    subprocess.run(["cargo", "clean", "-q", "-p", os.path.basename(d)], cwd=d, env=env, capture_output=True)
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=d, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        sys.stderr.write(r.stderr[-3000:])
        return None
    return elapsed


def best(d, cmd, env, runs):
    subprocess.run(cmd, cwd=d, env=env, capture_output=True)  # dependencies
    times = [timed(d, cmd, env) for _ in range(runs)]
    return None if None in times else min(times)


def expansion_time(d, env):
    """rustc's `expand_crate` seconds for the crate, from -Z time-passes."""
    e = dict(env, RUSTC_BOOTSTRAP="1")
    subprocess.run(["cargo", "clean", "-q", "-p", os.path.basename(d)], cwd=d, env=e, capture_output=True)
    r = subprocess.run(["cargo", "rustc", "--profile=check", "--lib", "--", "-Z", "time-passes"],
                       cwd=d, env=e, capture_output=True, text=True)
    m = re.search(r"time:\s+([\d.]+);.*expand_crate", r.stderr)
    return float(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="18,36,54,72,108,216")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--out")
    ap.add_argument("--no-build", action="store_true", help="skip the debug builds of the 108-yield body")
    a = ap.parse_args()
    env = dict(os.environ, CARGO_INCREMENTAL="0")
    nightly = have_nightly()
    rows = []
    for n in [int(s) for s in a.sizes.split(",")]:
        groups, pad = n // 3, n == 54
        row = {"yields": n}
        for form in ("coro", "plain", "native"):
            if form == "native" and not nightly:
                row[form] = None
                continue
            d = crate(f"ct_{form}_{n}", form, groups, pad)
            cmd = ["cargo"] + (["+nightly"] if form == "native" else []) + ["check", "-q", "--lib"]
            row[form] = best(d, cmd, env, a.runs)
            if form == "coro":
                row["expand"] = expansion_time(d, env)
        rows.append(row)
        print(row, file=sys.stderr, flush=True)
    build = {}
    if not a.no_build and 108 in [r["yields"] for r in rows]:
        for form in ("coro", "native"):
            if form == "native" and not nightly:
                continue
            d = os.path.join(WORK, f"ct_{form}_108")
            cmd = ["cargo"] + (["+nightly"] if form == "native" else []) + ["build", "-q", "--lib"]
            build[form] = best(d, cmd, env, a.runs)
    f = lambda x: "–" if x is None else f"{x:.2f} s"
    out = ["| yields | `#[coro::coroutine]` check | of which the macro (`expand_crate`) | plain fn check | native coroutine check (nightly) |",
           "|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['yields']}{' (300 lines)' if r['yields'] == 54 else ''} | {f(r['coro'])} | {f(r.get('expand'))} | {f(r['plain'])} | {f(r['native'])} |")
    sizes = {r["yields"]: r for r in rows}
    if 54 in sizes and 216 in sizes and sizes[54]["coro"] and sizes[216]["coro"]:
        out.append("")
        out.append(f"Growth of the `#[coro::coroutine]` check from 54 to 216 yields (×4 the body): ×{sizes[216]['coro'] / sizes[54]['coro']:.2f}.")
    if build:
        out.append("")
        out.append(f"Debug `cargo build` of the 108-yield body: `#[coro::coroutine]` {f(build.get('coro'))}, native coroutine (nightly) {f(build.get('native'))}"
                   + (f" (×{build['coro'] / build['native']:.2f})." if build.get("coro") and build.get("native") else "."))
    if not nightly:
        out.append("")
        out.append("(No nightly toolchain here: the native columns are skipped.)")
    text = "\n".join(out)
    print(text)
    if a.out:
        with open(a.out, "w") as fh:
            fh.write(text + "\n")


if __name__ == "__main__":
    main()
