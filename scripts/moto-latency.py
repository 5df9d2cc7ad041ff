#!/usr/bin/env python3
"""Reads the latency logs scripts/moto-server.py writes and says where the time went.

    moto-latency.py LOG [LOG ...] [--window SECONDS] [--slowest N]

For each window from the first request on: how many requests were answered, their median, 95th
percentile and maximum time; then the slowest requests with their operation. A request's time
runs from when the server read it to when its whole answer was ready.
"""

import argparse
import json
import statistics


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("logs", nargs="+")
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument("--slowest", type=int, default=15)
    parser.add_argument(
        "--all", action="store_true", help="count ReceiveMessage too (left out by default: a long poll waits on purpose)")
    args = parser.parse_args()

    requests = []
    for path in args.logs:
        with open(path) as log:
            for line in log:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue
                entry["log"] = path
                if args.all or entry["op"] != "ReceiveMessage":
                    requests.append(entry)
    if not requests:
        print("no requests logged")
        return
    first = min(entry["start"] for entry in requests)
    last = max(entry["start"] + entry["ms"] / 1000 for entry in requests)
    print(f"{len(requests)} requests over {last - first:.1f} s" + ("" if args.all else " (ReceiveMessage left out: long polls wait on purpose)"))
    print(f"{'window':>13}  {'count':>5}  {'median ms':>9}  {'p95 ms':>8}  {'max ms':>8}")
    window = 0
    while first + window * args.window <= last:
        low, high = first + window * args.window, first + (window + 1) * args.window
        times = [entry["ms"] for entry in requests if low <= entry["start"] < high]
        if times:
            print(
                f"{window * args.window:>6.0f}–{(window + 1) * args.window:<5.0f}s  {len(times):>5}  {statistics.median(times):>9.1f}"
                f"  {percentile(times, 0.95):>8.1f}  {max(times):>8.1f}"
            )
        window += 1
    print(f"slowest {args.slowest}:")
    for entry in sorted(requests, key=lambda entry: -entry["ms"])[: args.slowest]:
        print(
            f"  +{entry['start'] - first:7.1f} s  {entry['ms']:9.1f} ms  {entry['service']:>12} {entry['op']}"
            f"  ({entry['status']}, {entry['bytes']} bytes in, {entry.get('threads', '?')} threads)"
        )


if __name__ == "__main__":
    main()
