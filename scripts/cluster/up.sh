#!/usr/bin/env bash
# `make cluster-up`: a real single-node Kubernetes v1.34 (etcd, kube-apiserver, controller-manager,
# scheduler, containerd + runc, kubelet, kube-proxy in iptables mode, bridge CNI, CoreDNS) inside its
# own network and mount namespaces, so that nothing leaks to the host (containerd's image store is
# kept in .run/images/containerd, with the image cache, so a second cluster-up imports nothing):
#
# - one holder process (`unshare --net --mount --propagation private`) owns the namespaces; every
#   component joins them with nsenter. The node has a veth pair with a private address ($NODE_IP) and
#   no route to the host: no host port is taken, no host iptables rule is written.
# - inside the mount namespace: a tmpfs on /run, an overlay on /var/lib and a bind mount on /var/log
#   (containerd and the kubelet hard-code paths there), and private copies of the sysctls the kubelet
#   would otherwise set for the whole machine (vm.overcommit_memory, kernel.panic, kernel.panic_on_oops).
#   Stopping the holder removes every mount.
# - every cgroup of the cluster lives under /$CGROUP_ROOT in each hierarchy (the kubelet's cgroupRoot);
#   cluster-down removes it.
#
# It leaves .run/cluster/kubectl (kubectl against the cluster), .run/cluster/helm, and
# .run/cluster/exec CMD... (runs CMD in the cluster's network namespace, where pod and Service IPs
# answer). Then it builds and imports the images (scripts/cluster/images.sh). A second run is fast:
# binaries, packages, PKI and images are cached; a running cluster is left as it is.
#
#   scripts/cluster/up.sh           start (or check) the cluster and import the images
#   scripts/cluster/up.sh --status  say whether it runs
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  --status)
    pid=$(holder_pid)
    if [ -n "$pid" ]; then echo "cluster: running (holder pid $pid, node $NODE_IP)"; "$STATE/kubectl" get nodes; else echo "cluster: not running"; fi
    exit 0 ;;
  "") ;;
  *) die "unknown argument '$1' (see --help)" ;;
esac
[ "$(id -u)" = 0 ] || die "the local cluster needs root (namespaces, mounts, cgroups); run as root"

t0=$(date +%s)
"$ROOT/scripts/cluster/ensure-tools.sh"
"$ROOT/scripts/cluster/pki.sh"
PATH=$(node_path)
export PATH
pki=$STATE/pki
mkdir -p "$STATE"/{pids,logs,etc,etcd,containerd,kubelet,var-lib/upper,var-lib/work,var-log,cni-net,sysctl}

# ---- namespaces -------------------------------------------------------------------------------------
if [ -z "$(holder_pid)" ]; then
  [ -f "$HOLDER_PID_FILE" ] && { say "a previous cluster was not stopped cleanly: cleaning up first"; "$ROOT/scripts/cluster/down.sh" --keep-state; }
  mkdir -p "$STATE"/{pids,logs,etc,etcd,containerd,kubelet,var-lib/upper,var-lib/work,var-log,cni-net,sysctl}
  say "starting the namespace holder"
  setsid unshare --net --mount --propagation private -- sleep infinity </dev/null >/dev/null 2>&1 &
  holder=$!
  for _ in $(seq 50); do
    [ "$(readlink /proc/$holder/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
    sleep 0.1
  done
  echo "$holder" >"$HOLDER_PID_FILE"
  readlink "/proc/$holder/ns/mnt" >"$STATE/pids/holder.mntns"
  [ "$(readlink "/proc/$holder/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] || die "unshare did not make a mount namespace"

  # Network: loopback, a veth pair (both ends inside) carrying the node address, a default route into it
  # so Service IPs are routable from the node itself (kube-proxy's DNAT happens in OUTPUT).
  in_ns sh -euc "
    ip link set lo up
    ip link add maas-node0 type veth peer name maas-node1
    ip addr add $NODE_IP/24 dev maas-node0
    ip link set maas-node0 up; ip link set maas-node1 up
    ip route add default dev maas-node0
    echo 1 > /proc/sys/net/ipv4/ip_forward
    echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables
    echo 1 > /proc/sys/net/bridge/bridge-nf-call-ip6tables
  "
  # Mounts (private to the namespace; they go away with the holder).
  for s in vm/overcommit_memory kernel/panic kernel/panic_on_oops kernel/keys/root_maxkeys kernel/keys/root_maxbytes; do
    f=$STATE/sysctl/${s//\//.}; cat "/proc/sys/$s" >"$f"
  done
  in_ns sh -euc "
    mount -t tmpfs -o mode=755 tmpfs /run
    mkdir -p /run/netns /run/containerd
    mount -t overlay overlay -o lowerdir=/var/lib,upperdir=$STATE/var-lib/upper,workdir=$STATE/var-lib/work /var/lib
    mount --bind $STATE/var-log /var/log
    for s in vm/overcommit_memory kernel/panic kernel/panic_on_oops kernel/keys/root_maxkeys kernel/keys/root_maxbytes; do
      f=$STATE/sysctl/\$(echo \$s | tr / .)
      mount --bind \$f /proc/sys/\$s
    done
  "
fi
holder=$(holder_pid)

# ---- cgroups ----------------------------------------------------------------------------------------
for h in /sys/fs/cgroup/*/; do
  [ -d "$h" ] || continue
  mkdir -p "$h$CGROUP_ROOT"
  if [ -f "${h}cpuset.cpus" ] && [ -z "$(cat "$h$CGROUP_ROOT/cpuset.cpus" 2>/dev/null)" ]; then
    cat "${h}cpuset.cpus" >"$h$CGROUP_ROOT/cpuset.cpus"; cat "${h}cpuset.mems" >"$h$CGROUP_ROOT/cpuset.mems"
  fi
done

# ---- configuration ----------------------------------------------------------------------------------
etc=$STATE/etc
cat >"$etc/resolv.conf" <<EOF
nameserver $NODE_IP
EOF
cat >"$STATE/cni-net/10-maas-bridge.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "maas-pods",
  "plugins": [
    {
      "type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": { "type": "host-local", "dataDir": "$STATE/cni-ipam", "ranges": [[{ "subnet": "$POD_CIDR" }]],
                "routes": [{ "dst": "0.0.0.0/0" }] }
    },
    { "type": "loopback" }
  ]
}
EOF
cat >"$etc/containerd.toml" <<EOF
version = 2
root = "$ROOT/.run/images/containerd"
state = "/run/containerd"
oom_score = 0
[grpc]
  address = "/run/containerd/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10"
  # No CAP_SYS_RESOURCE in these VMs: lowering oom_score_adj fails, so never ask for it.
  restrict_oom_score_adj = true
  enable_cdi = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$TOOLS/usr/bin/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$TOOLS/usr/lib/cni"
    conf_dir = "$STATE/cni-net"
EOF
cat >"$etc/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: /$CGROUP_ROOT
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $pki/ca.crt}
authorization: {mode: Webhook}
clusterDNS: [$NODE_IP]
clusterDomain: $CLUSTER_DOMAIN
resolvConf: $etc/resolv.conf
tlsCertFile: $pki/kubelet.crt
tlsPrivateKeyFile: $pki/kubelet.key
address: $NODE_IP
healthzBindAddress: 127.0.0.1
failSwapOn: false
protectKernelDefaults: false
# The disk is shared with other work: never evict pods or collect the imported images because of it.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "100Mi"}
maxPods: 60
serializeImagePulls: false
syncFrequency: 10s
fileCheckFrequency: 10s
EOF
cat >"$etc/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $pki/kube-proxy.kubeconfig}
mode: iptables
clusterCIDR: $CLUSTER_CIDR
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# Leave conntrack alone: its settings are global /sys/module parameters, shared with the host.
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
EOF
cat >"$etc/Corefile" <<EOF
.:53 {
  bind $NODE_IP
  errors
  health 127.0.0.1:8080
  kubernetes $CLUSTER_DOMAIN in-addr.arpa ip6.arpa {
    kubeconfig $pki/coredns.kubeconfig maas-local
    pods insecure
    fallthrough in-addr.arpa ip6.arpa
  }
  cache 5
}
EOF

# ---- processes --------------------------------------------------------------------------------------
# start NAME CMD...: runs CMD in the namespaces (unless its recorded pid still runs), logs to logs/NAME.log.
start() {
  local name=$1; shift
  local pidf=$STATE/pids/$name
  if [ -f "$pidf" ] && [ -d "/proc/$(cat "$pidf")" ] && [ "$(readlink "/proc/$(cat "$pidf")/ns/mnt")" = "$(cat "$STATE/pids/holder.mntns")" ]; then
    return 0
  fi
  setsid nsenter --target "$holder" --net --mount -- "$@" </dev/null >>"$STATE/logs/$name.log" 2>&1 &
  echo $! >"$pidf"
}
# wait_for WHAT SECONDS CMD...: retries CMD until it succeeds.
wait_for() {
  local what=$1 secs=$2; shift 2
  local deadline=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || { say "$what did not come up within ${secs}s; its log:"; tail -n 30 "$STATE/logs/$what.log" >&2 || true; exit 1; }
    sleep 0.3
  done
}
k() { in_ns kubectl --kubeconfig "$pki/admin.kubeconfig" "$@"; }

start etcd etcd --data-dir "$STATE/etcd" --listen-client-urls http://127.0.0.1:2379 \
  --advertise-client-urls http://127.0.0.1:2379 --listen-peer-urls http://127.0.0.1:2380 \
  --initial-advertise-peer-urls http://127.0.0.1:2380 --initial-cluster default=http://127.0.0.1:2380 \
  --log-level warn
start kube-apiserver kube-apiserver --etcd-servers http://127.0.0.1:2379 \
  --advertise-address "$NODE_IP" --bind-address 0.0.0.0 --secure-port 6443 \
  --service-cluster-ip-range "$SERVICE_CIDR" --client-ca-file "$pki/ca.crt" \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --service-account-issuer "https://kubernetes.default.svc.$CLUSTER_DOMAIN" \
  --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority "$pki/ca.crt" --kubelet-preferred-address-types InternalIP \
  --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --allow-privileged=true \
  --profiling=false --v=0
start containerd containerd --config "$etc/containerd.toml"
start coredns coredns -conf "$etc/Corefile"
wait_for kube-apiserver 120 k get --raw /readyz
start kube-controller-manager kube-controller-manager --kubeconfig "$pki/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$pki/controller-manager.kubeconfig" --authorization-kubeconfig "$pki/controller-manager.kubeconfig" \
  --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
  --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
  --use-service-account-credentials --bind-address 127.0.0.1 --leader-elect=false \
  --service-cluster-ip-range "$SERVICE_CIDR" --profiling=false --v=0
start kube-scheduler kube-scheduler --kubeconfig "$pki/scheduler.kubeconfig" \
  --authentication-kubeconfig "$pki/scheduler.kubeconfig" --authorization-kubeconfig "$pki/scheduler.kubeconfig" \
  --bind-address 127.0.0.1 --leader-elect=false --profiling=false --v=0
wait_for containerd 60 in_ns ctr --address /run/containerd/containerd.sock version
start kubelet kubelet --config "$etc/kubelet.yaml" --kubeconfig "$pki/kubelet.kubeconfig" \
  --root-dir "$STATE/kubelet" --node-ip "$NODE_IP" --hostname-override "$NODE_NAME" --v=0
start kube-proxy kube-proxy --config "$etc/kube-proxy.yaml"

# ---- helpers left for people and tests -------------------------------------------------------------
cat >"$STATE/exec" <<EOF
#!/usr/bin/env bash
# Runs a command in the local cluster's network namespace (pod and Service IPs answer there).
pid=\$(cat "$HOLDER_PID_FILE" 2>/dev/null) && [ -d "/proc/\$pid" ] || { echo "cluster: not running (make cluster-up)" >&2; exit 1; }
[ "\$#" -gt 0 ] || { echo "usage: \$0 CMD [ARG...]" >&2; exit 2; }
export KUBECONFIG="$pki/admin.kubeconfig" PATH="$TOOLS/bin:\$PATH"
exec nsenter --target "\$pid" --net -- "\$@"
EOF
cat >"$STATE/kubectl" <<EOF
#!/usr/bin/env bash
# kubectl against the local cluster (make cluster-up).
exec "$STATE/exec" "$TOOLS/bin/kubectl" --kubeconfig "$pki/admin.kubeconfig" "\$@"
EOF
cat >"$STATE/helm" <<EOF
#!/usr/bin/env bash
# helm against the local cluster (make cluster-up).
export HELM_CACHE_HOME="$STATE/helm-home/cache" HELM_CONFIG_HOME="$STATE/helm-home/config" HELM_DATA_HOME="$STATE/helm-home/data"
exec "$STATE/exec" "$TOOLS/bin/helm" --kubeconfig "$pki/admin.kubeconfig" "\$@"
EOF
chmod +x "$STATE/exec" "$STATE/kubectl" "$STATE/helm"

node_ready() { k get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' | grep -qx True; }
wait_for kubelet 120 node_ready
wait_for kube-controller-manager 120 k -n default get serviceaccount default
say "node $NODE_NAME Ready in $(( $(date +%s) - t0 ))s"

"$ROOT/scripts/cluster/images.sh"
say "up in $(( $(date +%s) - t0 ))s — $STATE/kubectl get pods -A"
