#!/usr/bin/env bash
# Compares settings of the full agent side by side in one run: each variant gets a fresh, warmed agent and the same
# open-loop load, variants taking turns, ROUNDS times; the table gives medians. For the settings the agent ships
# with, docs/benchmarks.md records why, with figures from this script.
#
#   scripts/benchmark-settings.sh
#   ROUNDS=5 RATE=2000 scripts/benchmark-settings.sh
#   scripts/benchmark-settings.sh "shipped||" "no-commit-delay|--Pipeline:CommitDelayMilliseconds=0|"
#
# A variant is "label|agent arguments|runtime setting=value" (either part may be empty). A runtime setting goes
# into a copy of the agent's runtimeconfig.json, e.g. "System.GC.Concurrent=false".
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
RATE=${RATE:-1000}
COUNT=${COUNT:-20000}
OUT=${OUT:-artifacts/benchmark-settings}
mkdir -p "$OUT"
rm -f "$OUT"/*.json

VARIANTS=("$@")
if [ ${#VARIANTS[@]} -eq 0 ]; then
  VARIANTS=(
    "shipped||"
    "no-commit-delay|--Pipeline:CommitDelayMilliseconds=0|"
    "thread-pool-spin||System.Threading.ThreadPool.UnfairSemaphoreSpinLimit=70"
  )
fi

source scripts/lib/bench-rig.sh

runtimeconfig_with() { # runtimeconfig_with KEY=VALUE FILE: the agent's runtimeconfig with one property changed
  python3 - "${AGENT_DLL%.dll}.runtimeconfig.json" "$1" "$2" <<'PY'
import json, sys
source, setting, target = sys.argv[1:4]
key, value = setting.split("=", 1)
config = json.load(open(source))
config["runtimeOptions"]["configProperties"][key] = json.loads(value) if value not in ("", None) else value
json.dump(config, open(target, "w"), indent=2)
PY
}

for round in $(seq 1 "$ROUNDS"); do
  for variant in "${VARIANTS[@]}"; do
    IFS='|' read -r label arguments runtime <<< "$variant"
    AGENT_RUNTIMECONFIG=""
    if [ -n "$runtime" ]; then
      AGENT_RUNTIMECONFIG="$WORK/$label.runtimeconfig.json"
      runtimeconfig_with "$runtime" "$AGENT_RUNTIMECONFIG"
    fi
    # shellcheck disable=SC2086 # the arguments are separate words
    start_agent run "$label-$round" $arguments
    warm_agent
    before=$(status)
    load "$OUT/$label-$round.json" --Load:Mode=Open --Load:Rate="$RATE" --Load:Count="$COUNT" --Load:Warmup=2000
    python3 - "$OUT/$label-$round.json" "$before" "$(status)" <<'PY'
import json, sys
path, before, after = sys.argv[1], json.loads(sys.argv[2])["resources"], json.loads(sys.argv[3])["resources"]
report = json.load(open(path))
report["gen0Collections"] = after["gen0Collections"] - before["gen0Collections"]
report["gcPauseSeconds"] = round(after["gcPauseSeconds"] - before["gcPauseSeconds"], 4)
json.dump(report, open(path, "w"), indent=2)
PY
    echo "round $round $label: $(grep -E 'Latency' "$OUT/$label-$round.json.log" | tr -s ' ')"
    rm -f "$OUT/$label-$round.json.log"
    stop_agent
  done
done

python3 - "$OUT" "$ROUNDS" "$RATE" "${VARIANTS[@]}" <<'PY' | tee "$OUT/summary.md"
import glob, json, os, statistics, sys
out, rounds, rate, variants = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
def med(values): return statistics.median(values) if values else float("nan")
print(f"Machine: {os.cpu_count()} cores; full agent, open loop at {rate}/s; {rounds} rounds, medians.\n")
print("| variant | settings | p50 ms | p90 ms | p99 ms | p99.9 ms | agent CPU ms per 1,000 | gen0 GCs | GC pause ms |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for variant in variants:
    label, arguments, runtime = (variant.split("|") + ["", ""])[:3]
    r = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(out, f"{label}-*.json")))]
    if not r: continue
    lat = {q: med([x["latencyMs"][q] for x in r]) for q in ["p50", "p90", "p99", "p999"]}
    cpu = med([1e6 * x["agentCpuSeconds"] / max(x["answered"], 1) for x in r])
    settings = " ".join(s for s in [arguments, runtime] if s) or "as shipped"
    print(f"| {label} | `{settings}` | {lat['p50']:.3f} | {lat['p90']:.3f} | {lat['p99']:.3f} | {lat['p999']:.3f} | {cpu:,.0f} | "
          f"{med([x['gen0Collections'] for x in r]):.0f} | {1000 * med([x['gcPauseSeconds'] for x in r]):.0f} |")
PY
