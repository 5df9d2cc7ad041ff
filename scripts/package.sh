#!/usr/bin/env bash
# Lays out what CloudFormation deploys, from built products:
#   sender.zip                 bootstrap = the launcher (checks for the layer, starts the sender core)
#   helper.zip                 bootstrap = the helper
#   encryption-sdk-layer.zip   smsredirect/sender-core, unpacked by Lambda under /opt
# and checks that every ELF file in them runs on Lambda's glibc 2.34.
# Usage: package.sh PRODUCTS_DIR OUTPUT_DIR
set -euo pipefail
products=$1
mkdir -p "$2"
out=$(cd "$2" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/sender" "$stage/helper" "$stage/layer/smsredirect"
install -m 755 "$products/SenderLauncher" "$stage/sender/bootstrap"
install -m 755 "$products/helper" "$stage/helper/bootstrap"
install -m 755 "$products/sender" "$stage/layer/smsredirect/sender-core"
# Symbols are for debuggers, not for Lambda's 250 MB limit or its cold starts.
strip --strip-unneeded "$stage/sender/bootstrap" "$stage/helper/bootstrap" "$stage/layer/smsredirect/sender-core"
scripts/check-lambda-elf.sh "$stage"
rm -f "$out/sender.zip" "$out/helper.zip" "$out/encryption-sdk-layer.zip"
(cd "$stage/sender" && zip -q -X -r "$out/sender.zip" .)
(cd "$stage/helper" && zip -q -X -r "$out/helper.zip" .)
(cd "$stage/layer" && zip -q -X -r "$out/encryption-sdk-layer.zip" .)
ls -l "$out"/*.zip
