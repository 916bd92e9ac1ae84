#!/usr/bin/env bash
# A local fleet in one command: a redis-server (membership and card state, AOF fsynced on every write), a mosquitto
# as the uplink (one login and ACL per store, the fleet's login), SILOS silos of the fleet service reading it, and
# AGENTS agent programs on embedded defaults, one per store, each running its link to the fleet.
# Prints where everything listens (the agents' terminal ports and status pages); Ctrl-C stops it all.
#
#   scripts/fleet-local.sh                 # 3 silos, stores store-1..store-4, agents for store-1..store-4
#   SILOS=5 STORES=10 AGENTS=2 scripts/fleet-local.sh
#
# Writes its files (tokenization key, passwords, ACL, logs) under ${DIR:-/tmp/edgeagent-fleet}.
set -euo pipefail
cd "$(dirname "$0")/.."
SILOS=${SILOS:-3}
STORES=${STORES:-4}
AGENTS=${AGENTS:-$STORES}
AGENT_MQTT_PORT=${AGENT_MQTT_PORT:-1891}
AGENT_HTTP_PORT=${AGENT_HTTP_PORT:-8091}
DIR=${DIR:-/tmp/edgeagent-fleet}
REDIS_PORT=${REDIS_PORT:-6379}
MQTT_PORT=${MQTT_PORT:-1884}
ROOT=edgeagent/fleet
mkdir -p "$DIR"
PIDS=()
# Agents and silos first (the silos' graceful stop writes to Redis), then the broker and Redis.
cleanup() {
  trap - EXIT INT TERM
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill "${PIDS[i]}" 2>/dev/null || true
    if [ "$i" -eq 2 ]; then wait "${PIDS[@]:2}" 2>/dev/null || true; fi
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

if [ "$AGENTS" -gt "$STORES" ]; then echo "AGENTS ($AGENTS) must not exceed STORES ($STORES): each agent is a store" >&2; exit 2; fi
dotnet build src/EdgeAgent.Fleet -v q -nologo >/dev/null
DLL=src/EdgeAgent.Fleet/bin/Debug/net10.0/EdgeAgent.Fleet.dll
if [ "$AGENTS" -gt 0 ]; then dotnet build src/EdgeAgent -v q -nologo >/dev/null; fi
AGENT_DLL=src/EdgeAgent/bin/Debug/net10.0/EdgeAgent.dll

# The fleet's tokenization key: every store takes the file (Tokenization:KeyFile), the fleet only its fingerprint.
if [ ! -f "$DIR/tokenization.key" ]; then
  (umask 077 && echo "k1:$(head -c 32 /dev/urandom | base64 -w0)" > "$DIR/tokenization.key")
fi
KEY_HEX=$(cut -d: -f2 "$DIR/tokenization.key" | base64 -d | od -An -tx1 | tr -d ' \n')
FINGERPRINT=$(printf 'EdgeAgent tokenization key check v1' | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$KEY_HEX" | awk '{print $NF}' | cut -c1-16)

# The fleet API's bearer token (the page asks for it; /metrics is open).
if [ ! -f "$DIR/api.token" ]; then
  (umask 077 && head -c 32 /dev/urandom | base64 -w0 > "$DIR/api.token")
fi

# mosquitto started as root reads its files as the mosquitto user: leave the password file as mosquitto_passwd makes it.
mosquitto_passwd -c -b "$DIR/passwd" fleet pw-fleet
STORE_ARGS=()
for i in $(seq 1 "$STORES"); do
  mosquitto_passwd -b "$DIR/passwd" "store-$i" "pw-store-$i"
  STORE_ARGS+=("--Fleet:KnownStores:$((i - 1))=store-$i")
done
cat > "$DIR/acl" <<ACL
user fleet
topic read $ROOT/+/deltas
topic read $ROOT/+/fetch
topic write $ROOT/+/profiles
topic write $ROOT/+/receipts

pattern write $ROOT/%u/deltas
pattern write $ROOT/%u/fetch
pattern read $ROOT/%u/profiles
pattern read $ROOT/%u/receipts

# The agents' cloud telemetry (Cloud:Transport=Mqtt, Cloud:ClientId = the store): each store writes only its own.
topic read edgeagent/+/metrics
topic read edgeagent/+/reported
pattern write edgeagent/%u/+
pattern read edgeagent/%u/desired
pattern read edgeagent/%u/methods/+
ACL
cat > "$DIR/mosquitto.conf" <<CONF
listener $MQTT_PORT 127.0.0.1
allow_anonymous false
password_file $DIR/passwd
acl_file $DIR/acl
persistence false
CONF

mkdir -p "$DIR/redis"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DIR/redis" --appendonly yes --appendfsync always --save "" \
  > "$DIR/redis.log" 2>&1 &
PIDS+=($!)
mosquitto -c "$DIR/mosquitto.conf" > "$DIR/mosquitto.log" 2>&1 &
PIDS+=($!)
echo "redis      127.0.0.1:$REDIS_PORT   (log $DIR/redis.log)"
echo "uplink     127.0.0.1:$MQTT_PORT   mosquitto, logins store-1..store-$STORES (password pw-<store>), fleet"
for i in $(seq 0 $((SILOS - 1))); do
  dotnet "$DLL" --Fleet:RedisConnectionString=127.0.0.1:$REDIS_PORT \
    --Fleet:SiloPort=$((11111 + i)) --Fleet:GatewayPort=$((30000 + i)) \
    --Fleet:UplinkHost=127.0.0.1 --Fleet:UplinkPort=$MQTT_PORT --Fleet:UplinkUsername=fleet --Fleet:UplinkPassword=pw-fleet \
    --Fleet:KeyFingerprints:0="$FINGERPRINT" "${STORE_ARGS[@]}" \
    --Fleet:HttpPort=$((8090 + i)) --Fleet:ApiTokenFile="$DIR/api.token" > "$DIR/silo-$i.log" 2>&1 &
  PIDS+=($!)
  echo "silo $i     silo port $((11111 + i)), gateway $((30000 + i)), http://127.0.0.1:$((8090 + i))/   (log $DIR/silo-$i.log)"
done
echo "key        $DIR/tokenization.key   fingerprint $FINGERPRINT"
for i in $(seq 1 "$AGENTS"); do
  mkdir -p "$DIR/agent-$i"
  dotnet "$AGENT_DLL" run --Storage:Path="$DIR/agent-$i" \
    --Mqtt:Port=$((AGENT_MQTT_PORT + i - 1)) --Http:Urls=http://127.0.0.1:$((AGENT_HTTP_PORT + i - 1)) \
    --Tokenization:KeyFile="$DIR/tokenization.key" \
    --Fleet:Host=127.0.0.1 --Fleet:Port=$MQTT_PORT --Fleet:StoreId=store-$i --Fleet:Username=store-$i --Fleet:Password=pw-store-$i \
    --Cloud:Transport=Mqtt --Cloud:Host=127.0.0.1 --Cloud:Port=$MQTT_PORT --Cloud:UseTls=false \
    --Cloud:ClientId=store-$i --Cloud:Username=store-$i --Cloud:Password=pw-store-$i \
    > "$DIR/agent-$i.log" 2>&1 &
  PIDS+=($!)
  echo "agent $i    store-$i: terminals mqtt://127.0.0.1:$((AGENT_MQTT_PORT + i - 1)) (pos/<store>/<terminal>/payments), status http://127.0.0.1:$((AGENT_HTTP_PORT + i - 1))/   (log $DIR/agent-$i.log)"
done
echo "fleet page and API token: $DIR/api.token"
echo "another store's agent points at the fleet (its link, and its snapshots into the fleet view) with:"
echo "                --Fleet:Host=127.0.0.1 --Fleet:Port=$MQTT_PORT --Fleet:StoreId=store-N --Fleet:Username=store-N --Fleet:Password=pw-store-N"
echo "                --Cloud:Transport=Mqtt --Cloud:Host=127.0.0.1 --Cloud:Port=$MQTT_PORT --Cloud:UseTls=false"
echo "                --Cloud:ClientId=store-N --Cloud:Username=store-N --Cloud:Password=pw-store-N"
echo "                --Tokenization:KeyFile=$DIR/tokenization.key"
echo "Ctrl-C stops the fleet."
wait
