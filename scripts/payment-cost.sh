#!/usr/bin/env bash
# What a payment costs an agent at a fixed rate through its embedded broker (or mosquitto): CPU and bytes allocated per payment, from
# the agent's own runtime counters (/status resources, read before and after the load as scripts/benchmark.sh does).
# Lighter than the benchmark: one agent, one scenario, for comparing two builds or the agent and its echo on the same
# machine state.
#
#   scripts/payment-cost.sh [run|echo] [rate] [count]                 # defaults: run 1000 20000
#   AGENT_DLL=/other/build/EdgeAgent.dll scripts/payment-cost.sh run  # another build of the agent
#   COUNTERS=/tmp/run.csv scripts/payment-cost.sh run                 # and dotnet-counters over the load
#   TRACE=/tmp/run.nettrace scripts/payment-cost.sh run               # and dotnet-trace's gc-verbose profile over it
#   BROKER=mosquitto scripts/payment-cost.sh run                      # through a private mosquitto, as the benchmark
#
# The agent starts with a fresh data folder and its embedded broker, is warmed with 10,000 unmeasured payments at
# 2,000/s, then takes COUNT payments at RATE from the load generator's 4 terminals (open loop). Prints one line: CPU µs
# and KB allocated per payment, what was answered, p50 and p99 (ms, intended send to answer).
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-run}
RATE=${2:-1000}
COUNT=${3:-20000}
KEEP_AGENT_DLL=${AGENT_DLL:-}
# shellcheck source=lib/bench-rig.sh
. scripts/lib/bench-rig.sh
AGENT_DLL=${KEEP_AGENT_DLL:-$BUILT_AGENT_DLL}

if [ "${BROKER:-embedded}" = mosquitto ]; then
  # Through the rig's mosquitto, as scripts/benchmark.sh runs the agent.
  start_agent "$MODE" cost
else
  # The rig's mosquitto stays idle: the load goes to the agent's own broker.
  MQTT_PORT=$(free_port)
  dotnet "$AGENT_DLL" "$MODE" --Mqtt:Port="$MQTT_PORT" --Storage:Path="$WORK/data" \
    --Http:Urls="http://127.0.0.1:$HTTP_PORT" --Inference:Provider=Cpu > "$WORK/agent.log" 2>&1 &
  agent_pid=$!
  until curl -sf "http://127.0.0.1:$HTTP_PORT/health/ready" > /dev/null; do
    kill -0 "$agent_pid" 2>/dev/null || { cat "$WORK/agent.log" >&2; exit 1; }
    sleep 0.2
  done
fi

warm_agent
# COUNTERS=file.csv: the runtime's counters (System.Runtime: GC, allocation rate, thread pool, lock contention) over the
# measured load, with dotnet-counters (DOTNET_COUNTERS: its path when it is not on PATH).
counters_pid=
if [ -n "${COUNTERS:-}" ]; then
  "${DOTNET_COUNTERS:-dotnet-counters}" collect -p "$agent_pid" --counters System.Runtime --refresh-interval 1 \
    --format csv -o "$COUNTERS" > /dev/null 2>&1 &
  counters_pid=$!
fi
# TRACE=file.nettrace: the runtime's allocation samples with their stacks over the measured load (dotnet-trace's
# gc-verbose profile; DOTNET_TRACE: its path when it is not on PATH).
trace_pid=
if [ -n "${TRACE:-}" ]; then
  "${DOTNET_TRACE:-dotnet-trace}" collect -p "$agent_pid" --profile gc-verbose -o "$TRACE" > "$WORK/trace.log" 2>&1 &
  trace_pid=$!
  sleep 2
fi
load "$WORK/report.json" --Load:Mode=Open --Load:Rate="$RATE" --Load:Count="$COUNT" --Load:Warmup=0
if [ -n "$counters_pid" ]; then kill -INT "$counters_pid"; wait "$counters_pid" || true; fi
if [ -n "$trace_pid" ]; then kill -INT "$trace_pid"; wait "$trace_pid" || true; fi
stop_agent
python3 - "$WORK/report.json" "$MODE" <<'PY'
import json, sys
report, mode = json.load(open(sys.argv[1])), sys.argv[2]
count, latency = report["sent"], report["latencyMs"]
print(f"{mode}: {report['agentCpuSeconds'] * 1e6 / count:.0f} us CPU and {report['agentAllocatedBytes'] / count / 1024:.2f} KB "
      f"allocated per payment; answered {report['answered']} of {count} at {report['throughput']}/s, "
      f"p50 {latency['p50']} ms, p99 {latency['p99']} ms")
PY
