#!/usr/bin/env bash
# In a GitHub Actions job with `permissions: id-token: write`: runs the command as RELEASE_ROLE_ARN,
# through the job's OIDC token (sts:AssumeRoleWithWebIdentity: no stored keys). The token goes to a
# file only this user can read (not onto a command line), and the AWS CLI the command runs assumes
# the role from it (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE); the credentials live only in that
# command's processes.
#   RELEASE_ROLE_ARN=arn:aws:iam::111122223333:role/release scripts/with-ci-aws-role.sh scripts/publish-release.sh dist/release/0.17.0
# The role's trust policy names token.actions.githubusercontent.com, the audience sts.amazonaws.com,
# and the subject the job's token carries: repo:OWNER/NAME:environment:release for a job in the
# "release" environment (release.yml's).
set -euo pipefail
: "${RELEASE_ROLE_ARN:?set RELEASE_ROLE_ARN to the role the release publishes with}"
: "${ACTIONS_ID_TOKEN_REQUEST_URL:?no OIDC token endpoint: the job needs permissions: id-token: write}"
: "${ACTIONS_ID_TOKEN_REQUEST_TOKEN:?no OIDC token endpoint: the job needs permissions: id-token: write}"
token_file=$(mktemp)
trap 'rm -f "$token_file"' EXIT
chmod 600 "$token_file"
python3 - "$token_file" <<'PY'
import json, os, sys, urllib.request
request = urllib.request.Request(
    os.environ["ACTIONS_ID_TOKEN_REQUEST_URL"] + "&audience=sts.amazonaws.com",
    headers={"Authorization": "Bearer " + os.environ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]})
with open(sys.argv[1], "w") as out:
    out.write(json.load(urllib.request.urlopen(request, timeout=30))["value"])
PY
# The request token is not the command's business.
unset ACTIONS_ID_TOKEN_REQUEST_TOKEN ACTIONS_ID_TOKEN_REQUEST_URL
AWS_ROLE_ARN=$RELEASE_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE=$token_file AWS_ROLE_SESSION_NAME="release-${GITHUB_RUN_ID:-local}" "$@"
