#!/usr/bin/env bash
# Echo ping-pong on loopback (issue 9): every server against the same load client, side by side.
#
#   100 connections, 64-byte messages, each connection waits for its echo before it sends the
#   next. The server runs pinned to core 0 (`taskset -c 0`), the client to core 1. Per round:
#   WARMUP s of warm-up, then MEASURE s counted; the client reads the server's CPU times from
#   /proc/PID/stat (user, system) and /proc/PID/schedstat (on CPU) at the start and the end of the
#   counted window. ROUNDS rounds, the servers interleaved within each round.
#
#   Paired mode: PAIRED_ROUNDS short rounds of each pair "A:B" (order alternating AB, BA, ...),
#   reported as ratios A/B, since the VM drifts between speed regimes by about 15%.
#
#   perf (where `perf record -e cpu-clock` works): PERF_ROUNDS more rounds per server with the
#   server sampled at 10 kHz during the measured window; the share of samples in user space,
#   times the server's time on CPU, gives its user time per round trip far more precisely than
#   the kernel's tick accounting (the sampling costs the server a little, so these rounds are
#   kept out of the throughput figures).
#
#   Callgrind (where valgrind exists): each Rust server under callgrind for two client runs of
#   different lengths; the difference of the instruction totals over the difference of the round
#   trips is the server's user-space instructions per round trip, free of start-up costs.
#
# Servers: tokio (current-thread), mio (the floor), mio-textbook (read until EAGAIN),
# monoio-uring, monoio-legacy, coro, uvloop, asyncio; and, only when named in SERVERS, coro-hand
# (coro::rt with the echo task written by hand, to measure the generated state machine). The Rust ones are bench-echo/'s binaries,
# the Python ones bench/echo_server.py; uvloop is pip-installed into a venv under the target dir.
# A server that cannot run here (io_uring refused, uvloop not installable, coro's socket API
# absent) is skipped with a message, and the report says so.
#
# Usage: bench/echo.sh                 full run (about 15 minutes)
#        QUICK=1 bench/echo.sh         short rounds, to try the script out
#        SERVERS="tokio coro" PAIRS="coro:tokio" bench/echo.sh
# Variables: ROUNDS (3) WARMUP (2) MEASURE (10) PAIRED_ROUNDS (12) PAIRED_WARMUP (1)
#            PAIRED_MEASURE (3) PAIRS ("coro:tokio mio:tokio monoio-uring:tokio")
#            CALLGRIND (1 where valgrind exists) PERF_ENABLED (1 where perf works)
#            PERF_ROUNDS (2) PERF_MEASURE (5) SERVERS (all) PORT_BASE (17000)
#            REPORT_ONLY (0: if 1, rewrite the markdown from the last run's results, measure nothing)
#            SCHED (nice: how server and client are scheduled, nice | fifo | none; see below)
#            WAIT_QUIET (0: if 1, first wait, up to QUIET_TRIES (60) checks of 10 s, until less than
#            0.3 of a core is busy)
# Honours CARGO_TARGET_DIR (default: bench-echo/target).
# Writes docs/benchmarks-echo.md, and puts the same section into docs/benchmarks.md between the
# markers <!-- echo-benchmark:begin --> and <!-- echo-benchmark:end --> (bench/report.sh, which
# regenerates docs/benchmarks.md, includes docs/benchmarks-echo.md there too).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET="${CARGO_TARGET_DIR:-$ROOT/bench-echo/target}"
mkdir -p "$TARGET"
TARGET="$(cd "$TARGET" && pwd)"
WORK="$TARGET/echo-report"
OUT="$ROOT/docs/benchmarks-echo.md"
DOC="$ROOT/docs/benchmarks.md"

if [[ "${QUICK:-0}" == 1 ]]; then
    : "${ROUNDS:=1}" "${WARMUP:=0.5}" "${MEASURE:=2}" "${PAIRED_ROUNDS:=2}" "${PAIRED_WARMUP:=0.5}" "${PAIRED_MEASURE:=1}"
fi
ROUNDS="${ROUNDS:-3}"
WARMUP="${WARMUP:-2}"
MEASURE="${MEASURE:-10}"
PAIRED_ROUNDS="${PAIRED_ROUNDS:-12}"
PAIRED_WARMUP="${PAIRED_WARMUP:-1}"
PAIRED_MEASURE="${PAIRED_MEASURE:-3}"
PAIRS="${PAIRS:-coro:tokio mio:tokio monoio-uring:tokio}"
ALL_SERVERS=(tokio mio mio-textbook monoio-uring monoio-legacy coro uvloop asyncio)
read -r -a SERVERS <<<"${SERVERS:-${ALL_SERVERS[*]}}"
if command -v valgrind >/dev/null; then CALLGRIND="${CALLGRIND:-1}"; else CALLGRIND=0; fi
PERF_ROUNDS="${PERF_ROUNDS:-2}"
PERF_MEASURE="${PERF_MEASURE:-5}"
if [[ "${QUICK:-0}" == 1 ]]; then PERF_ROUNDS=1 PERF_MEASURE=2; fi
PERF=0
if command -v perf >/dev/null && perf record -q -e cpu-clock -o /dev/null -- true >/dev/null 2>&1; then
    PERF="${PERF_ENABLED:-1}"
fi
PORT="${PORT_BASE:-17000}"
# How server and client are scheduled (SCHED):
#   nice  (default) at niceness -19 where allowed (root), else as they are;
#   fifo  SCHED_FIFO priority 10 (`chrt -f 10`, root): for a machine that other work keeps busy.
#         Under contention the ping-pong falls into lock-step batches (each side idles while the
#         other works, and a woken side waits for the other task's slice to end), which cuts the
#         throughput to about a third whatever the niceness; real-time priority preempts at once.
#         The kernel's real-time throttling (sched_rt_runtime_us) caps each side at 95% of its
#         core, and starves the other work to the remaining 5% while the rounds run.
#   none  as they are.
SCHED="${SCHED:-nice}"
PRIO=()
PERF_PRIO=()
case "$SCHED" in
    nice)
        if [[ "$(nice -n -19 nice 2>/dev/null)" == -19 ]]; then
            PRIO=(nice -n -19)
            PERF_PRIO=(nice -n -19)
        else
            SCHED=none
        fi
        ;;
    fifo)
        if ! chrt -f 10 true 2>/dev/null; then
            echo "SCHED=fifo: chrt -f is not allowed here" >&2
            exit 1
        fi
        PRIO=(chrt -f 10)
        # perf's sampler must drain its buffers while both cores run real-time tasks
        PERF_PRIO=(chrt -f 20)
        ;;
    none) ;;
    *)
        echo "SCHED must be nice, fifo or none" >&2
        exit 1
        ;;
esac

say() { printf '\n== %s\n' "$*" >&2; }
note() { printf '%s\n' "$*" | tee -a "$WORK/notes.txt" >&2; }
loadavg() { cut -d' ' -f1 /proc/loadavg; }

# REPORT_ONLY=1: write the markdown again from the last run's results in $WORK (after editing
# bench/echo-analysis.md, say), measuring nothing. Otherwise everything down to the report
# measures (the block is not indented).
if [[ "${REPORT_ONLY:-0}" != 1 ]]; then
rm -rf "$WORK"
mkdir -p "$WORK"

if ! command -v taskset >/dev/null; then
    echo "taskset (util-linux) is needed" >&2
    exit 1
fi
if [[ "$(nproc)" -lt 2 ]]; then
    echo "two CPUs are needed (server on 0, client on 1)" >&2
    exit 1
fi

# CPU time the machine spent busy over the next 5 s, in cores (0 to nproc).
busy_now() {
    python3 - <<'PY'
import time
def busy():
    v = [int(x) for x in open("/proc/stat").readline().split()[1:9]]
    return sum(v) - v[3] - v[4], sum(v)
b0, t0 = busy(); time.sleep(5); b1, t1 = busy()
import os
print(f"{(b1 - b0) / (t1 - t0) * os.cpu_count():.2f}")
PY
}
if [[ "${WAIT_QUIET:-0}" == 1 ]]; then
    # Quiet: less than 0.3 of a core busy over 5 s (the load average lags by minutes).
    for _ in $(seq "${QUIET_TRIES:-60}"); do
        b="$(busy_now)"
        python3 -c "import sys; sys.exit(0 if $b < 0.3 else 1)" && break
        say "$b cores busy (load average $(loadavg)): waiting for a quieter machine"
        sleep 5
    done
fi

say "building bench-echo (release)"
BUILD_CMD="cargo build --release --manifest-path bench-echo/Cargo.toml --bins"
CARGO_TARGET_DIR="$TARGET" $BUILD_CMD
BIN="$TARGET/release"

say "Python servers"
PY="$(command -v python3)"
VENV="$TARGET/echo-venv"
HAVE_UVLOOP=0
if [[ ! -x "$VENV/bin/python" ]]; then
    python3 -m venv "$VENV" >&2 || note "skipped uvloop: \`python3 -m venv\` failed"
fi
if [[ -x "$VENV/bin/python" ]]; then
    if ! "$VENV/bin/python" -c 'import uvloop' 2>/dev/null; then
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check uvloop >&2 ||
            note "skipped uvloop: \`pip install uvloop\` failed"
    fi
    if "$VENV/bin/python" "$ROOT/bench/echo_server.py" --loop uvloop --probe >/dev/null 2>&1; then
        HAVE_UVLOOP=1
        PY="$VENV/bin/python"
    fi
fi
if [[ $HAVE_UVLOOP == 0 ]] && ! grep -q uvloop "$WORK/notes.txt" 2>/dev/null; then
    note "skipped uvloop: it does not import after installing"
fi

# The command line of each server, without --addr.
server_cmd() {
    case "$1" in
        tokio) echo "$BIN/echo-tokio" ;;
        mio) echo "$BIN/echo-mio" ;;
        mio-textbook) echo "$BIN/echo-mio --textbook" ;;
        monoio-uring) echo "$BIN/echo-monoio --driver uring" ;;
        monoio-legacy) echo "$BIN/echo-monoio --driver legacy" ;;
        coro) echo "$BIN/echo-coro" ;;
        coro-hand) echo "$BIN/echo-coro --hand-written" ;;
        uvloop) echo "$PY $ROOT/bench/echo_server.py --loop uvloop" ;;
        asyncio) echo "$PY $ROOT/bench/echo_server.py --loop asyncio" ;;
        *) return 1 ;;
    esac
}

say "which servers run here"
RUN=()
for s in "${SERVERS[@]}"; do
    cmd="$(server_cmd "$s")" || {
        echo "unknown server $s (known: ${ALL_SERVERS[*]})" >&2
        exit 1
    }
    case "$s" in
        uvloop) [[ $HAVE_UVLOOP == 1 ]] || continue ;;
        monoio-uring | monoio-legacy | coro | coro-hand)
            if ! msg="$($cmd --probe 2>&1)"; then
                note "skipped $s: $(echo "$msg" | tail -1)"
                continue
            fi
            ;;
    esac
    RUN+=("$s")
done
echo "running: ${RUN[*]}" >&2

{
    echo "nproc=$(nproc)"
    echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "kernel=$(uname -r)"
    echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "rustc=$(rustc --version)"
    echo "python=$("$PY" -c 'import sys; print(sys.version.split()[0])')"
    if [[ $HAVE_UVLOOP == 1 ]]; then echo "uvloop=$("$PY" -c 'import uvloop; print(uvloop.__version__)')"; fi
    echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- coro-runtime coro-macros src bench-echo 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "busy_before=$(busy_now)"
    echo "clk_tck=$(getconf CLK_TCK)"
    echo "hz=$( (zcat /proc/config.gz 2>/dev/null || cat "/boot/config-$(uname -r)" 2>/dev/null) | sed -n 's/^CONFIG_HZ=//p' | head -1)"
    echo "tokio=$(sed -n '/^name = "tokio"$/{n;s/^version = "\(.*\)"/\1/p}' bench-echo/Cargo.lock)"
    echo "mio=$(sed -n '/^name = "mio"$/{n;s/^version = "\(1\..*\)"/\1/p}' bench-echo/Cargo.lock | head -1)"
    echo "monoio=$(sed -n '/^name = "monoio"$/{n;s/^version = "\(.*\)"/\1/p}' bench-echo/Cargo.lock)"
    echo "sched=$SCHED ${PRIO[*]}"
    echo "rounds=$ROUNDS warmup=$WARMUP measure=$MEASURE paired_rounds=$PAIRED_ROUNDS paired_warmup=$PAIRED_WARMUP paired_measure=$PAIRED_MEASURE"
} >"$WORK/machine.txt"
cat "$WORK/machine.txt" >&2

# Stops a server: SIGTERM, then SIGKILL if it is still there after 10 s.
stop() { # pid
    kill "$1" 2>/dev/null || true
    for _ in $(seq 100); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# One round: starts the server on core 0, runs the client on core 1, stops the server. Appends
# the client's JSON line, tagged, to $WORK/$file.
one_round() { # server mode round warmup measure file
    local s="$1" mode="$2" round="$3" warmup="$4" measure="$5" file="$6" cmd pid line
    cmd="$(server_cmd "$s")"
    PORT=$((PORT + 1))
    # shellcheck disable=SC2086  # the command line is split on purpose
    "${PRIO[@]}" taskset -c 0 $cmd --addr "127.0.0.1:$PORT" >>"$WORK/servers.log" 2>&1 &
    pid=$!
    if line="$("${PRIO[@]}" taskset -c 1 "$BIN/echo-client" --addr "127.0.0.1:$PORT" --conns 100 --size 64 \
        --warmup "$warmup" --measure "$measure" --server-pid "$pid" 2>>"$WORK/client.log")"; then
        printf '{"server":"%s","mode":"%s","round":%s,"load1":%s,%s\n' "$s" "$mode" "$round" "$(loadavg)" "${line#\{}" |
            tee -a "$WORK/$file" >&2
    else
        note "round $round of $s ($mode) failed: $(tail -1 "$WORK/client.log")"
    fi
    stop "$pid"
}

say "rounds: $ROUNDS × (${WARMUP} s warm-up + ${MEASURE} s measured) per server"
for r in $(seq "$ROUNDS"); do
    for s in "${RUN[@]}"; do
        one_round "$s" rounds "$r" "$WARMUP" "$MEASURE" rounds.jsonl
    done
done

say "paired rounds: $PAIRED_ROUNDS × (${PAIRED_WARMUP} s + ${PAIRED_MEASURE} s) per server and pair"
for pair in $PAIRS; do
    a="${pair%%:*}" b="${pair#*:}"
    if [[ " ${RUN[*]} " != *" $a "* || " ${RUN[*]} " != *" $b "* ]]; then
        note "skipped the pair $a:$b: $a or $b does not run here"
        continue
    fi
    for r in $(seq "$PAIRED_ROUNDS"); do
        if ((r % 2)); then order=("$a" "$b"); else order=("$b" "$a"); fi
        for s in "${order[@]}"; do
            one_round "$s" "pair:$pair" "$r" "$PAIRED_WARMUP" "$PAIRED_MEASURE" paired.jsonl
        done
    done
done

if [[ $PERF == 1 ]]; then
    say "perf: user share of the server's time, $PERF_ROUNDS × (${WARMUP} s + ${PERF_MEASURE} s) per server"
    perf_delay="$(python3 -c "print($WARMUP + 0.3)")"
    perf_len="$(python3 -c "print($PERF_MEASURE - 0.4)")"
    for r in $(seq "$PERF_ROUNDS"); do
        for s in "${RUN[@]}"; do
            cmd="$(server_cmd "$s")"
            PORT=$((PORT + 1))
            # shellcheck disable=SC2086
            "${PRIO[@]}" taskset -c 0 $cmd --addr "127.0.0.1:$PORT" >>"$WORK/servers.log" 2>&1 &
            pid=$!
            data="$WORK/perf.$s.$r.data"
            # Sampling starts after the warm-up (and after the client connected: + 0.3 s) and
            # ends with the measured window, give or take a few milliseconds. The sampler runs at
            # the benchmark's priority or above, or it would not get to run at all.
            "${PERF_PRIO[@]}" bash -c 'sleep "$1"; exec perf record -q -e cpu-clock -F 10000 -p "$2" -o "$3" -- sleep "$4"' \
                sampler "$perf_delay" "$pid" "$data" "$perf_len" >/dev/null 2>&1 &
            sampler=$!
            if line="$("${PRIO[@]}" taskset -c 1 "$BIN/echo-client" --addr "127.0.0.1:$PORT" --warmup "$WARMUP" --measure "$PERF_MEASURE" \
                --server-pid "$pid" 2>>"$WORK/client.log")"; then
                wait "$sampler" || true
                kernel="$(perf report -i "$data" --stdio --sort dso -g none 2>/dev/null |
                    sed -n 's/^ *\([0-9.]*\)% *\[kernel.kallsyms\].*/\1/p' | head -1)"
                printf '{"server":"%s","mode":"perf","round":%s,"load1":%s,"kernel_pct":%s,%s\n' "$s" "$r" "$(loadavg)" \
                    "${kernel:-null}" "${line#\{}" | tee -a "$WORK/perf.jsonl" >&2
            else
                wait "$sampler" || true
                note "perf round $r of $s failed: $(tail -1 "$WORK/client.log")"
            fi
            stop "$pid"
        done
    done
else
    note "no perf sampling: \`perf record -e cpu-clock\` does not work here"
fi

if [[ $CALLGRIND == 1 ]]; then
    say "callgrind: user-space instructions per round trip"
    CG_SHORT=2 CG_LONG=6
    for s in "${RUN[@]}"; do
        case "$s" in
            uvloop | asyncio) continue ;;
            monoio-uring)
                # valgrind does not follow io_uring (the ring is shared memory the kernel writes),
                # and the server then ignores SIGTERM under it.
                note "callgrind: skipped monoio-uring (valgrind does not support io_uring)"
                continue
                ;;
        esac
        cmd="$(server_cmd "$s")"
        for secs in $CG_SHORT $CG_LONG; do
            PORT=$((PORT + 1))
            # shellcheck disable=SC2086
            taskset -c 0 valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.$s.$secs.out" \
                $cmd --addr "127.0.0.1:$PORT" >>"$WORK/servers.log" 2>"$WORK/callgrind.$s.$secs.log" &
            pid=$!
            rt="$(taskset -c 1 "$BIN/echo-client" --addr "127.0.0.1:$PORT" --warmup 0 --measure "$secs" 2>>"$WORK/client.log" |
                python3 -c 'import json,sys; print(json.load(sys.stdin)["round_trips"])')" || rt=""
            stop "$pid"
            ir="$(sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p' "$WORK/callgrind.$s.$secs.log")"
            printf '%s\t%s\t%s\t%s\n' "$s" "$secs" "$rt" "$ir" | tee -a "$WORK/callgrind.tsv" >&2
        done
    done
fi

echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/machine.txt"
echo "busy_after=$(busy_now)" >>"$WORK/machine.txt"
cat >"$WORK/commands.txt" <<EOF
${CARGO_TARGET_DIR:+CARGO_TARGET_DIR=$CARGO_TARGET_DIR }SCHED=$SCHED ROUNDS=$ROUNDS WARMUP=$WARMUP MEASURE=$MEASURE PAIRED_ROUNDS=$PAIRED_ROUNDS PAIRED_WARMUP=$PAIRED_WARMUP PAIRED_MEASURE=$PAIRED_MEASURE PAIRS="$PAIRS" PERF_ROUNDS=$PERF_ROUNDS PERF_MEASURE=$PERF_MEASURE SERVERS="${SERVERS[*]}" bench/echo.sh
# which ran:
${CARGO_TARGET_DIR:+CARGO_TARGET_DIR=$CARGO_TARGET_DIR }$BUILD_CMD
python3 -m venv \$TARGET/echo-venv && \$TARGET/echo-venv/bin/python -m pip install uvloop
# each round, with a fresh port and a fresh server process (scheduling: SCHED=$SCHED in bench/echo.sh):
${PRIO[*]:+${PRIO[*]} }taskset -c 0 <server> --addr 127.0.0.1:PORT &
${PRIO[*]:+${PRIO[*]} }taskset -c 1 \$TARGET/release/echo-client --addr 127.0.0.1:PORT --conns 100 --size 64 --warmup $WARMUP --measure $MEASURE --server-pid \$!
# servers: echo-tokio | echo-mio | echo-mio --textbook | echo-monoio --driver uring | echo-monoio --driver legacy | echo-coro
#          | \$TARGET/echo-venv/bin/python bench/echo_server.py --loop uvloop | ... --loop asyncio
# paired mode: the same with --warmup $PAIRED_WARMUP --measure $PAIRED_MEASURE, $PAIRED_ROUNDS rounds per pair, order alternating
# perf: the same with --measure $PERF_MEASURE, and perf record -e cpu-clock -F 10000 -p <server pid> during the measured window; perf report --sort dso
# callgrind: taskset -c 0 valgrind --tool=callgrind <server> --addr ... & with the client run for 2 s and for 6 s (--warmup 0)
EOF

fi # REPORT_ONLY

say "writing $OUT"
python3 - "$WORK" "$ROOT/bench/echo-analysis.md" "$PAIRS" >"$OUT" <<'PY'
import json, os, statistics, sys

work, analysis_path, pairs = sys.argv[1], sys.argv[2], sys.argv[3].split()
def read(name, default=""):
    p = os.path.join(work, name)
    return open(p).read() if os.path.exists(p) else default
def jsonl(name):
    return [json.loads(l) for l in read(name).splitlines() if l.strip()]

machine = {}
for l in read("machine.txt").splitlines():
    for part in l.split(" ") if l.startswith("rounds=") else [l]:
        if "=" in part:
            k, v = part.split("=", 1)
            machine[k] = v
notes = [l for l in read("notes.txt").splitlines() if l.strip()]
rounds = jsonl("rounds.jsonl")
paired = jsonl("paired.jsonl")
perf = {}
for r in jsonl("perf.jsonl"):
    if r.get("kernel_pct") is not None:
        perf.setdefault(r["server"], []).append((1 - r["kernel_pct"] / 100) * r["us_cpu_per_rt"])

ORDER = ["coro", "coro-hand", "tokio", "mio", "mio-textbook", "monoio-uring", "monoio-legacy", "uvloop", "asyncio"]
WHAT = {
    "coro": "coro::rt (`bench-echo/src/bin/echo-coro.rs`)",
    "coro-hand": "coro::rt, the echo task a hand-written `Coroutine` (an experiment: `echo-coro --hand-written`)",
    "tokio": "tokio current-thread, a task per connection",
    "mio": "bare mio loop, one read per event (the floor)",
    "mio-textbook": "bare mio loop, reads until EAGAIN",
    "monoio-uring": "monoio, io_uring driver",
    "monoio-legacy": "monoio, legacy (epoll) driver",
    "uvloop": "uvloop, `asyncio.Protocol`",
    "asyncio": "asyncio, `asyncio.Protocol`",
}
by = {}
for r in rounds:
    by.setdefault(r["server"], []).append(r)
servers = [s for s in ORDER if s in by] + sorted(s for s in by if s not in ORDER)

def med(xs):
    return statistics.median(xs) if xs else None
def mmm(xs, f):
    xs = sorted(xs)
    return "n/a" if not xs else f"{f(xs[0])} / **{f(med(xs))}** / {f(xs[-1])}"
k = lambda x: f"{x / 1000:.0f}k"
us = lambda x: f"{x:.3f}"
def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b
def fr(x):
    return "n/a" if x is None else f"{x:.2f}×"

tokio_rt = med([r["rt_per_s"] for r in by.get("tokio", [])])
out = []
p = out.append
p("## Echo ping-pong on loopback (issue 9)")
p("")
p("Generated by `bench/echo.sh` (do not edit by hand; the analysis comes from `bench/echo-analysis.md`). "
  "100 connections, 64-byte messages, each connection waiting for its echo before it sends the next; "
  "one load client for every server (`bench-echo/src/bin/echo-client.rs`, a single-threaded mio loop), "
  "server pinned to core 0 (`taskset -c 0`), client to core 1. Servers in `bench-echo/src/bin/` and "
  "`bench/echo_server.py`.")
p("")
p(f"- machine: {machine.get('nproc')} cores, {machine.get('cpu')}, Linux {machine.get('kernel')}; "
  f"load average {machine.get('load')} before, {machine.get('load_end', '?')} after; "
  f"{machine.get('busy_before', '?')} cores busy in the 5 s before the run, {machine.get('busy_after', '?')} after it "
  "(other work shares this machine: see the *other* column)")
p(f"- date: {machine.get('date')}; `coro` at commit {machine.get('commit')}; {machine.get('rustc')}; "
  f"tokio {machine.get('tokio')}, mio {machine.get('mio')}, monoio {machine.get('monoio')}; "
  f"Python {machine.get('python')}" + (f", uvloop {machine.get('uvloop')}" if machine.get("uvloop") else ""))
sched = machine.get("sched", "none").split(" ", 1)
if sched[0] == "nice":
    p(f"- server and client run under `{sched[1]}`, so that other work on the machine disturbs them less")
elif sched[0] == "fifo":
    p(f"- server and client run under `{sched[1]}` (SCHED_FIFO): the machine was busy with other work, and under "
      "contention the ping-pong falls into lock-step batches at about a third of its throughput whatever the "
      "niceness; real-time priority avoids that, and the kernel's real-time throttling caps each side at 95% of its core")
p(f"- {machine.get('rounds')} rounds of {machine.get('warmup')} s warm-up + {machine.get('measure')} s measured "
  f"per server, servers interleaved within a round, a fresh server process each round")
for n in notes:
    p(f"- {n}")
p("")
p("### Rounds")
p("")
p("min / **median** / max over the rounds. *user µs/rt*: the server's user-space CPU time per round trip "
  "(`/proc/PID/stat` utime over the measured window, divided by the round trips), what the runtime "
  "itself costs; *user µs/rt, perf*: the same from separate rounds in which `perf record -e cpu-clock` "
  "sampled the server at 10 kHz (the share of samples outside the kernel times its CPU time per round "
  "trip; median of those rounds; the more precise of the two); *CPU µs/rt*: all its time on CPU, user and kernel (`/proc/PID/schedstat`), mostly "
  "the kernel's TCP work. *other*: CPU time the rest of the machine used during the window, in cores "
  "(busy time from `/proc/stat` less server and client), a measure of disturbance.")
p("")
p("| server | round trips/s | × tokio | user µs/rt | user µs/rt, perf | CPU µs/rt | server CPU share | client CPU share | other |")
p("|---|---|---|---|---|---|---|---|---|")
for s in servers:
    rs = by[s]
    rt = [r["rt_per_s"] for r in rs]
    other = [r["machine_busy_cores"] - r.get("server_cpu_share", 0) - r["client_cpu_share"] for r in rs]
    p(f"| {s}: {WHAT.get(s, s)} | {mmm(rt, k)} | {fr(ratio(med(rt), tokio_rt))} "
      f"| {mmm([r['us_user_per_rt'] for r in rs], us)} | {us(med(perf[s])) if s in perf else 'n/a'} "
      f"| {us(med([r['us_cpu_per_rt'] for r in rs]))} "
      f"| {med([r.get('server_cpu_share', 0) for r in rs]):.2f} | {med([r['client_cpu_share'] for r in rs]):.2f} "
      f"| {med(other):.2f} |")
p("")
p(f"User CPU is sampled by the kernel's tick accounting (CONFIG_HZ={machine.get('hz') or '?'}, reported in "
  f"1/{machine.get('clk_tck')} s): a server that spends 0.1 µs of user time per round trip at 230k round trips/s "
  "gets about 60 user ticks in a 10 s window out of 2500, so a single round's user figure is good to "
  "about ±15%; the paired mode below pools many rounds, and the callgrind table counts exactly.")
p("")

# targets for coro
if "coro" in by:
    crt = med([r["rt_per_s"] for r in by["coro"]])
    cus = med([r["us_user_per_rt"] for r in by["coro"]])
    pr = [ratio(a["rt_per_s"], b["rt_per_s"]) for a, b in zip(
        [r for r in paired if r["server"] == "coro" and r["mode"] == "pair:coro:tokio"],
        [r for r in paired if r["server"] == "tokio" and r["mode"] == "pair:coro:tokio"])]
    pr_med = med([x for x in pr if x is not None])
    v = lambda ok: "**met**" if ok else "**missed**"
    p("### Targets for coro")
    p("")
    p("| target | measured | |")
    p("|---|---|---|")
    thr = pr_med if pr_med is not None else ratio(crt, tokio_rt)
    p(f"| throughput ≥ 1.0× tokio current-thread | {fr(ratio(crt, tokio_rt))} (medians of the rounds)"
      + (f"; {fr(pr_med)} (median of the paired ratios)" if pr_med is not None else "")
      + f" | {v(thr is not None and thr >= 0.995)} |")
    cperf = med(perf.get("coro", []))
    p(f"| user CPU ≤ 0.12 µs per round trip | {us(cus)} µs (tick accounting, median of the rounds)"
      + (f"; {us(cperf)} µs (perf sampling)" if cperf is not None else "")
      + f" | {v((cperf if cperf is not None else cus) <= 0.12)} |")
    p("")

# paired
if paired:
    p("### Paired rounds")
    p("")
    p(f"Short rounds ({machine.get('paired_warmup')} s warm-up + {machine.get('paired_measure')} s measured), "
      "the two servers of a pair one right after the other, order alternating; a ratio per pair of rounds, "
      "so that both sides of a ratio saw the same speed regime. *user CPU ratio* is pooled "
      "(total user time per total round trips of A, over the same of B), since a single short round "
      "has only a few user ticks.")
    p("")
    p("| pair A : B | pairs of rounds | throughput A/B: min / **median** / max | user CPU per rt A/B (pooled) | A: user µs/rt | B: user µs/rt |")
    p("|---|---|---|---|---|---|")
    for pair in pairs:
        a, b = pair.split(":", 1)
        mode = f"pair:{pair}"
        ra = {r["round"]: r for r in paired if r["mode"] == mode and r["server"] == a}
        rb = {r["round"]: r for r in paired if r["mode"] == mode and r["server"] == b}
        common = sorted(set(ra) & set(rb))
        if not common:
            continue
        ratios = sorted(ra[i]["rt_per_s"] / rb[i]["rt_per_s"] for i in common)
        def pooled(rr):
            return sum(r["server_user_s"] for r in rr) / sum(r["round_trips"] for r in rr) * 1e6
        ua, ub = pooled([ra[i] for i in common]), pooled([rb[i] for i in common])
        p(f"| {a} : {b} | {len(common)} | {ratios[0]:.3f} / **{med(ratios):.3f}** / {ratios[-1]:.3f} "
          f"| {fr(ratio(ua, ub))} | {us(ua)} | {us(ub)} |")
    p("")

# callgrind
cg = [l.split("\t") for l in read("callgrind.tsv").splitlines() if l.strip()]
cgd = {}
for s, secs, rt, ir in cg:
    if rt and ir:
        cgd.setdefault(s, {})[int(secs)] = (int(rt), int(ir))
rows = []
for s in [x for x in ORDER if x in cgd] + sorted(x for x in cgd if x not in ORDER):
    d = cgd[s]
    if len(d) == 2:
        (r1, i1), (r2, i2) = d[min(d)], d[max(d)]
        if r2 > r1:
            rows.append((s, (i2 - i1) / (r2 - r1), r2 / max(d)))
if rows:
    p("### Instructions per round trip (callgrind)")
    p("")
    p("Each Rust server under `valgrind --tool=callgrind`, driven by the same client for 2 s and for 6 s; "
      "the difference of the two instruction totals over the difference of the round trips: the "
      "server's user-space instructions per round trip, start-up excluded. Exact and repeatable, but "
      "under valgrind the server is 5–10× slower, so more messages are ready per `epoll_wait` "
      "than in a native run: the per-wakeup costs are spread thinner here.")
    p("")
    base = dict((s, x) for s, x, _ in rows).get("tokio")
    p("| server | instructions per round trip | × tokio | round trips/s under callgrind |")
    p("|---|---|---|---|")
    for s, x, speed in rows:
        p(f"| {s} | {x:.0f} | {fr(ratio(x, base))} | {speed / 1000:.1f}k |")
    p("")

if os.path.exists(analysis_path):
    p("### What the figures mean")
    p("")
    p(open(analysis_path).read().strip())
    p("")
p("### Commands")
p("")
p("```sh")
p("# this run (plain `bench/echo.sh` runs everything with the defaults; QUICK=1 for a short try):")
p(read("commands.txt").strip())
p("```")
print("\n".join(out))
PY

# The same section in docs/benchmarks.md, between markers (appended if they are not there yet).
python3 - "$OUT" "$DOC" <<'PY'
import sys
frag, doc = sys.argv[1], sys.argv[2]
BEGIN, END = "<!-- echo-benchmark:begin -->", "<!-- echo-benchmark:end -->"
section = BEGIN + "\n" + open(frag).read().strip() + "\n" + END
try:
    text = open(doc).read()
except FileNotFoundError:
    text = "# Benchmarks\n"
if BEGIN in text and END in text:
    head, rest = text.split(BEGIN, 1)
    text = head + section + rest.split(END, 1)[1]
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(doc, "w").write(text)
PY
echo "wrote $OUT and its section of $DOC" >&2
