#!/usr/bin/env bash
# `make cluster-down`: stops the local cluster and removes everything it made. Only processes the
# cluster started are stopped, each by its pid: the components recorded in .run/cluster/pids, the
# containers found in the cluster's own cgroups (/$CGROUP_ROOT), and the containerd shims found in the
# cluster's own mount namespace. Then the cgroups are removed and, with the holder, every mount.
# The built images (.run/images, with containerd's image store) and the caches stay, so the next
# cluster-up is fast; `rm -rf .run/images` drops them.
#
#   scripts/cluster/down.sh              stop and remove .run/cluster
#   scripts/cluster/down.sh --keep-state stop, keep .run/cluster (used by cluster-up after a crash)
set -uo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
case "${1:-}" in
  -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  --keep-state) keep=1 ;;
  "") keep=0 ;;
  *) die "unknown argument '$1' (see --help)" ;;
esac

mntns=$(cat "$STATE/pids/holder.mntns" 2>/dev/null || true)

# ours PID: true when PID is still a process of this cluster (its mount namespace is the holder's).
ours() { [ -n "$mntns" ] && [ "$(readlink "/proc/$1/ns/mnt" 2>/dev/null)" = "$mntns" ]; }

# stop NAME...: SIGTERM to each, up to 3 s, then SIGKILL (the apiserver can ignore a SIGTERM for a
# minute; nothing of a cluster being removed needs a long graceful stop).
stop() {
  local n
  for n in "$@"; do stop_one "$n" & done
  wait
}
stop_one() {
  local f=$STATE/pids/$1 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if ours "$pid"; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 15); do ours "$pid" || break; sleep 0.2; done
    ours "$pid" && kill -KILL "$pid" 2>/dev/null
    for _ in $(seq 25); do ours "$pid" || break; sleep 0.2; done
  fi
  rm -f "$f"
}

# cgroup_pids: every process in the cluster's cgroups (the containers and pause processes).
cgroup_pids() { find /sys/fs/cgroup/*/"$CGROUP_ROOT" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u; }

stop kube-proxy kubelet
# Containers: kill what runs in the cluster's cgroups (repeat: a dying shim may restart nothing, but be sure).
for _ in 1 2 3 4 5; do
  pids=$(cgroup_pids)
  [ -z "$pids" ] && break
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null
  sleep 0.5
done
# containerd's store outlives the cluster (.run/images/containerd: the imported images), so its
# containers and sandboxes go now; their snapshots with them.
if [ -n "$mntns" ] && ours "$(cat "$STATE/pids/containerd" 2>/dev/null)"; then
  ctr_() { nsenter --target "$(cat "$HOLDER_PID_FILE")" --net --mount -- "$TOOLS/usr/bin/ctr" --address /run/containerd/containerd.sock -n k8s.io "$@"; }
  for t in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks delete --force "$t" >/dev/null 2>&1; done
  for c in $(ctr_ containers ls -q 2>/dev/null); do ctr_ containers delete "$c" >/dev/null 2>&1; done
fi
stop containerd
# containerd shims outlive containerd on purpose; they are in the cluster's mount namespace.
if [ -n "$mntns" ]; then
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [ "$pid" = "$(cat "$HOLDER_PID_FILE" 2>/dev/null)" ] && continue
    ours "$pid" && kill -KILL "$pid" 2>/dev/null
  done
fi
stop coredns kube-scheduler kube-controller-manager kube-apiserver
stop etcd
stop holder
# Anything left in the namespace (a process started by hand through it) goes too.
if [ -n "$mntns" ]; then
  for p in /proc/[0-9]*; do ours "${p#/proc/}" && kill -KILL "${p#/proc/}" 2>/dev/null; done
fi

# cgroups, deepest first (a cgroup is removed with rmdir once empty).
for h in /sys/fs/cgroup/*/; do
  [ -d "$h$CGROUP_ROOT" ] || continue
  for _ in 1 2 3 4 5; do
    find "$h$CGROUP_ROOT" -depth -type d -exec rmdir {} + 2>/dev/null
    [ -d "$h$CGROUP_ROOT" ] || break
    sleep 0.5
  done
  [ -d "$h$CGROUP_ROOT" ] && echo "cluster: warning: could not remove $h$CGROUP_ROOT (a process is still in it)" >&2
done

rm -f "$STATE/pids/holder.mntns"
if [ "$keep" = 0 ] && [ -d "$STATE" ]; then
  rm -rf "$STATE"
  say "stopped; removed .run/cluster"
else
  say "stopped"
fi
