#!/usr/bin/env bash
# Downloads Debian packages into a cache outside the repo and unpacks them into a git-ignored tools
# folder, checking each file against a pinned sha256. Nothing is installed system-wide and /etc/apt is
# left alone: bullseye packages come through a throw-away apt configuration.
#
#   fetch-deb.sh SUITE DEST NAME=VERSION=SHA256 [NAME=VERSION=SHA256 ...]
#
# SUITE is "system" (the machine's own apt sources) or a Debian suite name such as "bullseye".
# When the pinned version has left the mirror (security updates replace versions), the current
# candidate is used instead, with a loud warning that names its sha256 so the pin can be updated.
set -euo pipefail

suite=$1; dest=$2; shift 2
cache=${MAAS_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/maas-tools}/debs
mkdir -p "$cache" "$dest"

need_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "error: fetching Debian packages needs root (apt-get). Run as root: sudo $0 $suite $dest $*" >&2
    echo "       or install them yourself and put the binaries on PATH." >&2
    exit 1
  fi
}

apt_opts=()
if [ "$suite" != system ]; then
  conf=${cache%/debs}/apt-$suite
  mkdir -p "$conf/lists/partial" "$conf/archives/partial"
  echo "deb http://deb.debian.org/debian $suite main" >"$conf/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$conf/sources.list" -o "Dir::Etc::SourceParts=-"
            -o "Dir::State::Lists=$conf/lists" -o "Dir::Cache=$conf/cache" -o "APT::Get::List-Cleanup=0")
fi

updated=0
apt_update() {
  [ $updated = 1 ] && return 0
  need_root "$@"
  echo "fetch-deb: apt-get update ($suite)" >&2
  apt-get "${apt_opts[@]}" update -qq >&2 || { echo "error: apt-get update failed for suite $suite" >&2; exit 1; }
  updated=1
}

for spec in "$@"; do
  IFS='=' read -r name version sha <<<"$spec"
  file=$(ls "$cache/${name}_"*"${version#*:}"*_amd64.deb "$cache/${name}_"*"${version#*:}"*_all.deb 2>/dev/null | head -1 || true)
  if [ -z "$file" ]; then
    apt_update
    ( cd "$cache" && apt-get "${apt_opts[@]}" download -qq "$name=$version" >&2 2>/dev/null ) || {
      echo "WARNING: $name=$version is no longer on the mirror; using the current candidate instead." >&2
      ( cd "$cache" && apt-get "${apt_opts[@]}" download -qq "$name" >&2 )
      sha=""
    }
    file=$(ls -t "$cache/${name}_"*.deb | head -1)
  fi
  got=$(sha256sum "$file" | cut -d' ' -f1)
  if [ -n "$sha" ] && [ "$got" != "$sha" ]; then
    echo "error: $file has sha256 $got, expected $sha (pinned in $0's caller)" >&2
    rm -f "$file"; exit 1
  fi
  [ -z "$sha" ] && echo "WARNING: unpinned $(basename "$file") sha256=$got — update the pin." >&2
  dpkg-deb -x "$file" "$dest"
done
