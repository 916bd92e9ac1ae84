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
AGENT_HTTP_PORT=${AGENT_HTTP_PORT:-8181}   # the silos take 8090 and up
DIR=${DIR:-/tmp/edgeagent-fleet}
REDIS_PORT=${REDIS_PORT:-6379}
MQTT_PORT=${MQTT_PORT:-1884}
ROOT=edgeagent/fleet
mkdir -p "$DIR"
# shellcheck source=lib/fleet-rig.sh
. scripts/lib/fleet-rig.sh
UPLINK_PORT=$MQTT_PORT
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

fleet_files

# The fleet API's bearer token (the page asks for it; /metrics is open).
if [ ! -f "$DIR/api.token" ]; then
  (umask 077 && head -c 32 /dev/urandom | base64 -w0 > "$DIR/api.token")
fi

fleet_broker_conf "$DIR/mosquitto.conf" "$UPLINK_PORT"
start_redis "$REDIS_PORT"
mosquitto -c "$DIR/mosquitto.conf" > "$DIR/mosquitto.log" 2>&1 &
PIDS+=($!)
wait_listening "$REDIS_PORT" "$DIR/redis.log"
wait_listening "$UPLINK_PORT" "$DIR/mosquitto.log"
silo_args "$REDIS_PORT" "$UPLINK_PORT"
echo "redis      127.0.0.1:$REDIS_PORT   (log $DIR/redis.log)"
echo "uplink     127.0.0.1:$MQTT_PORT   mosquitto, logins store-1..store-$STORES (password pw-<store>), fleet"
for i in $(seq 0 $((SILOS - 1))); do
  dotnet "$DLL" "${SILO_ARGS[@]}" --Fleet:SiloPort=$((11111 + i)) --Fleet:GatewayPort=$((30000 + i)) \
    --Fleet:HttpPort=$((8090 + i)) --Fleet:ApiTokenFile="$DIR/api.token" > "$DIR/silo-$i.log" 2>&1 &
  PIDS+=($!)
  echo "silo $i     silo port $((11111 + i)), gateway $((30000 + i)), http://127.0.0.1:$((8090 + i))/   (log $DIR/silo-$i.log)"
done
echo "key        $DIR/tokenization.key   fingerprint $FINGERPRINT"
for i in $(seq 1 "$AGENTS"); do
  mkdir -p "$DIR/agent-$i"
  dotnet "$AGENT_DLL" run --Storage:Path="$DIR/agent-$i" \
    --Mqtt:Port=$((AGENT_MQTT_PORT + i - 1)) --Http:Urls=http://127.0.0.1:$((AGENT_HTTP_PORT + i - 1)) \
    --Tokenization:KeyFile="$DIR/tokenization.key" $(link_args "store-$i" "$UPLINK_PORT") \
    --Cloud:Transport=Mqtt --Cloud:Host=127.0.0.1 --Cloud:Port=$MQTT_PORT --Cloud:UseTls=false \
    --Cloud:ClientId=store-$i --Cloud:Username=store-$i --Cloud:Password=pw-store-$i \
    > "$DIR/agent-$i.log" 2>&1 &
  PIDS+=($!)
  echo "agent $i    store-$i: terminals mqtt://127.0.0.1:$((AGENT_MQTT_PORT + i - 1)) (pos/<store>/<terminal>/payments), status http://127.0.0.1:$((AGENT_HTTP_PORT + i - 1))/   (log $DIR/agent-$i.log)"
done
echo "fleet page and API token: $DIR/api.token"
echo "another store's agent points at the fleet (its link, and its snapshots into the fleet view) with:"
echo "                --Fleet:Host=127.0.0.1 --Fleet:Port=$MQTT_PORT --Fleet:StoreId=store-N --Fleet:Username=store-N --Fleet:Password=pw-store-N --Fleet:UseTls=false"
echo "                --Cloud:Transport=Mqtt --Cloud:Host=127.0.0.1 --Cloud:Port=$MQTT_PORT --Cloud:UseTls=false"
echo "                --Cloud:ClientId=store-N --Cloud:Username=store-N --Cloud:Password=pw-store-N"
echo "                --Tokenization:KeyFile=$DIR/tokenization.key"
echo "Ctrl-C stops the fleet."
wait
