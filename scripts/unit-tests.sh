#!/usr/bin/env bash
# `make unit`: the suites tagged `.unit` (Swift Testing tags; see Tests/TestSupport/Tags.swift),
# the ones that need no moto, no Python, no built product and no packaging. Swift Testing's
# command line selects by name, so the tagged suites' names become the filter; a tag on a suite
# that is not a struct declaration fails here rather than being skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
suites=$(grep -rhA1 -E '^@Suite\(.*\.tags\(\.unit\)' Tests | grep -oE '^(@Suite\(.*\) )?struct [A-Za-z0-9_]+' | sed -E 's/.*struct //' | sort -u)
tagged=$(grep -rh -E '^@Suite\(.*\.tags\(\.unit\)' Tests | wc -l)
count=$(echo "$suites" | grep -c .)
if [ "$count" -ne "$tagged" ]; then
  echo "unit-tests.sh: $tagged suites are tagged .unit but $count struct names were found after the tags" >&2
  exit 1
fi
echo "unit suites ($count): $(echo $suites)"
$SWIFT build --build-tests
$SWIFT test --skip-build --filter "\.($(echo $suites | tr ' ' '|'))/"
