#!/usr/bin/env bash
# The end-to-end benchmark: the full agent against the bare echo agent (same ingest, answers and
# acknowledgements, no pipeline), side by side in one run, through a real mosquitto on loopback.
# Every scenario runs ROUNDS times, alternating echo and agent; the table gives medians and ratios.
#
#   scripts/benchmark.sh                  # 3 rounds, results (summary.md, latency-*.svg) in artifacts/benchmark/
#   ROUNDS=5 scripts/benchmark.sh
#   COLD=0 scripts/benchmark.sh           # without the cold-start scenario (it publishes a ReadyToRun build first)
#   SHM=0 scripts/benchmark.sh            # without the full agent's second pass with its data folder in /dev/shm
#   STALL=1 scripts/benchmark.sh          # and a pass with the data folder on a device whose flushes stall (stallfs:
#                                         # 0.4-2.2 s every 5 s on average; STALL_MIN, STALL_MAX, STALL_EVERY change it)
#   STALL=only scripts/benchmark.sh       # the echo agent and the stalling-device pass alone
#   ONLY=open-1000 scripts/benchmark.sh   # one scenario alone
#
# Steady-state scenarios run on a warmed agent; the cold-start scenario ("cold-5000") faces a freshly started agent
# with 5,000 payments/s for its first 10 s, as the JIT build and as a ReadyToRun build of the same code.
#
# Needs: mosquitto, python3, curl. Everything runs on this machine; results depend on it, so compare the
# two agents from the same run, not figures from different runs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
COLD=${COLD:-1}
STALL=${STALL:-0}
MODES=${MODES:-echo run}
if [ "$STALL" = only ]; then MODES=echo; SHM=0; COLD=0; fi
OUT=${OUT:-artifacts/benchmark}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
rm -f "$OUT"/*.json

source scripts/lib/bench-rig.sh
AGENT_DLL=${BENCH_AGENT_DLL:-$AGENT_DLL}

# scenario name, then loadgen settings
SCENARIOS=(
  "open-1000|--Load:Mode=Open --Load:Rate=1000 --Load:Count=20000 --Load:Warmup=3000"
  "open-5000|--Load:Mode=Open --Load:Rate=5000 --Load:Count=60000 --Load:Warmup=5000"
  "closed-32|--Load:Mode=Closed --Load:Concurrency=32 --Load:Count=60000 --Load:Warmup=5000"
)

if [ -n "${ONLY:-}" ]; then
  for scenario in "${SCENARIOS[@]}"; do [ "${scenario%%|*}" = "$ONLY" ] && SCENARIOS=("$scenario") && break; done
  [ "${SCENARIOS[0]%%|*}" = "$ONLY" ] || { echo "no scenario $ONLY" >&2; exit 2; }
fi

# Every scenario gets a fresh, warmed agent, so its /status (stage latencies, memory, GC) describes that
# scenario alone.
for round in $(seq 1 "$ROUNDS"); do
  for scenario in "${SCENARIOS[@]}"; do
    name=${scenario%%|*}; settings=${scenario#*|}
    for mode in $MODES; do
      start_agent "$mode" "$mode-$round-$name"
      warm_agent
      # shellcheck disable=SC2086 # the settings are separate words
      load "$OUT/$name-$mode-$round.json" $settings
      status > "$OUT/status-$name-$mode-$round.json"
      echo "round $round $mode $name: $(grep -E 'Throughput|Latency' "$OUT/$name-$mode-$round.json.log" | tr -s ' ' | tr '\n' ' ')"
      rm -f "$OUT/$name-$mode-$round.json.log"
      stop_agent
    done
  done
done

# The device's part: the full agent once more with its data folder in memory (/dev/shm, where a flush to the device
# costs nothing), so the table shows what the pipeline costs apart from the disk's fdatasync latency.
if [ -d /dev/shm ] && [ "${SHM:-1}" = 1 ]; then
  for round in $(seq 1 "$ROUNDS"); do
    for scenario in "${SCENARIOS[@]}"; do
      name=${scenario%%|*}; settings=${scenario#*|}
      shm=$(mktemp -d /dev/shm/edgeagent-bench-XXXXXX)
      start_agent run "run-shm-$round-$name" --Storage:Path="$shm"
      warm_agent
      # shellcheck disable=SC2086 # the settings are separate words
      load "$OUT/$name-run-shm-$round.json" $settings
      status > "$OUT/status-$name-run-shm-$round.json"
      echo "round $round run-shm $name: $(grep -E 'Throughput|Latency' "$OUT/$name-run-shm-$round.json.log" | tr -s ' ' | tr '\n' ' ')"
      rm -f "$OUT/$name-run-shm-$round.json.log"
      stop_agent
      rm -rf "$shm"
    done
  done
fi

# The device misbehaving: the full agent once more with its data folder on stallfs, a pass-through file system over a
# folder of the same disk whose flushes stall now and then for 0.4 to 2.2 s (scripts/lib/stallfs.sh). The answers must
# not wait for it; the acknowledgements do. Each scenario's stalls are logged to stalls-<scenario>-<round>.log.
if [ "$STALL" != 0 ]; then
  source scripts/lib/stallfs.sh
  stallfs_build "$WORK"
  for round in $(seq 1 "$ROUNDS"); do
    for scenario in "${SCENARIOS[@]}"; do
      name=${scenario%%|*}; settings=${scenario#*|}
      stall_log="$OUT/stalls-$name-$round.log"; : > "$stall_log"
      stallfs_mount "$WORK" "$WORK/stall-$round-$name" "$WORK/stall-backing-$round-$name" "$stall_log"
      start_agent run "run-stall-$round-$name" --Storage:Path="$WORK/stall-$round-$name/data"
      warm_agent
      # shellcheck disable=SC2086 # the settings are separate words
      load "$OUT/$name-run-stall-$round.json" $settings
      status > "$OUT/status-$name-run-stall-$round.json"
      echo "round $round run-stall $name: $(grep -E 'Throughput|Latency' "$OUT/$name-run-stall-$round.json.log" | tr -s ' ' | tr '\n' ' ')"
      echo "  device: $(stallfs_summary "$stall_log")"
      rm -f "$OUT/$name-run-stall-$round.json.log" "$stall_log.out"
      stop_agent
      stallfs_unmount "$WORK/stall-$round-$name"
    done
  done
fi

# Cold start: no warm-up. The agent is ready (models loaded and warmed at batch 1 and the largest batch) and the
# first payment comes at once; the figures are those of the first 10 seconds of the process's life under load.
if [ "$COLD" = 1 ]; then
  publish_ready_to_run "$WORK/r2r"
  for round in $(seq 1 "$ROUNDS"); do
    for variant in echo run run-r2r; do
      mode=${variant%-r2r}
      if [ "$variant" = run-r2r ]; then AGENT_DLL="$WORK/r2r/EdgeAgent.dll"; else AGENT_DLL=$BUILT_AGENT_DLL; fi
      start_agent "$mode" "$variant-$round-cold"
      load "$OUT/cold-5000-$variant-$round.json" --Load:Mode=Open --Load:Rate=5000 --Load:Count=50000 --Load:Warmup=0
      status > "$OUT/status-cold-5000-$variant-$round.json"
      echo "round $round $variant cold-5000: $(grep -E 'Throughput|Latency' "$OUT/cold-5000-$variant-$round.json.log" | tr -s ' ' | tr '\n' ' ')"
      rm -f "$OUT/cold-5000-$variant-$round.json.log"
      stop_agent
    done
  done
  AGENT_DLL=$BUILT_AGENT_DLL
fi

python3 scripts/lib/bench-charts.py "$OUT"

python3 - "$OUT" "$ROUNDS" <<'PY' | tee "$OUT/summary.md"
import glob, json, os, re, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def rounds_of(prefix):
    # prefix-<round>.json only: "cold-5000-run" must not take "cold-5000-run-r2r-1.json".
    return [json.load(open(p)) for p in sorted(glob.glob(os.path.join(out, f"{prefix}-*.json")))
            if re.fullmatch(re.escape(prefix) + r"-\d+\.json", os.path.basename(p))]
def runs(name, mode): return rounds_of(f"{name}-{mode}")
def med(values): return statistics.median(values) if values else float("nan")
cpu = open("/proc/cpuinfo").read()
model = next((l.split(":", 1)[1].strip() for l in cpu.splitlines() if l.startswith("model name")), "unknown")
print(f"Machine: {os.cpu_count()} cores, {model}; {rounds} rounds, medians.\n")
print("CPU and allocation are the agent process's own (runtime counters read from /status before and after), per answered payment.\n")
print("| scenario | agent | throughput /s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | lost | CPU µs / payment | allocated KB / payment |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
ratios = []
agents = [("echo", "echo"), ("run", "full"), ("run-shm", "full, data in memory"), ("run-stall", "full, stalling device"), ("run-r2r", "full, ReadyToRun")]
for name in ["open-1000", "open-5000", "closed-32", "cold-5000"]:
    row = {}
    for mode, label in agents:
        r = runs(name, mode)
        if not r: continue
        t = med([x["throughput"] for x in r]); lat = {q: med([x["latencyMs"][q] for x in r]) for q in ["p50", "p90", "p99", "p999", "max"]}
        lost = med([x["lost"] for x in r]); cpu_us = med([1e6 * x["agentCpuSeconds"] / max(x["answered"], 1) for x in r])
        alloc_kb = med([x.get("agentAllocatedBytes", float("nan")) / 1024 / max(x["answered"], 1) for x in r])
        row[mode] = (t, lat, cpu_us, alloc_kb)
        print(f"| {name} | {label} | {t:,.0f} | {lat['p50']:.3f} | {lat['p90']:.3f} | {lat['p99']:.3f} | {lat['p999']:.3f} | {lat['max']:.1f} | {lost:.0f} | {cpu_us:,.0f} | {alloc_kb:.1f} |")
    for mode, suffix in [("run", ""), ("run-shm", " (data in memory)"), ("run-stall", " (stalling device)"), ("run-r2r", " (ReadyToRun)")]:
        if "echo" in row and mode in row:
            full, echo = row[mode], row["echo"]
            ratios.append((name + suffix, full[0] / echo[0], full[1]["p50"] / echo[1]["p50"],
                           full[1]["p99"] / echo[1]["p99"], full[2] / echo[2], full[3] / echo[3]))
print("\n| scenario | throughput full / echo | p50 full / echo | p99 full / echo | CPU full / echo | allocation full / echo |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for name, t, p50, p99, cpu_ratio, alloc_ratio in ratios:
    print(f"| {name} | {t:.2f} | {p50:.2f} | {p99:.2f} | {cpu_ratio:.2f} | {alloc_ratio:.2f} |")

def statuses(name, mode): return rounds_of(f"status-{name}-{mode}")
def stage_cells(records, key, names):
    """Each stage's p50 / p99, medians over rounds, from records[...][key][stage]."""
    cells = []
    for stage in names:
        values = [x[key][stage] for x in records if stage in x[key]]
        cells.append(f"{med([v['p50'] for v in values]):.3f} / {med([v['p99'] for v in values]):.3f}" if values else "-")
    return cells
stages = ["queue", "compute_input", "compute_infer", "answer", "commit_wait", "persist", "request", "acknowledge"]
print("\nStage latencies inside the full agent, from its /status (ms, p50 / p99, medians over rounds; the unrecorded warm-up included):\n")
print("| scenario | " + " | ".join(stages) + " | avg batch |")
print("| --- | " + " | ".join("---:" for _ in stages) + " | ---: |")
for name, mode in [(n, m) for m in ["run", "run-stall"] for n in ["open-1000", "open-5000", "closed-32"]]:
    st = statuses(name, mode)
    if not st: continue
    if mode == "run-stall": name += " (stalling device)"
    print(f"| {name} | " + " | ".join(stage_cells(st, "latencyMs", stages)) + f" | {med([x['payments']['averageBatch'] for x in st]):.2f} |")
window_stages = ["answer", "commit_wait", "persist", "request", "acknowledge"]
print("\nThe same stages over the measured run alone (ms, p50 / p99, medians over rounds; from /metrics read before and after it,\n"
      "interpolated within its buckets):\n")
print("| scenario | " + " | ".join(window_stages) + " |")
print("| --- | " + " | ".join("---:" for _ in window_stages) + " |")
for name, mode in [(n, m) for m in ["run", "run-shm", "run-stall"] for n in ["open-1000", "open-5000", "closed-32"]]:
    r = [x for x in runs(name, mode) if "stageWindowMs" in x]
    if not r: continue
    label = name + {"run": "", "run-shm": " (data in memory)", "run-stall": " (stalling device)"}[mode]
    print(f"| {label} | " + " | ".join(stage_cells(r, "stageWindowMs", window_stages)) + " |")
print("\nResources at the end of each scenario (medians over rounds):\n")
print("| scenario | agent | working set MiB | managed heap MiB | gen0 / gen1 / gen2 GCs | GC pause ms |")
print("| --- | --- | ---: | ---: | ---: | ---: |")
for name in ["open-1000", "open-5000", "closed-32", "cold-5000"]:
    for mode, label in agents:
        st = statuses(name, mode)
        if not st: continue
        r = [x["resources"] for x in st]
        print(f"| {name} | {label} | {med([x['workingSetBytes'] for x in r]) / 2**20:.0f} | {med([x['managedHeapBytes'] for x in r]) / 2**20:.0f} | "
              f"{med([x['gen0Collections'] for x in r]):.0f} / {med([x['gen1Collections'] for x in r]):.0f} / {med([x['gen2Collections'] for x in r]):.0f} | "
              f"{1000 * med([x['gcPauseSeconds'] for x in r]):.0f} |")
PY
