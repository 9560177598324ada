#!/usr/bin/env bash
# `make cluster-test`: the e2e suite against the deployed release (test/cluster/*.cluster.test.ts), run
# inside the cluster's network namespace so Service IPs answer. It ends with `helm uninstall` (one of
# its checks): run `make cluster-deploy` again before a second run.
#
#   scripts/cluster/test.sh [JEST-ARGS...]     e.g. -t 'helm test'
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
case "${1:-}" in -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
[ -n "$(holder_pid)" ] || die "the cluster is not running: make cluster-up cluster-deploy"
[ -f "$STATE/endpoints" ] || die "nothing deployed: make cluster-deploy"
cd "$ROOT"
t0=$(date +%s)
status=0
"$STATE/exec" node_modules/.bin/jest --ci --selectProjects cluster --runInBand "$@" || status=$?
say "cluster-test done in $(( $(date +%s) - t0 ))s (exit $status)"
exit $status
