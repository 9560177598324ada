#!/usr/bin/env bash
# The benchmark's peer server: MLServer (PyPI) in its own virtualenv under .tools/mlserver (git-ignored),
# with Python onnxruntime at the same version as onnxruntime-node, for bench/peer/onnx_runtime.py.
# Versions are pinned in bench/peer/requirements.txt. A second run is instant (marker holds that file's hash).
# Prints the venv's bin folder on stdout.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv=$root/.tools/mlserver
req=$root/bench/peer/requirements.txt
want=$(sha256sum "$req" | cut -d' ' -f1)
marker=$venv/.maas-mlserver
if [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ] && [ -x "$venv/bin/mlserver" ]; then
  echo "$venv/bin"; exit 0
fi
py=${MAAS_PYTHON:-python3}
"$py" -c 'import sys; sys.exit(0 if (3, 9) <= sys.version_info[:2] < (3, 13) else 1)' \
  || { echo "error: MLServer 1.7 needs Python 3.9-3.12; set MAAS_PYTHON to one" >&2; exit 1; }
[ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r "$req" >&2
echo "$want" >"$marker"
echo "$venv/bin"
