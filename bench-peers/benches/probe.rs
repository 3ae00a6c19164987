//! A small driver for what criterion does not measure: the `size_of` table, a check that every
//! system computes the same checksums, and single runs of one workload for callgrind.
//!
//! ```text
//! cargo bench -p bench-peers --bench probe           # check the checksums, print the sizes
//! target/release/deps/probe-* sizes                  # the sizes, tab-separated
//! target/release/deps/probe-* run coro 1 20          # workload 1 of coro, 20 times over
//! ```
//!
//! `bench/report.sh` runs `run` under `valgrind --tool=callgrind` with two repetition counts and
//! divides the difference of the instruction counts by the difference of the items.

mod common;

use common::{shared, systems};

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] => check_and_print(),
        ["sizes"] => {
            for (system, s, note) in systems::sizes() {
                println!("{system}\t{}\t{}\t{}\t{note}", s[0], s[1], s[2]);
            }
            ExitCode::SUCCESS
        }
        ["run", system, workload, reps] => {
            let (Ok(w), Ok(reps)) = (workload.parse::<usize>(), reps.parse::<u64>()) else {
                return usage();
            };
            let Some(Some(run)) = (1..=shared::WORKLOADS.len())
                .contains(&w)
                .then(|| systems::workloads(system)[w - 1])
            else {
                eprintln!("no workload {w} for system {system}");
                return ExitCode::FAILURE;
            };
            let items = shared::WORKLOADS[w - 1].1;
            let mut sum = 0u64;
            for _ in 0..reps {
                sum = sum.wrapping_add(run(std::hint::black_box(items)));
            }
            println!("{sum}");
            ExitCode::SUCCESS
        }
        _ => usage(),
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: probe [sizes | run SYSTEM WORKLOAD(1-7) REPETITIONS]");
    ExitCode::FAILURE
}

/// Every system must compute the checksum the hand-written version computes.
fn check_and_print() -> ExitCode {
    let mut ok = true;
    for (w, (name, items)) in shared::WORKLOADS.iter().enumerate() {
        let expected =
            systems::workloads("hand-written")[w].expect("the limit has every workload")(*items);
        for system in systems::SYSTEMS {
            match systems::workloads(system)[w] {
                Some(run) => {
                    let got = run(*items);
                    if got != expected {
                        ok = false;
                        eprintln!("MISMATCH {name} {system}: {got} != {expected}");
                    }
                }
                None => println!("{name:>20} {system:>16}: not expressible"),
            }
        }
    }
    println!("size_of the coroutine objects (bytes): count, average, state-heavy");
    for (system, s, note) in systems::sizes() {
        println!("{system:>16}: {:>4} {:>4} {:>4}  {note}", s[0], s[1], s[2]);
    }
    if ok {
        println!("every system computed the same checksums");
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
