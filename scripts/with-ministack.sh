#!/usr/bin/env bash
# Runs a command with ministack (the CloudFormation engine: scripts/ministack-server.py) on a free
# loopback port, and stops it whatever happens.
#   MINISTACK_ENDPOINT_URL  where it answers (every AWS API it emulates, CloudFormation among them);
#                           AWS_ENDPOINT_URL too, so that the CLI (`smsredirect demo`) reaches it
#   MINISTACK_LOG           its log: the stack events' detail, and what the Lambdas it ran printed
#                           (default: a temporary file, removed unless KEEP_MINISTACK_LOG is set)
# ministack lives in its own virtual environment (make deps): it pins a botocore of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
python=.build/ministack-venv/bin/python
[ -x "$python" ] || { echo "with-ministack: $python is missing: run \`make deps\`" >&2; exit 1; }
state=$(mktemp -d)
export MINISTACK_LOG=${MINISTACK_LOG:-$state/ministack.log}
mkdir -p "$(dirname "$MINISTACK_LOG")"
: >"$MINISTACK_LOG"
pid=""
# ministack runs in a process group of its own (setsid), with the Lambda bootstraps it starts: the
# whole group is stopped, and killed if it has not gone within ten seconds.
stop_group() {
  [ -n "$pid" ] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
}
stop_engine() {
  stop_group
  if [ -n "${KEEP_MINISTACK_LOG:-}" ]; then echo "ministack's log kept in $MINISTACK_LOG"; fi
  rm -rf "$state"
}
trap stop_engine EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ministack takes its port as a setting, so the port is picked just before it starts; another
# process may take it meanwhile, hence a few attempts.
for attempt in 1 2 3; do
  port=$(free_port)
  # Its Lambdas (the helper, the sender) run on this host and call back to it; TMPDIR keeps the
  # code it unpacks inside $state.
  BIND_HOST=127.0.0.1 GATEWAY_PORT=$port MINISTACK_HOST=127.0.0.1 AWS_ENDPOINT_URL=http://127.0.0.1:$port \
    TMPDIR=$state LOG_LEVEL=${MINISTACK_LOG_LEVEL:-INFO} setsid "$python" scripts/ministack-server.py >>"$MINISTACK_LOG" 2>&1 &
  pid=$!
  deadline=$((SECONDS + 120))
  while [ $SECONDS -lt $deadline ] && kill -0 "$pid" 2>/dev/null; do
    # ministack's own health page, and ours still running: not another server that took the port.
    if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/_ministack/health', timeout=5)" 2>/dev/null \
      && kill -0 "$pid" 2>/dev/null && grep -q "port $port" "$MINISTACK_LOG"; then
      export MINISTACK_ENDPOINT_URL=http://127.0.0.1:$port
      break 2
    fi
    sleep 0.2
  done
  stop_group
  echo "with-ministack: attempt $attempt on port $port did not answer" >&2
done
if [ -z "${MINISTACK_ENDPOINT_URL:-}" ]; then
  echo "with-ministack: ministack did not start; its log ($MINISTACK_LOG):" >&2
  tail -50 "$MINISTACK_LOG" >&2
  exit 1
fi
echo "ministack: $MINISTACK_ENDPOINT_URL (log: $MINISTACK_LOG)"
export AWS_ENDPOINT_URL=$MINISTACK_ENDPOINT_URL
# ministack's account only: fixed dummy credentials, a fixed region, no profile from the host.
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
"$@"
