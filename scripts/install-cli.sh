#!/usr/bin/env bash
# Installs the CLI from its archive (dist/smsredirect-VERSION-linux-x86_64.tar.gz) under PREFIX:
# PREFIX/bin/smsredirect and PREFIX/share/doc/smsredirect/README.md (with docs/user-guide.md and
# docs/operator-guide.md beside it).
# Usage: install-cli.sh ARCHIVE PREFIX
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 ARCHIVE PREFIX" >&2; exit 2; }
archive=$1 prefix=$2
[ -f "$archive" ] || { echo "install-cli: $archive does not exist: run \`make package\` first" >&2; exit 1; }
mkdir -p "$prefix"
tar -xzf "$archive" --strip-components=1 --no-same-owner -C "$prefix"
echo "installed $prefix/bin/smsredirect ($("$prefix/bin/smsredirect" --version))"
