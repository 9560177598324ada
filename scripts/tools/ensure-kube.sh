#!/usr/bin/env bash
# Makes a real Kubernetes API server available for the scaler's integration tests, under .tools/bin
# (git-ignored): `etcd` and `kube-apiserver`. Only the first run pays; later runs are instant.
#
# - etcd: Debian's `etcd-server` package (the machine's own suite), pinned by version and sha256,
#   downloaded with apt-get and unpacked with dpkg-deb (scripts/tools/fetch-deb.sh); nothing installed.
# - kube-apiserver: built from source with the Go toolchain from the Go module proxy, pinned to
#   KUBE_VERSION. k8s.io/kubernetes is not meant to be a dependency (its go.mod replaces every
#   k8s.io/<staging module> with ./staging/...), so a throwaway module requires it and replaces each
#   staging module with its published v0.X.Y counterpart. The binary is cached outside the repo in
#   ~/.cache/maas-tools/kube/<version>/ (MAAS_TOOLS_CACHE overrides the root).
#
# The build is heavy (first run ~15-25 min on 2 cores): it runs under `nice -n 19` with GOMAXPROCS=2
# (MAAS_KUBE_BUILD_PROCS overrides) so the machine stays usable.
#
# With --cluster it also builds what `make cluster-up` runs, the same way and into the same cache:
# kube-controller-manager, kube-scheduler, kubelet, kube-proxy (one `go build` with the apiserver's
# module, so shared packages compile once; ~6 min more on 2 cores) and CoreDNS (`go install` of a
# pinned release, ~2 GB of modules).
#
#   scripts/tools/ensure-kube.sh            # etcd + kube-apiserver; prints the paths when done
#   scripts/tools/ensure-kube.sh --cluster  # also the node and control-plane binaries and CoreDNS
set -euo pipefail

KUBE_VERSION=${MAAS_KUBE_VERSION:-v1.34.4}
COREDNS_VERSION=v1.11.3
ETCD_PIN="etcd-server=3.4.23-4+b4=3a9445d4560ad6de1c375756b2a17d97713df44cbd20a658c871fe108af7ef5d"

root=$(cd "$(dirname "$0")/../.." && pwd)
tools=$root/.tools
bin=$tools/bin
cache_root=${MAAS_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/maas-tools}
kube_dir=$cache_root/kube/$KUBE_VERSION
coredns_dir=$cache_root/coredns/$COREDNS_VERSION
procs=${MAAS_KUBE_BUILD_PROCS:-2}
case "${1:-}" in
  "") mode=apiserver ;;
  --cluster) mode=cluster ;;
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) echo "error: unknown argument '$1' (expected --cluster or nothing; see --help)" >&2; exit 2 ;;
esac
mkdir -p "$bin"

say() { echo "ensure-kube: $*" >&2; }

# --- etcd -----------------------------------------------------------------------------------------
if [ ! -x "$bin/etcd" ]; then
  if command -v etcd >/dev/null 2>&1 && [ -z "${MAAS_FORCE_FETCH:-}" ]; then
    ln -sf "$(command -v etcd)" "$bin/etcd"
  else
    say "fetching etcd (${ETCD_PIN%=*})"
    "$root/scripts/tools/fetch-deb.sh" system "$tools/etcd" "$ETCD_PIN"
    ln -sf "$tools/etcd/usr/bin/etcd" "$bin/etcd"
  fi
fi

# --- Kubernetes binaries --------------------------------------------------------------------------
# build_kube NAME...: builds the missing k8s.io/kubernetes/cmd/NAME binaries into $kube_dir in one
# `go build` (they share most packages, so one build compiles each package once).
build_kube() {
  local missing=() n
  for n in "$@"; do [ -x "$kube_dir/$n" ] || missing+=("$n"); done
  [ ${#missing[@]} = 0 ] && return 0
  if ! command -v go >/dev/null 2>&1; then
    echo "error: building ${missing[*]} $KUBE_VERSION needs the Go toolchain (go >= 1.24) on PATH." >&2
    echo "       Install Go (https://go.dev/dl/), then run: $0 $*" >&2
    exit 1
  fi
  local minor=${KUBE_VERSION#v1.}; local staging_version=v0.$minor
  local work=$kube_dir/build
  mkdir -p "$work"
  say "building ${missing[*]} $KUBE_VERSION with $(go version | cut -d' ' -f3) in $work"
  say "(first run only: downloads ~1 GB of modules and compiles for minutes under nice)"

  # The staging modules are read from k8s.io/kubernetes's own go.mod, so a new version needs no edit.
  if [ ! -f "$work/go.mod" ]; then
    local kube_mod staging m
    kube_mod=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" \
      | sed -n 's/^\s*"GoMod": "\(.*\)",\?$/\1/p') || {
      echo "error: could not download k8s.io/kubernetes@$KUBE_VERSION from the Go module proxy." >&2
      echo "       Check network access to \$GOPROXY ($(go env GOPROXY)), then run: $0" >&2
      exit 1
    }
    staging=$(sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$kube_mod")
    [ -n "$staging" ] || { echo "error: no staging replaces found in $kube_mod" >&2; exit 1; }
    {
      echo "module maas.local/kube-apiserver-build"
      echo
      echo "go $(sed -n 's/^go \(.*\)/\1/p' "$kube_mod")"
      echo
      echo "require k8s.io/kubernetes $KUBE_VERSION"
      echo
      echo "replace ("
      for m in $staging; do echo "	$m => $m $staging_version"; done
      echo ")"
    } >"$work/go.mod.tmp"
    mv "$work/go.mod.tmp" "$work/go.mod"
    rm -f "$work/go.sum"
  fi

  local pkgs=()
  for n in "${missing[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$n"); done
  say "resolving modules (staging modules at $staging_version)"
  (cd "$work" && GOFLAGS=-mod=mod GOTOOLCHAIN=local go get "${pkgs[@]/%/@$KUBE_VERSION}" >&2)

  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION"
  ldflags="$ldflags -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor%%.*}"
  ldflags="$ldflags -X k8s.io/component-base/version.gitTreeState=clean"
  say "compiling (GOMAXPROCS=$procs, nice -n 19); started $(date +%T)"
  local start; start=$(date +%s)
  local out=$kube_dir/.out.$$
  rm -rf "$out"; mkdir -p "$out"
  (cd "$work" && CGO_ENABLED=0 GOMAXPROCS=$procs GOTOOLCHAIN=local nice -n 19 \
    go build -p "$procs" -trimpath -ldflags "$ldflags" -o "$out/" "${pkgs[@]}" >&2)
  for n in "${missing[@]}"; do mv "$out/$n" "$kube_dir/$n"; done
  rmdir "$out"
  say "built ${missing[*]} in $(( $(date +%s) - start ))s"
}

# --- CoreDNS (cluster DNS of `make cluster-up`) ----------------------------------------------------
# `go install` of the pinned release from the Go module proxy (its go.sum pins every dependency).
build_coredns() {
  [ -x "$coredns_dir/coredns" ] && return 0
  mkdir -p "$coredns_dir"
  say "building coredns $COREDNS_VERSION (first run only: ~2 GB of modules, ~2-5 min under nice)"
  local start; start=$(date +%s)
  (cd "$coredns_dir" && CGO_ENABLED=0 GOMAXPROCS=$procs GOTOOLCHAIN=local GOBIN="$coredns_dir/.bin" nice -n 19 \
    go install -p "$procs" -trimpath -ldflags "-s -w" "github.com/coredns/coredns@$COREDNS_VERSION" >&2)
  mv "$coredns_dir/.bin/coredns" "$coredns_dir/coredns"; rmdir "$coredns_dir/.bin"
  say "built coredns in $(( $(date +%s) - start ))s"
}

if [ "$mode" = cluster ]; then
  build_kube kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy
  build_coredns
  for n in kube-controller-manager kube-scheduler kubelet kube-proxy; do ln -sf "$kube_dir/$n" "$bin/$n"; done
  ln -sf "$coredns_dir/coredns" "$bin/coredns"
else
  build_kube kube-apiserver
fi
ln -sf "$kube_dir/kube-apiserver" "$bin/kube-apiserver"

echo "$bin/etcd"
echo "$bin/kube-apiserver"
if [ "$mode" = cluster ]; then
  for n in kube-controller-manager kube-scheduler kubelet kube-proxy coredns; do echo "$bin/$n"; done
fi
