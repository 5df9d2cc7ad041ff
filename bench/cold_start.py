#!/usr/bin/env python3
"""Cold-start benchmark: median time from spawning a bootstrap to its first answer.

Runs `smsredirect invoke --timing` N times (a fresh process each time) and reports the
"time to first answer" it prints: process start -> first response/error posted to the
loopback Runtime API, i.e. cold start plus one trivial invocation.

  bench/cold_start.py --smsredirect .build/release/smsredirect -n 20 -- \
      --bootstrap .build/release/EchoLambda --env ECHO_GREETING=x
  bench/cold_start.py -n 20 -- --bootstrap python3 --arg -m --arg awslambdaric \
      --arg echo_handler.handler --env PYTHONPATH=Tests/python
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

PATTERN = re.compile(r"time to first answer: ([0-9.e-]+) seconds")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smsredirect", default=".build/release/smsredirect")
    parser.add_argument("-n", "--runs", type=int, default=20)
    parser.add_argument("--event", default='{"echo":"cold"}')
    parser.add_argument("invoke_args", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    invoke_args = [a for a in args.invoke_args if a != "--"]

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as event:
        event.write(args.event)
    samples = []
    try:
        for _ in range(args.runs):
            run = subprocess.run(
                [args.smsredirect, "invoke", "--timing", "--timeout", "30", "--event", event.name, *invoke_args],
                capture_output=True, text=True,
            )
            match = PATTERN.search(run.stderr)
            if run.returncode != 0 or not match:
                sys.stderr.write(run.stderr)
                return 1
            samples.append(float(match.group(1)) * 1000)
    finally:
        os.unlink(event.name)

    samples.sort()
    print(f"runs={len(samples)} median_ms={statistics.median(samples):.2f} "
          f"min_ms={samples[0]:.2f} max_ms={samples[-1]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
