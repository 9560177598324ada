#!/usr/bin/env bash
# Makes promtool available at .tools/chart/bin/promtool (git-ignored), from Debian bookworm's prometheus
# package: extracted, never installed, so no service starts. The .deb is cached in
# ~/.cache/maas-tools/chart and both files are pinned by sha256. Used by scripts/chart/test.sh (rule
# checks and unit tests) and by test/e2e/alerts.e2e.test.ts (rules fed with a real scrape). Prints the
# binary's path.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$root/.tools/chart/bin
cache=${MAAS_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/maas-tools}/chart
PROM_DEB_VERSION=2.42.0+ds-5+deb12u1
PROM_DEB_SHA256=81d59a24fce84f7fbe97a45a4f2914b6a5881b5cd1db2a6a0e129e515e1a5f55
PROMTOOL_SHA256=14d9c8acdc5d1321dc2092400111c586f09ac350f23f2383d1679b2bf256e583

sha_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }
if sha_ok "$bin/promtool" "$PROMTOOL_SHA256"; then echo "$bin/promtool"; exit 0; fi
mkdir -p "$bin" "$cache"
echo "tools: promtool from Debian prometheus=$PROM_DEB_VERSION" >&2
deb=$cache/prometheus_${PROM_DEB_VERSION}_amd64.deb
if ! sha_ok "$deb" "$PROM_DEB_SHA256"; then
  command -v apt-get >/dev/null || { echo "error: apt-get is needed to fetch promtool (Debian's prometheus package)" >&2; exit 1; }
  (cd "$cache" && apt-get download -qq "prometheus=$PROM_DEB_VERSION" 2>/dev/null) ||
    { apt-get update -qq >/dev/null 2>&1; (cd "$cache" && apt-get download -qq "prometheus=$PROM_DEB_VERSION"); } ||
    { echo "error: apt-get download prometheus=$PROM_DEB_VERSION failed (run as root; the version may have left the mirror: update the pin)" >&2; exit 1; }
fi
sha_ok "$deb" "$PROM_DEB_SHA256" || { echo "error: $deb does not match its pinned sha256" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work/prometheus"
install -m 0755 "$work/prometheus/usr/bin/promtool" "$bin/promtool.new"
sha_ok "$bin/promtool.new" "$PROMTOOL_SHA256" || { echo "error: promtool does not match its pinned sha256" >&2; exit 1; }
mv "$bin/promtool.new" "$bin/promtool"
echo "$bin/promtool"
