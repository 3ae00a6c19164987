//! Criterion benchmarks of the workloads under rustc's native coroutines, beside `coro` and the
//! hand-written versions compiled by the same nightly compiler. Same groups and driver as
//! `bench-peers/benches/workloads.rs`.
#![feature(coroutines, coroutine_trait)]

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn workloads(c: &mut Criterion) {
    for (w, (name, items)) in common::shared::WORKLOADS.iter().enumerate() {
        let mut group = c.benchmark_group(*name);
        group.throughput(Throughput::Elements(*items));
        for system in common::SYSTEMS {
            let run = common::workloads(system).expect("a known system")[w];
            group.bench_function(system, |b| b.iter(|| run(black_box(*items))));
        }
        group.finish();
    }
}

criterion_group!(benches, workloads);
criterion_main!(benches);
