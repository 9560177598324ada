#!/usr/bin/env bash
# The benchmark's KServe peer: KServe's Python model server 0.21.0 (PyPI) with Python onnxruntime at
# onnxruntime-node's version, in a virtualenv under .tools/kserve (git-ignored), for bench/peer/kserve/server.py.
# Versions are pinned in bench/peer/kserve/requirements.txt; downloads are cached by pip. A second run is instant
# (the marker holds that file's hash). Prints the venv's bin folder on stdout.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv=$root/.tools/kserve
req=$root/bench/peer/kserve/requirements.txt
want=$(sha256sum "$req" | cut -d' ' -f1)
marker=$venv/.maas-kserve
if [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ] && [ -x "$venv/bin/python" ]; then
  echo "$venv/bin"; exit 0
fi
py=${MAAS_PYTHON:-python3}
"$py" -c 'import sys; sys.exit(0 if (3, 9) <= sys.version_info[:2] <= (3, 12) else 1)' \
  || { echo "error: KServe 0.21 needs Python 3.9-3.12; set MAAS_PYTHON to one" >&2; exit 1; }
[ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r "$req" >&2
echo "$want" >"$marker"
echo "$venv/bin"
