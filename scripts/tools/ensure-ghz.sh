#!/usr/bin/env bash
# ghz v0.93.0 (the gRPC load generator the benchmark checks its own load generator against), built from the Go
# module proxy with `go install` into ~/.cache/maas-tools/ghz-v0.93.0/ and linked as .tools/bin/ghz (git-ignored).
# Needs Go 1.21+ on PATH. A second run is instant (the cached binary is reused). Prints the binary's path.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
version=v0.93.0
cache=${MAAS_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/maas-tools}
bin=$cache/ghz-$version/ghz
if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { echo "error: ghz is built with go install; put Go 1.21+ on PATH" >&2; exit 1; }
  mkdir -p "$cache/ghz-$version"
  GOBIN=$cache/ghz-$version go install "github.com/bojand/ghz/cmd/ghz@$version" >&2
fi
mkdir -p "$root/.tools/bin"
ln -sf "$bin" "$root/.tools/bin/ghz"
echo "$bin"
