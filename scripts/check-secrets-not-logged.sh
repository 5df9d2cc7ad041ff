#!/usr/bin/env bash
# Fails when any secret the tests recorded (plaintext codes, ciphertext prefixes) appears in the
# captured output of the test run. Usage: check-secrets-not-logged.sh LEDGER OUTPUT
set -euo pipefail
ledger=$1 output=$2
if [ ! -s "$ledger" ]; then
  echo "secret check: the tests recorded no secrets in $ledger: the sender tests did not run" >&2
  exit 1
fi
count=$(sort -u "$ledger" | wc -l)
if leaked=$(grep -F -f <(sort -u "$ledger") "$output"); then
  echo "secret check: a plaintext code or ciphertext appears in the test run's output:" >&2
  echo "$leaked" | head -5 | cut -c1-200 >&2
  exit 1
fi
echo "secret check: none of the $count codes and ciphertexts the tests made appears in the run's output"
