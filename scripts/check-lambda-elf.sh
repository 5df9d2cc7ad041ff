#!/usr/bin/env bash
# Fails when an ELF file below DIR needs a newer glibc (2.34), libstdc++ (GLIBCXX_3.4.29, GCC 11)
# or C++ ABI (CXXABI_1.3.13) than Lambda's provided.al2023 has.
set -euo pipefail
status=0
while IFS= read -r -d '' file; do
  [ "$(head -c 4 "$file" | od -An -c | tr -d ' ')" = "177ELF" ] || continue
  versions=$(objdump -T "$file" | grep -oE '\((GLIBC|GLIBCXX|CXXABI)_[0-9.]+\)' | tr -d '()' | sort -u)
  newer=$(echo "$versions" | awk -F_ '
    $1 == "GLIBC"   { split($2, v, "."); if (v[1] > 2 || (v[1] == 2 && v[2] > 34)) print }
    $1 == "GLIBCXX" { split($2, v, "."); if (v[3] > 29) print }
    $1 == "CXXABI"  { split($2, v, "."); if (v[3] > 13) print }')
  if [ -n "$newer" ]; then
    echo "$file needs versions Lambda's provided.al2023 does not have: $(echo $newer)" >&2
    status=1
  else
    echo "$file: newest glibc symbol version $(echo "$versions" | grep '^GLIBC_' | sort -V | tail -1)"
  fi
done < <(find "$1" -type f -print0)
exit $status
