#!/usr/bin/env bash
# Makes redis-server and consul available under .tools/bin (git-ignored), pinned by version and sha256.
# A second run is instant: the .debs stay cached in ~/.cache/maas-tools and the binaries in .tools.
# Prints nothing on success unless something had to be fetched.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tools=$root/.tools
bin=$tools/bin
mkdir -p "$bin"
fetch=$root/scripts/tools/fetch-deb.sh

# Redis 7.0 from the machine's own Debian (bookworm); libjemalloc2 and liblzf1 unpacked beside it.
if [ ! -x "$bin/redis-server" ]; then
  if command -v redis-server >/dev/null 2>&1 && [ -z "${MAAS_FORCE_FETCH:-}" ]; then
    ln -sf "$(command -v redis-server)" "$bin/redis-server"
  else
    "$fetch" system "$tools/redis" \
      "redis-server=5:7.0.15-1~deb12u7=1f43e46f153d1653586e72871dd3e2ea08acba5c3d2b38b02f90d63d16352cac" \
      "redis-tools=5:7.0.15-1~deb12u7=3c8cd27847c6a06b6f6c29e7415a9057462a89661e3a8e2eb8dd5b2d7830bb40" \
      "libjemalloc2=5.3.0-1=a4117c23c5c8acf6c9678a6cb086f000b79476369da7efe8a78a70826956ad3d" \
      "liblzf1=3.6-3=9854b0866201b63e04f1e446f45f01ef4a6f72c61f2250b75f944f6046cc7e8c"
    cat >"$bin/redis-server" <<SH
#!/bin/sh
LD_LIBRARY_PATH="$tools/redis/usr/lib/x86_64-linux-gnu\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "$tools/redis/usr/bin/redis-server" "\$@"
SH
    chmod +x "$bin/redis-server"
  fi
fi

# Consul 1.8.7: Debian bullseye's, the only packaged build.
if [ ! -x "$bin/consul" ]; then
  if command -v consul >/dev/null 2>&1 && [ -z "${MAAS_FORCE_FETCH:-}" ]; then
    ln -sf "$(command -v consul)" "$bin/consul"
  else
    "$fetch" bullseye "$tools/consul" "consul=1.8.7+dfsg1-2+b3=e4e888bba104daba1d9161f49bfc52649a7e4efd45b1a7ead5bc54f2cb9c89d9"
    ln -sf "$tools/consul/usr/bin/consul" "$bin/consul"
  fi
fi
