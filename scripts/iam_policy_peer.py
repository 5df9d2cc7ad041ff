#!/usr/bin/env python3
"""Peer for the Swift IAMPolicy cross-check: moto's evaluator of identity policies
(moto/iam/access_control.py, class IAMPolicy, moto==5.2.1 as pinned in scripts/pins.sh),
asked the same questions as the Swift engine.

stdin   JSON list of cases, each {"policies": [policy document, ...], "action": "sns:Publish",
        "resource": "arn:...", "principal": "arn:..." (optional), "context": {"key": "value"} (optional)}
stdout  JSON list, one verdict per case: "allowed", "explicitlyDenied", "implicitlyDenied",
        or {"error": "..."} when moto raises on the case.

The policies of a case are combined as moto's IAMRequestBase.check_action_permitted combines a
caller's policies: any DENIED wins, else any PERMITTED allows, else nothing does.
"""
import json
import sys

from moto.iam.access_control import IAMPolicy, PermissionResult


def verdict(case):
    permitted = False
    for document in case["policies"]:
        result = IAMPolicy(json.dumps(document)).is_action_permitted(
            case["action"], case["resource"], case.get("principal"), case.get("context") or None)
        if result == PermissionResult.DENIED:
            return "explicitlyDenied"
        if result == PermissionResult.PERMITTED:
            permitted = True
    return "allowed" if permitted else "implicitlyDenied"


def main():
    results = []
    for case in json.load(sys.stdin):
        try:
            results.append(verdict(case))
        except Exception as error:  # a case moto cannot read is reported, not fatal to the others
            results.append({"error": f"{type(error).__name__}: {error}"})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
