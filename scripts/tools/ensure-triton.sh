#!/usr/bin/env bash
# The benchmark's Triton peer: Triton Inference Server 2.51.0 from PyPI nvidia-pytriton 0.7.0 (it ships the
# tritonserver binary and the python backend, no onnxruntime backend) with Python onnxruntime at
# onnxruntime-node's version, in a virtualenv under .tools/triton (git-ignored), for bench/peer/triton/model.py.
# Versions are pinned in bench/peer/triton/requirements.txt; downloads are cached by pip. A second run is instant
# (the marker holds that file's hash). Prints what the bench needs as key=value lines:
#   venv            the virtualenv (each model's EXECUTION_ENV_PATH: the python backend starts its stub there,
#                   so the stub's Python finds the venv's numpy and onnxruntime; it ignores PYTHONPATH)
#   tritonserver    the server binary
#   backends        its --backend-directory (python backend, with the stub for this Python)
#   libpython_dir   the folder of the libpython the stub links against (goes on LD_LIBRARY_PATH)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv=$root/.tools/triton
req=$root/bench/peer/triton/requirements.txt
want=$(sha256sum "$req" | cut -d' ' -f1)
marker=$venv/.maas-triton
if ! { [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ]; }; then
  py=${MAAS_PYTHON:-python3}
  "$py" -c 'import sys; sys.exit(0 if (3, 8) <= sys.version_info[:2] <= (3, 12) else 1)' \
    || { echo "error: pytriton 0.7.0 ships python backend stubs for Python 3.8-3.12 here; set MAAS_PYTHON to one" >&2; exit 1; }
  [ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$req" >&2
  echo "$want" >"$marker"
fi
server=$("$venv/bin/python" -c 'import os, pytriton; print(os.path.join(os.path.dirname(pytriton.__file__), "tritonserver"))')
pyver=$("$venv/bin/python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
stub=$server/python_backend_stubs/$pyver/triton_python_backend_stub
[ -x "$stub" ] || { echo "error: pytriton has no python backend stub for Python $pyver ($stub)" >&2; exit 1; }
cmp -s "$stub" "$server/backends/python/triton_python_backend_stub" || cp "$stub" "$server/backends/python/triton_python_backend_stub"
libdir=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR"))')
[ -e "$libdir/libpython$pyver.so.1.0" ] || { echo "error: the python backend stub needs libpython$pyver.so.1.0, not found in $libdir (a Python built with --enable-shared); set MAAS_PYTHON to one" >&2; exit 1; }
echo "venv=$venv"
echo "tritonserver=$server/bin/tritonserver"
echo "backends=$server/backends"
echo "libpython_dir=$libdir"
