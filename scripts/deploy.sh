#!/usr/bin/env bash
# make deploy STACK=name EMAIL=address [USER_POOL_ID=id SMS_ROLE_ARN=arn] [ARTIFACT_BUCKET=bucket] [DRY_RUN=1]
# Packages the templates' code into S3 (aws cloudformation package) and deploys the stack with the AWS CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${STACK:?set STACK=<stack name, at most 48 characters>}"
: "${EMAIL:?set EMAIL=<the address that receives the codes>}"
template=cfn/new-user-pool.yaml
overrides=("EmailAddress=$EMAIL")
if [ -n "${USER_POOL_ID:-}" ]; then
  template=cfn/existing-user-pool.yaml
  overrides+=("UserPoolId=$USER_POOL_ID")
  [ -n "${SMS_ROLE_ARN:-}" ] && overrides+=("SMSRoleArn=$SMS_ROLE_ARN")
fi
limit=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['Metadata']['SMSRedirect']['MaxStackNameLength'])" "${template%.yaml}.json")
if [ "${#STACK}" -gt "$limit" ]; then
  echo "deploy: the stack name '$STACK' has ${#STACK} characters; these stacks allow at most $limit" >&2
  exit 2
fi
run() { if [ -n "${DRY_RUN:-}" ]; then echo "+ $*"; else "$@"; fi; }
command -v aws >/dev/null || { echo "deploy: the AWS CLI is needed (pip install awscli, or AWS CLI v2)" >&2; exit 2; }
if [ -z "${ARTIFACT_BUCKET:-}" ]; then
  account=$(aws sts get-caller-identity --query Account --output text)
  region=$(aws configure get region || echo "${AWS_REGION:-}")
  ARTIFACT_BUCKET="smsredirect-artifacts-$account-$region"
  aws s3api head-bucket --bucket "$ARTIFACT_BUCKET" 2>/dev/null || run aws s3 mb "s3://$ARTIFACT_BUCKET"
fi
packaged="dist/$(basename "${template%.yaml}").packaged.yaml"
run aws cloudformation package --template-file "$template" --s3-bucket "$ARTIFACT_BUCKET" --output-template-file "$packaged"
run aws cloudformation deploy --template-file "$packaged" --stack-name "$STACK" \
  --capabilities CAPABILITY_IAM --parameter-overrides "${overrides[@]}"
run aws cloudformation describe-stacks --stack-name "$STACK" --query "Stacks[0].Outputs" --output table
echo "deploy: confirm the SNS subscription email sent to $EMAIL, then read codes with smsredirect wait-code --queue-url <CodeInboxQueueUrl>"
