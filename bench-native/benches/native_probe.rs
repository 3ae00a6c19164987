//! The nightly counterpart of `bench-peers/benches/probe.rs`: checksums, sizes, and single
//! runs of one workload for callgrind (`native_probe run native 1 20`).
#![feature(coroutines, coroutine_trait)]

mod common;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] => {
            let mut ok = true;
            for (w, (name, items)) in common::shared::WORKLOADS.iter().enumerate() {
                let expected = (common::workloads("hand-written-nightly").unwrap()[w])(*items);
                for system in common::SYSTEMS {
                    let got = (common::workloads(system).unwrap()[w])(*items);
                    if got != expected {
                        ok = false;
                        eprintln!("MISMATCH {name} {system}: {got} != {expected}");
                    }
                }
            }
            let s = common::native::sizes();
            println!("size_of native coroutines: {} {} {}", s[0], s[1], s[2]);
            if ok {
                println!("native, coro and hand-written computed the same checksums");
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        ["sizes"] => {
            let s = common::native::sizes();
            println!("native\t{}\t{}\t{}\trustc's own layout", s[0], s[1], s[2]);
            let s = common::coro_impl::sizes();
            println!("coro-nightly\t{}\t{}\t{}\t", s[0], s[1], s[2]);
            ExitCode::SUCCESS
        }
        ["run", system, workload, reps] => {
            let (Ok(w), Ok(reps)) = (workload.parse::<usize>(), reps.parse::<u64>()) else {
                return usage();
            };
            let (Some(runs), true) = (
                common::workloads(system),
                (1..=common::shared::WORKLOADS.len()).contains(&w),
            ) else {
                return usage();
            };
            let items = common::shared::WORKLOADS[w - 1].1;
            let mut sum = 0u64;
            for _ in 0..reps {
                sum = sum.wrapping_add(runs[w - 1](std::hint::black_box(items)));
            }
            println!("{sum}");
            ExitCode::SUCCESS
        }
        _ => usage(),
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: native_probe [sizes | run SYSTEM WORKLOAD(1-7) REPETITIONS]");
    ExitCode::FAILURE
}
