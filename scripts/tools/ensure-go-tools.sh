#!/usr/bin/env bash
# Go-built tools for the callers' docs and tracing tests, built from the Go module proxy (pinned versions)
# once into ~/.cache/maas-tools/go-bin and linked into .tools/bin (git-ignored):
#   grpcurl   the docs' gRPC examples (docs/clients.md)
#   jaeger    Jaeger v2: a real OTLP receiver (http/json and http/protobuf on one port) with a query API, for
#             the tracing end-to-end test
# Usage: ensure-go-tools.sh [grpcurl] [jaeger]   (no argument: both). A second run is instant.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cache=${MAAS_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/maas-tools}
GRPCURL_VERSION=v1.9.3
JAEGER_VERSION=v1.76.0
mkdir -p "$root/.tools/bin" "$cache/go-bin"
command -v go >/dev/null || { echo "error: ensure-go-tools.sh needs a Go toolchain (go) on PATH" >&2; exit 1; }

# build NAME VERSION PACKAGE: `go get -tool` in a throw-away module (works where the tool's go.mod has replace
# directives, which `go install pkg@version` refuses), then `go build` of that exact version.
build() {
  local name=$1 version=$2 pkg=$3 out="$cache/go-bin/$1-$2"
  if [ ! -x "$out" ]; then
    local mod
    mod=$(mktemp -d)
    (cd "$mod" && go mod init maas-tools/"$name" >/dev/null 2>&1 && go get -tool "$pkg@$version" >&2 && CGO_ENABLED=0 go build -trimpath -o "$out.tmp" "$pkg" >&2)
    mv "$out.tmp" "$out"
    rm -rf "$mod"
  fi
  ln -sf "$out" "$root/.tools/bin/$name"
}

want=("$@")
[ ${#want[@]} -gt 0 ] || want=(grpcurl jaeger)
for tool in "${want[@]}"; do
  case $tool in
    grpcurl) build grpcurl "$GRPCURL_VERSION" github.com/fullstorydev/grpcurl/cmd/grpcurl ;;
    jaeger) build jaeger "$JAEGER_VERSION" github.com/jaegertracing/jaeger/cmd/jaeger ;;
    *) echo "error: unknown tool $tool (grpcurl, jaeger)" >&2; exit 2 ;;
  esac
done
