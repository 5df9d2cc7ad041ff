#!/usr/bin/env bash
# Fails when an ELF file below DIR would not start on Lambda's provided.al2023, which promises
# glibc 2.34 and nothing else:
#   - NEEDED may name only glibc's own libraries (libpthread, libdl, librt and libutil are part of
#     libc since 2.34, but a binary may still name them);
#   - no RPATH or RUNPATH may point outside the file's own folder ($ORIGIN): a path of the build
#     machine, such as its toolchain, does not exist there;
#   - no symbol version newer than glibc 2.34, libstdc++ GLIBCXX_3.4.29 (GCC 11) or CXXABI_1.3.13.
# Usage: check-lambda-elf.sh DIR
set -euo pipefail
allowed_needed='libc\.so\.6|libm\.so\.6|ld-linux-x86-64\.so\.2|ld-linux-aarch64\.so\.1|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|libutil\.so\.1'
status=0
elf_files=0
while IFS= read -r -d '' file; do
  [ "$(head -c 4 "$file" | od -An -c | tr -d ' ')" = "177ELF" ] || continue
  elf_files=$((elf_files + 1))
  dynamic=$(readelf -d "$file")
  needed=$(echo "$dynamic" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  extra=$(echo "$needed" | grep -vxE "$allowed_needed" | grep -v '^$' || true)
  if [ -n "$extra" ]; then
    echo "$file needs shared libraries Lambda's provided.al2023 does not promise: $(echo $extra)" >&2
    status=1
  fi
  paths=$(echo "$dynamic" | sed -n 's/.*(R\(UN\)\{0,1\}PATH).*\[\(.*\)\]/\2/p' | tr ':' '\n' | grep -v '^$' || true)
  outside=$(echo "$paths" | grep -vE '^\$(ORIGIN|\{ORIGIN\})(/|$)' || true)
  if [ -n "$outside" ]; then
    echo "$file has an RPATH/RUNPATH outside \$ORIGIN, which Lambda does not have: $(echo $outside)" >&2
    status=1
  fi
  versions=$(objdump -T "$file" | grep -oE '\((GLIBC|GLIBCXX|CXXABI)_[0-9.]+\)' | tr -d '()' | sort -u)
  newer=$(echo "$versions" | awk -F_ '
    $1 == "GLIBC"   { split($2, v, "."); if (v[1] > 2 || (v[1] == 2 && v[2] > 34)) print }
    $1 == "GLIBCXX" { split($2, v, "."); if (v[3] > 29) print }
    $1 == "CXXABI"  { split($2, v, "."); if (v[3] > 13) print }')
  if [ -n "$newer" ]; then
    echo "$file needs versions Lambda's provided.al2023 does not have: $(echo $newer)" >&2
    status=1
  fi
  [ -n "$extra$outside$newer" ] || echo "$file: needs $(echo $needed), newest glibc symbol version $(echo "$versions" | grep '^GLIBC_' | sort -V | tail -1)"
done < <(find "$1" -type f -print0)
if [ "$elf_files" -eq 0 ]; then
  echo "check-lambda-elf: no ELF file below $1" >&2
  status=1
fi
exit $status
