#!/usr/bin/env bash
# Makes DIR hold only the static archives of the C and C++ libraries the Lambdas link (libstdc++,
# zlib, SQLite), so that a linker searching DIR first links them in rather than asking Lambda's
# provided.al2023 for shared libraries it does not promise. Debian ships the .a files
# (libstdc++-12-dev, zlib1g-dev, libsqlite3-dev).
# Usage: static-libs.sh DIR
set -euo pipefail
dir=$1
mkdir -p "$dir"
for archive in libstdc++.a libz.a libsqlite3.a; do
  path=$(cc -print-file-name="$archive")
  if [ "$path" = "$archive" ] || [ ! -f "$path" ]; then
    echo "static-libs: $archive not found: install libstdc++-12-dev zlib1g-dev libsqlite3-dev (make deps does)" >&2
    exit 1
  fi
  ln -sf "$path" "$dir/$archive"
done
