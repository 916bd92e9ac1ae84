#!/usr/bin/env bash
# Where an agent's memory goes under load: one agent (echo or the full agent) on a private mosquitto, warmed, then
# loaded at RATE payments/s for SECONDS; near the end of the load its resident memory is read from /proc (by mapping:
# ONNX Runtime, other native libraries, the JIT's double mapping, managed assemblies, mapped data files, anonymous
# memory) together with the runtime's GC counters; over the middle three fifths of the load its CPU and context switches
# thread by thread (scripts/lib/thread-cpu.py); after the load its /status (CPU, allocation, GC counts).
#
#   scripts/footprint.sh run                   # the full agent, 1,000/s for 30 s
#   scripts/footprint.sh echo                  # the bare echo of the same transport
#   RATE=1000 SECONDS_=30 scripts/footprint.sh run --Pipeline:MaxBatchSize=64   # extra words go to the agent
#   AGENT_ENV="DOTNET_GCgen0size=0x400000" scripts/footprint.sh run            # runtime settings to compare
#   GCDUMP=1 scripts/footprint.sh run          # and a dotnet-gcdump report of what the heap holds (needs dotnet-gcdump)
#
# Memory figures are the process's own and hold on a busy machine; CPU per payment does not (the cores are shared).
# Results go to $OUT (default artifacts/footprint/<mode>-<time>); the summary is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:?echo or run}; shift
RATE=${RATE:-1000}
SECONDS_=${SECONDS_:-30}
TOOLS=${TOOLS:-/tmp/tools}
OUT=${OUT:-artifacts/footprint/$MODE-$(date -u +%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

source scripts/lib/bench-rig.sh
# FP_AGENT_DLL: another build of the agent (a copy of bin/Release kept aside, to compare builds in one sitting).
AGENT_DLL=${FP_AGENT_DLL:-$AGENT_DLL}

# The agent, started as start_agent does, with AGENT_ENV's variables (runtime settings) on its command line.
# shellcheck disable=SC2086 # AGENT_ENV is separate NAME=VALUE words
env ${AGENT_ENV:-} dotnet "$AGENT_DLL" "$MODE" --Mqtt:Host=127.0.0.1 --Mqtt:Port="$MQTT_PORT" --Mqtt:ClientId="fp-$MODE" \
  --Mqtt:SharedGroup="fp-$MODE" --Mqtt:SessionExpirySeconds=0 --Storage:Path="$WORK/data" \
  --Http:Urls="http://127.0.0.1:$HTTP_PORT" --Inference:Provider=Cpu "$@" > "$OUT/agent.log" 2>&1 &
agent_pid=$!
until curl -sf "http://127.0.0.1:$HTTP_PORT/health/ready" > /dev/null; do sleep 0.2; done
warm_agent
# Idle after the warm-up: the same reading without a load's garbage and queues.
sleep 5
cp "/proc/$agent_pid/smaps_rollup" "$OUT/smaps_rollup-idle"

count=$((RATE * SECONDS_))
"$TOOLS/dotnet-counters" collect -p "$agent_pid" --counters System.Runtime --format csv -o "$OUT/counters.csv" \
  --duration "$(printf '00:00:%02d:%02d' $(((SECONDS_ - 2) / 60)) $(((SECONDS_ - 2) % 60)))" > /dev/null 2>&1 &
counters_pid=$!
before=$(resources)
$SIMULATOR loadgen --Load:Port="$MQTT_PORT" --Load:ProgressSeconds=0 --Load:AnswerTimeoutSeconds=30 --Load:Offset="${WARMED:-0}" --Load:Mode=Open \
  --Load:Rate="$RATE" --Load:Count="$count" --Load:Warmup=0 --Load:ReportFile="$OUT/load.json" > "$OUT/load.log" 2>&1 &
load_pid=$!
# The middle of the load, thread by thread: its CPU and context switches a payment (scripts/lib/thread-cpu.py).
sleep $((SECONDS_ / 5))
python3 scripts/lib/thread-cpu.py "$agent_pid" $((SECONDS_ * 3 / 5)) "$RATE" > "$OUT/threads.txt"
# Near the end of the load: what is resident while it runs.
sleep $((SECONDS_ * 4 / 5 - SECONDS_ / 5 - SECONDS_ * 3 / 5))
cp "/proc/$agent_pid/smaps_rollup" "$OUT/smaps_rollup"
cp "/proc/$agent_pid/smaps" "$OUT/smaps"
grep -E '^(VmRSS|VmHWM|RssAnon|RssFile|RssShmem|Threads)' "/proc/$agent_pid/status" > "$OUT/proc-status"
# AT_LOAD: any command to run at that moment, with AGENT_PID and OUT set (a dotnet-dump, a dotnet-trace).
if [ -n "${AT_LOAD:-}" ]; then AGENT_PID=$agent_pid OUT=$OUT bash -c "$AT_LOAD" > "$OUT/at-load.log" 2>&1 || true; fi
if [ "${GCDUMP:-0}" = 1 ]; then
  "${GCDUMP_TOOL:-/tmp/fp-tools/dotnet-gcdump}" collect -p "$agent_pid" -o "$OUT/heap.gcdump" > /dev/null 2>&1 || true
fi
wait "$load_pid" || true
after=$(resources)
wait "$counters_pid" || true
status > "$OUT/status.json"
kill -TERM "$agent_pid"; wait "$agent_pid" || true
if [ -f "$OUT/heap.gcdump" ]; then
  "${GCDUMP_TOOL:-/tmp/fp-tools/dotnet-gcdump}" report "$OUT/heap.gcdump" > "$OUT/heap.txt" 2>&1 || true
fi

python3 - "$OUT" "$before" "$after" <<'PY'
import csv, json, re, sys
out, before, after = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
# Resident memory by mapping, from smaps.
groups = {}
def group(name):
    if "libonnxruntime" in name: return "ONNX Runtime library"
    if "doublemapper" in name: return "JIT double mapping (W^X)"
    if name.endswith(".so") or ".so." in name: return "other native libraries"
    if name.endswith(".dll"): return "managed assemblies (mapped)"
    if name.startswith("/") : return "mapped data files"
    if name == "[heap]": return "native heap ([heap])"
    if name.startswith("["): return "stacks and kernel ([stack], [vdso])"
    return "anonymous (GC heap, native allocations, thread stacks)"
current = None
for line in open(f"{out}/smaps"):
    m = re.match(r"^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$", line)
    if m:
        current = group(m.group(1).strip()); continue
    if line.startswith("Rss:") and current:
        groups[current] = groups.get(current, 0) + int(line.split()[1])
rollup = {l.split(":")[0]: int(l.split()[1]) for l in open(f"{out}/smaps_rollup") if l.split()[-1] == "kB"}
report = json.load(open(f"{out}/load.json"))
answered = max(report.get("answered", 0), 1)
cpu = float(after[0]) - float(before[0]); alloc = float(after[1]) - float(before[1])
idle = {l.split(":")[0]: int(l.split()[1]) for l in open(f"{out}/smaps_rollup-idle") if l.split()[-1] == "kB"}
print(f"resident when idle after the warm-up: {idle['Rss'] / 1024:.1f} MiB (anonymous {idle.get('Anonymous', 0) / 1024:.1f})")
print(f"resident under load (smaps_rollup Rss): {rollup['Rss'] / 1024:.1f} MiB (anonymous {rollup.get('Anonymous', 0) / 1024:.1f}, "
      f"file-backed {(rollup['Rss'] - rollup.get('Anonymous', 0)) / 1024:.1f})")
for name, kb in sorted(groups.items(), key=lambda g: -g[1]):
    print(f"  {name}: {kb / 1024:.1f} MiB")
# The runtime's counters, last value of each during the load.
last = {}
try:
    for row in csv.DictReader(open(f"{out}/counters.csv")):
        key = row.get("Counter Name", "")
        tags = row.get("Tags", "")
        last[key + (f" [{tags}]" if tags else "")] = row.get("Mean/Increment", "")
except FileNotFoundError:
    pass
for key in sorted(last):
    if any(k in key for k in ["heap.size", "committed", "working_set", "gc.heap.total", "pause", "collections", "fragmentation", "thread_pool.thread", "time_in_gc"]):
        print(f"  counter {key}: {last[key]}")
status = json.load(open(f"{out}/status.json"))["resources"]
print(f"payments answered {report['answered']} of {report.get('sent', '?')}, throughput {report['throughput']:.0f}/s, "
      f"p50 {report['latencyMs']['p50']:.3f} ms, p99 {report['latencyMs']['p99']:.3f} ms")
print(f"CPU {1e6 * cpu / answered:.0f} us/payment, allocated {alloc / answered / 1024:.2f} KB/payment; at the end: "
      f"working set {status['workingSetBytes'] / 2**20:.0f} MiB, managed heap {status['managedHeapBytes'] / 2**20:.0f} MiB, "
      f"GCs {status['gen0Collections']}/{status['gen1Collections']}/{status['gen2Collections']}, pause {1000 * status['gcPauseSeconds']:.0f} ms, "
      f"threads {status['threadPoolThreads']}")
print(open(f"{out}/threads.txt").read(), end="")
PY
