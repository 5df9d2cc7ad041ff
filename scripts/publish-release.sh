#!/usr/bin/env bash
# Publishes a release folder (make release) to its buckets, one per region, with the AWS CLI.
#   scripts/publish-release.sh RELEASE_DIR [REGION…]
#
# For each region (default: the manifest's), the bucket <prefix>-<region> (the manifest's prefix, or
# RELEASE_BUCKET_PREFIX) gets every file of the release under <version>/:
#   - the bucket is created when missing; ACLs stay off (BucketOwnerEnforced) and public ACLs blocked;
#   - only release objects are public: a bucket policy grants s3:GetObject on each published
#     <version>/ prefix, and on nothing else;
#   - a release is immutable: if any file is already published with other bytes (or without the
#     checksum this script records), in any region, nothing is uploaded anywhere and the script exits
#     1 naming it; a file is only ever written where none is (If-None-Match: *);
#   - a bucket of the release's name that this account does not own stops the script before any upload;
#   - every uploaded object is read back and its SHA-256 compared with the manifest's;
#   - a re-run on an unchanged release uploads nothing and succeeds.
# AWS_ENDPOINT_URL points it at an emulator (the tests). Needs the AWS CLI (AWS_CLI overrides which) and python3.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: scripts/publish-release.sh RELEASE_DIR [REGION…]" >&2; exit 2; }
release=$1; shift
aws_cli=${AWS_CLI:-aws}
command -v "$aws_cli" >/dev/null || { echo "publish-release: the AWS CLI ($aws_cli) is needed" >&2; exit 2; }
[ -f "$release/manifest.json" ] || { echo "publish-release: $release/manifest.json is missing: make release first" >&2; exit 2; }
(cd "$release" && sha256sum --check --strict --quiet SHA256SUMS) || { echo "publish-release: $release does not match its SHA256SUMS: make release again" >&2; exit 1; }

manifest() { python3 -c 'import json, sys; m = json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"m": m}))' "$release/manifest.json" "$1"; }
version=$(manifest 'm["version"]')
prefix=${RELEASE_BUCKET_PREFIX:-$(manifest 'm["bucketPrefix"]')}
regions=("$@")
[ ${#regions[@]} -gt 0 ] || read -r -a regions <<<"$(manifest '" ".join(m["regions"])')"
# name<TAB>sha256 for every file, the manifest and SHA256SUMS included.
files=$(manifest '"\n".join(f["name"] + "\t" + f["sha256"] for f in m["files"])')
files+=$'\n'"manifest.json"$'\t'"$(sha256sum "$release/manifest.json" | cut -d' ' -f1)"
files+=$'\n'"SHA256SUMS"$'\t'"$(sha256sum "$release/SHA256SUMS" | cut -d' ' -f1)"

# Every bucket call names this account as the owner it expects: a bucket of the release's name that
# someone else owns (bucket names are global) is refused, not written to or read from.
account=$("$aws_cli" sts get-caller-identity --query Account --output text)
owner=(--expected-bucket-owner "$account")

# published_sha BUCKET KEY REGION: the sha256 a published object carries in its metadata; "" when
# there is no such object; "unverifiable" for an object without one. Any other failure stops the
# script: an object that cannot be read must not be taken for one that is not there.
published_sha() {
  local answer
  if answer=$("$aws_cli" s3api head-object --bucket "$1" --key "$2" --region "$3" "${owner[@]}" --query 'Metadata.sha256' --output text 2>&1); then
    if [ "$answer" = None ] || [ -z "$answer" ]; then echo unverifiable; else echo "$answer"; fi
  elif [[ "$answer" == *"(404)"* || "$answer" == *"Not Found"* ]]; then
    echo ""
  else
    echo "publish-release: cannot read s3://$1/$2: $answer" >&2
    return 1
  fi
}

# bucket_state BUCKET REGION: ours, missing, or stops the script (someone else's, or unreadable).
bucket_state() {
  local answer
  if answer=$("$aws_cli" s3api head-bucket --bucket "$1" --region "$2" "${owner[@]}" 2>&1); then
    echo ours
  elif [[ "$answer" == *"(404)"* || "$answer" == *"Not Found"* ]]; then
    echo missing
  else
    echo "publish-release: s3://$1 exists but is not this account's ($account), or cannot be read: $answer" >&2
    return 1
  fi
}

# First, every region: nothing is uploaded if any file would overwrite other bytes. What is
# published is remembered (region/name → sha256) for the upload below.
conflicts=()
declare -A published=()
declare -A state=()
for region in "${regions[@]}"; do
  bucket=$prefix-$region
  state[$region]=$(bucket_state "$bucket" "$region")
  [ "${state[$region]}" = ours ] || continue
  while IFS=$'\t' read -r name sha; do
    found=$(published_sha "$bucket" "$version/$name" "$region")
    published["$region/$name"]=$found
    if [ -n "$found" ] && [ "$found" != "$sha" ]; then
      conflicts+=("s3://$bucket/$version/$name holds other bytes (sha256 $found, this release's $sha)")
    fi
  done <<<"$files"
done
if [ ${#conflicts[@]} -gt 0 ]; then
  echo "publish-release: release $version is already published with other bytes; a release is immutable, so nothing was uploaded:" >&2
  printf '  %s\n' "${conflicts[@]}" >&2
  echo "  (build the release again from its tag, or publish a new version)" >&2
  exit 1
fi

content_type() {
  case $1 in
    *.json) echo application/json ;; *.yaml) echo application/yaml ;; *.md) echo text/markdown ;;
    *.zip) echo application/zip ;; *.tar.gz) echo application/gzip ;; *) echo text/plain ;;
  esac
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for region in "${regions[@]}"; do
  bucket=$prefix-$region
  if [ "${state[$region]}" = missing ]; then
    echo "$region: creating s3://$bucket"
    if [ "$region" = us-east-1 ]; then
      "$aws_cli" s3api create-bucket --bucket "$bucket" --region "$region" >/dev/null
    else
      "$aws_cli" s3api create-bucket --bucket "$bucket" --region "$region" --create-bucket-configuration "LocationConstraint=$region" >/dev/null
    fi
  fi
  "$aws_cli" s3api put-bucket-ownership-controls --bucket "$bucket" --region "$region" "${owner[@]}" \
    --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'
  # Public through the bucket policy only: public ACLs stay blocked.
  "$aws_cli" s3api put-public-access-block --bucket "$bucket" --region "$region" "${owner[@]}" \
    --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=false,RestrictPublicBuckets=false

  uploaded=0 kept=0
  while IFS=$'\t' read -r name sha; do
    key=$version/$name
    if [ "${published["$region/$name"]:-}" = "$sha" ]; then
      kept=$((kept + 1))
      continue
    fi
    # Only where nothing is: a concurrent publish of other bytes loses here instead of overwriting.
    if ! answer=$("$aws_cli" s3api put-object --bucket "$bucket" --key "$key" --region "$region" "${owner[@]}" --body "$release/$name" \
      --content-type "$(content_type "$name")" --metadata "sha256=$sha" --if-none-match '*' 2>&1); then
      echo "publish-release: s3://$bucket/$key could not be written (another publish got there first?): $answer" >&2
      exit 1
    fi
    "$aws_cli" s3api get-object --bucket "$bucket" --key "$key" --region "$region" "${owner[@]}" "$scratch/object" >/dev/null
    read_back=$(sha256sum "$scratch/object" | cut -d' ' -f1)
    if [ "$read_back" != "$sha" ]; then
      echo "publish-release: s3://$bucket/$key read back with sha256 $read_back, not $sha: the upload is corrupt; run the script again" >&2
      exit 1
    fi
    uploaded=$((uploaded + 1))
  done <<<"$files"

  # s3:GetObject on every published version's prefix: the versions are the bucket's top-level prefixes.
  versions=$("$aws_cli" s3api list-objects-v2 --bucket "$bucket" --region "$region" "${owner[@]}" --delimiter / --query 'CommonPrefixes[].Prefix' --output text)
  partition=aws
  case $region in cn-*) partition=aws-cn ;; us-gov-*) partition=aws-us-gov ;; esac
  policy=$(python3 - "$bucket" "$partition" $versions <<'PY'
import json, sys
bucket, partition, versions = sys.argv[1], sys.argv[2], [v.rstrip("/") for v in sys.argv[3:] if v not in ("None", "")]
print(json.dumps({
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "ReleasesArePublic",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": [f"arn:{partition}:s3:::{bucket}/{version}/*" for version in sorted(versions)],
    }],
}))
PY
)
  "$aws_cli" s3api put-bucket-policy --bucket "$bucket" --region "$region" "${owner[@]}" --policy "$policy"
  echo "$region: s3://$bucket/$version/: $uploaded uploaded and verified, $kept already there"
done
echo "publish-release: release $version is in ${#regions[@]} region(s): ${regions[*]}"
