#!/usr/bin/env bash
# What `make test` runs for the cluster: cluster-up, cluster-deploy, cluster-test, then cluster-down
# whatever happened (nothing is left running). Prints how long each step took, and each image's size.
#
#   scripts/cluster/ci.sh
set -uo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
case "${1:-}" in -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
trap '"$ROOT/scripts/cluster/down.sh" >/dev/null 2>&1' EXIT
status=0
for step in up deploy test; do
  t=$(date +%s)
  "$ROOT/scripts/cluster/$step.sh" || { status=$?; say "cluster-$step failed (exit $status)"; break; }
  say "cluster-$step: $(( $(date +%s) - t ))s"
  [ "$step" = up ] && "$ROOT/scripts/cluster/images.sh" --sizes
done
if [ "$status" != 0 ] && [ -n "$(holder_pid)" ]; then
  say "state of the cluster when it failed:"
  "$STATE/kubectl" get pods -A -o wide 2>&1 | head -40 >&2
  "$STATE/kubectl" get events -A --sort-by=.lastTimestamp 2>&1 | tail -30 >&2
fi
exit $status
