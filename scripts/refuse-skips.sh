#!/usr/bin/env bash
# Fails when a Swift Testing run skipped anything. A plain `swift test` skips the suites whose needs
# are missing (moto, ministack, the zips, root, a Python peer, node: Tests/TestSupport/TestNeeds.swift)
# and says why; `make test` provides all of them, so a skip there means something it starts or
# installs went missing, and a run that tested less must not pass as green.
# Usage: refuse-skips.sh OUTPUT_LOG
set -euo pipefail
log=${1:?usage: refuse-skips.sh OUTPUT_LOG}
# Swift Testing's lines: `➜ Suite NAME skipped: "reason"`, `➜ Test NAME skipped.` (no reason given).
if skipped=$(grep -E '^[^ ]+ (Suite|Test) .+ skipped(\.$|: ")' "$log"); then
  echo "refuse-skips: make test provides what every suite needs, yet $(echo "$skipped" | wc -l) skipped:" >&2
  echo "$skipped" | sed 's/^/  /' >&2
  exit 1
fi
