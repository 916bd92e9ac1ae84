#!/usr/bin/env bash
# The fleet at scale, measured with real processes on this machine: a redis-server (AOF fsynced on every write), a
# mosquitto as the uplink (a login and ACL per store), SILOS silos reading it, STORES agent programs with their link on
# (embedded brokers, MQTT terminals from the load generator paying live, so the fleet takes their deltas), and a second
# mosquitto standing for the cloud that store-1's records sync to.
#
#   scripts/fleet-bench.sh                       # both parts, results in artifacts/fleet-bench/ (summary.txt)
#   PARTS=agents scripts/fleet-bench.sh          # (a) fetch, (b) store A -> B, (c) store-1's answers with and without
#                                                # its link, (e) bytes per payment
#   PARTS=deltas scripts/fleet-bench.sh          # (d) deltas per second with 1 silo and with SILOS silos, memory per card
#   ROUNDS=2 RATE=1000 COUNT=20000 OTHER_RATE=50 FLUSH=00:00:00.2 scripts/fleet-bench.sh
#
# Part "agents": stores 2..STORES pay the bundled sample at OTHER_RATE/s each (its cards, stamped with the send time),
# the whole time. Store-1 then runs twice per round on a fresh data folder, the same agent program with the same cloud
# sync, first without its fleet link, then with it: warmed (the sample's first WARM payments, at WARM_RATE/s, RATE
# unless set), then RATE/s open loop from TERMINALS terminals (COUNT payments going on from the warm-up's last, the
# first WARMUP not counted; CONTINUE_SAMPLE=0 starts them at the sample's start again, as runs before 2026-12-07 20:00
# did); bytes per payment count the measured payments alone, once the warm-up's records and deltas have been sent
# (before 2026-12-07 20:00 they counted the warm-up too). The load generator times each answer from its intended send
# time. The agents' own histograms give the rest: edgeagent_fleet_fetch_seconds (store-1's first sights) and
# edgeagent_fleet_push_lag_seconds (every store: a pushed profile's newest payment time to its arrival, which with live
# payment times is the store A -> store B latency). Quantiles from those histograms are interpolated inside a bucket,
# as Prometheus' histogram_quantile does.
# Part "deltas": EdgeAgent.Simulator fleet-deltas (STORES stores, each with INFLIGHT batches of BATCH deltas waiting for
# their receipts, over DELTA_CARDS cards, for DELTA_SECONDS) against 1 silo, then against SILOS silos, each time a
# fresh cluster; the silos' and Redis' memory before and after, divided by the cards.
#
# Needs: redis-server, mosquitto, mosquitto_passwd, mosquitto_sub, redis-cli, python3, curl, openssl.
set -euo pipefail
cd "$(dirname "$0")/.."
SILOS=${SILOS:-3}
STORES=${STORES:-4}
ROUNDS=${ROUNDS:-1}
RATE=${RATE:-1000}
COUNT=${COUNT:-20000}
WARMUP=${WARMUP:-3000}
WARM=${WARM:-5000}
WARM_RATE=${WARM_RATE:-$RATE}
TERMINALS=${TERMINALS:-64}
OTHER_RATE=${OTHER_RATE:-50}
FLUSH=${FLUSH:-00:00:00.1}
BUDGET=${BUDGET:-00:00:00.02}
DELTA_SECONDS=${DELTA_SECONDS:-20}
DELTA_CARDS=${DELTA_CARDS:-20000}
BATCH=${BATCH:-64}
INFLIGHT=${INFLIGHT:-4}
PARTS=${PARTS:-agents,deltas}
OUT=${OUT:-artifacts/fleet-bench}
ROOT=edgeagent/fleet
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/edgeagent-fleet-bench.XXXXXX)
# mosquitto started as root reads its files as the mosquitto user.
chmod 755 "$WORK"
DIR=$WORK
# shellcheck source=lib/fleet-rig.sh
. scripts/lib/fleet-rig.sh
SUMMARY="$OUT/summary.txt"
: > "$SUMMARY"

say() { echo "$*" | tee -a "$SUMMARY"; }

SILO_PIDS=()
AGENT_PIDS=()
LOAD_PIDS=()
stop_pids() { for p in "$@"; do kill -TERM "$p" 2>/dev/null || true; done; for p in "$@"; do wait "$p" 2>/dev/null || true; done; }
cleanup() {
  trap - EXIT INT TERM
  stop_pids "${LOAD_PIDS[@]}"
  stop_pids "${AGENT_PIDS[@]}"
  stop_pids "${SILO_PIDS[@]}"
  stop_pids "${PIDS[@]}"
  cp "$WORK"/*.log "$OUT/" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

dotnet build -c Release src/EdgeAgent.Simulator -v quiet -nologo > "$WORK/build.log"
dotnet build -c Release src/EdgeAgent.Fleet -v quiet -nologo >> "$WORK/build.log"
AGENT_DLL=src/EdgeAgent/bin/Release/net10.0/EdgeAgent.dll
FLEET_DLL=src/EdgeAgent.Fleet/bin/Release/net10.0/EdgeAgent.Fleet.dll
SIMULATOR="dotnet src/EdgeAgent.Simulator/bin/Release/net10.0/EdgeAgent.Simulator.dll"

fleet_files
UPLINK_PORT=$(free_port)
CLOUD_PORT=$(free_port)
REDIS_PORT=$(free_port)
fleet_broker_conf "$WORK/uplink.conf" "$UPLINK_PORT"
# The cloud stand-in: what store-1's record sync sends, counted by the broker ($SYS bytes received, every second).
cat > "$WORK/cloud.conf" <<CONF
listener $CLOUD_PORT 127.0.0.1
allow_anonymous true
persistence false
set_tcp_nodelay true
sys_interval 1
CONF
start_redis "$REDIS_PORT"
mosquitto -c "$WORK/uplink.conf" > "$WORK/uplink.log" 2>&1 &
PIDS+=($!)
mosquitto -c "$WORK/cloud.conf" > "$WORK/cloud.log" 2>&1 &
PIDS+=($!)
wait_listening "$REDIS_PORT" "$WORK/redis.log"
wait_listening "$UPLINK_PORT" "$WORK/uplink.log"
wait_listening "$CLOUD_PORT" "$WORK/cloud.log"
silo_args "$REDIS_PORT" "$UPLINK_PORT"

SILO_HTTP=()
# start_silos N CLUSTER: N silos with the uplink, each once it reads the uplink.
start_silos() {
  local n=$1 cluster=$2
  SILO_PIDS=(); SILO_HTTP=()
  for i in $(seq 0 $((n - 1))); do
    local http; http=$(free_port)
    dotnet "$FLEET_DLL" "${SILO_ARGS[@]}" --Fleet:ClusterId="$cluster" \
      --Fleet:SiloPort="$(free_port)" --Fleet:GatewayPort="$(free_port)" --Fleet:HttpPort="$http" > "$WORK/silo-$cluster-$i.log" 2>&1 &
    SILO_PIDS+=($!); SILO_HTTP+=("$http")
  done
  for i in $(seq 0 $((n - 1))); do
    until grep -q "Uplink connected" "$WORK/silo-$cluster-$i.log"; do
      kill -0 "${SILO_PIDS[i]}" 2>/dev/null || { cat "$WORK/silo-$cluster-$i.log" >&2; exit 1; }
      sleep 0.5
    done
  done
}

# start_agent STORE HTTP MQTT DATA [more settings]: an agent program for the store, once ready; sets agent_pid.
start_agent() {
  local store=$1 http=$2 mqtt=$3 data=$4; shift 4
  mkdir -p "$data"
  dotnet "$AGENT_DLL" run --Storage:Path="$data" --Mqtt:Port="$mqtt" --Http:Urls="http://127.0.0.1:$http" \
    --Inference:Provider=Cpu --Tokenization:KeyFile="$WORK/tokenization.key" "$@" > "$data.log" 2>&1 &
  agent_pid=$!
  until curl -sf "http://127.0.0.1:$http/health/ready" > /dev/null; do
    kill -0 "$agent_pid" 2>/dev/null || { cat "$data.log" >&2; exit 1; }
    sleep 0.2
  done
}
store_link() { link_args "$1" "$UPLINK_PORT" "--Fleet:FlushInterval=$FLUSH" "--Fleet:FetchBudget=$BUDGET"; }

cloud_bytes() { mosquitto_sub -p "$CLOUD_PORT" -C 1 -W 10 -t '$SYS/broker/bytes/received' || echo 0; }
metrics() { curl -s "http://127.0.0.1:$1/metrics"; }

# quantiles FILE METRIC: count, p50 and p99 of a Prometheus histogram over all its series, read from one or more
# /metrics files; the bucket (count) after the last bound is +Inf.
quantiles() {
  local metric=$1; shift
  python3 - "$metric" "$@" <<'PY'
import re, sys
metric, files = sys.argv[1], sys.argv[2:]
buckets = {}
for f in files:
    for line in open(f):
        m = re.match(r'^' + metric + r'_bucket\{(.*)\} ([0-9.eE+-]+)', line)
        if not m:
            continue
        le = re.search(r'le="([^"]+)"', m.group(1)).group(1)
        bound = float('inf') if le == '+Inf' else float(le)
        buckets[bound] = buckets.get(bound, 0) + float(m.group(2))
bounds = sorted(buckets)
total = buckets.get(float('inf'), 0)
def q(p):
    if total == 0:
        return float('nan')
    rank, lower, below = p * total, 0.0, 0.0
    for b in bounds:
        if buckets[b] >= rank:
            if b == float('inf'):
                return float('inf')
            return lower + (b - lower) * (rank - below) / max(buckets[b] - below, 1e-9)
        lower, below = b, buckets[b]
    return float('inf')
print(f"n={int(total)} p50={q(0.5) * 1000:.1f}ms p99={q(0.99) * 1000:.1f}ms")
PY
}
# fleet_part FETCHES PROFILES: per fetched card, the first profile for it after its fetch; n, p50, p99, max, and the
# fetches with no profile seen.
fleet_part() {
  python3 - "$1" "$2" <<'PY'
import sys
fetches, answers = [], {}
for line in open(sys.argv[1], errors="replace"):
    parts = line.split()
    if len(parts) >= 2:
        fetches.append((float(parts[0]), parts[1]))
for line in open(sys.argv[2], errors="replace"):
    parts = line.split()
    for p in parts[1:]:
        if p.startswith("token:"):
            answers.setdefault(p[6:], []).append(float(parts[0]))
took, unanswered = [], 0
for at, token in fetches:
    after = [t for t in answers.get(token, []) if t >= at]
    if after:
        took.append((min(after) - at) * 1000)
    else:
        unanswered += 1
took.sort()
q = lambda p: took[min(len(took) - 1, int(p * len(took)))] if took else float("nan")
print(f"n={len(took)} p50={q(0.5):.1f}ms p99={q(0.99):.1f}ms max={took[-1] if took else float('nan'):.1f}ms unanswered={unanswered}")
PY
}
counter() { awk -v pattern="^$2" '$0 ~ pattern {s += $NF} END {printf "%d", s}' "$1"; }
# sent HTTP_PORT: waits until the agent there has synced every record and had every delta receipted.
sent() {
  for _ in $(seq 1 120); do
    metrics "$1" > "$WORK/m-sent"
    unsent=$(counter "$WORK/m-sent" 'edgeagent_cloud_unsent\{')
    outbox=$(counter "$WORK/m-sent" 'edgeagent_fleet_outbox ')
    [ "${unsent:-0}" = 0 ] && [ "${outbox:-0}" = 0 ] && break
    sleep 1
  done
  sleep 2
}

say "fleet-bench $(date -u +%FT%TZ) on $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
say "SILOS=$SILOS STORES=$STORES ROUNDS=$ROUNDS RATE=$RATE COUNT=$COUNT WARMUP=$WARMUP WARM=$WARM WARM_RATE=$WARM_RATE CONTINUE_SAMPLE=${CONTINUE_SAMPLE:-1} TERMINALS=$TERMINALS OTHER_RATE=$OTHER_RATE FLUSH=$FLUSH BUDGET=$BUDGET"

if [[ ",$PARTS," == *",agents,"* ]]; then
  start_silos "$SILOS" bench-agents
  OTHER_HTTP=()
  for i in $(seq 2 "$STORES"); do
    http=$(free_port); mqtt=$(free_port)
    # shellcheck disable=SC2046 # the link's settings are separate words
    start_agent "store-$i" "$http" "$mqtt" "$WORK/agent-$i" $(store_link "store-$i")
    AGENT_PIDS+=("$agent_pid"); OTHER_HTTP+=("$http")
    $SIMULATOR loadgen --Load:Port="$mqtt" --Load:ProgressSeconds=0 --Load:Mode=Open --Load:Rate="$OTHER_RATE" \
      --Load:Terminals=8 --Load:StampNow=true --Load:Count=10000000 > "$WORK/load-$i.log" 2>&1 &
    LOAD_PIDS+=($!)
  done
  say "load average with the fleet and stores 2..$STORES running: $(cut -d' ' -f1-3 /proc/loadavg)"

  for round in $(seq 1 "$ROUNDS"); do
    for mode in alone linked; do
      http=$(free_port); mqtt=$(free_port)
      extra=()
      # shellcheck disable=SC2207 # separate words
      if [ "$mode" = linked ]; then extra=($(store_link store-1)); fi
      start_agent store-1 "$http" "$mqtt" "$WORK/agent-1-$mode-$round" \
        --Cloud:Transport=Mqtt --Cloud:Host=127.0.0.1 --Cloud:Port="$CLOUD_PORT" --Cloud:UseTls=false --Cloud:ClientId=store-1 \
        "${extra[@]}"
      AGENT_PIDS+=("$agent_pid")
      $SIMULATOR loadgen --Load:Port="$mqtt" --Load:ProgressSeconds=0 --Load:Mode=Open --Load:Rate="$WARM_RATE" \
        --Load:Terminals="$TERMINALS" --Load:StampNow=true --Load:Count="$WARM" > /dev/null 2>&1 || true
      sent "$http"
      bytes_before=$(cloud_bytes)
      metrics "$http" > "$WORK/m-store1-warm"
      mosquitto_sub -p "$CLOUD_PORT" -V mqttv5 -t 'edgeagent/#' -F '%t %l' > "$WORK/topics-$mode-$round" 2> /dev/null & topics_pid=$!
      # store-1's deltas as the uplink broker passes them on (the fleet's login reads them; not a shared subscription,
      # so the silos still get every one): messages and payload bytes, whatever the agent counts itself.
      mosquitto_sub -p "$UPLINK_PORT" -V mqttv5 -u fleet -P pw-fleet -t "$ROOT/store-1/deltas" -F '%l' > "$WORK/deltas-$mode-$round" 2> /dev/null & deltas_pid=$!
      # store-1's first-sight fetches and the profiles sent to it, timed where the uplink broker passes them on: the
      # fleet's part of a fetch (broker -> silo -> grain -> answer -> broker), apart from the store's and its link's.
      mosquitto_sub -p "$UPLINK_PORT" -V mqttv5 -u fleet -P pw-fleet -t "$ROOT/store-1/fetch" -F '%U %p' > "$WORK/fetch-out-$mode-$round" 2> /dev/null & fetch_out_pid=$!
      mosquitto_sub -p "$UPLINK_PORT" -V mqttv5 -u store-1 -P pw-store-1 -t "$ROOT/store-1/profiles" -F '%U %P' > "$WORK/fetch-back-$mode-$round" 2> /dev/null & fetch_back_pid=$!
      # Redis' answer time meanwhile (PING, every 10 ms): a card not active on any silo is read from Redis at its first
      # fetch, and with appendfsync always a read's answer waits for the fsync of the writes that came with it.
      stdbuf -oL redis-cli -p "$REDIS_PORT" --latency-history -i 10 > "$WORK/redis-latency-$mode-$round" 2>&1 & redis_latency_pid=$!
      for i in "${!OTHER_HTTP[@]}"; do metrics "${OTHER_HTTP[i]}" > "$WORK/m-before-$i"; done
      report="$OUT/store1-$mode-$round.json"
      load_avg=$(cut -d' ' -f1 /proc/loadavg)
      offset=$WARM; [ "${CONTINUE_SAMPLE:-1}" = 1 ] || offset=0
      $SIMULATOR loadgen --Load:Port="$mqtt" --Load:ProgressSeconds=0 --Load:Mode=Open --Load:Rate="$RATE" \
        --Load:Terminals="$TERMINALS" --Load:StampNow=true --Load:Count="$COUNT" --Load:Warmup="$WARMUP" --Load:Offset="$offset" \
        --Load:AnswerTimeoutSeconds=60 --Load:ReportFile="$report" > "$report.log" 2>&1 || true
      sent "$http"
      bytes_after=$(cloud_bytes)
      kill "$topics_pid" "$deltas_pid" "$fetch_out_pid" "$fetch_back_pid" "$redis_latency_pid" 2> /dev/null || true
      wait "$topics_pid" "$deltas_pid" "$fetch_out_pid" "$fetch_back_pid" "$redis_latency_pid" 2> /dev/null || true
      metrics "$http" > "$OUT/store1-$mode-$round.metrics"
      for i in "${!OTHER_HTTP[@]}"; do metrics "${OTHER_HTTP[i]}" > "$OUT/store$((i + 2))-during-$mode-$round.metrics"; done
      payments=$COUNT
      line=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); l=r["latencyMs"]; print("answered %s/%s lost %s throughput %s/s p50 %s ms p99 %s ms p999 %s ms" % (r["answered"], r["sent"], r["lost"], r["throughput"], l["p50"], l["p99"], l["p999"]))' "$report")
      say "round $round store-1 $mode (load average $load_avg): $line"
      say "  records to the cloud: $(( (bytes_after - bytes_before) / payments )) bytes/payment on the wire ($((bytes_after - bytes_before)) bytes for $payments payments, MQTT framing, alerts and the agent's metric snapshots included)"
      say "  payload by stream: $(awk -v n="$payments" '{split($1, t, "/"); b[t[3]] += $2; m[t[3]]++} END {for (k in b) printf "%s %d messages %.1f B/payment; ", k, m[k], b[k] / n}' "$WORK/topics-$mode-$round")"
      if [ "$mode" = linked ]; then
        deltas=$(($(counter "$OUT/store1-$mode-$round.metrics" 'edgeagent_fleet_sent_bytes_total\{.*kind="deltas"') - $(counter "$WORK/m-store1-warm" 'edgeagent_fleet_sent_bytes_total\{.*kind="deltas"')))
        fetches=$(($(counter "$OUT/store1-$mode-$round.metrics" 'edgeagent_fleet_sent_bytes_total\{.*kind="fetch"') - $(counter "$WORK/m-store1-warm" 'edgeagent_fleet_sent_bytes_total\{.*kind="fetch"')))
        say "  deltas to the fleet: $((deltas / payments)) bytes/payment on the wire ($deltas bytes, MQTT framing and resends included); first-sight fetches $((${fetches:-0} / payments)) bytes/payment"
        say "  store-1's deltas at the uplink broker: $(awk -v n="$payments" -v t="${#ROOT}" '{m++; p += $1} END {w = p + m * (t + 23); printf "%d messages, %.1f payments a message, payload %.1f B/payment, with MQTT 5 framing %.1f B/payment", m, n / (m ? m : 1), p / n, w / n}' "$WORK/deltas-$mode-$round")"
        say "  records and deltas together: $(( (bytes_after - bytes_before + deltas) / payments )) bytes/payment"
        say "  first-sight fetch at store-1: $(quantiles edgeagent_fleet_fetch_seconds "$OUT/store1-$mode-$round.metrics"); misses: $(grep -E '^edgeagent_fleet_fetch_misses_total' "$OUT/store1-$mode-$round.metrics" | tr '\n' ' ')"
        say "  pushes into store-1 (other stores' payments, B=store-1): $(quantiles edgeagent_fleet_push_lag_seconds "$OUT/store1-$mode-$round.metrics")"
        say "  the fleet's part of store-1's fetches, at the uplink broker (fetch passed on -> its answer passed on): $(fleet_part "$WORK/fetch-out-$mode-$round" "$WORK/fetch-back-$mode-$round")"
      fi
      # The other stores' pushes during this pass only: the difference of their histograms.
      for i in "${!OTHER_HTTP[@]}"; do
        python3 - "$WORK/m-before-$i" "$OUT/store$((i + 2))-during-$mode-$round.metrics" > "$WORK/m-diff-$i" <<'PY'
import re, sys
before = {}
for line in open(sys.argv[1]):
    m = re.match(r'^(\S+) ([0-9.eE+-]+)$', line.strip())
    if m: before[m.group(1)] = float(m.group(2))
for line in open(sys.argv[2]):
    m = re.match(r'^(\S+) ([0-9.eE+-]+)$', line.strip())
    if m: print(m.group(1), float(m.group(2)) - before.get(m.group(1), 0))
PY
      done
      say "  Redis PING during the pass, per 10 s window (ms): $(awk 'NF == 4 && $1 ~ /^[0-9]/ { if (n && $4 < n) printf "min %s max %s avg %s (%d samples); ", mn, mx, av, n; mn = $1; mx = $2; av = $3; n = $4 } END { if (n) printf "min %s max %s avg %s (%d samples)", mn, mx, av, n }' "$WORK/redis-latency-$mode-$round")"
      say "  pushes into stores 2..$STORES during the pass (from store-1 when it is linked, and from one another): $(quantiles edgeagent_fleet_push_lag_seconds "$WORK"/m-diff-*)"
      say "  first-sight fetches at stores 2..$STORES during the pass: $(quantiles edgeagent_fleet_fetch_seconds "$WORK"/m-diff-*)"
      stop_pids "$agent_pid"
      unset 'AGENT_PIDS[-1]'
    done
  done
  for i in "${!OTHER_HTTP[@]}"; do metrics "${OTHER_HTTP[i]}" > "$OUT/store$((i + 2)).metrics"; done
  for i in "${!SILO_HTTP[@]}"; do metrics "${SILO_HTTP[i]}" > "$OUT/silo-$i.metrics"; done
  stop_pids "${LOAD_PIDS[@]}"; LOAD_PIDS=()
  stop_pids "${AGENT_PIDS[@]}"; AGENT_PIDS=()
  stop_pids "${SILO_PIDS[@]}"; SILO_PIDS=()
fi

if [[ ",$PARTS," == *",deltas,"* ]]; then
  for n in 1 "$SILOS"; do
    start_silos "$n" "bench-deltas-$n"
    rss_before=0; for p in "${SILO_PIDS[@]}"; do rss_before=$((rss_before + $(awk '/VmRSS/ {print $2}' "/proc/$p/status"))); done
    redis_before=$(redis-cli -p "$REDIS_PORT" info memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r')
    load_avg=$(cut -d' ' -f1 /proc/loadavg)
    $SIMULATOR fleet-deltas --FleetLoad:Port="$UPLINK_PORT" --FleetLoad:KeyFingerprint="$FINGERPRINT" --FleetLoad:Stores="$STORES" \
      --FleetLoad:Cards="$DELTA_CARDS" --FleetLoad:BatchDeltas="$BATCH" --FleetLoad:InFlight="$INFLIGHT" \
      --FleetLoad:Seconds="$DELTA_SECONDS" --FleetLoad:ReportFile="$OUT/deltas-$n.json" > "$OUT/deltas-$n.log" 2>&1 || true
    rss_after=0; for p in "${SILO_PIDS[@]}"; do rss_after=$((rss_after + $(awk '/VmRSS/ {print $2}' "/proc/$p/status"))); done
    redis_after=$(redis-cli -p "$REDIS_PORT" info memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r')
    say "deltas, $n silo(s) (load average $load_avg): $(cat "$OUT/deltas-$n.json")"
    say "  silos' resident memory $((rss_before / 1024)) -> $((rss_after / 1024)) MiB: $(( (rss_after - rss_before) * 1024 / DELTA_CARDS )) bytes/card; Redis used_memory +$(( (redis_after - redis_before) / DELTA_CARDS )) bytes/card ($DELTA_CARDS cards)"
    stop_pids "${SILO_PIDS[@]}"; SILO_PIDS=()
    redis-cli -p "$REDIS_PORT" flushall > /dev/null
  done
fi
say "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
