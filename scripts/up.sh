#!/usr/bin/env bash
# Starts the platform locally (the `make up` contract in docs): Redis and a Consul dev agent when none is
# reachable, then every built service as a background process with .run/<name>.pid and .run/<name>.log.
# Idempotent: what already runs is left alone. `--status` only reports. TLS=1 (make up TLS=1) writes a dev CA and
# certificates to .run/tls (scripts/tls/gen-dev-certs.sh) and runs every service with mutual TLS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
run=$root/.run
mkdir -p "$run"
WORKERS=${WORKERS:-1}
REDIS_PORT=${REDIS_PORT:-6379}
CONSUL_PORT=${CONSUL_PORT:-8500}
export MAAS_REDIS_URL=${MAAS_REDIS_URL:-redis://127.0.0.1:$REDIS_PORT}
export MAAS_CONSUL_URL=${MAAS_CONSUL_URL:-http://127.0.0.1:$CONSUL_PORT}
export MAAS_BIND_ADDRESS=${MAAS_BIND_ADDRESS:-127.0.0.1}
export MAAS_ADVERTISE_ADDRESS=${MAAS_ADVERTISE_ADDRESS:-127.0.0.1}
export MAAS_REGISTRY_ROOT=${MAAS_REGISTRY_ROOT:-$run/models}
TLS=${TLS:-0}
tls_dir=$run/tls
consul_tls=()
if [ "$TLS" = 1 ]; then
  scripts/tls/gen-dev-certs.sh "$tls_dir"
  # The CLI (register-samples) and wait-healthy use the caller's pair; each service gets its own below.
  export MAAS_TLS_CA_FILE=$tls_dir/ca.crt MAAS_TLS_CERT_FILE=$tls_dir/client.crt MAAS_TLS_KEY_FILE=$tls_dir/client.key MAAS_TLS_CLIENT_AUTH=require
  # Consul's gRPC health checks must show a client certificate to servers that require one.
  consul_tls=(-hcl 'enable_agent_tls_for_checks = true' -hcl "ca_file = \"$tls_dir/ca.crt\"" -hcl "cert_file = \"$tls_dir/client.crt\"" -hcl "key_file = \"$tls_dir/client.key\"")
fi
tls_env() { # NAME → the env of service NAME's own certificate when TLS=1
  [ "$TLS" = 1 ] || return 0
  echo "MAAS_TLS_CERT_FILE=$tls_dir/maas-$1.crt MAAS_TLS_KEY_FILE=$tls_dir/maas-$1.key"
}

alive() { [ -f "$run/$1.pid" ] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null; }

status() {
  for f in "$run"/*.pid; do
    [ -e "$f" ] || { echo "nothing started (make up)"; return; }
    n=$(basename "$f" .pid)
    if alive "$n"; then echo "  $n: running (pid $(cat "$f"), log .run/$n.log)"; else echo "  $n: not running (see .run/$n.log)"; fi
  done
}
if [ "${1:-}" = --status ]; then status; exit 0; fi
if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
  echo "usage: scripts/up.sh [--status]   (make up WORKERS=n TLS=1)"; exit 0
fi

# start NAME COMMAND... — runs a background process unless it is already running.
start() {
  local name=$1; shift
  if alive "$name"; then echo "  $name: already running"; return 0; fi
  nohup "$@" >>"$run/$name.log" 2>&1 </dev/null &
  echo $! >"$run/$name.pid"
  echo "  $name: started (pid $!)"
}

tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_tcp() { for _ in $(seq 1 100); do tcp_open "$1" && return 0; sleep 0.1; done; echo "port $1 did not open; see .run/$2.log" >&2; return 1; }

echo "maas: starting"
if tcp_open "$REDIS_PORT"; then echo "  redis: reachable on $REDIS_PORT (not started by us)"; else
  start redis .tools/bin/redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no
  wait_tcp "$REDIS_PORT" redis
fi
if tcp_open "$CONSUL_PORT"; then
  echo "  consul: reachable on $CONSUL_PORT (not started by us)"
  [ "$TLS" = 1 ] && echo "  consul: under TLS=1 its gRPC checks need enable_agent_tls_for_checks and .run/tls/client.crt (make down first if it runs without)"
else
  # Consul's own server/serf ports (8300-8302) would collide with the workers' 8301/8302 on one host.
  start consul .tools/bin/consul agent -dev -bind 127.0.0.1 -client 127.0.0.1 -http-port "$CONSUL_PORT" -log-level warn \
    -server-port 18300 -serf-lan-port 18301 -serf-wan-port 18302 -grpc-port 18502 -dns-port 18600 "${consul_tls[@]}"
  wait_tcp "$CONSUL_PORT" consul
fi

# service NAME DIR GRPC_PORT METRICS_PORT [ENV=VALUE ...]
service() {
  local name=$1 dir=$2 grpc=$3 metrics=$4; shift 4
  [ -f "services/$dir/dist/main.js" ] || return 0
  if ! alive "$name"; then
    start "$name" env MAAS_GRPC_PORT="$grpc" MAAS_METRICS_PORT="$metrics" MAAS_INSTANCE_ID="$name" "$@" node "services/$dir/dist/main.js"
  else echo "  $name: already running"; fi
  node scripts/wait-healthy.js "127.0.0.1:$grpc" 60000 || { echo "  $name failed to start; last log lines:"; tail -20 "$run/$name.log"; exit 1; }
}

# shellcheck disable=SC2046 # tls_env prints whitespace-free NAME=VALUE words
service registry registry 8101 8102 $(tls_env registry)
# shellcheck disable=SC2046
service preprocess preprocess 8201 8202 $(tls_env preprocess)
for i in $(seq 1 "$WORKERS"); do
  # shellcheck disable=SC2046
  service "worker-$i" worker $((8301 + (i - 1) * 10)) $((8302 + (i - 1) * 10)) MAAS_WORKER_CACHE_DIR="$run/worker-$i-cache" $(tls_env worker)
done
# shellcheck disable=SC2046
service gateway gateway 8001 8002 MAAS_HTTP_PORT=8000 $(tls_env gateway)
# The scaler acts on worker Deployments through the Kubernetes API; locally there is none to act on.
if [ -n "${MAAS_SCALER_POLICY_FILE:-}" ]; then
  # shellcheck disable=SC2046
  service scaler scaler 8401 8402 MAAS_SCALER_DRY_RUN=true $(tls_env scaler)
else
  echo "  scaler: not started (it scales Kubernetes Deployments; set MAAS_SCALER_POLICY_FILE and a kubeconfig to run it, see docs/scaler.md)"
fi

if [ -x scripts/register-samples.sh ]; then scripts/register-samples.sh; fi

scheme=http
[ "$TLS" = 1 ] && scheme=https
cat <<TXT
maas is up:
  gateway   gRPC 127.0.0.1:8001   HTTP $scheme://127.0.0.1:8000   metrics http://127.0.0.1:8002/metrics
  registry  gRPC 127.0.0.1:8101   metrics http://127.0.0.1:8102/metrics
  redis     $MAAS_REDIS_URL
  consul    $MAAS_CONSUL_URL/ui
  logs      .run/<name>.log    stop with: make down
TXT
if [ "$TLS" = 1 ]; then cat <<TXT
  TLS       mutual: callers need --ca .run/tls/ca.crt --cert .run/tls/client.crt --key .run/tls/client.key
            (maas CLI: export MAAS_TLS_CA_FILE=.run/tls/ca.crt MAAS_TLS_CERT_FILE=.run/tls/client.crt MAAS_TLS_KEY_FILE=.run/tls/client.key)
TXT
fi
status
