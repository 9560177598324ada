#!/usr/bin/env bash
# `make cluster-deploy`: installs charts/maas on the local cluster (make cluster-up) as release "maas"
# in namespace "maas", with charts/maas/ci/local-cluster-values.yaml and the locally built images,
# waits until every pod is Ready, then pushes the sample models (identity, mlp, ocr-cls) through the
# registry's Service with the project's CLI (scripts/register-samples.sh).
#
# - auth is on: a dev API key is generated once into .run/cluster/api-key (its sha256 goes into the
#   chart's keys file, .run/cluster/keys.json); send it as "authorization: Bearer <key>".
# - Consul: a dev agent beside the release (scripts/cluster/consul.yaml).
# - the registry's PVC binds a static hostPath PersistentVolume under .run/cluster/volumes.
# Running it again upgrades the release in place (new images roll the pods).
#
#   scripts/cluster/deploy.sh [HELM-ARGS...]   e.g. --set gateway.replicas=2
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
case "${1:-}" in -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
[ -n "$(holder_pid)" ] || die "the cluster is not running: make cluster-up"
[ -f "$ROOT/services/cli/dist/main.js" ] || die "the CLI is not built: make build"

NAMESPACE=${MAAS_CLUSTER_NAMESPACE:-maas}
RELEASE=maas
t0=$(date +%s)
kubectl=$STATE/kubectl
helm=$STATE/helm
"$ROOT/scripts/cluster/images.sh"
tag=$(cat "$ROOT/.run/images/tag")

# ---- dev API key ------------------------------------------------------------------------------------
if [ ! -s "$STATE/api-key" ]; then
  (umask 077; openssl rand -hex 24 | sed 's/^/maas-dev-/' >"$STATE/api-key")
fi
# The registry checks keys too: the dev key is an admin (it pushes the samples); the services get a key of
# their own (auth.serviceKey, a Secret) to read the registry.
if [ ! -s "$STATE/service-key" ]; then
  (umask 077; openssl rand -hex 24 | sed 's/^/maas-svc-/' >"$STATE/service-key")
fi
key_sha=$(tr -d '\n' <"$STATE/api-key" | sha256sum | cut -d' ' -f1)
svc_sha=$(tr -d '\n' <"$STATE/service-key" | sha256sum | cut -d' ' -f1)
printf '[{"sha256":"%s","tenant":"dev","models":["*"],"roles":["admin"]},{"sha256":"%s","tenant":"maas-services","models":["*"],"roles":["infer"]}]\n' "$key_sha" "$svc_sha" >"$STATE/keys.json"

# ---- namespace, Consul, the registry's volume -------------------------------------------------------
$kubectl get namespace "$NAMESPACE" >/dev/null 2>&1 || $kubectl create namespace "$NAMESPACE" >/dev/null
$kubectl -n "$NAMESPACE" apply -f "$ROOT/scripts/cluster/consul.yaml" >/dev/null
$kubectl -n "$NAMESPACE" create secret generic maas-service-key --from-file=api-key="$STATE/service-key" --dry-run=client -o yaml | $kubectl apply -f - >/dev/null
mkdir -p "$STATE/volumes/registry-models"
chown 10001:10001 "$STATE/volumes/registry-models"
pv_phase=$($kubectl get pv maas-registry-models -o jsonpath='{.status.phase}' 2>/dev/null || true)
if [ "$pv_phase" = Released ]; then
  # The claim was deleted (helm uninstall): free the volume for the next claim; its files stay.
  $kubectl patch pv maas-registry-models --type json -p '[{"op":"remove","path":"/spec/claimRef"}]' >/dev/null
fi
$kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: PersistentVolume
metadata:
  name: maas-registry-models
  labels: {app.kubernetes.io/part-of: maas-local-cluster}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: maas-local
  hostPath: {path: $STATE/volumes/registry-models, type: Directory}
EOF
$kubectl -n "$NAMESPACE" rollout status deployment/consul --timeout 120s >/dev/null

# ---- the release ------------------------------------------------------------------------------------
say "helm upgrade --install $RELEASE (images $tag)"
$helm upgrade --install "$RELEASE" "$ROOT/charts/maas" --namespace "$NAMESPACE" \
  -f "$ROOT/charts/maas/ci/local-cluster-values.yaml" --set "image.tag=$tag" \
  --set-file "auth.keysFile=$STATE/keys.json" --set auth.serviceKey.existingSecret=maas-service-key --wait --timeout 10m "$@" >/dev/null
say "release ready in $(( $(date +%s) - t0 ))s"

# ---- sample models, through the registry Service ----------------------------------------------------
registry_ip=$($kubectl -n "$NAMESPACE" get service "$RELEASE-registry" -o jsonpath='{.spec.clusterIP}')
grpc_port=$($kubectl -n "$NAMESPACE" get service "$RELEASE-registry" -o jsonpath='{.spec.ports[?(@.name=="grpc")].port}')
MAAS_API_KEY=$(cat "$STATE/api-key") MAAS_REGISTRY_ADDRESS=$registry_ip:$grpc_port MAAS_ACTOR=cluster-deploy "$STATE/exec" "$ROOT/scripts/register-samples.sh"
gateway_ip=$($kubectl -n "$NAMESPACE" get service "$RELEASE-gateway" -o jsonpath='{.spec.clusterIP}')
cat >"$STATE/endpoints" <<EOF
namespace=$NAMESPACE
release=$RELEASE
gateway=$gateway_ip
registry=$registry_ip:$grpc_port
EOF
say "deployed in $(( $(date +%s) - t0 ))s: gateway $gateway_ip (gRPC 8001, HTTP 8000), API key in .run/cluster/api-key"
