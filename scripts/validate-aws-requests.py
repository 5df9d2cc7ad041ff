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
    with open(sys.argv[1]) as recording:
        for number, line in enumerate(recording, 1):
            entry = json.loads(line)
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
    print(f"botocore {botocore.__version__} validated {total} awsJson requests the tests sent to moto:")
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
