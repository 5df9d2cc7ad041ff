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
  # MOTO_LATENCY_COPY=DIR keeps each server's latency log (scripts/moto-latency.py reads them).
  if [ -n "${MOTO_LATENCY_COPY:-}" ]; then mkdir -p "$MOTO_LATENCY_COPY" && cp "$state"/*.latency.jsonl "$MOTO_LATENCY_COPY"/ 2>/dev/null || true; fi
  if [ "${KEEP_MOTO_LOGS:-}" = "" ]; then rm -rf "$state"; else echo "moto logs kept in $state"; fi
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

# start_moto NAME [VAR=VALUE…] [-- LAUNCHER-ARGS…]: starts a server (scripts/moto-server.py, moto's
# own application with a latency log per request), waits until it answers, sets MOTO_URL. The
# launcher listens only once the backends it warms are built, on a port the system picks then
# (written to a file), so the wait allows for a loaded machine and no other process can take it.
start_moto() {
  local name=$1; shift
  local variables=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do variables+=("$1"); shift; done
  [ "${1:-}" = "--" ] && shift
  env ${variables[@]+"${variables[@]}"} python3 scripts/moto-server.py --port-file "$state/$name.port" \
    --latency-log "$state/$name.latency.jsonl" "$@" >"$state/$name.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  local deadline=$((SECONDS + 300))
  while [ $SECONDS -lt $deadline ]; do
    if [ -s "$state/$name.port" ]; then
      local port; port=$(cat "$state/$name.port")
      if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/data.json', timeout=5)" 2>/dev/null; then
        MOTO_URL="http://127.0.0.1:$port"
        return 0
      fi
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "moto server '$name' did not start; its log:" >&2
  cat "$state/$name.log" >&2
  exit 1
}

# The plain server records the requests it serves (headers, and the bodies anyone reads): the IAM
# contract test reads the calls the shipped Lambdas made from it, told apart by access key id, and
# `make test-requests` validates its awsJson requests. Both servers build the backends of every
# service the tests call before they open their port: moto builds them lazily, under a lock every
# request takes, and IAM's (every AWS managed policy) alone took tens of seconds on a loaded machine.
export MOTO_RECORDING_FILE=$state/plain.recording.jsonl
warm=sts,iam,kms,sns,sqs,s3,lambda,cognito-idp,cloudformation
# MOTO_AS_SHIPPED=1 runs moto as `moto_server` does instead (its own recorder, lazy backends but
# IAM's, no `lighten`): what the latency logs of a run are compared with.
if [ -n "${MOTO_AS_SHIPPED:-}" ]; then
  start_moto plain MOTO_ENABLE_RECORDING=True MOTO_RECORDER_FILEPATH="$MOTO_RECORDING_FILE" -- --as-shipped --warm sts
  plain_url=$MOTO_URL
  start_moto auth INITIAL_NO_AUTH_ACTION_COUNT=3 -- --as-shipped
else
  start_moto plain -- --recording "$MOTO_RECORDING_FILE" --warm "$warm"
  plain_url=$MOTO_URL
  start_moto auth INITIAL_NO_AUTH_ACTION_COUNT=3 -- --warm "$warm"
fi
export MOTO_AUTH_ENDPOINT_URL=$MOTO_URL
export AWS_ENDPOINT_URL=$plain_url
# One line per HTTP request it served: `make bench-helper` counts AWS calls with it.
export MOTO_PLAIN_LOG=$state/plain.log
echo "moto servers: $AWS_ENDPOINT_URL (plain), $MOTO_AUTH_ENDPOINT_URL (verifies signatures)"

# The tests talk to moto only: fixed dummy credentials, a fixed region, no profile from the host.
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
"$@"
