#!/usr/bin/env bash
# Stops what `make up` started (SIGTERM, then SIGKILL after 15 s), services first, Redis and Consul last.
set -uo pipefail
run=$(cd "$(dirname "$0")/.." && pwd)/.run
[ -d "$run" ] || { echo "nothing to stop"; exit 0; }
stop() {
  local f=$run/$1.pid
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    echo "  $1: stopped"
  fi
  rm -f "$f"
}
for f in "$run"/*.pid; do
  [ -e "$f" ] || continue
  n=$(basename "$f" .pid)
  case $n in redis|consul) ;; *) stop "$n" ;; esac
done
stop consul
stop redis
echo "maas: down"
