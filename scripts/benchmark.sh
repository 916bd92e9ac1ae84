#!/usr/bin/env bash
# The end-to-end benchmark: the full agent against the bare echo agent (same ingest, answers and
# acknowledgements, no pipeline), side by side in one run, through a real mosquitto on loopback.
# Every scenario runs ROUNDS times, alternating echo and agent; the table gives medians and ratios.
#
#   scripts/benchmark.sh                  # 3 rounds, results in artifacts/benchmark/
#   ROUNDS=5 scripts/benchmark.sh
#
# Needs: mosquitto, python3, curl. Everything runs on this machine; results depend on it, so compare the
# two agents from the same run, not figures from different runs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
OUT=${OUT:-artifacts/benchmark}
mkdir -p "$OUT"
rm -f "$OUT"/*.json

source scripts/lib/bench-rig.sh

# scenario name, then loadgen settings
SCENARIOS=(
  "open-1000|--Load:Mode=Open --Load:Rate=1000 --Load:Count=20000 --Load:Warmup=3000"
  "open-5000|--Load:Mode=Open --Load:Rate=5000 --Load:Count=60000 --Load:Warmup=5000"
  "closed-32|--Load:Mode=Closed --Load:Concurrency=32 --Load:Count=60000 --Load:Warmup=5000"
)

# Every scenario gets a fresh, warmed agent, so its /status (stage latencies, memory, GC) describes that
# scenario alone.
for round in $(seq 1 "$ROUNDS"); do
  for scenario in "${SCENARIOS[@]}"; do
    name=${scenario%%|*}; settings=${scenario#*|}
    for mode in echo run; do
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

python3 - "$OUT" "$ROUNDS" <<'PY' | tee "$OUT/summary.md"
import glob, json, os, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def runs(name, mode):
    return [json.load(open(p)) for p in sorted(glob.glob(os.path.join(out, f"{name}-{mode}-*.json")))]
def med(values): return statistics.median(values) if values else float("nan")
cpu = open("/proc/cpuinfo").read()
model = next((l.split(":", 1)[1].strip() for l in cpu.splitlines() if l.startswith("model name")), "unknown")
print(f"Machine: {os.cpu_count()} cores, {model}; {rounds} rounds, medians.\n")
print("| scenario | agent | throughput /s | p50 ms | p90 ms | p99 ms | p99.9 ms | lost | agent CPU ms per 1,000 |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
ratios = []
for name in ["open-1000", "open-5000", "closed-32"]:
    row = {}
    for mode, label in [("echo", "echo"), ("run", "full")]:
        r = runs(name, mode)
        if not r: continue
        t = med([x["throughput"] for x in r]); lat = {q: med([x["latencyMs"][q] for x in r]) for q in ["p50", "p90", "p99", "p999"]}
        lost = med([x["lost"] for x in r]); cpu_ms = med([1e6 * x["agentCpuSeconds"] / max(x["answered"], 1) for x in r])
        row[mode] = (t, lat)
        print(f"| {name} | {label} | {t:,.0f} | {lat['p50']:.3f} | {lat['p90']:.3f} | {lat['p99']:.3f} | {lat['p999']:.3f} | {lost:.0f} | {cpu_ms:,.0f} |")
    if "echo" in row and "run" in row:
        ratios.append((name, row["run"][0] / row["echo"][0], row["run"][1]["p50"] / row["echo"][1]["p50"], row["run"][1]["p99"] / row["echo"][1]["p99"]))
print("\n| scenario | throughput full / echo | p50 full / echo | p99 full / echo |")
print("| --- | ---: | ---: | ---: |")
for name, t, p50, p99 in ratios:
    print(f"| {name} | {t:.2f} | {p50:.2f} | {p99:.2f} |")

def statuses(name, mode):
    return [json.load(open(p)) for p in sorted(glob.glob(os.path.join(out, f"status-{name}-{mode}-*.json")))]
stages = ["queue", "compute_input", "compute_infer", "answer", "commit_wait", "persist", "request", "acknowledge"]
print("\nStage latencies inside the full agent, from its /status (ms, p50 / p99, medians over rounds; the unrecorded warm-up included):\n")
print("| scenario | " + " | ".join(stages) + " | avg batch |")
print("| --- | " + " | ".join("---:" for _ in stages) + " | ---: |")
for name in ["open-1000", "open-5000", "closed-32"]:
    st = statuses(name, "run")
    if not st: continue
    cells = []
    for stage in stages:
        values = [x["latencyMs"][stage] for x in st if stage in x["latencyMs"]]
        cells.append(f"{med([v['p50'] for v in values]):.3f} / {med([v['p99'] for v in values]):.3f}" if values else "-")
    print(f"| {name} | " + " | ".join(cells) + f" | {med([x['payments']['averageBatch'] for x in st]):.2f} |")
print("\nResources at the end of each scenario (medians over rounds):\n")
print("| scenario | agent | working set MiB | managed heap MiB | gen0 / gen1 / gen2 GCs | GC pause ms |")
print("| --- | --- | ---: | ---: | ---: | ---: |")
for name in ["open-1000", "open-5000", "closed-32"]:
    for mode, label in [("echo", "echo"), ("run", "full")]:
        st = statuses(name, mode)
        if not st: continue
        r = [x["resources"] for x in st]
        print(f"| {name} | {label} | {med([x['workingSetBytes'] for x in r]) / 2**20:.0f} | {med([x['managedHeapBytes'] for x in r]) / 2**20:.0f} | "
              f"{med([x['gen0Collections'] for x in r]):.0f} / {med([x['gen1Collections'] for x in r]):.0f} / {med([x['gen2Collections'] for x in r]):.0f} | "
              f"{1000 * med([x['gcPauseSeconds'] for x in r]):.0f} |")
PY
