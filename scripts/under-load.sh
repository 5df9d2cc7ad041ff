#!/usr/bin/env bash
# Runs a command while a competing CPU load runs beside it, as on a CI machine that is busy with
# other work: stress-ng keeps LOAD_WORKERS (default: one per core) busy, and is stopped whatever
# happens. The load is bounded in time (LOAD_SECONDS, default an hour) and touches nothing else.
#   scripts/under-load.sh make test-moto
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v stress-ng >/dev/null; then
  echo "installing Debian's stress-ng (the competing load)"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq stress-ng >/dev/null
fi
workers=${LOAD_WORKERS:-$(nproc)}
stress-ng --cpu "$workers" --cpu-method matrixprod --timeout "${LOAD_SECONDS:-3600}" --quiet &
load=$!
trap 'kill "$load" 2>/dev/null || true; wait "$load" 2>/dev/null || true' EXIT
sleep 1
# A run that passes with no load beside it proves nothing: make sure the load is there.
kill -0 "$load" 2>/dev/null || { echo "under-load: stress-ng did not start" >&2; exit 1; }
echo "under load: stress-ng keeps $workers CPU workers busy (pid $load)"
"$@"
