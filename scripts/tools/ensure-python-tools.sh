#!/usr/bin/env bash
# External clients for interop tests and benchmarks, all git-ignored under .tools/:
#   .tools/py               a virtualenv with tritonclient[grpc,http] 2.73.0 and numpy (pinned)
#   .tools/bin/perf_analyzer  Triton's load generator. PyPI's `perf-analyzer` 0.1.0 is an empty placeholder,
#                           so the binary comes from the manylinux wheel of tritonclient 2.41.0 (sha256
#                           pinned), with libb64 (Debian, pinned) and libcudart 12 (PyPI
#                           nvidia-cuda-runtime-cu12, which loads fine without a GPU) beside it.
# A second run is instant (marker file); downloads are cached by pip and in ~/.cache/maas-tools.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tools=$root/.tools
venv=$tools/py
marker=$venv/.maas-tools-v2
[ -f "$marker" ] && [ -x "$tools/bin/perf_analyzer" ] && exit 0
mkdir -p "$tools/bin"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
pip=("$venv/bin/pip" install -q --disable-pip-version-check)
"${pip[@]}" "tritonclient[grpc,http]==2.73.0" "numpy<3" "nvidia-cuda-runtime-cu12==12.9.79" >&2

cache=${MAAS_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/maas-tools}
wheel=$cache/tritonclient-2.41.0-py3-none-manylinux1_x86_64.whl
wheel_sha=cf4ed5df836fa99937678a9fd852f86ba05c7b83656dd0a540e20afdb9ab4629
if [ ! -f "$wheel" ]; then
  mkdir -p "$cache"
  "$venv/bin/pip" download -q --disable-pip-version-check --no-deps --only-binary=:all: --platform manylinux1_x86_64 \
    --python-version 3.11 -d "$cache" "tritonclient==2.41.0" >&2
fi
echo "$wheel_sha  $wheel" | sha256sum -c --quiet - || { echo "error: $wheel does not match its pinned sha256" >&2; rm -f "$wheel"; exit 1; }
pa=$tools/perf-analyzer
rm -rf "$pa" && mkdir -p "$pa"
(cd "$pa" && "$venv/bin/python" -m zipfile -e "$wheel" . >/dev/null && mv tritonclient-2.41.0.data/data/bin/perf_analyzer . && rm -rf tritonclient* && chmod +x perf_analyzer)
"$root/scripts/tools/fetch-deb.sh" system "$pa/libb64" "libb64-0d=1.2-5+b1=b0e1d6fde8bdccc18c3884144aede064dc82464dd4777275fa80e74c05583e82"
cudart=$(dirname "$(find "$venv" -name 'libcudart.so.12' | head -1)")
cat >"$tools/bin/perf_analyzer" <<SH
#!/bin/sh
LD_LIBRARY_PATH="$pa/libb64/usr/lib/x86_64-linux-gnu:$cudart\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "$pa/perf_analyzer" "\$@"
SH
chmod +x "$tools/bin/perf_analyzer"
touch "$marker"
