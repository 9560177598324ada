#!/usr/bin/env bash
# Writes the local cluster's PKI and kubeconfigs into .run/cluster/pki (openssl only): one CA, the
# apiserver's serving certificate, the kubelet's serving certificate (so logs/exec/port-forward work),
# a client certificate per component, the service-account key pair. Kept across cluster-down/up runs
# of the same checkout unless FRESH=1; the CA is valid for 10 years, every leaf for 1 year.
#
#   scripts/cluster/pki.sh
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
case "${1:-}" in -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac

pki=$STATE/pki
[ -f "$pki/.done" ] && [ "$(cat "$pki/.done")" = "$NODE_IP" ] && exit 0
rm -rf "$pki"; mkdir -p "$pki"; chmod 700 "$pki"
cd "$pki"

openssl genrsa -out ca.key 2048 2>/dev/null
openssl req -x509 -new -nodes -key ca.key -sha256 -days 3650 -subj "/CN=maas-local-cluster-ca" -out ca.crt 2>/dev/null

# cert NAME CN O [SANS]: a key and a CA-signed certificate (client and server usage).
cert() {
  local name=$1 cn=$2 o=$3 sans=${4:-}
  openssl genrsa -out "$name.key" 2048 2>/dev/null
  local subj="/CN=$cn"; [ -n "$o" ] && subj="/O=$o/CN=$cn"
  openssl req -new -key "$name.key" -subj "$subj" -out "$name.csr" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=serverAuth,clientAuth"
    [ -n "$sans" ] && echo "subjectAltName=$sans"
  } >"$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 -sha256 \
    -extfile "$name.ext" -out "$name.crt" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}

cert apiserver kube-apiserver "" \
  "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$CLUSTER_DOMAIN,DNS:localhost,IP:$KUBERNETES_SVC_IP,IP:$NODE_IP,IP:127.0.0.1"
cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
cert admin maas-admin system:masters
cert controller-manager system:kube-controller-manager ""
cert scheduler system:kube-scheduler ""
cert kubelet "system:node:$NODE_NAME" system:nodes "DNS:$NODE_NAME,IP:$NODE_IP"
cert kube-proxy system:kube-proxy ""
cert coredns coredns system:masters
openssl genrsa -out sa.key 2048 2>/dev/null
openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null

# kubeconfig NAME: a kubeconfig that authenticates with NAME's certificate.
kubeconfig() {
  cat >"$1.kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: maas-local
  cluster:
    server: https://$NODE_IP:6443
    certificate-authority: $pki/ca.crt
users:
- name: $1
  user:
    client-certificate: $pki/$1.crt
    client-key: $pki/$1.key
contexts:
- name: maas-local
  context: {cluster: maas-local, user: $1}
current-context: maas-local
YAML
}
for n in admin controller-manager scheduler kubelet kube-proxy coredns; do kubeconfig "$n"; done
chmod 600 ./*.key
echo "$NODE_IP" >.done
