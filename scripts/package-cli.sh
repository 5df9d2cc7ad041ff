#!/usr/bin/env bash
# Lays out the smsredirect CLI for any Linux x86-64 runner with glibc 2.34 or newer:
#   smsredirect-VERSION/bin/smsredirect               statically linked, stripped
#   smsredirect-VERSION/share/doc/smsredirect/README.md
#   smsredirect-VERSION/share/doc/smsredirect/docs/user-guide.md, docs/operator-guide.md
# checks every ELF file in it as the Lambdas' are checked (glibc only, nothing newer than 2.34),
# and writes OUTPUT_DIR/smsredirect-VERSION-linux-x86_64.tar.gz.
# Usage: package-cli.sh BINARY VERSION OUTPUT_DIR
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 BINARY VERSION OUTPUT_DIR" >&2; exit 2; }
binary=$1 version=$2
[ -n "$version" ] || { echo "package-cli: no version (Sources/smsredirect/Release.swift)" >&2; exit 2; }
mkdir -p "$3"
out=$(cd "$3" && pwd)
name="smsredirect-$version"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
install -D -m 755 "$binary" "$stage/$name/bin/smsredirect"
install -D -m 644 README.md "$stage/$name/share/doc/smsredirect/README.md"
install -D -m 644 docs/user-guide.md "$stage/$name/share/doc/smsredirect/docs/user-guide.md"
install -D -m 644 docs/operator-guide.md "$stage/$name/share/doc/smsredirect/docs/operator-guide.md"
strip --strip-unneeded "$stage/$name/bin/smsredirect"
scripts/check-lambda-elf.sh "$stage"
archive="$out/$name-linux-x86_64.tar.gz"
rm -f "$out"/smsredirect-*-linux-x86_64.tar.gz
# Owner, group and times fixed, so the archive depends only on its content.
tar --owner=0 --group=0 --numeric-owner --mtime=@0 --sort=name -C "$stage" -czf "$archive" "$name"
ls -l "$archive"
