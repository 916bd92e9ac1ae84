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

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
MQTT_PORT=$(free_port)
HTTP_PORT=$(free_port)
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

cat > "$WORK/mosquitto.conf" <<CONF
listener $MQTT_PORT 127.0.0.1
allow_anonymous true
persistence false
set_tcp_nodelay true
max_queued_messages 1000000
CONF
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
"$MOSQUITTO" -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 &
sleep 0.5

dotnet build -c Release src/EdgeAgent -v quiet -nologo > "$WORK/build.log"
AGENT="dotnet src/EdgeAgent/bin/Release/net10.0/EdgeAgent.dll"

cpu() { curl -s "http://127.0.0.1:$HTTP_PORT/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["resources"]["cpuSeconds"])'; }

# scenario name, then loadgen settings
SCENARIOS=(
  "open-1000|--Load:Mode=Open --Load:Rate=1000 --Load:Count=20000 --Load:Warmup=3000"
  "open-5000|--Load:Mode=Open --Load:Rate=5000 --Load:Count=60000 --Load:Warmup=5000"
  "closed-32|--Load:Mode=Closed --Load:Concurrency=32 --Load:Count=60000 --Load:Warmup=5000"
)

for round in $(seq 1 "$ROUNDS"); do
  for mode in echo run; do
    data="$WORK/data-$mode-$round"
    # A session that expires at disconnect: no round leaves queued payments behind for the next.
    $AGENT $mode --Mqtt:Host=127.0.0.1 --Mqtt:Port=$MQTT_PORT --Mqtt:ClientId=bench-$mode \
      --Mqtt:SharedGroup=bench-$mode --Mqtt:SessionExpirySeconds=0 --Storage:Path="$data" \
      --Http:Urls=http://127.0.0.1:$HTTP_PORT --Inference:Provider=Cpu > "$WORK/agent-$mode-$round.log" 2>&1 &
    agent_pid=$!
    until curl -sf "http://127.0.0.1:$HTTP_PORT/health/ready" > /dev/null; do sleep 0.2; done
    for scenario in "${SCENARIOS[@]}"; do
      name=${scenario%%|*}; settings=${scenario#*|}
      before=$(cpu)
      $AGENT loadgen --Load:Port=$MQTT_PORT --Load:ProgressSeconds=0 --Load:AnswerTimeoutSeconds=30 $settings \
        --Load:ReportFile="$OUT/$name-$mode-$round.json" > "$WORK/load-$name-$mode-$round.log" 2>&1 || true
      after=$(cpu)
      python3 - "$OUT/$name-$mode-$round.json" "$before" "$after" <<'PY'
import json, sys
path, before, after = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
report = json.load(open(path)); report["agentCpuSeconds"] = round(after - before, 3)
json.dump(report, open(path, "w"), indent=2)
PY
      echo "round $round $mode $name: $(grep -E 'Throughput|Latency' "$WORK/load-$name-$mode-$round.log" | tr -s ' ' | tr '\n' ' ')"
    done
    kill -TERM $agent_pid; wait $agent_pid || true
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
PY
