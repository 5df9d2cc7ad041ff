#!/usr/bin/env python3
"""Fails when the sender's core links more of Foundation than FoundationEssentials.

Reads the map the linker (gold or GNU ld) wrote for the sender (`-Xlinker -Map=FILE`): its
"Archive member included because of file (symbol)" section says, for every archive member linked,
which file needed which symbol. A member of Foundation, FoundationInternationalization,
CoreFoundation or ICU is a regression; the chain of references is followed back to the object file
of this package (or a dependency) that started it, and that module is named.

Usage: check-sender-closure.py MAP
"""
import re
import shutil
import subprocess
import sys
from pathlib import PurePosixPath

# The archives of full Foundation. FoundationEssentials and its own helpers
# (_FoundationCShims, _FoundationCollections) are what the sender may link.
FORBIDDEN = {
    "libFoundation.a": "Foundation",
    "libFoundationInternationalization.a": "FoundationInternationalization",
    "libCoreFoundation.a": "CoreFoundation",
    "lib_FoundationICU.a": "ICU (_FoundationICU)",
    "libFoundationNetworking.a": "FoundationNetworking",
    "libFoundationXML.a": "FoundationXML",
}
HEADERS = ("Archive member included because of file (symbol)", "Archive member included to satisfy reference by file (symbol)")
# `archive.a(member.o)`, alone on its line or followed by the referrer when the name is short.
MEMBER = re.compile(r"^(\S+?\.a)\(([^)]*)\)\s*(.*)$")
# `file (symbol)`; gold writes a member linked whole (--whole-archive) with no symbol.
REFERRER = re.compile(r"^\s*(\S+)(?:\s+\((.+)\))?\s*$")
UNKNOWN = ("(not named in the map)", "")


def parse(lines):
    """Archive member -> (referring file, symbol), from the map's archive section."""
    included = {}
    start = next((index for index, line in enumerate(lines) if line.strip() in HEADERS), None)
    if start is None:
        return None
    pending = None
    for line in lines[start + 1 :]:
        if not line.strip():
            continue
        member = MEMBER.match(line)
        if member:
            if pending:  # a member whose referrer line never came: still linked, still checked
                included[pending] = UNKNOWN
            pending = f"{member.group(1)}({member.group(2)})"
            rest = REFERRER.match(member.group(3)) if member.group(3) else None
            if rest:
                included[pending] = (rest.group(1), rest.group(2) or "")
                pending = None
            continue
        if line[0].isspace():
            referrer = REFERRER.match(line)
            if referrer and pending:
                included[pending] = (referrer.group(1), referrer.group(2) or "")
                pending = None
            continue
        break  # an unindented line that names no archive member: the map's next section
    if pending:
        included[pending] = UNKNOWN
    return included


def archive_name(member):
    return PurePosixPath(member.split("(", 1)[0]).name


def module_of(path):
    """`…/AWSCore.build/SigV4.swift.o` -> `AWSCore (SigV4.swift)`."""
    for part in PurePosixPath(path).parts:
        if part.endswith(".build") and part != ".build":
            return f"{part[: -len('.build')]} ({PurePosixPath(path).name.removesuffix('.o')})"
    return path


def demangle(symbols):
    tool = shutil.which("swift-demangle")
    if not tool or not symbols:
        return {symbol: symbol for symbol in symbols}
    result = subprocess.run([tool, "--simplified", "--compact"], input="\n".join(symbols), capture_output=True, text=True)
    names = result.stdout.splitlines() if result.returncode == 0 else symbols
    return dict(zip(symbols, names)) if len(names) == len(symbols) else {symbol: symbol for symbol in symbols}


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError as error:
        print(f"check-sender-closure: cannot read the sender's link map {argv[1]}: {error.strerror}", file=sys.stderr)
        return 2
    included = parse(lines)
    if included is None:
        print(f"check-sender-closure: {argv[1]} has no archive section: was the sender linked with -Xlinker -Map?", file=sys.stderr)
        return 2

    forbidden = [member for member in included if archive_name(member) in FORBIDDEN]
    if not forbidden:
        archives = sorted({archive_name(member) for member in included})
        print(f"sender closure: {len(included)} archive members from {len(archives)} archives, none of Foundation beyond FoundationEssentials, no ICU")
        return 0

    # For each forbidden archive, the first chain that reached it from outside Foundation.
    culprits = {}
    for member in forbidden:
        seen = {member}
        referrer, symbol = included[member]
        # Back through Foundation's own archives to the first file outside them.
        while referrer in included and archive_name(referrer) in FORBIDDEN and referrer not in seen:
            seen.add(referrer)
            referrer, symbol = included[referrer]
        culprits.setdefault((FORBIDDEN[archive_name(member)], module_of(referrer)), symbol)
    names = demangle(sorted(symbol for symbol in set(culprits.values()) if symbol))
    print("check-sender-closure: the sender's core links more of Foundation than FoundationEssentials:", file=sys.stderr)
    for (library, origin), symbol in sorted(culprits.items()):
        need = f", which needs {names.get(symbol, symbol)}" if symbol else " (linked whole)"
        print(f"  {library}: pulled in by {origin}{need}", file=sys.stderr)
    print(
        "Import FoundationEssentials in that module (`#if canImport(FoundationEssentials)`), and replace what only "
        "Foundation has (ARCHITECTURE.md, \"Why the sender avoids Foundation\").",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
