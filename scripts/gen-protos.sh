#!/usr/bin/env bash
# Regenerates TypeScript types for every .proto under protos/ into libs/protos/src/generated.
# Generated code is never edited by hand. Options match LOADER_OPTIONS in libs/protos/src/index.ts.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=libs/protos/src/generated
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
mapfile -t files < <(cd protos && find . -name '*.proto' | sed 's#^\./##' | sort)
[ ${#files[@]} -gt 0 ] || { echo "no protos"; exit 0; }
libs/protos/node_modules/.bin/proto-loader-gen-types \
  --keepCase --longs=Number --enums=String --defaults --oneofs --arrays --bytes=Buffer \
  --grpcLib=@grpc/grpc-js --includeDirs protos --outDir "$out.tmp" "${files[@]}" >/dev/null
rm -rf "$out" && mv "$out.tmp" "$out"
