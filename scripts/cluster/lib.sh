# Shared settings of the local cluster scripts (sourced, not run). Everything the cluster writes lives
# under .run/cluster/ (git-ignored); everything it runs comes from .tools/ and ~/.cache/maas-tools.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STATE=$ROOT/.run/cluster
TOOLS=$ROOT/.tools/cluster          # unpacked Debian packages (containerd, runc, CNI, iptables)
BIN=$ROOT/.tools/bin                # etcd, kube-*, coredns (ensure-kube.sh --cluster)
CACHE=${MAAS_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/maas-tools}

# The node lives in its own network namespace: a veth pair with a private address, no route to the
# host, so no port of the host is used and no host iptables rule is written.
NODE_NAME=maas-node
NODE_IP=10.200.0.1
POD_CIDR=10.244.0.0/24
CLUSTER_CIDR=10.244.0.0/16
SERVICE_CIDR=10.96.0.0/16
KUBERNETES_SVC_IP=10.96.0.1
CLUSTER_DOMAIN=cluster.local
# Every cgroup of the cluster (pods, containers) goes under this one name in each hierarchy, so
# cluster-down can remove exactly what the cluster made; the checkout's path is in the name, so two
# checkouts' clusters (each in its own namespaces) never touch each other's.
CGROUP_ROOT=maas-cluster-$(printf '%s' "$ROOT" | sha256sum | cut -c1-8)

HOLDER_PID_FILE=$STATE/pids/holder

say() { echo "cluster: $*" >&2; }
die() { echo "cluster: error: $*" >&2; exit 1; }

# holder_pid: the pid of the process that keeps the namespaces alive, or nothing.
holder_pid() {
  local pid
  [ -f "$HOLDER_PID_FILE" ] || return 0
  pid=$(cat "$HOLDER_PID_FILE")
  # The pid must still be our holder (pids are reused): it has the mount namespace recorded at start.
  if [ -d "/proc/$pid" ] && [ "$(readlink "/proc/$pid/ns/mnt" 2>/dev/null)" = "$(cat "$STATE/pids/holder.mntns" 2>/dev/null)" ]; then
    echo "$pid"
  fi
}

# in_ns CMD...: runs CMD inside the cluster's network and mount namespaces.
in_ns() {
  local pid; pid=$(holder_pid)
  [ -n "$pid" ] || die "the cluster is not running (make cluster-up)"
  nsenter --target "$pid" --net --mount -- "$@"
}

# node_path: PATH for the node's processes (the unpacked Debian tools first).
node_path() { echo "$TOOLS/wrap:$TOOLS/bin:$TOOLS/usr/bin:$TOOLS/usr/sbin:$BIN:$PATH"; }

export KUBECONFIG=$STATE/pki/admin.kubeconfig
