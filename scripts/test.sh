#!/usr/bin/env bash
# The whole test suite: installs what it needs (npm packages, redis-server, curl) and runs vitest.
# The tests start their own redis-server on a free port and stop it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

# redis-server for the state tests; curl for the README's shell example, run as written.
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v curl >/dev/null 2>&1 || missing+=(curl)
# The gRPC TLS and process tests make certificates with openssl and look for stray processes with ps.
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v ps >/dev/null 2>&1 || missing+=(procps)
if [ ${#missing[@]} -gt 0 ]; then
  echo "${missing[*]} not found: installing from Debian's packages"
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
if [ ! -x node_modules/.bin/vitest ] || [ ! -x node_modules/.bin/bun ]; then
  npm install --no-audit --no-fund
fi
# Types first, for the whole suite (vitest strips types without checking them); a run of chosen files skips it.
if [ $# -eq 0 ]; then npm run -s typecheck; fi
# The client SDK's build (dist/): its tests run it on plain Node.
npm run -s build -w @dccrouter/client >/dev/null
exec node_modules/.bin/vitest run "$@"
