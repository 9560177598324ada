#!/usr/bin/env bash
# The one recipe for a maas service image's application files, used by docker/<service>.Dockerfile
# (in its build stage) and by the local cluster's image builder (scripts/cluster/images.sh):
# compile the service and the libraries it uses, then `pnpm deploy` its production dependencies into
# OUT, with the .proto files beside them (MAAS_PROTO_ROOT=/app/protos in the image). onnxruntime-node
# ships its native library for every platform: all but linux/x64 are dropped (~200 MB).
#
#   docker/build-service.sh SERVICE OUT     e.g. docker/build-service.sh gateway /out
set -euo pipefail
case "${1:-}" in -h|--help|"") sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; [ -n "${1:-}" ]; exit ;; esac
svc=$1; out=${2:?usage: $0 SERVICE OUT}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ -f "services/$svc/package.json" ] || { echo "error: no service '$svc' (expected services/$svc/package.json)" >&2; exit 2; }
pnpm=${PNPM:-pnpm}
$pnpm exec tsc -b "services/$svc"
rm -rf "$out"
$pnpm --filter "@maas/$svc" deploy --prod --legacy --prefer-offline "$out" >&2
find "$out/node_modules" -type d -path '*/onnxruntime-node/bin/napi-v*' -prune 2>/dev/null | while read -r napi; do
  find "$napi" -mindepth 1 -maxdepth 2 -type d \( -path "$napi/darwin" -o -path "$napi/win32" -o -path "$napi/linux/arm64" \) -exec rm -rf {} +
done
mkdir -p "$out/protos"
cp -r protos/. "$out/protos/"
