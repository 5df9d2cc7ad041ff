#!/usr/bin/env bash
# Lays out ROOT as Lambda's provided.al2023 lays out a function's sandbox, holding nothing but
# glibc: the function zip unpacked in /var/task, each layer zip in /opt, an empty writable /tmp,
# glibc's own shared libraries copied from this machine (the libc6 package's files, at the paths
# its loader searches), and /etc/hosts + /etc/nsswitch.conf so that `localhost` resolves through
# NSS; /proc and /dev are mount points for scripts/enter-lambda-root.sh, which enters it. No Swift
# runtime, no libstdc++, no zlib, no SQLite: a binary that needs any of them fails to start there,
# as it would on Lambda.
# Usage: lambda-root.sh ROOT FUNCTION_ZIP|CLI_TAR_GZ [LAYER_ZIP ...]
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 ROOT FUNCTION_ZIP [LAYER_ZIP ...]" >&2; exit 2; }
root=$1 function_zip=$2
shift 2
rm -rf "$root"
mkdir -p "$root/var/task" "$root/opt" "$root/tmp" "$root/etc" "$root/dev" "$root/proc"
chmod 1777 "$root/tmp"
# A function zip; or the CLI's tar.gz (its top folder dropped), to run the CLI as bare as a Lambda.
case "$function_zip" in
  *.tar.gz) tar -xzf "$function_zip" --strip-components=1 -C "$root/var/task" ;;
  *) unzip -q "$function_zip" -d "$root/var/task" ;;
esac
for layer in "$@"; do unzip -q -o "$layer" -d "$root/opt"; done

# glibc's libraries only (not its gconv modules, not its programs), dereferenced.
libraries=$(dpkg -L libc6 | grep -E '^/(usr/)?lib(64|/[^/]+)?/[^/]+\.so(\.[0-9]+)*$' | grep -v /gconv/)
[ -n "$libraries" ] || { echo "lambda-root: dpkg -L libc6 listed no libraries" >&2; exit 1; }
for library in $libraries; do
  mkdir -p "$root$(dirname "$library")"
  cp -L "$library" "$root$library"
done
[ -e "$root/lib64/ld-linux-x86-64.so.2" ] || [ "$(uname -m)" != x86_64 ] || {
  echo "lambda-root: the loader /lib64/ld-linux-x86-64.so.2 is missing from $root" >&2; exit 1; }

printf '127.0.0.1 localhost\n::1 localhost ip6-localhost\n' >"$root/etc/hosts"
printf 'hosts: files dns\npasswd: files\ngroup: files\n' >"$root/etc/nsswitch.conf"
