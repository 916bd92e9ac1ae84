# Shared by scripts/fleet-local.sh and scripts/fleet-bench.sh: the fleet's processes on this machine. Source it after
# setting DIR (a folder for the rig's files), STORES (stores store-1..store-STORES) and ROOT (the uplink's topic root).
# It gives free_port, fleet_files (tokenization key and its FINGERPRINT, logins with STORE_ARGS, the ACL),
# fleet_broker_conf, start_redis, wait_listening, silo_args and link_args; started processes go into PIDS.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

PIDS=()

# fleet_files: the fleet's tokenization key (every store takes the file, Tokenization:KeyFile; the fleet only its
# fingerprint), mosquitto's logins (fleet, store-1..store-STORES: password pw-<login>) and the ACL that makes each login
# its store: a store writes only its own topics, the fleet reads every store's.
fleet_files() {
  if [ ! -f "$DIR/tokenization.key" ]; then
    (umask 077 && echo "k1:$(head -c 32 /dev/urandom | base64 -w0)" > "$DIR/tokenization.key")
  fi
  local key_hex
  key_hex=$(cut -d: -f2 "$DIR/tokenization.key" | base64 -d | od -An -tx1 | tr -d ' \n')
  FINGERPRINT=$(printf 'EdgeAgent tokenization key check v1' | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key_hex" | awk '{print $NF}' | cut -c1-16)
  # mosquitto started as root reads its files as the mosquitto user: leave the password file as mosquitto_passwd makes it.
  mosquitto_passwd -c -b "$DIR/passwd" fleet pw-fleet
  STORE_ARGS=()
  local i
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
topic read edgeagent/+/metrics
topic read edgeagent/+/reported

pattern write $ROOT/%u/deltas
pattern write $ROOT/%u/fetch
pattern read $ROOT/%u/profiles
pattern read $ROOT/%u/receipts

# The agents' cloud sync on this broker (Cloud:Transport=Mqtt, Cloud:ClientId = the store): each store writes only its own.
pattern write edgeagent/%u/+
pattern read edgeagent/%u/desired
pattern read edgeagent/%u/methods/+
ACL
}

# fleet_broker_conf FILE PORT: the uplink broker, logins and ACL from fleet_files. set_tcp_nodelay: without it Nagle's
# algorithm holds small QoS 1 packets.
fleet_broker_conf() {
  cat > "$1" <<CONF
listener $2 127.0.0.1
allow_anonymous false
password_file $DIR/passwd
acl_file $DIR/acl
persistence false
set_tcp_nodelay true
max_inflight_messages 4096
max_queued_messages 1000000
CONF
}

# start_redis PORT: membership and card state, the AOF fsynced on every write.
start_redis() {
  mkdir -p "$DIR/redis"
  redis-server --port "$1" --bind 127.0.0.1 --dir "$DIR/redis" --appendonly yes --appendfsync always --save "" \
    > "$DIR/redis.log" 2>&1 &
  PIDS+=($!)
}

# wait_listening PORT LOG: until something listens on the port; shows the log and fails after 20 s.
wait_listening() {
  for _ in $(seq 1 100); do
    python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "nothing listens on port $1: $2" >&2; cat "$2" >&2; exit 1
}

# silo_args REDIS_PORT UPLINK_PORT: the settings every silo takes (Redis, the uplink and the fleet's login there, the key's
# fingerprint, the stores), into SILO_ARGS.
silo_args() {
  SILO_ARGS=(--Fleet:RedisConnectionString="127.0.0.1:$1" --Fleet:UplinkHost=127.0.0.1 --Fleet:UplinkPort="$2"
    --Fleet:UplinkUsername=fleet --Fleet:UplinkPassword=pw-fleet --Fleet:UplinkUseTls=false --Fleet:KeyFingerprints:0="$FINGERPRINT" "${STORE_ARGS[@]}")
}

# link_args STORE UPLINK_PORT [more]: an agent's link to the fleet as STORE, one word a line.
link_args() {
  local store=$1 port=$2; shift 2
  printf '%s\n' "--Fleet:Host=127.0.0.1" "--Fleet:Port=$port" "--Fleet:StoreId=$store" "--Fleet:Username=$store" \
    "--Fleet:Password=pw-$store" "--Fleet:UseTls=false" "$@"
}
