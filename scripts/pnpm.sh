#!/usr/bin/env bash
# Runs the pinned pnpm: the one on PATH when it is the right version, else installs it globally (root) or
# runs it through npx. corepack's download does not work on these machines.
set -euo pipefail
want=$(node -p "require('$(cd "$(dirname "$0")/.." && pwd)/package.json').packageManager.split('@')[1]")
if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$want" ]; then exec pnpm "$@"; fi
if [ "$(id -u)" = 0 ]; then
  npm install -g --silent "pnpm@$want" >&2 && exec pnpm "$@"
fi
exec npx -y "pnpm@$want" "$@"
