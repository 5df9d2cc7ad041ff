#!/usr/bin/env python3
"""Fails when a secret the tests recorded appears in the test run's output or in any log the tests
wrote, or when the tests recorded fewer secrets of a kind than the suite is known to make (a kind
that stops being recorded must fail the check, not pass it).

Usage: check-secrets-not-logged.py LEDGER OUTPUT LOG_DIR

The ledger holds `kind<TAB>value` lines (Tests/TestSupport/SecretLedger.swift). A short secret (a
six-digit code) is matched as a whole token: not inside a longer run of letters and digits, and
not as the fraction or a field of a timestamp (after '.' or ':', or before '.'/':' and a digit).
"""
import os
import re
import sys
from collections import defaultdict

# What one `make test` records at least, per kind (measured, then rounded down with room for the
# suites that draw a variable number). Raise these when tests add more; never lower one to pass.
MINIMUMS = {"code": 60, "password": 4, "ciphertext": 15, "responseURLSignature": 60}
LONG = 12  # at this length a plain substring match cannot be a coincidence


def token_pattern(secret):
    return r"(?<![A-Za-z0-9_.:])" + re.escape(secret) + r"(?![A-Za-z0-9_]|[.:][0-9])"


def main(ledger, output, log_dir):
    secrets = defaultdict(set)
    try:
        with open(ledger, encoding="utf-8") as handle:
            for line in handle:
                kind, _, value = line.rstrip("\n").partition("\t")
                if value:
                    secrets[kind].add(value)
    except FileNotFoundError:
        pass
    short = sorted({s for values in secrets.values() for s in values if len(s) < LONG}, key=len, reverse=True)
    long_ = {s for values in secrets.values() for s in values if len(s) >= LONG}
    short_re = re.compile("|".join(token_pattern(s) for s in short)) if short else None

    files = [output] + sorted(os.path.join(root, name) for root, _, names in os.walk(log_dir) for name in names) if os.path.isdir(log_dir) else [output]
    leaks = []
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, 1):
                found = [s for s in long_ if s in line]
                if short_re:
                    found += [m.group(0) for m in short_re.finditer(line)]
                for secret in found:
                    # The report itself must not print the secret: name its kind, mask it in the line.
                    kind = next(k for k, values in secrets.items() if secret in values)
                    leaks.append(f"{path}:{number}: a {kind} of {len(secret)} characters, in: {line.strip().replace(secret, '<' + kind + '>')[:160]}")

    short_kinds = [f"{kind} {len(secrets.get(kind, ()))} (at least {minimum})" for kind, minimum in MINIMUMS.items() if len(secrets.get(kind, ())) < minimum]
    if short_kinds:
        print("secret check: the tests recorded too few secrets of a kind, so the check would miss them: " + "; ".join(short_kinds), file=sys.stderr)
        print(f"  (ledger {ledger}; did a suite stop recording, or not run?)", file=sys.stderr)
        return 1
    if leaks:
        print(f"secret check: {len(leaks)} recorded secret(s) appear in the run's output or logs:", file=sys.stderr)
        for leak in leaks[:10]:
            print("  " + leak, file=sys.stderr)
        return 1
    counts = ", ".join(f"{len(secrets[k])} {k}s" for k in MINIMUMS)
    print(f"secret check: none of the secrets the tests made ({counts}) appears in the run's output or the {len(files) - 1} logs under {log_dir}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    sys.exit(main(*sys.argv[1:]))
