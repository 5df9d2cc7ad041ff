#!/usr/bin/env bash
# Runs PROGRAM inside ROOT (laid out by scripts/lambda-root.sh) as Lambda runs a function in its
# sandbox: in a mount namespace of its own, with /proc and the /dev nodes Lambda provides mounted
# there, then chroot. The mounts vanish with the namespace when the program ends, and every step
# execs, so the program keeps this script's process id (a caller can signal it and read its
# /proc/<pid>/status). Needs root (CAP_SYS_ADMIN for the namespace and mounts, CAP_SYS_CHROOT).
# Its own tools are named by path: the environment, PATH included, is the one meant for PROGRAM.
# Usage: enter-lambda-root.sh ROOT PROGRAM [ARGUMENT ...]
set -euo pipefail
if [ "${1:-}" != --inside ]; then
  [ $# -ge 2 ] || { echo "usage: $0 ROOT PROGRAM [ARGUMENT ...]" >&2; exit 2; }
  exec /usr/bin/unshare --mount --propagation private -- "$0" --inside "$@"
fi
shift
root=$1
shift
mkdir -p "$root/proc" "$root/dev"
/usr/bin/mount -t proc proc "$root/proc"
for node in null zero random urandom; do
  [ -e "$root/dev/$node" ] || touch "$root/dev/$node"
  /usr/bin/mount --bind "/dev/$node" "$root/dev/$node"
done
exec /usr/sbin/chroot "$root" "$@"
