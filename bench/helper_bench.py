#!/usr/bin/env python3
"""Helper benchmark (issue 5): CloudFormation Create + Delete of the helper against moto.

Side by side in one run, on the same moto server:
  swift   the release `helper` bootstrap (the layer is prebuilt: LayerVersionArn property)
  sample  bench/sample_helper.py, a stand-in for the AWS sample's helper, which pip-installs the
          Encryption SDK, zips it and publishes it as a layer on every Create (from local wheels)

Each measured step is one `smsredirect invoke` of a fresh bootstrap process (a cold Lambda) with
one event, timed with time.perf_counter around the subprocess. Wall time therefore includes
`smsredirect invoke` itself (its loopback Runtime API) for both sides alike.

AWS calls are the HTTP requests moto's server logged during the step (MOTO_PLAIN_LOG, exported by
scripts/with-moto.sh), the PUT of the CloudFormation response to the presigned S3 URL included.
Setup and verification happen outside the measured window. Each repetition gets a fresh pool
(fixture), KMS key, role, sender function (and, for swift, layer and journal). Any run that does
not answer SUCCESS, or leaves the pool wrong, fails the benchmark.

  scripts/with-moto.sh python3 bench/helper_bench.py --swift-helper .build/release/helper \
      --smsredirect .build/release/smsredirect --wheels .build/bench-wheels
"""

import argparse
import collections
import io
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile

import boto3
from botocore.config import Config

ROOT = pathlib.Path(__file__).resolve().parent.parent
ACCOUNT = "123456789012"
REQUEST_LINE = re.compile(r'^\S+ - - \[[^\]]*\] "[A-Z]+ ')
FIRST_ANSWER = re.compile(r"time to first answer: ([0-9.e-]+) seconds")
ASSUME_LAMBDA = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


class Failure(Exception):
    pass


# One measured step: wall seconds around `smsredirect invoke`, the AWS calls moto served meanwhile,
# and the bootstrap's own spawn-to-answer seconds (`smsredirect invoke --timing`).
Step = collections.namedtuple("Step", "seconds calls bootstrap_seconds")


def empty_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bootstrap", "")
    return buffer.getvalue()


class CallCounter:
    """Counts the request lines moto's server has logged so far."""

    def __init__(self, path):
        self.path = path

    def _count(self):
        with open(self.path, encoding="utf-8", errors="replace") as log:
            return sum(1 for line in log if REQUEST_LINE.match(line))

    def settled(self):
        # The server logs a request as it answers it: wait until the count stops moving.
        last = self._count()
        for _ in range(50):
            time.sleep(0.05)
            now = self._count()
            if now == last:
                return now
            last = now
        return last


class Moto:
    def __init__(self):
        s3_config = Config(s3={"addressing_style": "path"})
        self.cognito = boto3.client("cognito-idp")
        self.kms = boto3.client("kms")
        self.iam = boto3.client("iam")
        self.lambda_ = boto3.client("lambda")
        self.s3 = boto3.client("s3", config=s3_config)
        self.bucket = "bench-helper-" + uuid.uuid4().hex[:12]
        self.s3.create_bucket(Bucket=self.bucket)

    def target(self, fixture, runtime, tag):
        """A pool made from the fixture, a KMS key and a sender function (its role first)."""
        key_arn = self.kms.create_key(Description="bench " + tag)["KeyMetadata"]["Arn"]
        request = json.loads(fixture.read_text().replace("${KMS_KEY_ARN}", key_arn))
        request["PoolName"] = "bench-" + tag
        pool_id = self.cognito.create_user_pool(**request)["UserPool"]["Id"]
        role = self.iam.create_role(RoleName="bench-" + tag, AssumeRolePolicyDocument=ASSUME_LAMBDA)["Role"]["Arn"]
        function_arn = self.lambda_.create_function(
            FunctionName="bench-sender-" + tag, Runtime=runtime, Role=role,
            Handler="bootstrap" if runtime.startswith("provided") else "index.handler",
            Code={"ZipFile": empty_zip()})["FunctionArn"]
        return {"pool": pool_id, "key": key_arn, "function": function_arn}

    def response_url(self, request_id):
        return self.s3.generate_presigned_url("put_object", Params={"Bucket": self.bucket, "Key": "responses/" + request_id}, ExpiresIn=3600)

    def response(self, request_id):
        """The response the helper PUT to its ResponseURL; a helper that PUT none fails the benchmark."""
        try:
            return json.loads(self.s3.get_object(Bucket=self.bucket, Key="responses/" + request_id)["Body"].read())
        except self.s3.exceptions.NoSuchKey:
            raise Failure("no response was PUT for request %s" % request_id) from None

    def lambda_config(self, pool_id):
        return self.cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"].get("LambdaConfig", {})


def event(moto, kind, properties, physical_id=None):
    request_id = str(uuid.uuid4())
    document = {
        "RequestType": kind, "ResponseURL": moto.response_url(request_id),
        "StackId": "arn:aws:cloudformation:us-east-1:%s:stack/bench-helper/%s" % (ACCOUNT, uuid.uuid4()),
        "RequestId": request_id, "ResourceType": "Custom::SMSRedirectAttachment", "LogicalResourceId": "Attachment",
        "ResourceProperties": dict(properties, ServiceToken="arn:aws:lambda:us-east-1:%s:function:helper" % ACCOUNT, ServiceTimeout="300"),
    }
    if physical_id is not None:
        document["PhysicalResourceId"] = physical_id
    return document


class Runner:
    def __init__(self, args, moto, counter, scratch):
        self.args = args
        self.moto = moto
        self.counter = counter
        self.scratch = scratch

    def invoke(self, label, document, bootstrap, extra_args, env):
        """One measured step: a fresh bootstrap process answers one event. Returns (Step, response)."""
        path = os.path.join(self.scratch, "event-%s.json" % document["RequestId"])
        with open(path, "w") as handle:
            json.dump(document, handle)
        command = [self.args.smsredirect, "invoke", "--bootstrap", bootstrap, *extra_args, "--event", path,
                   "--timeout", "300", "--timing", "--region", "us-east-1", "--function-name", label]
        for name, value in env.items():
            command += ["--env", "%s=%s" % (name, value)]
        before = self.counter.settled()
        started = time.perf_counter()
        run = subprocess.run(command, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        calls = self.counter.settled() - before
        if run.returncode != 0:
            raise Failure("%s %s: smsredirect invoke exited %d\n%s" % (label, document["RequestType"], run.returncode, run.stderr[-4000:]))
        response = self.moto.response(document["RequestId"])
        if response.get("Status") != "SUCCESS":
            raise Failure("%s %s answered %s: %s" % (label, document["RequestType"], response.get("Status"), response.get("Reason")))
        answered = FIRST_ANSWER.search(run.stderr)
        if not answered:
            raise Failure("%s %s: no 'time to first answer' from smsredirect invoke --timing" % (label, document["RequestType"]))
        return Step(elapsed, calls, float(answered.group(1))), response

    def check_attached(self, label, target, attached):
        config = self.moto.lambda_config(target["pool"])
        sender = config.get("CustomSMSSender", {}).get("LambdaArn")
        if attached and (sender != target["function"] or config.get("KMSKeyID") != target["key"]):
            raise Failure("%s Create left the pool without the redirect: %s" % (label, config))
        if not attached and ("CustomSMSSender" in config or "KMSKeyID" in config):
            raise Failure("%s Delete left the redirect on the pool: %s" % (label, config))

    def swift(self, repetition):
        tag = "swift-%d-%s" % (repetition, uuid.uuid4().hex[:6])
        target = self.moto.target(self.args.fixture, "provided.al2023", tag)
        # The Encryption SDK layer is built once, at deploy time, not by the helper: a prebuilt version.
        layer = self.moto.lambda_.publish_layer_version(LayerName="encryption-sdk-" + tag, Content={"ZipFile": empty_zip()},
                                                        CompatibleRuntimes=["provided.al2023"])["LayerVersionArn"]
        properties = {"UserPoolId": target["pool"], "SenderFunctionArn": target["function"], "KmsKeyArn": target["key"], "LayerVersionArn": layer}
        env = {"JOURNAL_URI": "s3://%s/journal/%s.sqlite" % (self.moto.bucket, tag)}
        create = self.invoke("swift", event(self.moto, "Create", properties), self.args.swift_helper, [], env)
        self.check_attached("swift", target, True)
        physical_id = create[1]["PhysicalResourceId"]
        delete = self.invoke("swift", event(self.moto, "Delete", properties, physical_id), self.args.swift_helper, [], env)
        self.check_attached("swift", target, False)
        return create[0], delete[0]

    def sample(self, repetition):
        tag = "sample-%d-%s" % (repetition, uuid.uuid4().hex[:6])
        target = self.moto.target(self.args.fixture, "python3.9", tag)
        properties = {"LayerName": "CognitoCustomSMSSenderTestingLambdaLayer-" + tag,
                      "Package": "aws-encryption-sdk==4.0.7", "TargetLambda": target["function"].split(":")[6]}
        env = {"USER_POOL_ID": target["pool"], "KMS_KEY_ARN": target["key"], "CUSTOM_SMS_SENDER_LAMBDA_ARN": target["function"],
               "BENCH_WHEELS": os.path.abspath(self.args.wheels), "PYTHONPATH": str(ROOT / "bench")}
        ric = ["--arg", "-m", "--arg", "awslambdaric", "--arg", "sample_helper.handler"]
        create = self.invoke("sample", event(self.moto, "Create", properties), sys.executable, ric, env)
        self.check_attached("sample", target, True)
        physical_id = create[1]["PhysicalResourceId"]
        delete = self.invoke("sample", event(self.moto, "Delete", properties, physical_id), sys.executable, ric, env)
        self.check_attached("sample", target, False)
        return create[0], delete[0]


def summary(samples):
    """samples: list of (create Step, delete Step)."""
    total = [c.seconds + d.seconds for c, d in samples]
    return {
        "create": statistics.median(c.seconds for c, _ in samples), "delete": statistics.median(d.seconds for _, d in samples),
        "total": statistics.median(total), "total_min": min(total), "total_max": max(total),
        "boot_create": statistics.median(c.bootstrap_seconds for c, _ in samples),
        "boot_delete": statistics.median(d.bootstrap_seconds for _, d in samples),
        # Calls are counts, not timings: every distinct value is shown (one, when the flow is deterministic).
        "calls_create": "/".join(str(n) for n in sorted({c.calls for c, _ in samples})),
        "calls_delete": "/".join(str(n) for n in sorted({d.calls for _, d in samples})),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--swift-helper", default=".build/release/helper")
    parser.add_argument("--smsredirect", default=".build/release/smsredirect")
    parser.add_argument("--wheels", default=".build/bench-wheels")
    parser.add_argument("--fixture", type=pathlib.Path, default=ROOT / "fixtures/pools/18-rich.json")
    parser.add_argument("-n", "--repetitions", type=int, default=5)
    args = parser.parse_args()

    for name in ("AWS_ENDPOINT_URL", "MOTO_PLAIN_LOG"):
        if not os.environ.get(name):
            sys.exit("%s is not set: run under scripts/with-moto.sh" % name)
    if not list(pathlib.Path(args.wheels).glob("aws_encryption_sdk-*.whl")):
        sys.exit("no aws_encryption_sdk wheel in %s: `pip download aws-encryption-sdk==4.0.7 -d %s` first" % (args.wheels, args.wheels))

    moto = Moto()
    counter = CallCounter(os.environ["MOTO_PLAIN_LOG"])
    results = {"swift": [], "sample": []}
    with tempfile.TemporaryDirectory() as scratch:
        runner = Runner(args, moto, counter, scratch)
        try:
            for repetition in range(args.repetitions):
                # Alternate which side goes first, so neither always meets a fresher moto.
                order = ["swift", "sample"] if repetition % 2 == 0 else ["sample", "swift"]
                for side in order:
                    create, delete = getattr(runner, side)(repetition)
                    results[side].append((create, delete))
                    print("rep %d %-6s Create %7.3fs %3d calls   Delete %7.3fs %3d calls"
                          % (repetition + 1, side, create.seconds, create.calls, delete.seconds, delete.calls), flush=True)
        except Failure as failure:
            print("FAILED: %s" % failure, file=sys.stderr)
            return 1

    swift, sample = summary(results["swift"]), summary(results["sample"])
    print()
    print("helper Create + Delete against moto, %d repetitions, medians (cold: one fresh process per event)" % args.repetitions)
    print("%-38s %10s %10s %10s %13s %13s" % ("", "Create", "Delete", "total", "calls Create", "calls Delete"))
    rows = (("swift helper (prebuilt layer)", swift), ("sample stand-in (pip + zip + publish)", sample))
    for name, row in rows:
        print("%-38s %9.3fs %9.3fs %9.3fs %13s %13s" % (name, row["create"], row["delete"], row["total"], row["calls_create"], row["calls_delete"]))
    print("Create + Delete range over the repetitions: swift %.3f-%.3fs, sample %.3f-%.3fs"
          % (swift["total_min"], swift["total_max"], sample["total_min"], sample["total_max"]))
    print("of which the bootstrap, spawn to answer (smsredirect invoke --timing), medians:")
    for name, row in rows:
        print("  %-36s Create %7.3fs   Delete %7.3fs" % (name, row["boot_create"], row["boot_delete"]))
    ratio = sample["total"] / swift["total"]
    print("ratio (sample / swift, Create + Delete wall time): %.1fx  (target: at least 20x: %s)" % (ratio, "met" if ratio >= 20 else "NOT met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
