# Shared by the benchmark scripts: a private mosquitto on a free loopback port, the Release agent, and helpers to
# start an agent and read its /status. Source it; it sets MQTT_PORT, HTTP_PORT, WORK and AGENT_DLL (the built agent; set it to another build to start that one).

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
MQTT_PORT=$(free_port)
HTTP_PORT=$(free_port)
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

# set_tcp_nodelay: without it Nagle's algorithm holds small QoS 1 packets (0.8 ms medians become 8 ms).
cat > "$WORK/mosquitto.conf" <<CONF
listener $MQTT_PORT 127.0.0.1
allow_anonymous true
persistence false
set_tcp_nodelay true
max_queued_messages 1000000
max_inflight_messages 4096
CONF
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
"$MOSQUITTO" -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 &
sleep 0.5

dotnet build -c Release src/EdgeAgent.Simulator -v quiet -nologo > "$WORK/build.log"
BUILT_AGENT_DLL=src/EdgeAgent/bin/Release/net10.0/EdgeAgent.dll
AGENT_DLL=$BUILT_AGENT_DLL
SIMULATOR="dotnet src/EdgeAgent.Simulator/bin/Release/net10.0/EdgeAgent.Simulator.dll"

status() { curl -s "http://127.0.0.1:$HTTP_PORT/status"; }
# resources: the agent's CPU seconds and bytes allocated so far, from its /status.
resources() { status | python3 -c 'import json,sys; r=json.load(sys.stdin)["resources"]; print(r["cpuSeconds"], r["allocatedBytes"])'; }

# publish_ready_to_run DIR: the agent compiled ahead of time (ReadyToRun) for this machine, to compare cold starts.
publish_ready_to_run() {
  local rid; rid=linux-$( [ "$(uname -m)" = aarch64 ] && echo arm64 || echo x64 )
  dotnet publish src/EdgeAgent -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
    -o "$1" -v quiet -nologo > "$WORK/publish-r2r.log"
}

# start_agent MODE NAME [extra agent arguments...]: an agent on the private broker with a fresh data folder, once
# ready. A session that expires at disconnect: no run leaves queued payments behind for the next.
# AGENT_RUNTIMECONFIG, when set, replaces the agent's runtimeconfig.json (runtime settings to compare).
start_agent() {
  local mode=$1 name=$2; shift 2
  local host="dotnet"
  WARMED=0
  if [ -n "${AGENT_RUNTIMECONFIG:-}" ]; then host="dotnet exec --runtimeconfig $AGENT_RUNTIMECONFIG"; fi
  $host $AGENT_DLL "$mode" --Mqtt:Host=127.0.0.1 --Mqtt:Port="$MQTT_PORT" --Mqtt:ClientId="bench-$mode" \
    --Mqtt:SharedGroup="bench-$mode" --Mqtt:SessionExpirySeconds=0 --Storage:Path="$WORK/data-$name" \
    --Http:Urls="http://127.0.0.1:$HTTP_PORT" --Inference:Provider=Cpu "$@" > "$WORK/agent-$name.log" 2>&1 &
  agent_pid=$!
  until curl -sf "http://127.0.0.1:$HTTP_PORT/health/ready" > /dev/null; do sleep 0.2; done
}

stop_agent() { kill -TERM "$agent_pid"; wait "$agent_pid" || true; }

# warm_agent: JIT, tiered compilation and caches, at a rate both agents sustain, unrecorded, so that what follows
# measures the steady state and not the first seconds of a process. The sample's first 10,000 payments: the measured run
# that follows goes on from there (WARMED, read by load), so its cards arrive with the history a store holds for them,
# not as cards never seen (nearly every new card is held for review) nor with their own payments in it twice.
# CONTINUE_SAMPLE=0 starts the measured run at the sample's start again, as the runs before 2026-12-07 17:00 did.
warm_agent() {
  $SIMULATOR loadgen --Load:Port="$MQTT_PORT" --Load:ProgressSeconds=0 --Load:Mode=Open --Load:Rate=2000 \
    --Load:Count=10000 --Load:Warmup=0 > /dev/null 2>&1 || true
  if [ "${CONTINUE_SAMPLE:-1}" = 1 ]; then WARMED=10000; fi
}

# load REPORT [loadgen settings...]: one measured run; REPORT gets the load generator's JSON report plus the
# agent's CPU seconds and allocated bytes during the run (its runtime's own counters, read before and after), and the
# stage durations of the run alone (stageWindowMs: the /metrics histogram buckets read before and after, so the warm-up
# is left out; p50 and p99 interpolated within a bucket, good to a bucket's width: 25 to 250 µs below 1 ms, 2.5 ms between
# 5 and 10 ms, then 10 to 25, 25 to 50 ms and wider).
load() {
  local report=$1; shift
  local before after
  curl -s "http://127.0.0.1:$HTTP_PORT/metrics" > "$report.metrics-before"
  before=$(resources)
  $SIMULATOR loadgen --Load:Port="$MQTT_PORT" --Load:ProgressSeconds=0 --Load:AnswerTimeoutSeconds=30 \
    --Load:Offset="${WARMED:-0}" "$@" --Load:ReportFile="$report" > "$report.log" 2>&1 || true
  after=$(resources)
  curl -s "http://127.0.0.1:$HTTP_PORT/metrics" > "$report.metrics-after"
  # shellcheck disable=SC2086 # two numbers each
  python3 - "$report" $before $after <<'PY'
import json, re, sys
path = sys.argv[1]
cpu_before, alloc_before, cpu_after, alloc_after = map(float, sys.argv[2:6])
report = json.load(open(path))
report["agentCpuSeconds"] = round(cpu_after - cpu_before, 3)
report["agentAllocatedBytes"] = int(alloc_after - alloc_before)
def buckets(file):
    stages = {}
    for line in open(file):
        m = re.match(r'edgeagent_stage_duration_seconds_bucket\{(.*)\} (\S+)', line)
        if m:
            labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
            le = float("inf") if labels["le"] == "+Inf" else float(labels["le"])
            stages.setdefault(labels["stage"], {})[le] = float(m.group(2))
    return stages
def quantile(bounds, counts, q):
    target, lower, below = q * counts[-1], 0.0, 0.0
    for bound, count in zip(bounds, counts):
        if count >= target:
            if bound == float("inf"):
                return lower * 1000
            return 1000 * (lower + (bound - lower) * ((target - below) / (count - below) if count > below else 1))
        lower, below = bound, count
first, last = buckets(path + ".metrics-before"), buckets(path + ".metrics-after")
window = {}
for stage, cumulative in last.items():
    bounds = sorted(cumulative)
    counts = [cumulative[b] - first.get(stage, {}).get(b, 0) for b in bounds]
    if counts and counts[-1] > 0:
        window[stage] = {"count": int(counts[-1]), "p50": round(quantile(bounds, counts, 0.5), 3), "p99": round(quantile(bounds, counts, 0.99), 3)}
report["stageWindowMs"] = window
json.dump(report, open(path, "w"), indent=2)
PY
  rm -f "$report.metrics-before" "$report.metrics-after"
}
