#!/usr/bin/env bash
# GPU smoke test: builds the agent, checks every bundled model on the CUDA provider, then runs the agent on CUDA
# with its embedded broker, scores a few thousand payments and prints provider, placement, throughput and p99.
#
#   scripts/gpu-smoke.sh                 # CUDA
#   PROVIDER=TensorRt scripts/gpu-smoke.sh
#
# Needs an NVIDIA GPU with the CUDA and cuDNN libraries that the ONNX Runtime GPU package was built against
# (1.31: CUDA 13, cuDNN 9; see docs/deployment.md), visible to the agent.
# Exits non-zero when the provider cannot be used: Cuda, unlike Auto, never falls back to the CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
PROVIDER=${PROVIDER:-Cuda}
COUNT=${COUNT:-5000}
RATE=${RATE:-2000}
OUT=${OUT:-artifacts/gpu-smoke}
mkdir -p "$OUT"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
MQTT_PORT=$(free_port)
HTTP_PORT=$(free_port)
DATA=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$DATA"' EXIT

echo "== machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "nvidia-smi not found"
nproc

dotnet build -c Release src/EdgeAgent.Simulator -v quiet -nologo
AGENT="dotnet src/EdgeAgent/bin/Release/net10.0/EdgeAgent.dll"
SIMULATOR="dotnet src/EdgeAgent.Simulator/bin/Release/net10.0/EdgeAgent.Simulator.dll"

echo "== self-check of every model on $PROVIDER"
for card in models/*.card.json; do
  model=$(basename "$card" .card.json)
  $AGENT selfcheck --Inference:Provider=$PROVIDER --Inference:Model=$model | sed "s/^/[$model] /" || echo "[$model] refused on $PROVIDER"
done

echo "== agent on $PROVIDER, $COUNT payments at $RATE/s"
$AGENT run --Inference:Provider=$PROVIDER --Mqtt:Port=$MQTT_PORT --Http:Urls=http://127.0.0.1:$HTTP_PORT \
  --Storage:Path="$DATA" > "$OUT/agent.log" 2>&1 &
agent=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$HTTP_PORT/health/ready" > /dev/null && break
  kill -0 $agent 2>/dev/null || { echo "the agent did not start:"; cat "$OUT/agent.log"; exit 1; }
  sleep 0.2
done
$SIMULATOR loadgen --Load:Port=$MQTT_PORT --Load:Rate=$RATE --Load:Count=$COUNT --Load:Warmup=500 --Load:ProgressSeconds=0 \
  --Load:ReportFile="$OUT/load.json" | tee "$OUT/load.txt"
curl -s "http://127.0.0.1:$HTTP_PORT/status" > "$OUT/status.json"
kill -TERM $agent; wait $agent || true

python3 - "$OUT/status.json" "$OUT/load.json" <<'PY'
import json, sys
status, load = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
model = status["model"]
print("== result")
print(f"provider    {model['provider']} ({model['providerReason']})")
print(f"placement   {model.get('placement', 'every operator on the GPU provider')}")
print(f"model       {model['name']}@{model['version']}")
print(f"throughput  {load['throughput']}/s, answered {load['answered']} of {load['sent']}")
print(f"latency     p50 {load['latencyMs']['p50']} ms, p99 {load['latencyMs']['p99']} ms (load generator: intended send to answer)")
print(f"inference   p50 {status['latencyMs']['compute_infer']['p50']} ms, p99 {status['latencyMs']['compute_infer']['p99']} ms per run, average batch {status['payments']['averageBatch']}")
PY
