//! The benchmark suite: the same seven workloads through a hand-written iterator (the limit),
//! `coro`, genawaiter (stack and rc), next-gen, corosensei and the `generator` crate, side by
//! side in one run. Each criterion group is a workload, each benchmark in it a system, and the
//! throughput is the number of items, so criterion reports the time per item.
//!
//! The same workloads under rustc's native coroutines live in `bench-native/` (nightly only), and
//! `bench/report.sh` runs both and writes `docs/benchmarks.md`.

#[allow(dead_code)] // the `sizes` functions are the probe's
mod common;

use common::{shared, systems};

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn workloads(c: &mut Criterion) {
    for (w, (name, items)) in shared::WORKLOADS.iter().enumerate() {
        let mut group = c.benchmark_group(*name);
        group.throughput(Throughput::Elements(*items));
        for system in systems::SYSTEMS {
            if let Some(run) = systems::workloads(system)[w] {
                group.bench_function(system, |b| b.iter(|| run(black_box(*items))));
            }
        }
        group.finish();
    }
}

criterion_group!(benches, workloads);
criterion_main!(benches);
