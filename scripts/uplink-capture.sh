#!/usr/bin/env bash
# One agent (the Release build under BIN_ROOT, e.g. . or another checkout) with its cloud sync to a private mosquitto; the
# bundled sample paid at RATE/s, COUNT payments; prints the bytes the broker received per payment and keeps the
# payloads of the records messages in OUT.hex, one a line in hex (read them with
# `dotnet src/EdgeAgent.Simulator/bin/Release/net10.0/EdgeAgent.Simulator.dll records --Records:Input=OUT.hex`, which prints
# each batch's JSON; scripts/lib/uplink-encodings.py compares encodings over those JSON lines).
#   scripts/uplink-capture.sh BIN_ROOT OUT RATE COUNT
#   WARM=10000 scripts/uplink-capture.sh BIN_ROOT OUT RATE COUNT   # the sample's first WARM payments first, uncounted (its
#                                         # history week, at 2,000/s), then COUNT from there: the cards arrive with the
#                                         # history a store holds for them, as in scripts/benchmark.sh, not all unseen
WARM=${WARM:-0}
set -euo pipefail
ROOT=$1; OUT=$2; RATE=$3; COUNT=$4
W=$(mktemp -d); chmod 755 "$W"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
P=$(port); M=$(port); H=$(port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nsys_interval 1\nset_tcp_nodelay true\n' "$P" > "$W/m.conf"
mosquitto -c "$W/m.conf" > "$W/m.log" 2>&1 & MP=$!
sleep 0.5
(umask 077 && echo "k1:$(head -c 32 /dev/urandom | base64 -w0)" > "$W/key")
# Appending, so that the warm-up's messages can be cut from the files below.
: > "$OUT.hex"; : > "$OUT.topics"
mosquitto_sub -h 127.0.0.1 -p "$P" -V mqttv5 -t 'edgeagent/+/records' -F '%x' >> "$OUT.hex" & SP=$!
mosquitto_sub -h 127.0.0.1 -p "$P" -V mqttv5 -t 'edgeagent/#' -F '%t %l' >> "$OUT.topics" & TP=$!
dotnet "$ROOT/src/EdgeAgent/bin/Release/net10.0/EdgeAgent.dll" run --Storage:Path="$W/data" --Mqtt:Port="$M" --Http:Urls="http://127.0.0.1:$H" \
  --Inference:Provider=Cpu --Tokenization:KeyFile="$W/key" --Cloud:Transport=Mqtt --Cloud:Host=127.0.0.1 --Cloud:Port="$P" \
  --Cloud:UseTls=false --Cloud:ClientId=store-1 > "$W/agent.log" 2>&1 & AP=$!
until curl -sf "http://127.0.0.1:$H/health/ready" > /dev/null; do kill -0 $AP || { cat "$W/agent.log"; exit 1; }; sleep 0.3; done
synced() {
  for _ in $(seq 1 60); do
    u=$(curl -s "http://127.0.0.1:$H/metrics" | awk '/^edgeagent_cloud_unsent\{/ {s += $NF} END {printf "%d", s}')
    [ "${u:-0}" = 0 ] && break; sleep 1
  done
  sleep 2
}
if [ "$WARM" -gt 0 ]; then
  dotnet "$ROOT/src/EdgeAgent.Simulator/bin/Release/net10.0/EdgeAgent.Simulator.dll" loadgen --Load:Port="$M" --Load:ProgressSeconds=0 \
    --Load:Mode=Open --Load:Rate=2000 --Load:Terminals=8 --Load:Count="$WARM" > "$OUT.warm.log" 2>&1 || true
  synced
  : > "$OUT.hex"; : > "$OUT.topics"
fi
b0=$(mosquitto_sub -p "$P" -C 1 -W 10 -t '$SYS/broker/bytes/received')
dotnet "$ROOT/src/EdgeAgent.Simulator/bin/Release/net10.0/EdgeAgent.Simulator.dll" loadgen --Load:Port="$M" --Load:ProgressSeconds=0 \
  --Load:Mode=Open --Load:Rate="$RATE" --Load:Terminals=8 --Load:Count="$COUNT" --Load:Offset="$WARM" > "$OUT.load.log" 2>&1 || true
synced
b1=$(mosquitto_sub -p "$P" -C 1 -W 10 -t '$SYS/broker/bytes/received')
echo "payments $COUNT rate $RATE: broker bytes received $((b1 - b0)), $(( (b1 - b0) / COUNT )) B/payment" | tee "$OUT.bytes"
awk -v n="$COUNT" '{split($1, t, "/"); b[t[3]] += $2; m[t[3]]++} END {for (k in b) printf "  %s: %d messages, %d payload bytes, %.1f B/payment\n", k, m[k], b[k], b[k] / n}' "$OUT.topics" | tee -a "$OUT.bytes"
kill $AP; wait $AP || true; kill $SP $TP $MP; wait $SP $TP $MP 2>/dev/null || true
rm -rf "$W"
