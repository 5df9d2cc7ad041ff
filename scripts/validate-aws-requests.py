#!/usr/bin/env python3
"""Checks every awsJson request a test run sent to moto with botocore's own parameter validator.

moto takes requests that AWS would refuse (an unknown member, a string too long, a wrong type);
botocore's ParamValidator knows the service model's shapes, required members, types and lengths.
It reads moto's recording (scripts/with-moto.sh turns it on): every request the tests, the CLI and
the shipped Lambdas in their bare root sent, one JSON object a line.

  validate-aws-requests.py RECORDING
      prints a count per operation; exits 1 naming each request that fails, with botocore's report.
  validate-aws-requests.py --documents SERVICE OPERATION FILE...
      validates each file as that operation's input (the tests' UpdateUserPool requests built from
      DescribeUserPool fixtures); prints `ok FILE` or `invalid FILE: report`.

Request bodies are never printed: they can hold codes and ciphertexts.
"""
import base64
import collections
import json
import sys

import botocore.loaders
import botocore.model
from botocore.validate import ParamValidator

# The awsJson services the project calls (SNS, STS and IAM speak awsQuery, Lambda and S3 REST).
SERVICES = ["cognito-idp", "kms", "sqs"]


def validate_documents(service, operation, paths):
    model = botocore.model.ServiceModel(botocore.loaders.Loader().load_service_model(service, "service-2"), service_name=service)
    shape = model.operation_model(operation).input_shape
    validator = ParamValidator()
    failed = False
    for path in paths:
        with open(path) as handle:
            report = validator.validate(json.load(handle), shape)
        if report.has_errors():
            failed = True
            print(f"invalid {path}: " + report.generate_report().replace("\n", "; "))
        else:
            print(f"ok {path}")
    sys.exit(1 if failed else 0)


def read_recording(path):
    """The recorded requests. moto's threads append each entry and its newline in separate
    writes, so two entries can share a line: each line is read as a run of JSON objects. What
    still cannot be read (writes interleaved inside an entry) is counted, not guessed at."""
    decoder = json.JSONDecoder()
    entries, unreadable = [], 0
    with open(path) as recording:
        for line in recording:
            position, line = 0, line.strip()
            while position < len(line):
                try:
                    entry, end = decoder.raw_decode(line, position)
                except ValueError:
                    unreadable += 1
                    break
                entries.append(entry)
                position = end
                while position < len(line) and line[position].isspace():
                    position += 1
    return entries, unreadable


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "--documents":
        validate_documents(sys.argv[2], sys.argv[3], sys.argv[4:])
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    loader = botocore.loaders.Loader()
    models = {}
    for name in SERVICES:
        model = botocore.model.ServiceModel(loader.load_service_model(name, "service-2"), service_name=name)
        models[model.metadata["targetPrefix"]] = model
    validator = ParamValidator()
    counts = collections.Counter()
    failures = []
    entries, unreadable = read_recording(sys.argv[1])
    for number, entry in enumerate(entries, 1):
        headers = {key.lower(): value for key, value in entry.get("headers", {}).items()}
        target = headers.get("x-amz-target", "")
        prefix, _, operation = target.partition(".")
        model = models.get(prefix)
        if model is None:
            continue
        body = entry.get("body") or ""
        if entry.get("body_encoded"):
            body = base64.b64decode(body).decode("utf-8")
        try:
            params = json.loads(body) if body else {}
        except ValueError:
            failures.append(f"request {number}: {model.service_name} {operation}: the body is not JSON")
            continue
        counts[f"{model.service_name} {operation}"] += 1
        try:
            shape = model.operation_model(operation).input_shape
        except botocore.model.OperationNotFoundError:
            failures.append(f"request {number}: {model.service_name} has no operation {operation!r}")
            continue
        if shape is None:
            continue
        report = validator.validate(params, shape)
        if report.has_errors():
            failures.append(f"request {number}: {model.service_name} {operation}:\n  " + report.generate_report().replace("\n", "\n  "))
    total = sum(counts.values())
    print(f"botocore {botocore.__version__} validated {total} awsJson requests the tests sent to moto"
          + (f" ({unreadable} recorded line(s) interleaved by moto's threads could not be read)" if unreadable else "") + ":")
    for operation, count in sorted(counts.items()):
        print(f"  {count:6d}  {operation}")
    if not counts.get("cognito-idp UpdateUserPool"):
        failures.append("no UpdateUserPool request was recorded: is moto's recorder on (scripts/with-moto.sh)?")
    if failures:
        print(f"{len(failures)} request(s) AWS would refuse:", file=sys.stderr)
        for failure in failures:
            print(failure, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
