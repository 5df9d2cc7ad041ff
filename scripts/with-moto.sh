#!/usr/bin/env bash
# Runs a command with moto servers on free loopback ports, and stops them whatever happens.
#   AWS_ENDPOINT_URL        a moto server with authentication off (every AWS call of the tests)
#   MOTO_RECORDING_FILE     every request the plain server served, one JSON object a line
#   MOTO_AUTH_ENDPOINT_URL  a second one that verifies SigV4 after its first three actions
#                           (the signature test creates its IAM user with those three)
set -euo pipefail
cd "$(dirname "$0")/.."
state=$(mktemp -d)
pids=()
stop_servers() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  # MOTO_RECORDING_COPY=PATH keeps the plain server's recording for a check after the run.
  if [ -n "${MOTO_RECORDING_COPY:-}" ] && [ -f "$state/plain.recording.jsonl" ]; then cp "$state/plain.recording.jsonl" "$MOTO_RECORDING_COPY"; fi
  if [ "${KEEP_MOTO_LOGS:-}" = "" ]; then rm -rf "$state"; else echo "moto logs kept in $state"; fi
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# start_moto NAME [VAR=VALUE…]: starts a server, waits until it answers, prints its URL.
start_moto() {
  local name=$1; shift
  local port; port=$(free_port)
  env "$@" moto_server -H 127.0.0.1 -p "$port" >"$state/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 150); do
    if python3 -c "import urllib.request, sys; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/data.json', timeout=1)" 2>/dev/null; then
      MOTO_URL="http://127.0.0.1:$port"
      return 0
    fi
    sleep 0.2
  done
  echo "moto server '$name' did not start on port $port; its log:" >&2
  cat "$state/$name.log" >&2
  exit 1
}

# The plain server also records every request it serves (moto's recorder, headers and bodies): the
# IAM contract test reads the calls the shipped Lambdas made from it, told apart by access key id.
export MOTO_RECORDING_FILE=$state/plain.recording.jsonl
start_moto plain MOTO_ENABLE_RECORDING=True MOTO_RECORDER_FILEPATH="$MOTO_RECORDING_FILE"
export AWS_ENDPOINT_URL=$MOTO_URL
# One line per HTTP request it served: `make bench-helper` counts AWS calls with it.
export MOTO_PLAIN_LOG=$state/plain.log
start_moto auth INITIAL_NO_AUTH_ACTION_COUNT=3
export MOTO_AUTH_ENDPOINT_URL=$MOTO_URL
echo "moto servers: $AWS_ENDPOINT_URL (plain), $MOTO_AUTH_ENDPOINT_URL (verifies signatures)"

# moto builds its IAM backend (every AWS managed policy) on the first STS or IAM call, under a lock:
# on a loaded 2-core machine that took longer than the 10 s an STS credential call may take, so a
# credential test that happened to come first failed. Build it once here, before any test runs.
python3 - "$AWS_ENDPOINT_URL" <<'PY'
import sys, urllib.request
scope = "Credential=testing/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0"
request = urllib.request.Request(sys.argv[1] + "/", data=b"Action=GetCallerIdentity&Version=2011-06-15",
                                 headers={"Authorization": "AWS4-HMAC-SHA256 " + scope,
                                          "Content-Type": "application/x-www-form-urlencoded"})
urllib.request.urlopen(request, timeout=120).read()
PY

# The tests talk to moto only: fixed dummy credentials, a fixed region, no profile from the host.
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
"$@"
