#!/usr/bin/env bash
# In a GitHub Actions job with `permissions: id-token: write`: exchanges the job's OIDC token for
# credentials of RELEASE_ROLE_ARN (sts:AssumeRoleWithWebIdentity, no stored keys), then runs the
# command with them. The credentials live only in that command's environment.
#   RELEASE_ROLE_ARN=arn:aws:iam::111122223333:role/release scripts/with-ci-aws-role.sh scripts/publish-release.sh dist/release/0.17.0
# The role's trust policy names token.actions.githubusercontent.com, the audience sts.amazonaws.com,
# and this repository's tags (sub: repo:OWNER/NAME:ref:refs/tags/v*).
set -euo pipefail
: "${RELEASE_ROLE_ARN:?set RELEASE_ROLE_ARN to the role the release publishes with}"
: "${ACTIONS_ID_TOKEN_REQUEST_URL:?no OIDC token endpoint: the job needs permissions: id-token: write}"
: "${ACTIONS_ID_TOKEN_REQUEST_TOKEN:?no OIDC token endpoint: the job needs permissions: id-token: write}"
aws_cli=${AWS_CLI:-aws}
token=$(python3 - <<'PY'
import json, os, urllib.request
request = urllib.request.Request(
    os.environ["ACTIONS_ID_TOKEN_REQUEST_URL"] + "&audience=sts.amazonaws.com",
    headers={"Authorization": "Bearer " + os.environ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"]})
print(json.load(urllib.request.urlopen(request, timeout=30))["value"])
PY
)
credentials=$("$aws_cli" sts assume-role-with-web-identity --role-arn "$RELEASE_ROLE_ARN" \
  --role-session-name "release-${GITHUB_RUN_ID:-local}" --web-identity-token "$token" --duration-seconds 3600 \
  --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
read -r key secret session <<<"$credentials"
AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret AWS_SESSION_TOKEN=$session exec "$@"
