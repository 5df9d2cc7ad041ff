#!/usr/bin/env bash
# make deploy STACK=name EMAIL=address [USER_POOL_ID=id [SMS_ROLE_ARN=arn]] [REDIRECT_EMAIL=true] [ARTIFACT_BUCKET=bucket] [DRY_RUN=1]
#
#   scripts/deploy.sh --check   checks the input only (the Makefile runs this before the release build)
#   scripts/deploy.sh           checks again, then deploys the build with the static CLI it made:
#                               smsredirect deploy --template cfn/….json --artifacts dist (which uploads
#                               the zips, deploys through a change set, follows the events, prints the outputs)
#
# Bad input exits 2 with what was wrong and what to set. The region is AWS_REGION, else AWS_DEFAULT_REGION,
# else the AWS CLI profile's region when the AWS CLI is there (aws configure get region: a local read, no
# AWS call); the deploy gets it as AWS_REGION. DRY_RUN=1 makes no AWS call at all: it prints the command
# it would run. SMSREDIRECT_CLI names another smsredirect (default: the release build's). Uses only bash
# builtins and python3; the AWS CLI is not needed.
set -euo pipefail
here=${BASH_SOURCE[0]%/*}
[ "$here" = "${BASH_SOURCE[0]}" ] && here=.
cd "$here/.."

mode=deploy
case "${1:-}" in
  --check) mode=check ;;
  "") ;;
  *) echo "deploy: unknown argument '$1' (usage: scripts/deploy.sh [--check], input in STACK, EMAIL, USER_POOL_ID, SMS_ROLE_ARN, ARTIFACT_BUCKET, DRY_RUN)" >&2; exit 2 ;;
esac
dry_run=${DRY_RUN:-}
[ "$dry_run" = 0 ] && dry_run=

errors=()
fail() { errors+=("$1"); }

command -v python3 >/dev/null || { echo "deploy: python3 is needed to read the template's parameters (apt-get install python3)" >&2; exit 2; }

# The template, and its parameters' rules as the JSON twin states them.
template=cfn/new-user-pool.yaml
[ -n "${USER_POOL_ID:-}" ] && template=cfn/existing-user-pool.yaml
twin=${template%.yaml}.json
# field NAME…: one value of the JSON twin (a path of keys), empty if absent.
field() {
  python3 - "$twin" "$@" <<'PY'
import json, sys
value = json.load(open(sys.argv[1]))
for key in sys.argv[2:]:
    value = value.get(key, {}) if isinstance(value, dict) else {}
print("" if value == {} else value)
PY
}
# matches PATTERN VALUE: the whole VALUE matches PATTERN, as CloudFormation applies AllowedPattern.
matches() { python3 -c 'import re, sys; sys.exit(0 if re.fullmatch(sys.argv[1], sys.argv[2]) else 1)' "$1" "$2"; }

# STACK: set, CloudFormation's stack-name pattern, and the template's length limit.
limit=$(field Metadata SMSRedirect MaxStackNameLength)
if [ -z "${STACK:-}" ]; then
  fail "STACK is not set: make deploy STACK=<name> EMAIL=<address> (a letter, then letters, digits and hyphens, at most $limit characters)"
elif ! matches '[a-zA-Z][-a-zA-Z0-9]*' "$STACK"; then
  fail "the stack name '$STACK' is not valid: CloudFormation stack names start with a letter and contain only letters, digits and hyphens ([a-zA-Z][-a-zA-Z0-9]*)"
elif [ "${#STACK}" -gt "$limit" ]; then
  fail "the stack name '$STACK' has ${#STACK} characters; these stacks allow at most $limit (Metadata.SMSRedirect.MaxStackNameLength): choose a shorter STACK"
fi

# EMAIL: the templates' EmailAddress AllowedPattern.
email_pattern=$(field Parameters EmailAddress AllowedPattern)
if [ -z "${EMAIL:-}" ]; then
  fail "EMAIL is not set: make deploy STACK=<name> EMAIL=you@example.com (the address that receives the codes)"
elif ! matches "$email_pattern" "$EMAIL"; then
  fail "EMAIL='$EMAIL' is not an email address (the template's EmailAddress must match $email_pattern): set EMAIL=you@example.com"
fi

# USER_POOL_ID, SMS_ROLE_ARN: the existing-pool template's AllowedPatterns.
if [ -n "${USER_POOL_ID:-}" ]; then
  pool_pattern=$(field Parameters UserPoolId AllowedPattern)
  matches "$pool_pattern" "$USER_POOL_ID" ||
    fail "USER_POOL_ID='$USER_POOL_ID' is not a user pool id such as eu-west-1_AbC123 (the template's UserPoolId must match $pool_pattern): copy the id from the Cognito console"
  if [ -n "${SMS_ROLE_ARN:-}" ]; then
    role_pattern=$(field Parameters SMSRoleArn AllowedPattern)
    matches "$role_pattern" "$SMS_ROLE_ARN" ||
      fail "SMS_ROLE_ARN='$SMS_ROLE_ARN' is not an IAM role ARN such as arn:aws:iam::123456789012:role/my-pool-sms (the template's SMSRoleArn must match $role_pattern): copy it from the pool's Messaging settings, or leave SMS_ROLE_ARN unset if the pool has no SMS role"
  fi
elif [ -n "${SMS_ROLE_ARN:-}" ]; then
  fail "SMS_ROLE_ARN is set without USER_POOL_ID: it is the SMS role of an existing pool; set USER_POOL_ID=<that pool's id> too, or unset SMS_ROLE_ARN to create a new pool (which gets an SMS role of its own)"
fi

# The region: environment first, then the AWS CLI's profile when the AWS CLI is there.
have_aws=
command -v aws >/dev/null && have_aws=1
region=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
region_source="AWS_REGION/AWS_DEFAULT_REGION"
if [ -z "$region" ] && [ -n "$have_aws" ]; then
  region=$(aws configure get region 2>/dev/null || true)
  region_source="the AWS CLI profile (${AWS_PROFILE:-default})"
fi
if [ -z "$region" ]; then
  fail "no AWS Region: set AWS_REGION=<region> (for example AWS_REGION=eu-west-1), or AWS_DEFAULT_REGION, or a region in your AWS CLI profile (aws configure set region <region>)"
elif ! matches '[a-z]{2,}(-[a-z]+)+-[0-9]+' "$region"; then
  fail "the region '$region' (from $region_source) is not an AWS Region name such as eu-west-1: set AWS_REGION"
elif [ -n "${USER_POOL_ID:-}" ] && [[ "$USER_POOL_ID" == *_* ]] && [ "${USER_POOL_ID%%_*}" != "$region" ]; then
  fail "USER_POOL_ID='$USER_POOL_ID' is a pool in ${USER_POOL_ID%%_*}, but the stack would deploy to $region (from $region_source): the stack must be in the pool's Region, set AWS_REGION=${USER_POOL_ID%%_*}"
fi

if [ -n "${ARTIFACT_BUCKET:-}" ] && ! matches '[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]' "$ARTIFACT_BUCKET"; then
  fail "ARTIFACT_BUCKET='$ARTIFACT_BUCKET' is not an S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens): set another, or unset it to use smsredirect-artifacts-<account>-<region>"
fi
if [ -n "${REDIRECT_EMAIL:-}" ] && [ "$REDIRECT_EMAIL" != true ] && [ "$REDIRECT_EMAIL" != false ]; then
  fail "REDIRECT_EMAIL='$REDIRECT_EMAIL' is neither true nor false: set REDIRECT_EMAIL=true to redirect email codes too"
fi

if [ "${#errors[@]}" -gt 0 ]; then
  for error in "${errors[@]}"; do echo "deploy: $error" >&2; done
  exit 2
fi
if [ "$mode" = check ]; then
  echo "deploy: input checked: stack $STACK, $template, region $region${dry_run:+ (dry run: no AWS call will be made)}"
  exit 0
fi

# What a dry run prints: one line per command, "+ " and the words, each quoted for a POSIX shell.
show() {
  local line="+" word
  for word in "$@"; do
    if [[ "$word" =~ ^[A-Za-z0-9_./:=@+,%-]+$ ]]; then line+=" $word"; else line+=" '${word//\'/\'\\\'\'}'"; fi
  done
  printf '%s\n' "$line"
}
run() { if [ -n "$dry_run" ]; then show "$@"; else "$@"; fi; }

cli=${SMSREDIRECT_CLI:-.build-lambda/release/smsredirect}
if [ -z "$dry_run" ]; then
  [ -x "$cli" ] || { echo "deploy: $cli is missing: build it first (make package), or run make deploy, which does" >&2; exit 2; }
  for zip in dist/sender.zip dist/helper.zip dist/encryption-sdk-layer.zip; do
    [ -f "$zip" ] || { echo "deploy: $zip is missing: build it first (make package), or run make deploy, which does" >&2; exit 2; }
  done
fi

# The same deploy a user runs from a release, from this build's template and zips instead.
arguments=(deploy --stack "$STACK" --email "$EMAIL" --template "$twin" --artifacts dist)
if [ -n "${USER_POOL_ID:-}" ]; then
  arguments+=(--user-pool-id "$USER_POOL_ID")
  [ -n "${SMS_ROLE_ARN:-}" ] && arguments+=(--sms-role-arn "$SMS_ROLE_ARN")
fi
[ "${REDIRECT_EMAIL:-}" = true ] && arguments+=(--redirect-email)
[ -n "${ARTIFACT_BUCKET:-}" ] && arguments+=(--artifact-bucket "$ARTIFACT_BUCKET")
run env AWS_REGION="$region" "$cli" "${arguments[@]}"
if [ -z "$dry_run" ]; then
  echo "deploy: confirm the SNS subscription email sent to $EMAIL, then read codes with smsredirect wait-code --queue-url <CodeInboxQueueUrl>"
fi
