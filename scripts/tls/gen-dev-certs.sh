#!/usr/bin/env bash
# Writes a development CA and certificates for mutual TLS under OUT_DIR (default .run/tls):
#   ca.crt ca.key                     the dev CA (keep ca.key private; only ca.crt is handed out)
#   maas-<service>.crt/.key           one pair per service (gateway, registry, preprocess, worker, scaler);
#                                     SANs: the service name, localhost, 127.0.0.1; usable as server and client
#   client.crt client.key             a caller's pair (CLI, tritonclient, Consul's TLS health checks)
# Existing files are kept (idempotent) unless --force. Not for production: use cert-manager or your PKI there.
set -euo pipefail
out=.run/tls
force=0
days=397
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    --days) days=$2; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; echo "usage: $0 [OUT_DIR] [--force] [--days N]"; exit 0 ;;
    *) out=$1 ;;
  esac
  shift
done
command -v openssl >/dev/null || { echo "gen-dev-certs: openssl is needed (apt-get install openssl)" >&2; exit 1; }
mkdir -p "$out"
chmod 700 "$out"
if [ $force = 0 ] && [ -f "$out/ca.crt" ] && [ -f "$out/client.crt" ] && openssl x509 -checkend 86400 -noout -in "$out/ca.crt" >/dev/null; then
  echo "  tls: keeping the certificates in $out (--force to make new ones)"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; chmod 600 "$1"; }

key "$out/ca.key"
openssl req -x509 -new -key "$out/ca.key" -out "$out/ca.crt" -days $((days * 2)) -subj "/CN=maas dev CA $(date +%s)" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

# leaf NAME SAN...
leaf() {
  local name=$1; shift
  local san
  san=$(printf '%s,' "$@"); san=${san%,}
  key "$out/$name.key"
  openssl req -new -key "$out/$name.key" -out "$tmp/$name.csr" -subj "/CN=$name" 2>/dev/null
  printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n' "$san" >"$tmp/$name.ext"
  openssl x509 -req -in "$tmp/$name.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial -CAserial "$tmp/ca.srl" \
    -days "$days" -sha256 -extfile "$tmp/$name.ext" -out "$out/$name.crt" 2>/dev/null
}
for service in gateway registry preprocess worker scaler; do
  leaf "maas-$service" "DNS:maas-$service" DNS:localhost IP:127.0.0.1
done
leaf client DNS:maas-client DNS:localhost IP:127.0.0.1
echo "  tls: wrote a dev CA and certificates to $out (ca.crt, client.crt, client.key, maas-<service>.crt/.key)"
