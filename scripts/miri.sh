#!/usr/bin/env bash
# Runs the tests that exercise the macro's one use of `unsafe` (`&mut` parameters kept as
# pointers, docs/expansion.md) under Miri, with both of its aliasing models. Miri needs a nightly
# toolchain: without one this says so and exits successfully.
#
#     scripts/miri.sh
set -uo pipefail
cd "$(dirname "$0")/.."

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "scripts/miri.sh: no nightly toolchain here, Miri checks skipped"
    exit 0
fi
rustup component add miri rust-src --toolchain nightly >/dev/null 2>&1 || true
if ! cargo +nightly miri --version >/dev/null 2>&1 || ! cargo +nightly miri setup >/dev/null 2>&1; then
    echo "scripts/miri.sh: Miri cannot be installed or set up here, Miri checks skipped"
    exit 0
fi
set -e
# The trace tests leak their `&'static mut` inputs on purpose.
for model in "" "-Zmiri-tree-borrows"; do
    echo "== Miri ${model:-(stacked borrows)}: reborrows, borrows, and the runtime's RawMut"
    MIRIFLAGS="-Zmiri-ignore-leaks $model" cargo +nightly miri test -q --test native_traces -- reborrows borrows
    MIRIFLAGS="$model" cargo +nightly miri test -q -p coro-runtime --lib -- raw_mut
done
