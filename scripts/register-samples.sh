#!/usr/bin/env bash
# Registers the sample models in the local registry (called by `make up`): identity, mlp (alias
# production) and ocr-cls (PaddleOCR orientation classifier with its image pipeline). Idempotent: a model
# that already has a version is left alone.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
samples=.run/samples
maas() { node services/cli/dist/main.js "$@"; }
node scripts/write-samples.js "$samples"
push() { # name file config [alias]
  if maas models show "$1" >/dev/null 2>&1; then echo "  model $1: already registered"; return; fi
  maas models push "$2" --name "$1" --config "$3" ${4:+--alias "$4"} >/dev/null
  echo "  model $1: registered"
}
push identity "$samples/identity.onnx" "$samples/identity.json"
push mlp "$samples/mlp.onnx" "$samples/mlp.json" production
if [ -f services/preprocess/dist/main.js ]; then
  push ocr-cls "$samples/ocr-cls.tar" "$samples/ocr-cls.json" production
fi
