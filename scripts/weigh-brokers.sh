#!/usr/bin/env bash
# The embedded broker (Mqtt:Broker=Embedded) against MQTTnet's own server configured and intercepted
# (Mqtt:Broker=Intercepted): the full agent, on this machine's disk, under the load generator in closed loop.
# Each scenario runs ROUNDS times, the two brokers alternating, each on a fresh, warmed agent; results (one JSON per
# run, with the agent's CPU seconds during the run) and a table (summary.md) go to $OUT. See docs/embedded-broker.md.
#
#   scripts/weigh-brokers.sh               # 1 round of every scenario
#   ROUNDS=3 scripts/weigh-brokers.sh
#   SCENARIOS="till-100" scripts/weigh-brokers.sh
#
# Scenarios: till-N is N terminals with one payment outstanding each (Load:Concurrency = Load:Terminals, and each
# waits for its PUBACK as well as its answer before the next: Load:WaitForPubAck); answer-paced-N is the same but each
# sends its next payment on the answer, without waiting for the PUBACK; pipelined-4 is the benchmark's four connections
# with 32 payments in flight over them, for contrast.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-1}
OUT=${OUT:-artifacts/weigh-brokers}
SCENARIOS=${SCENARIOS:-"till-100 till-500 pipelined-4"}
mkdir -p "$OUT"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
MQTT_PORT=$(free_port)
HTTP_PORT=$(free_port)
WORK=$(mktemp -d -p "${WORK_PARENT:-/tmp}")
agent_pid=
cleanup() { if [ -n "$agent_pid" ]; then kill -TERM "$agent_pid" 2>/dev/null || true; wait "$agent_pid" 2>/dev/null || true; fi; rm -rf "$WORK"; }
trap cleanup EXIT

dotnet build -c Release src/EdgeAgent.Simulator -v quiet -nologo > "$WORK/build.log"
AGENT_DLL=src/EdgeAgent/bin/Release/net10.0/EdgeAgent.dll
SIMULATOR="dotnet src/EdgeAgent.Simulator/bin/Release/net10.0/EdgeAgent.Simulator.dll"

settings_of() {
  case $1 in
    till-*) local n=${1#till-}; echo "--Load:Mode=Closed --Load:Terminals=$n --Load:Concurrency=$n --Load:WaitForPubAck=true --Load:Count=$((n * 300)) --Load:Warmup=$((n * 20))" ;;
    answer-paced-*) local n=${1#answer-paced-}; echo "--Load:Mode=Closed --Load:Terminals=$n --Load:Concurrency=$n --Load:Count=$((n * 300)) --Load:Warmup=$((n * 20))" ;;
    pipelined-4) echo "--Load:Mode=Closed --Load:Terminals=4 --Load:Concurrency=32 --Load:Count=20000 --Load:Warmup=2000" ;;
    *) echo "unknown scenario $1" >&2; exit 2 ;;
  esac
}

status() { curl -s "http://127.0.0.1:$HTTP_PORT/status"; }
resources() { status | python3 -c 'import json,sys; r=json.load(sys.stdin)["resources"]; print(r["cpuSeconds"], r["allocatedBytes"])'; }

# start_agent BROKER NAME: the full agent with that broker on a fresh data folder, once ready. The embedded broker's
# per-address connection rate is raised: every simulated terminal connects from 127.0.0.1 at once.
start_agent() {
  dotnet $AGENT_DLL run --Mqtt:Broker="$1" --Mqtt:Port="$MQTT_PORT" --Mqtt:BrokerMaxConnections=2000 \
    --Mqtt:BrokerConnectionsPerSecondPerAddress=2000 --Mqtt:BrokerConnectionBurstPerAddress=2000 \
    --Storage:Path="$WORK/data-$2" --Http:Urls="http://127.0.0.1:$HTTP_PORT" --Inference:Provider=Cpu > "$WORK/agent-$2.log" 2>&1 &
  agent_pid=$!
  until curl -sf "http://127.0.0.1:$HTTP_PORT/health/ready" > /dev/null; do sleep 0.2; done
}

stop_agent() { kill -TERM "$agent_pid"; wait "$agent_pid" || true; agent_pid=; }

# JIT, tiered compilation and caches, unrecorded: 64 terminals, one payment outstanding each.
warm_agent() {
  $SIMULATOR loadgen --Load:Port="$MQTT_PORT" --Load:ProgressSeconds=0 --Load:Mode=Closed --Load:Terminals=64 \
    --Load:Concurrency=64 --Load:WaitForPubAck=true --Load:Count=6000 --Load:Warmup=0 > /dev/null 2>&1 || true
}

# load REPORT [loadgen settings...]: one measured run, with the agent's CPU seconds and allocations during it.
load() {
  local report=$1; shift
  local before after
  before=$(resources)
  $SIMULATOR loadgen --Load:Port="$MQTT_PORT" --Load:ProgressSeconds=0 --Load:AnswerTimeoutSeconds=30 "$@" \
    --Load:ReportFile="$report" > "$report.log" 2>&1 || true
  after=$(resources)
  # shellcheck disable=SC2086 # two numbers each
  python3 - "$report" $before $after <<'PY'
import json, sys
path = sys.argv[1]
cpu_before, alloc_before, cpu_after, alloc_after = map(float, sys.argv[2:6])
report = json.load(open(path))
report["agentCpuSeconds"] = round(cpu_after - cpu_before, 3)
report["agentAllocatedBytes"] = int(alloc_after - alloc_before)
json.dump(report, open(path, "w"), indent=2)
PY
}

for round in $(seq 1 "$ROUNDS"); do
  for scenario in $SCENARIOS; do
    # Alternating which goes first from round to round, so that neither always runs on the quieter moment.
    brokers="Embedded Intercepted"; [ $((round % 2)) = 0 ] && brokers="Intercepted Embedded"
    for broker in $brokers; do
      start_agent "$broker" "$broker-$scenario-$round"
      warm_agent
      # shellcheck disable=SC2046 # the settings are separate words
      load "$OUT/$scenario-$broker-$round.json" $(settings_of "$scenario")
      echo "round $round $broker $scenario: $(grep -E 'Throughput|Latency' "$OUT/$scenario-$broker-$round.json.log" | tr -s ' ' | tr '\n' ' ')"
      stop_agent
    done
  done
done

python3 - "$OUT" "$ROUNDS" "$SCENARIOS" > "$OUT/summary.md" <<'PY'
import json, os, statistics, sys
out, rounds, scenarios = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()
cpu = open("/proc/cpuinfo").read()
model = next((l.split(":", 1)[1].strip() for l in cpu.splitlines() if l.startswith("model name")), "unknown")
print(f"Machine: {os.cpu_count()} cores, {model}; load average at the end {os.getloadavg()[0]:.1f}; {rounds} round(s), medians.\n")
print("| scenario | broker | answered/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | lost | agent CPU µs per payment |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for s in scenarios:
    for b in ("Embedded", "Intercepted"):
        runs = [json.load(open(f"{out}/{s}-{b}-{r}.json")) for r in range(1, rounds + 1) if os.path.exists(f"{out}/{s}-{b}-{r}.json")]
        if not runs:
            continue
        med = lambda xs: statistics.median(xs)
        lat = {k: med([x["latencyMs"][k] for x in runs]) for k in ("p50", "p90", "p99", "p999", "max")}
        t = med([x["throughput"] for x in runs])
        lost = med([x["lost"] for x in runs])
        cpu_us = med([1e6 * x["agentCpuSeconds"] / max(x["answered"], 1) for x in runs])
        print(f"| {s} | {b} | {t:,.0f} | {lat['p50']:.2f} | {lat['p90']:.2f} | {lat['p99']:.2f} | {lat['p999']:.2f} | {lat['max']:.1f} | {lost:.0f} | {cpu_us:,.0f} |")
PY
cat "$OUT/summary.md"
